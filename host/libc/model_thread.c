/*
 * Threads, stacks and the libc "kernel" of the model.
 *
 * Genode facts modeled here (genodelabs/genode):
 *  - stack area: 256 MiB at 0x40000000 in 1 MiB slots, so at most 256 stacks per component
 *    (repos/base/src/include/base/internal/stack_area.h, stack_allocator.h). Slot 0 belongs to the initial
 *    thread, slot 1 to the "ep" entrypoint (repos/base/src/lib/base/entrypoint.cc); the libc allocates the
 *    application's stack ("user stack", <libc><stack size>, default Libc::Component::stack_size() = 256 KiB on
 *    64 bit) as a secondary stack in the next slot and calls main there (libc/internal/kernel.h, component.cc).
 *  - pthread_create: one Genode thread per pthread with a stack-area stack of attr's size, default 256 KiB
 *    (libc/pthread_create.cc). When the stack area is exhausted Thread::start() returns DENIED, which
 *    pthread_create ignores: it returns 0 and the thread never runs (repos/base/src/lib/base/thread.cc,
 *    thread_start.cc).
 *  - pthread_self and errno are found from the stack pointer's slot (libc/pthread.cc, errno.cc); a libc call on
 *    another stack cannot work: the model ends the component with status 134 naming the function.
 *  - pthread_attr_setstacksize: < 4096 -> EINVAL; > 1 MiB - 16 KiB -> clamped with a warning; page-aligned.
 *  - mutexes normal/errorcheck/recursive, lazily created (PTHREAD_MUTEX_INITIALIZER is NULL), default NORMAL;
 *    conditions and semaphores time out in whole ms against their clock, default CLOCK_REALTIME
 *    (libc/pthread.cc, semaphore.cc, internal/time.h).
 *  - other threads' I/O is executed by the main thread while it blocks in the libc (libc/kernel.cc, monitor.h):
 *    model_funnel / model_block_until, with a stall watchdog.
 */
#include "model.h"
#include "linux.h"
#include <sys/syscall.h>
#include <sys/mman.h>
#include <linux/futex.h>
#include <sys/eventfd.h>
#include <string.h>
#include <stdlib.h>

#define NSLOTS 256
#define SLOT_INITIAL 0
#define SLOT_EP      1
#define DEFAULT_STACK (32UL * 1024 * sizeof(long))        /* Libc::Component::stack_size() */
#define MAX_ATTR_STACK (MODEL_STACK_SLOT_SIZE - 4 * 4096)  /* pthread_attr_setstacksize's limit */
#define GLIBC_EXTRA (64UL * 1024)                          /* glibc's TCB/TLS at the top of a user stack */
/* glibc's PTHREAD_STACK_MIN for a user stack: arm64 allows 64 KiB pages */
#if defined(__aarch64__)
#define GLIBC_STACK_MIN (128UL * 1024)
#else
#define GLIBC_STACK_MIN (16UL * 1024)
#endif

__thread struct model_thread *model_cur;

static volatile unsigned char slot_used[NSLOTS];
static int main_slot = -1;
static volatile int ilock;   /* protects slot_used, key table, funnel queue */

/* ---------- small futex helpers ---------- */

static long futex(volatile int *addr, int op, int val, const struct timespec *ts)
{
	return model_sys(SYS_futex, (long)addr, (long)op, (long)val, (long)ts, 0L, 0L);
}

/* A lock word: 0 free, 1 taken, 2 taken with sleepers; an unlock without sleepers makes no system call. */
static void word_lock(volatile int *w)
{
	int c = 0;
	if (__atomic_compare_exchange_n(w, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
	if (c != 2) c = __atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE);
	while (c) {
		futex(w, FUTEX_WAIT_PRIVATE, 2, NULL);
		c = __atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE);
	}
}

static void word_unlock(volatile int *w)
{
	if (__atomic_exchange_n(w, 0, __ATOMIC_RELEASE) == 2) futex(w, FUTEX_WAKE_PRIVATE, 1, NULL);
}

static void lock_internal(void) { word_lock(&ilock); }
static void unlock_internal(void) { word_unlock(&ilock); }

/* ---------- stack area ---------- */

uintptr_t model_slot_top(int slot)
{
	return MODEL_STACK_AREA_BASE + (uintptr_t)(slot + 1) * MODEL_STACK_SLOT_SIZE;
}

struct model_thread *model_slot_thread(int slot)
{
	return (struct model_thread *)(MODEL_STACK_AREA_BASE + (uintptr_t)slot * MODEL_STACK_SLOT_SIZE);
}

static int sp_slot(uintptr_t sp)
{
	if (sp < MODEL_STACK_AREA_BASE || sp >= MODEL_STACK_AREA_BASE + MODEL_STACK_AREA_SIZE) return -1;
	int slot = (int)((sp - MODEL_STACK_AREA_BASE) / MODEL_STACK_SLOT_SIZE);
	return slot_used[slot] ? slot : -1;
}

struct model_thread *model_thread_self(void)
{
	int slot = sp_slot((uintptr_t)__builtin_frame_address(0));
	if (slot < 0) return NULL;
	struct model_thread *t = model_slot_thread(slot);
	return t->owner ? t->owner : t;
}

int model_slot_alloc(void)
{
	lock_internal();
	int found = -1;
	for (int i = 0; i < NSLOTS; i++)
		if (!slot_used[i]) { slot_used[i] = 2; found = i; break; }  /* 2: reserved, not yet mapped */
	unlock_internal();
	return found;
}

void model_slot_free(int slot)
{
	lock_internal();
	slot_used[slot] = 0;
	unlock_internal();
}

struct model_thread *model_slot_map(int slot, size_t commit)
{
	uintptr_t base = (uintptr_t)model_slot_thread(slot);
	uintptr_t top = model_slot_top(slot);
	if (commit > MODEL_STACK_SLOT_SIZE - MODEL_THREAD_PAGE) commit = MODEL_STACK_SLOT_SIZE - MODEL_THREAD_PAGE;
	long r1 = model_sys(SYS_mmap, (long)base, (long)MODEL_THREAD_PAGE, (long)(PROT_READ | PROT_WRITE),
	                    (long)(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED), -1L, 0L);
	long r2 = model_sys(SYS_mmap, (long)(top - commit), (long)commit, (long)(PROT_READ | PROT_WRITE),
	                    (long)(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED), -1L, 0L);
	if (r1 < 0 || r2 < 0) model_die(125, "model: cannot map stack-area slot %d", slot);
	struct model_thread *t = (struct model_thread *)base;
	memset(t, 0, sizeof *t);
	t->magic = MODEL_THREAD_MAGIC;
	t->slot = slot;
	t->map_lo = top - commit;
	t->map_hi = top;
	__atomic_store_n(&slot_used[slot], 1, __ATOMIC_RELEASE);
	return t;
}

void model_slot_unmap(int slot)
{
	uintptr_t base = (uintptr_t)model_slot_thread(slot);
	model_sys(SYS_mmap, (long)base, (long)MODEL_STACK_SLOT_SIZE, (long)PROT_NONE,
	          (long)(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE), -1L, 0L);
	model_slot_free(slot);
}

uintptr_t model_alloc_secondary_stack(const char *name, size_t size)
{
	/* Thread::_alloc_stack: STACK_TOO_LARGE at or above the slot size minus UTCB and one page */
	if (size >= MODEL_STACK_SLOT_SIZE - 2 * 4096) return 0;
	int slot = model_slot_alloc();
	if (slot < 0) return 0;
	size = (size + 4095) & ~4095UL;
	model_ram_charge(size, "secondary stack");
	struct model_thread *t = model_slot_map(slot, size);
	t->owner = model_thread_self();
	snprintf_int(t->name, sizeof t->name, "%s", name);
	t->stack_size = size;
	return model_slot_top(slot) - 64;
}

void model_call_on_stack(uintptr_t top, void (*fn)(void *), void *arg)
{
	top &= ~15UL;
#if defined(__aarch64__)
	/* arm64: the old sp lives in callee-saved x19; fn(arg) may clobber every caller-saved register */
	register uintptr_t x0 __asm__("x0") = (uintptr_t)arg;
	__asm__ volatile(
		"mov x19, sp\n\t"
		"mov sp, %1\n\t"
		"blr %2\n\t"
		"mov sp, x19\n\t"
		: "+r"(x0)
		: "r"(top), "r"(fn)
		: "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
		  "x16", "x17", "x18", "x19", "x30", "memory", "cc",
		  "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15",
		  "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29",
		  "v30", "v31");
#else
	__asm__ volatile(
		"mov %%rsp, %%rbx\n\t"
		"mov %0, %%rsp\n\t"
		"mov %2, %%rdi\n\t"
		"call *%1\n\t"
		"mov %%rbx, %%rsp\n\t"
		:
		: "r"(top), "r"(fn), "r"(arg)
		: "rbx", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc",
		  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		  "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
#endif
}

void model_threads_init(void)
{
	long r = model_sys(SYS_mmap, (long)MODEL_STACK_AREA_BASE, (long)MODEL_STACK_AREA_SIZE, (long)PROT_NONE,
	                   (long)(MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE), -1L, 0L);
	if (r != (long)MODEL_STACK_AREA_BASE)
		model_die(125, "model: cannot reserve the stack area at 0x%lx (%ld)", MODEL_STACK_AREA_BASE, r);
	/* the initial thread and the entrypoint own the first two slots on Genode; their stacks are not ours */
	slot_used[SLOT_INITIAL] = 2;
	slot_used[SLOT_EP] = 2;

	size_t stack = (size_t)model_libc_number("stack_size", (int64_t)DEFAULT_STACK);
	stack = (stack + 4095) & ~4095UL;
	main_slot = model_slot_alloc();
	model_ram_charge(stack, "main stack");
	struct model_thread *t = model_slot_map(main_slot, stack);
	t->is_main = 1;
	t->stack_size = stack;
	snprintf_int(t->name, sizeof t->name, "ep");
	model_cur = t;
}

/* ---------- entry check, errno ---------- */

void model_enter(const char *fn)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	if (sp_slot(sp) < 0)
		model_die(134, "\033[31mError: libc function '%s' called on a stack outside the stack area "
		          "(sp=0x%lx; Genode finds pthread_self and errno from the stack-area slot)\033[0m", fn, sp);
}

void model_leave(void) { }

int model_is_main_thread(void)
{
	struct model_thread *t = model_thread_self();
	return t && t->is_main;
}

static int stray_errno;

int *model_errno_slot(void)
{
	struct model_thread *t = model_thread_self();
	return t ? &t->errno_val : &stray_errno;
}

int *__error(void)
{
	MODEL_ENTER("__error");
	return model_errno_slot();
}

/* ---------- blocking, kicking, the I/O funnel ---------- */

/*
 * A blocked thread sleeps on a word of its own (t->wake), or on its eventfd while it sleeps in the host's poll, and
 * is on the list of sleepers with the class of what it waits for. A kick bumps the words of the sleepers of the
 * classes it concerns and wakes them, so that a queued I/O request wakes the main thread and its completion the
 * thread that asked, not every thread parked in a condition variable. Threads off the stack area (no model_thread)
 * sleep on the global word.
 */
enum { WAIT_SYNC = 1, WAIT_IO = 2, WAIT_IOFD = 4, WAIT_ANY = 7 };

static volatile int event_seq;       /* the global word, for threads without a model_thread */
static volatile int global_sleepers;
static volatile int main_blocked;

static volatile int wlock;
static struct model_thread *sleepers[NSLOTS + 1];
static int n_sleepers;
static volatile int any_sleepers;

static void wlock_take(void) { word_lock(&wlock); }
static void wlock_drop(void) { word_unlock(&wlock); }

static void wake_thread(struct model_thread *t)
{
	__atomic_add_fetch(&t->wake, 1, __ATOMIC_SEQ_CST);
	futex(&t->wake, FUTEX_WAKE_PRIVATE, 1, NULL);
	if (__atomic_load_n(&t->in_poll, __ATOMIC_SEQ_CST)) {
		uint64_t one = 1;
		model_sys(SYS_write, (long)(t->kick_fd1 - 1), (long)&one, 8L);
	}
}

/* A kick of a synchronisation object (key) wakes its sleepers and those of a synchronisation wait on no
 * particular object; a kick without key wakes every sleeper of the classes. */
static void kick_class_key(int cls, const void *key)
{
	if (__atomic_load_n(&global_sleepers, __ATOMIC_SEQ_CST)) {
		__atomic_add_fetch(&event_seq, 1, __ATOMIC_SEQ_CST);
		futex(&event_seq, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL);
	}
	if (!__atomic_load_n(&any_sleepers, __ATOMIC_SEQ_CST)) return;
	wlock_take();
	for (int i = 0; i < n_sleepers; i++) {
		struct model_thread *t = sleepers[i];
		if (!(t->wait_cls & cls)) continue;
		if (key && t->wait_key && t->wait_key != key && !(t->wait_cls & cls & ~WAIT_SYNC)) continue;
		wake_thread(t);
	}
	wlock_drop();
}

static void kick_class(int cls) { kick_class_key(cls, NULL); }

void model_kick(void) { kick_class(WAIT_ANY); }
void model_kick_sync(void) { kick_class(WAIT_SYNC); }
void model_kick_key(const void *key) { kick_class_key(WAIT_SYNC, key); }
void model_kick_io(void) { kick_class(WAIT_IO | WAIT_IOFD); }

static void sleeper_add_key(struct model_thread *t, int cls, const void *key)
{
	wlock_take();
	t->wait_cls = cls;
	t->wait_key = key;
	sleepers[n_sleepers++] = t;
	__atomic_store_n(&any_sleepers, n_sleepers, __ATOMIC_SEQ_CST);
	wlock_drop();
}

static void sleeper_add(struct model_thread *t, int cls) { sleeper_add_key(t, cls, NULL); }

static void sleeper_remove(struct model_thread *t)
{
	wlock_take();
	for (int i = 0; i < n_sleepers; i++)
		if (sleepers[i] == t) { sleepers[i] = sleepers[--n_sleepers]; break; }
	__atomic_store_n(&any_sleepers, n_sleepers, __ATOMIC_SEQ_CST);
	wlock_drop();
}

static struct model_thread *main_thread(void) { return main_slot < 0 ? NULL : model_slot_thread(main_slot); }

struct funnel_req {
	long (*fn)(void *);
	void *arg;
	long result;
	volatile int done;
	struct funnel_req *next;
};
static struct funnel_req *queue_head, **queue_tail = &queue_head;

void model_funnel_serve(void)
{
	for (;;) {
		lock_internal();
		struct funnel_req *r = queue_head;
		if (r) {
			queue_head = r->next;
			if (!queue_head) queue_tail = &queue_head;
		}
		unlock_internal();
		if (!r) return;
		r->result = r->fn(r->arg);
		/* the asker sleeps on r->done; once it is set, r (on the asker's stack) may be gone, and a futex wake of
		 * a stale address is harmless. What the request changed may concern threads that wait for I/O without
		 * a host fd to sleep on. */
		__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
		futex(&r->done, FUTEX_WAKE_PRIVATE, 1, NULL);
		kick_class(WAIT_IO);
	}
}

/* Sleep of a thread: on its word, else (off the stack area) on the global one. */
static void sleep_on(struct model_thread *t, int seen, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	futex(t ? &t->wake : &event_seq, FUTEX_WAIT_PRIVATE, seen, ms < 0 ? NULL : &ts);
}

static int wake_word(struct model_thread *t)
{
	return __atomic_load_n(t ? &t->wake : &event_seq, __ATOMIC_SEQ_CST);
}

/* Poll interval for conditions nobody kicks (host fds, child processes): POLL_MS while the wait is young,
 * POLL_IDLE_MS once it has lasted POLL_YOUNG polls, so that idle components (a blocked thread each) cost
 * little host CPU; a kick (model_kick) ends any wait at once. */
#define POLL_MS       1
#define POLL_IDLE_MS  10
#define POLL_YOUNG    16

static int block_until(int (*ready)(void *), void *arg, long timeout_ms, int cls, const void *key)
{
	struct model_thread *t = model_thread_self();
	int is_main = t && t->is_main;
	uint64_t start = model_uptime_us();
	if (t) sleeper_add_key(t, cls | (is_main ? WAIT_ANY : 0), key);
	else __atomic_add_fetch(&global_sleepers, 1, __ATOMIC_SEQ_CST);
	if (is_main) __atomic_add_fetch(&main_blocked, 1, __ATOMIC_SEQ_CST);
	int result = 0;
	for (int polls = 0;; polls++) {
		int seen = wake_word(t);
		if (is_main) { model_funnel_serve(); model_alarm_check(); }
		if (ready && ready(arg)) { result = 1; break; }
		long slice = polls < POLL_YOUNG ? POLL_MS : POLL_IDLE_MS;
		if (timeout_ms >= 0) {
			uint64_t elapsed_ms = (model_uptime_us() - start) / 1000;
			if ((long)elapsed_ms >= timeout_ms) break;
			if (timeout_ms - (long)elapsed_ms < slice) slice = timeout_ms - (long)elapsed_ms;
		}
		sleep_on(t, seen, slice);
	}
	if (is_main) __atomic_sub_fetch(&main_blocked, 1, __ATOMIC_SEQ_CST);
	if (t) sleeper_remove(t);
	else __atomic_sub_fetch(&global_sleepers, 1, __ATOMIC_SEQ_CST);
	return result;
}

int model_block_until(int (*ready)(void *), void *arg, long timeout_ms)
{
	return block_until(ready, arg, timeout_ms, WAIT_IO, NULL);
}

int model_block_until_sync(int (*ready)(void *), void *arg, long timeout_ms)
{
	return block_until(ready, arg, timeout_ms, WAIT_SYNC, NULL);
}

int model_block_until_key(int (*ready)(void *), void *arg, long timeout_ms, const void *key)
{
	return block_until(ready, arg, timeout_ms, WAIT_SYNC, key);
}

/* Fallback sleep of a wait on host fds, for what neither the fds nor a kick announce (the ITIMER_REAL check is
 * timed separately), and the number of wake-ups with nothing ready after which the fds are given up for
 * re-checks (an fd reporting an error or hang-up that ready() does not count would otherwise spin). */
#define WAKE_SLICE_MS 10
#define WAKE_SPURIOUS 3

int model_block_until_fds(int (*ready)(void *), void *arg, long timeout_ms, const struct lx_pollfd *wake, int n)
{
	struct model_thread *t = model_thread_self();
	if (!t || n < 0 || n > MODEL_WAKE_MAX) return model_block_until(ready, arg, timeout_ms);
	if (!t->kick_fd1) {
		long fd = model_sys(SYS_eventfd2, 0L, (long)(EFD_CLOEXEC | EFD_NONBLOCK));
		if (fd < 0) return model_block_until(ready, arg, timeout_ms);
		t->kick_fd1 = (int)fd + 1;
	}
	int kfd = t->kick_fd1 - 1, is_main = t->is_main;
	struct lx_pollfd p[MODEL_WAKE_MAX + 1];
	uint64_t start = model_uptime_us(), drain;
	int result = 0, spurious = 0;
	sleeper_add(t, is_main ? WAIT_ANY : WAIT_IOFD);
	if (is_main) __atomic_add_fetch(&main_blocked, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		model_sys(SYS_read, (long)kfd, (long)&drain, 8L);
		int seen = wake_word(t);
		if (is_main) { model_funnel_serve(); model_alarm_check(); }
		if (ready && ready(arg)) { result = 1; break; }
		long slice = spurious < WAKE_SPURIOUS ? WAKE_SLICE_MS : POLL_MS;
		if (is_main && model_alarm_armed()) {
			long left = (long)model_alarm_left_ms();
			if (left < slice) slice = left ? left : 1;
		}
		if (timeout_ms >= 0) {
			uint64_t elapsed_ms = (model_uptime_us() - start) / 1000;
			if ((long)elapsed_ms >= timeout_ms) break;
			if (timeout_ms - (long)elapsed_ms < slice) slice = timeout_ms - (long)elapsed_ms;
		}
		int np = 0;
		p[np++] = (struct lx_pollfd){ kfd, LX_POLLIN, 0 };
		if (spurious < WAKE_SPURIOUS)
			for (int i = 0; i < n; i++) p[np++] = (struct lx_pollfd){ wake[i].fd, wake[i].events, 0 };
		struct lx_timespec ts = { slice / 1000, (slice % 1000) * 1000000L };
		__atomic_store_n(&t->in_poll, 1, __ATOMIC_SEQ_CST);
		long r = 0;
		if (wake_word(t) == seen) r = model_sys(SYS_ppoll, (long)p, (long)np, (long)&ts, 0L, 8L);
		__atomic_store_n(&t->in_poll, 0, __ATOMIC_SEQ_CST);
		if (r > 0 && !(p[0].revents & LX_POLLIN) && !(ready && ready(arg))) spurious++;
	}
	if (is_main) __atomic_sub_fetch(&main_blocked, 1, __ATOMIC_SEQ_CST);
	sleeper_remove(t);
	return result;
}

static int req_done(void *p) { return __atomic_load_n(&((struct funnel_req *)p)->done, __ATOMIC_ACQUIRE); }

long model_funnel(long (*fn)(void *), void *arg)
{
	struct model_thread *me = model_thread_self();
	if (me && me->is_main) return fn(arg);
	struct funnel_req r = { fn, arg, 0, 0, NULL };
	lock_internal();
	*queue_tail = &r;
	queue_tail = &r.next;
	unlock_internal();
	struct model_thread *m = main_thread();
	if (m) wake_thread(m);
	uint64_t start = model_uptime_us();
	int reported = 0;
	while (!req_done(&r)) {
		struct timespec ts = { 0, 5 * 1000000L };
		futex(&r.done, FUTEX_WAIT_PRIVATE, 0, &ts);
		uint64_t waited = (model_uptime_us() - start) / 1000;
		if (!reported && !req_done(&r) && waited >= model_cfg.watchdog_ms && !main_blocked) {
			model_log("model: stall: thread '%s' has waited %lu ms for I/O that only the main thread executes, "
			          "but the main thread has not blocked inside the libc (Genode: libc/kernel.cc, "
			          "internal/monitor.h)", me ? me->name : "?", (unsigned long)waited);
			reported = 1;
		}
	}
	return r.result;
}

/* ---------- pthreads ---------- */

struct pthread_attr { size_t stack_size; int detach_state; };

static void reap(struct model_thread *t)
{
	if (t->reaped || t->never_started) return;
	t->reaped = 1;
	glibc.pthread_join(t->real, NULL);
	if (t->linux_altstack) model_sys(SYS_munmap, (long)t->linux_altstack, 65536L);
	if (t->kick_fd1) model_sys(SYS_close, (long)(t->kick_fd1 - 1));
	model_ram_release(t->stack_size);
	model_slot_unmap(t->slot);
}

/* Genode destroys a detached thread lazily, when the next one exits (libc/pthread.cc Pthread_cleanup). */
static void reap_detached(void)
{
	for (int i = 0; i < NSLOTS; i++) {
		if (slot_used[i] != 1) continue;
		struct model_thread *t = model_slot_thread(i);
		if (!t->owner && !t->is_main && t->detached && t->exited && !t->reaped && t->real) reap(t);
	}
}

static void (*key_destructors[MODEL_KEYS_MAX])(void *);
static unsigned char key_used[MODEL_KEYS_MAX];

static void *thread_trampoline(void *p)
{
	struct model_thread *t = p;
	model_cur = t;
	model_fault_init_thread(t);
	void *ret = t->start(t->arg);
	for (int k = 0; k < MODEL_KEYS_MAX; k++) {
		void *v = t->keys[k];
		if (v && key_used[k] && key_destructors[k]) { t->keys[k] = NULL; key_destructors[k](v); }
	}
	t->retval = ret;
	__atomic_store_n(&t->exited, 1, __ATOMIC_RELEASE);
	model_kick_key(t);
	return NULL;
}

static unsigned pthread_ids;

int pthread_create(struct model_thread **thread, struct pthread_attr *const *attr, void *(*start)(void *), void *arg)
{
	MODEL_ENTER("pthread_create");
	if (!start || !thread) return FB_EINVAL;
	reap_detached();
	size_t stack = (attr && *attr && (*attr)->stack_size) ? (*attr)->stack_size : DEFAULT_STACK;
	unsigned id = __atomic_fetch_add(&pthread_ids, 1, __ATOMIC_SEQ_CST);
	int slot = model_slot_alloc();
	struct model_thread *t;
	if (slot < 0) {
		/* Thread::start() fails with DENIED; Genode's pthread_create ignores it */
		t = calloc(1, sizeof *t);
		t->magic = MODEL_THREAD_MAGIC;
		t->slot = -1;
		t->never_started = 1;
		snprintf_int(t->name, sizeof t->name, "pthread.%u", id);
		model_log("model: stack area exhausted: %s never starts (pthread_create returns 0 as on Genode: "
		          "base/thread_start.cc, libc/pthread_create.cc)", t->name);
		*thread = t;
		return 0;
	}
	model_ram_charge(stack, "thread stack");
	t = model_slot_map(slot, stack + GLIBC_EXTRA);
	t->stack_size = stack;
	t->start = start;
	t->arg = arg;
	snprintf_int(t->name, sizeof t->name, "pthread.%u", id);
	if (attr && *attr && (*attr)->detach_state == 1) t->detached = 1;

	long glibc_attr[8];
	glibc.pthread_attr_init(glibc_attr);
	/* a smaller stack is refused; glibc is told of more, whose lower part stays the slot's unmapped reservation */
	uintptr_t lo = t->map_hi - t->map_lo < GLIBC_STACK_MIN ? t->map_hi - GLIBC_STACK_MIN : t->map_lo;
	glibc.pthread_attr_setstack(glibc_attr, (void *)lo, t->map_hi - lo);
	int r = glibc.pthread_create(&t->real, glibc_attr, thread_trampoline, t);
	glibc.pthread_attr_destroy(glibc_attr);
	if (r != 0) {
		model_ram_release(stack);
		model_slot_unmap(slot);
		model_error("model: host pthread_create failed (%d)", r);
		return FB_EAGAIN;
	}
	*thread = t;
	return 0;
}

static int thread_exited(void *p) { return __atomic_load_n(&((struct model_thread *)p)->exited, __ATOMIC_ACQUIRE); }

int pthread_join(struct model_thread *t, void **retval)
{
	MODEL_ENTER("pthread_join");
	if (!t) return FB_EINVAL;
	model_block_until_key(thread_exited, t, -1, t);
	if (retval) *retval = t->retval;
	reap(t);
	return 0;
}

int pthread_detach(struct model_thread *t)
{
	MODEL_ENTER("pthread_detach");
	if (!t) return FB_EINVAL;
	t->detached = 1;
	return 0;
}

struct model_thread *pthread_self(void)
{
	MODEL_ENTER("pthread_self");
	return model_thread_self();
}

int pthread_equal(struct model_thread *a, struct model_thread *b)
{
	MODEL_ENTER("pthread_equal");
	return a == b;
}

int pthread_attr_init(struct pthread_attr **attr)
{
	MODEL_ENTER("pthread_attr_init");
	if (!attr) return FB_EINVAL;
	*attr = calloc(1, sizeof **attr);
	(*attr)->stack_size = DEFAULT_STACK;
	return 0;
}

int pthread_attr_destroy(struct pthread_attr **attr)
{
	MODEL_ENTER("pthread_attr_destroy");
	if (!attr || !*attr) return FB_EINVAL;
	free(*attr);
	*attr = NULL;
	return 0;
}

int pthread_attr_getstacksize(struct pthread_attr *const *attr, size_t *size)
{
	MODEL_ENTER("pthread_attr_getstacksize");
	if (!attr || !*attr || !size) return FB_EINVAL;
	*size = (*attr)->stack_size;
	return 0;
}

int pthread_attr_setstacksize(struct pthread_attr **attr, size_t size)
{
	MODEL_ENTER("pthread_attr_setstacksize");
	if (!attr || !*attr) return FB_EINVAL;
	if (size < 4096) return FB_EINVAL;
	if (size > MAX_ATTR_STACK) {
		model_warning("pthread_attr_setstacksize: requested stack size is %zu limiting to %lu", size, MAX_ATTR_STACK);
		size = MAX_ATTR_STACK;
	}
	(*attr)->stack_size = (size + 4095) & ~4095UL;
	return 0;
}

int pthread_attr_setdetachstate(struct pthread_attr **attr, int state)
{
	MODEL_ENTER("pthread_attr_setdetachstate");
	if (!attr || !*attr) return FB_EINVAL;
	(*attr)->detach_state = state;
	return 0;
}

/* FreeBSD _pthread_stubs.c: the jump-table stubs Genode keeps send and mask nothing */
int pthread_kill(struct model_thread *t, int sig) { MODEL_ENTER("pthread_kill"); (void)t; (void)sig; return 0; }
int pthread_sigmask(int how, const void *set, void *old)
{
	MODEL_ENTER("pthread_sigmask"); (void)how; (void)set; (void)old; return 0;
}

/* ---------- mutexes ---------- */

enum { MUTEX_ERRORCHECK = 1, MUTEX_RECURSIVE = 2, MUTEX_NORMAL = 3, MUTEX_ADAPTIVE_NP = 4 };
struct pthread_mutex_attr { int type; };
struct pthread_mutex { int type; struct model_thread *volatile owner; unsigned nesting; };

static int mutex_create(struct pthread_mutex **m, struct pthread_mutex_attr *const *attr)
{
	int type = (attr && *attr) ? (*attr)->type : MUTEX_NORMAL;
	if (type == MUTEX_ADAPTIVE_NP) type = MUTEX_NORMAL;
	if (type != MUTEX_NORMAL && type != MUTEX_ERRORCHECK && type != MUTEX_RECURSIVE) return FB_EINVAL;
	struct pthread_mutex *n = calloc(1, sizeof *n);
	n->type = type;
	struct pthread_mutex *expected = NULL;
	if (!__atomic_compare_exchange_n(m, &expected, n, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) free(n);
	return 0;
}

int pthread_mutexattr_init(struct pthread_mutex_attr **a)
{
	MODEL_ENTER("pthread_mutexattr_init");
	if (!a) return FB_EINVAL;
	*a = calloc(1, sizeof **a);
	(*a)->type = MUTEX_NORMAL;
	return 0;
}

int pthread_mutexattr_settype(struct pthread_mutex_attr **a, int type)
{
	MODEL_ENTER("pthread_mutexattr_settype");
	if (!a || !*a) return FB_EINVAL;
	(*a)->type = type;
	return 0;
}

int pthread_mutexattr_destroy(struct pthread_mutex_attr **a)
{
	MODEL_ENTER("pthread_mutexattr_destroy");
	if (!a || !*a) return FB_EINVAL;
	free(*a); *a = NULL;
	return 0;
}

int pthread_mutex_init(struct pthread_mutex **m, struct pthread_mutex_attr *const *attr)
{
	MODEL_ENTER("pthread_mutex_init");
	if (!m) return FB_EINVAL;
	*m = NULL;
	return mutex_create(m, attr);
}

int pthread_mutex_destroy(struct pthread_mutex **m)
{
	MODEL_ENTER("pthread_mutex_destroy");
	if (!m || !*m) return FB_EINVAL;
	free(*m); *m = NULL;
	return 0;
}

static int mutex_try(struct pthread_mutex *m, struct model_thread *me)
{
	struct model_thread *expected = NULL;
	if (__atomic_compare_exchange_n(&m->owner, &expected, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return 0;
	if (expected == me) {
		if (m->type == MUTEX_RECURSIVE) { m->nesting++; return 0; }
		if (m->type == MUTEX_ERRORCHECK) return FB_EDEADLK;
	}
	return FB_EBUSY;
}

struct mutex_wait { struct pthread_mutex *m; struct model_thread *me; };
static int mutex_acquired(void *p)
{
	struct mutex_wait *w = p;
	struct model_thread *expected = NULL;
	return __atomic_compare_exchange_n(&w->m->owner, &expected, w->me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static int mutex_lock(struct pthread_mutex *m)
{
	struct model_thread *me = model_thread_self();
	int r = mutex_try(m, me);
	if (r != FB_EBUSY) return r;
	struct mutex_wait w = { m, me };
	model_block_until_key(mutex_acquired, &w, -1, m);
	return 0;
}

int pthread_mutex_lock(struct pthread_mutex **m)
{
	MODEL_ENTER("pthread_mutex_lock");
	if (!m) return FB_EINVAL;
	if (!*m) mutex_create(m, NULL);
	return mutex_lock(*m);
}

int pthread_mutex_trylock(struct pthread_mutex **m)
{
	MODEL_ENTER("pthread_mutex_trylock");
	if (!m) return FB_EINVAL;
	if (!*m) mutex_create(m, NULL);
	return mutex_try(*m, model_thread_self());
}

static int mutex_unlock(struct pthread_mutex *m)
{
	if (m->owner != model_thread_self()) return FB_EPERM;
	if (m->type == MUTEX_RECURSIVE && m->nesting) { m->nesting--; return 0; }
	__atomic_store_n(&m->owner, NULL, __ATOMIC_RELEASE);
	model_kick_key(m);
	return 0;
}

int pthread_mutex_unlock(struct pthread_mutex **m)
{
	MODEL_ENTER("pthread_mutex_unlock");
	if (!m || !*m) return FB_EINVAL;
	return mutex_unlock(*m);
}

/* ---------- time-outs as Genode computes them (libc/internal/time.h) ---------- */

int clock_gettime(int, struct timespec *);

static uint64_t relative_timeout_ms(struct timespec now, struct timespec abs)
{
	const uint64_t NS = 1000000000ULL;
	if ((uint64_t)now.tv_nsec >= NS) { now.tv_sec += now.tv_nsec / NS; now.tv_nsec %= NS; }
	if ((uint64_t)abs.tv_nsec >= NS) { abs.tv_sec += abs.tv_nsec / NS; abs.tv_nsec %= NS; }
	if (now.tv_sec > abs.tv_sec) return 0;
	uint64_t diff_ms = (uint64_t)(abs.tv_sec - now.tv_sec) * 1000, diff_ns;
	if (abs.tv_nsec >= now.tv_nsec) diff_ns = (uint64_t)(abs.tv_nsec - now.tv_nsec);
	else {
		if (diff_ms == 0) return 0;
		diff_ns = NS - (uint64_t)now.tv_nsec + (uint64_t)abs.tv_nsec;
		diff_ms -= 1000;
	}
	diff_ms += diff_ns / 1000000;
	if (diff_ms == 0 && diff_ns != 0) return 1;
	return diff_ms;
}

/* ---------- semaphores (libc/semaphore.cc) ---------- */

struct sem { volatile int count; int clock; };

int sem_init(struct sem **s, int pshared, unsigned value)
{
	MODEL_ENTER("sem_init"); (void)pshared;
	*s = calloc(1, sizeof **s);
	(*s)->count = (int)value;
	(*s)->clock = 0;
	return 0;
}

int sem_destroy(struct sem **s) { MODEL_ENTER("sem_destroy"); free(*s); return 0; }

static int sem_try(void *p)
{
	struct sem *s = p;
	int c = __atomic_load_n(&s->count, __ATOMIC_ACQUIRE);
	while (c > 0)
		if (__atomic_compare_exchange_n(&s->count, &c, c - 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return 1;
	return 0;
}

int sem_wait(struct sem **s)
{
	MODEL_ENTER("sem_wait");
	model_block_until_key(sem_try, *s, -1, *s);
	return 0;
}

int sem_trywait(struct sem **s)
{
	MODEL_ENTER("sem_trywait");
	return sem_try(*s) ? 0 : model_errno(FB_EAGAIN);
}

static int sem_down_timed(struct sem *s, const struct timespec *abs)
{
	if (sem_try(s)) return 0;
	struct timespec now;
	clock_gettime(s->clock, &now);
	uint64_t ms = relative_timeout_ms(now, *abs);
	if (!ms) return FB_ETIMEDOUT;
	return model_block_until_key(sem_try, s, (long)ms, s) ? 0 : FB_ETIMEDOUT;
}

int sem_timedwait(struct sem **s, const struct timespec *abs)
{
	MODEL_ENTER("sem_timedwait");
	int r = sem_down_timed(*s, abs);
	return r ? model_errno(r) : 0;
}

int sem_post(struct sem **s)
{
	MODEL_ENTER("sem_post");
	__atomic_add_fetch(&(*s)->count, 1, __ATOMIC_RELEASE);
	model_kick_key(*s);
	return 0;
}

/* ---------- condition variables ---------- */

struct pthread_cond_attr { int clock; };
struct pthread_cond { volatile int seq; int clock; };

int pthread_condattr_init(struct pthread_cond_attr **a)
{
	MODEL_ENTER("pthread_condattr_init");
	if (!a) return FB_EINVAL;
	*a = calloc(1, sizeof **a);
	return 0;
}

int pthread_condattr_destroy(struct pthread_cond_attr **a)
{
	MODEL_ENTER("pthread_condattr_destroy");
	if (!a || !*a) return FB_EINVAL;
	free(*a); *a = NULL;
	return 0;
}

int pthread_condattr_setclock(struct pthread_cond_attr **a, int clock)
{
	MODEL_ENTER("pthread_condattr_setclock");
	if (!a || !*a) return FB_EINVAL;
	(*a)->clock = clock;   /* checked only when a condition is created (sem_set_clock) */
	return 0;
}

static int cond_create(struct pthread_cond **c, struct pthread_cond_attr *const *attr)
{
	int clock = (attr && *attr) ? (*attr)->clock : 0;
	if (clock != 0 && clock != 4) return FB_EINVAL;   /* sem_set_clock: only REALTIME and MONOTONIC */
	struct pthread_cond *n = calloc(1, sizeof *n);
	n->clock = clock;
	struct pthread_cond *expected = NULL;
	if (!__atomic_compare_exchange_n(c, &expected, n, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) free(n);
	return 0;
}

int pthread_cond_init(struct pthread_cond **c, struct pthread_cond_attr *const *attr)
{
	MODEL_ENTER("pthread_cond_init");
	if (!c) return FB_EINVAL;
	*c = NULL;
	return cond_create(c, attr);
}

int pthread_cond_destroy(struct pthread_cond **c)
{
	MODEL_ENTER("pthread_cond_destroy");
	if (!c) return FB_EINVAL;
	free(*c); *c = NULL;
	return 0;
}

struct cond_wait { struct pthread_cond *c; int seq; };
static int cond_signalled(void *p)
{
	struct cond_wait *w = p;
	return __atomic_load_n(&w->c->seq, __ATOMIC_ACQUIRE) != w->seq;
}

static int cond_wait(struct pthread_cond **cp, struct pthread_mutex **m, const struct timespec *abs)
{
	if (!cp) return FB_EINVAL;
	if (!*cp) cond_create(cp, NULL);
	struct pthread_cond *c = *cp;
	struct cond_wait w = { c, __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE) };
	if (m && *m) mutex_unlock(*m);
	int result = 0;
	if (!abs) model_block_until_key(cond_signalled, &w, -1, c);
	else {
		struct timespec now;
		clock_gettime(c->clock, &now);
		uint64_t ms = relative_timeout_ms(now, *abs);
		if (!ms || !model_block_until_key(cond_signalled, &w, (long)ms, c)) result = FB_ETIMEDOUT;
	}
	if (m && *m) mutex_lock(*m);
	return result;
}

int pthread_cond_wait(struct pthread_cond **c, struct pthread_mutex **m)
{
	MODEL_ENTER("pthread_cond_wait");
	return cond_wait(c, m, NULL);
}

int pthread_cond_timedwait(struct pthread_cond **c, struct pthread_mutex **m, const struct timespec *abs)
{
	MODEL_ENTER("pthread_cond_timedwait");
	return cond_wait(c, m, abs);
}

static int cond_wake(struct pthread_cond **c)
{
	if (!c) return FB_EINVAL;
	if (!*c) cond_create(c, NULL);
	__atomic_add_fetch(&(*c)->seq, 1, __ATOMIC_RELEASE);
	model_kick_key(*c);
	return 0;
}

/* signal wakes every waiter: spurious wake-ups are allowed, and Genode's own version has them too */
int pthread_cond_signal(struct pthread_cond **c) { MODEL_ENTER("pthread_cond_signal"); return cond_wake(c); }
int pthread_cond_broadcast(struct pthread_cond **c) { MODEL_ENTER("pthread_cond_broadcast"); return cond_wake(c); }

/* ---------- keys ---------- */

int pthread_key_create(int *key, void (*destructor)(void *))
{
	MODEL_ENTER("pthread_key_create");
	if (!key) return FB_EINVAL;
	lock_internal();
	int k = -1;
	for (int i = 0; i < MODEL_KEYS_MAX; i++) if (!key_used[i]) { key_used[i] = 1; k = i; break; }
	if (k >= 0) key_destructors[k] = destructor;
	unlock_internal();
	if (k < 0) { model_warning("failed to allocate pthread key"); return FB_EAGAIN; }
	*key = k;
	return 0;
}

int pthread_key_delete(int key)
{
	MODEL_ENTER("pthread_key_delete");
	if (key < 0 || key >= MODEL_KEYS_MAX) return FB_EINVAL;
	lock_internal();
	key_used[key] = 0;
	key_destructors[key] = NULL;
	unlock_internal();
	return 0;
}

void *pthread_getspecific(int key)
{
	MODEL_ENTER("pthread_getspecific");
	if (key < 0 || key >= MODEL_KEYS_MAX) return NULL;
	return model_thread_self()->keys[key];
}

int pthread_setspecific(int key, const void *value)
{
	MODEL_ENTER("pthread_setspecific");
	if (key < 0 || key >= MODEL_KEYS_MAX) return FB_EINVAL;
	model_thread_self()->keys[key] = (void *)value;
	return 0;
}

/* ---------- fork support ---------- */

/* The forked child is a new component: it gets only the forking thread's stack (libc/fork.cc). */
void model_threads_after_fork_child(void)
{
	struct model_thread *me = model_thread_self();
	/* a thread that does not exist here may have held the lock when fork copied it */
	__atomic_store_n(&ilock, 0, __ATOMIC_RELEASE);
	queue_head = NULL; queue_tail = &queue_head;
	/* only this thread sleeps here; its eventfd is the parent's: a wake-up meant for the parent must not end here */
	__atomic_store_n(&wlock, 0, __ATOMIC_RELEASE);
	n_sleepers = 0;
	any_sleepers = 0;
	global_sleepers = 0;
	main_blocked = 0;
	if (me->kick_fd1) { model_sys(SYS_close, (long)(me->kick_fd1 - 1)); me->kick_fd1 = 0; }
	me->in_poll = 0;
	for (int i = 0; i < NSLOTS; i++) {
		if (slot_used[i] != 1 || i == me->slot) continue;
		struct model_thread *t = model_slot_thread(i);
		if (t->owner == me) continue;
		model_ram_release(t->stack_size);
		model_slot_unmap(i);
	}
}
