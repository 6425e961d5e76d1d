# The model of Genode's libc on Linux: _build/model/libc.lib.so and posix.lib.so.
# Run from the repository root: make -f host/libc/model.mk  (the root Makefile's `make model` does this).
#
# libc.lib.so exports exactly what _build/model/libc.ver allows; that version script is generated on every build
# by syscalls/cmd/mkversion (which reads syscalls/table.tsv through package genodego/syscalls): every function whose
# status is not "missing" and that the model defines, plus host/libc/abi-neutral.txt. The build fails when a non-missing table function has no
# implementation, unless host/libc/not-modeled.txt names it (the list is printed on every build).

TOP     ?= $(CURDIR)
SRC     := $(TOP)/host/libc
OUT     := $(TOP)/_build/model
OBJ     := $(OUT)/obj
CC      ?= gcc
NM      ?= nm
GO      ?= go
CFLAGS  := -O2 -g -fPIC -Wall -Wextra -Wno-unused-parameter -Wno-builtin-declaration-mismatch -D_GNU_SOURCE \
           -fno-stack-protector -I$(SRC) -I$(TOP)/host/include

# One unit per concern; see host/libc/README.md.
SOURCES := model_config.c model_glibc.c model_log.c model_sys.c model_thread.c model_mem.c model_time.c model_signal.c model_fault.c model_proc.c model_cstr.c model_vfs.c model_fd.c model_poll.c model_sock.c model_sockfs.c model_passwd.c model_realpath.c model_resolver.c model_tty.c model_alarm.c

OBJS    := $(addprefix $(OBJ)/,$(SOURCES:.c=.o))
HEADERS := $(wildcard $(SRC)/*.h $(TOP)/host/include/genode/freebsd_values.h)

all: $(OUT)/libc.lib.so $(OUT)/posix.lib.so

$(OBJ)/%.o: $(SRC)/%.c $(HEADERS) $(SRC)/model.mk
	@mkdir -p $(OBJ)
	$(CC) $(CFLAGS) $(CFLAGS_$*) -c $< -o $@

# string functions must stay loops, not calls to themselves
CFLAGS_model_cstr := -fno-builtin -fno-tree-loop-distribute-patterns
# malloc + memset must not become a call of calloc (which calls malloc)
CFLAGS_model_mem := -fno-builtin

# strong global definitions only: a weak fallback does not count as an implementation
$(OUT)/libc.defined: $(OBJS)
	$(NM) -g --defined-only --format=posix $(OBJS) | awk 'NF >= 2 && $$2 ~ /^[TDBR]$$/ { print $$1 }' | sort -u > $@

$(OUT)/libc.ver: $(OUT)/libc.defined $(TOP)/syscalls/table.tsv $(SRC)/abi-neutral.txt $(SRC)/not-modeled.txt \
                 $(wildcard $(TOP)/syscalls/*.go $(TOP)/syscalls/cmd/mkversion/*.go)
	cd $(TOP)/syscalls && GOWORK=off GOFLAGS= $(GO) run ./cmd/mkversion -table $(TOP)/syscalls/table.tsv \
		-neutral $(SRC)/abi-neutral.txt -not-modeled $(SRC)/not-modeled.txt -defined $(OUT)/libc.defined -o $@

$(OUT)/libc.lib.so: $(OBJS) $(OUT)/libc.ver
	$(CC) -shared -o $@ $(OBJS) -Wl,-soname,libc.lib.so -Wl,--version-script=$(OUT)/libc.ver -Wl,-z,defs -ldl

$(OUT)/posix.ver:
	@mkdir -p $(OUT)
	printf '{\n  global:\n    _ZN4Libc9Component9constructERNS_3EnvE;\n  local:\n    *;\n};\n' > $@

$(OUT)/posix.lib.so: $(OBJ)/posix_main.o $(OUT)/libc.lib.so $(OUT)/posix.ver
	$(CC) -shared -o $@ $(OBJ)/posix_main.o -Wl,-soname,posix.lib.so -Wl,--version-script=$(OUT)/posix.ver \
		-L$(OUT) -l:libc.lib.so -ldl

clean:
	rm -rf $(OUT)

.PHONY: all clean
