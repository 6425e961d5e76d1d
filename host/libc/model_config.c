/*
 * GENODE_MODEL_CONFIG (host/MODEL-CONFIG.md): the launcher's resolved component config, read before main.
 */
#include "model.h"
#include "linux.h"
#include <sys/syscall.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

struct model_config model_cfg = { .watchdog_ms = 2000 };
const char *model_config_text;
size_t      model_config_text_len;
char      **model_host_envp;

static size_t n_libc;
static const char **libc_names, **libc_values;

const char *model_libc_attr(const char *name)
{
	for (size_t i = 0; i < n_libc; i++)
		if (strcmp(libc_names[i], name) == 0) return libc_values[i];
	return NULL;
}

static size_t n_libc_fds;
static struct model_libc_fd *libc_fds;

const struct model_libc_fd *model_libc_fds(size_t *n) { *n = n_libc_fds; return libc_fds; }

static size_t n_sub;
static const char **sub_nodes, **sub_names, **sub_values;

const char *model_libc_sub_attr(const char *node, const char *name)
{
	for (size_t i = 0; i < n_sub; i++)
		if (!strcmp(sub_nodes[i], node) && !strcmp(sub_names[i], name)) return sub_values[i];
	return NULL;
}

int64_t model_libc_number(const char *name, int64_t dflt)
{
	const char *v = model_libc_attr(name);
	if (!v || !*v) return dflt;
	char *end;
	int64_t n = (int64_t)glibc.strtol(v, &end, 0);
	if (*end == 'K' || *end == 'k') n <<= 10;
	else if (*end == 'M') n <<= 20;
	else if (*end == 'G') n <<= 30;
	return n;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Decode one percent-encoded field in place. */
static char *decode(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (*r == '%' && hexval(r[1]) >= 0 && hexval(r[2]) >= 0) {
			*w++ = (char)(hexval(r[1]) * 16 + hexval(r[2]));
			r += 2;
		} else *w++ = *r;
	}
	*w = 0;
	return s;
}

static void grow(void ***arr, size_t n)
{
	if ((n & (n - 1)) == 0) *arr = realloc(*arr, (n ? 2 * n : 1) * sizeof(void *) + sizeof(void *));
}

static uint64_t number(const char *s, unsigned line, const char *key)
{
	char *end;
	uint64_t v = glibc.strtoul(s, &end, 10);
	if (!*s || *end)
		model_die(125, "model: GENODE_MODEL_CONFIG line %u: '%s' needs a number, got '%s'", line, key, s);
	return v;
}

void model_config_load(char **envp)
{
	model_host_envp = envp;
	const char *path = NULL;
	for (char **e = envp; e && *e; e++)
		if (strncmp(*e, "GENODE_MODEL_CONFIG=", 20) == 0) path = *e + 20;
	if (!path || !*path)
		model_die(125, "model: GENODE_MODEL_CONFIG is not set: run genode binaries with genode-run");

	long fd = model_sys(SYS_openat, (long)LX_AT_FDCWD, (long)path, (long)O_RDONLY, 0L);
	if (fd < 0) model_die(125, "model: cannot open GENODE_MODEL_CONFIG file '%s'", path);
	size_t cap = 4096, len = 0;
	char *text = malloc(cap);
	for (;;) {
		if (len + 1 >= cap) text = realloc(text, cap *= 2);
		long r = model_sys(SYS_read, fd, (long)(text + len), (long)(cap - len - 1));
		if (r == -4) continue;
		if (r < 0) model_die(125, "model: cannot read '%s'", path);
		if (r == 0) break;
		len += (size_t)r;
	}
	model_sys(SYS_close, fd);
	text[len] = 0;
	/* an execve's config (model_proc.c) is this image's alone: it is kept in memory, not on the host */
	if (!strncmp(path, MODEL_EXEC_CONFIG_PREFIX, strlen(MODEL_EXEC_CONFIG_PREFIX)))
		model_sys(SYS_unlinkat, (long)LX_AT_FDCWD, (long)path, 0L);
	model_config_text = strndup(text, len);
	model_config_text_len = len;

	size_t n_arg = 0, n_env = 0;
	char **args = NULL, **envs = NULL;
	struct model_vfs_node *vfs = NULL;
	size_t vfs_cap = 0;
	unsigned line = 0;
	for (char *p = text, *next; p && *p; p = next) {
		line++;
		next = strchr(p, '\n');
		if (next) *next++ = 0;
		if (!*p) continue;
		char *f[64]; int nf = 0;
		for (char *q = p; q && nf < 64; ) {
			char *t = strchr(q, '\t');
			if (t) *t++ = 0;
			f[nf++] = decode(q);
			q = t;
		}
		const char *key = f[0];
		if (!strcmp(key, "component") && nf >= 2) model_cfg.component = f[1];
		else if (!strcmp(key, "binary") && nf >= 2) model_cfg.binary = f[1];
		else if (!strcmp(key, "ram") && nf >= 2) model_cfg.ram_quota = number(f[1], line, key);
		else if (!strcmp(key, "caps") && nf >= 2) model_cfg.caps_quota = number(f[1], line, key);
		else if (!strcmp(key, "strict") && nf >= 2) model_cfg.strict = (int)number(f[1], line, key);
		else if (!strcmp(key, "watchdog_ms") && nf >= 2) model_cfg.watchdog_ms = (unsigned)number(f[1], line, key);
		else if (!strcmp(key, "exec_config") && nf >= 2) model_cfg.exec_config = f[1];
		else if (!strcmp(key, "exec_fds") && nf >= 2) model_exec_fds = f[1];
		else if (!strcmp(key, "exec_ramfs") && nf >= 2) model_exec_ramfs = f[1];
		else if (!strcmp(key, "exit_slot_fd") && nf >= 2) model_exec_exit_slot = f[1];
		else if (!strcmp(key, "libc") && nf >= 3) {
			grow((void ***)&libc_names, n_libc);
			grow((void ***)&libc_values, n_libc);
			libc_names[n_libc] = f[1];
			libc_values[n_libc] = f[2];
			n_libc++;
		} else if (!strcmp(key, "libc_fd") && nf >= 8) {
			libc_fds = realloc(libc_fds, (n_libc_fds + 1) * sizeof *libc_fds);
			struct model_libc_fd *d = &libc_fds[n_libc_fds++];
			d->id = (int)number(f[1], line, key);
			d->path = number(f[2], line, key) ? f[3] : NULL;
			d->readable = (int)number(f[4], line, key);
			d->writeable = (int)number(f[5], line, key);
			d->cloexec = (int)number(f[6], line, key);
			d->seek = number(f[7], line, key);
		} else if (!strcmp(key, "libc_sub") && nf >= 4) {
			grow((void ***)&sub_nodes, n_sub);
			grow((void ***)&sub_names, n_sub);
			grow((void ***)&sub_values, n_sub);
			sub_nodes[n_sub] = f[1];
			sub_names[n_sub] = f[2];
			sub_values[n_sub] = f[3];
			n_sub++;
		} else if (!strcmp(key, "arg") && nf >= 2) {
			grow((void ***)&args, n_arg);
			args[n_arg++] = f[1];
		} else if (!strcmp(key, "env") && nf >= 3) {
			grow((void ***)&envs, n_env);
			size_t l1 = strlen(f[1]), l2 = strlen(f[2]);
			char *kv = malloc(l1 + l2 + 2);
			memcpy(kv, f[1], l1); kv[l1] = '='; memcpy(kv + l1 + 1, f[2], l2 + 1);
			envs[n_env++] = kv;
		} else if (!strcmp(key, "vfs") && nf >= 3) {
			if (model_cfg.n_vfs == vfs_cap) {
				vfs_cap = vfs_cap ? 2 * vfs_cap : 16;
				vfs = realloc(vfs, vfs_cap * sizeof *vfs);
			}
			struct model_vfs_node *v = &vfs[model_cfg.n_vfs++];
			memset(v, 0, sizeof *v);
			v->path = f[1]; v->type = f[2];
			size_t extra_len = 0;
			char *extra = NULL;
			for (int i = 3; i < nf; i++) {
				if (!strncmp(f[i], "host=", 5)) v->host = f[i] + 5;
				else if (!strncmp(f[i], "writeable=", 10)) v->writeable = !strcmp(f[i] + 10, "yes");
				else if (!strncmp(f[i], "target=", 7)) v->target = f[i] + 7;
				else {
					/* kept whole in fields[]; in the joined extra, space and '%' stay encoded */
					v->fields = realloc(v->fields, (v->n_fields + 1) * sizeof *v->fields);
					v->fields[v->n_fields++] = f[i];
					size_t l = strlen(f[i]);
					extra = realloc(extra, extra_len + 3 * l + 2);
					if (extra_len) extra[extra_len++] = ' ';
					for (size_t k = 0; k < l; k++) {
						if (f[i][k] == ' ' || f[i][k] == '%') {
							snprintf_int(extra + extra_len, 4, "%%%02X", (unsigned char)f[i][k]);
							extra_len += 3;
						} else extra[extra_len++] = f[i][k];
					}
					extra[extra_len] = 0;
				}
			}
			v->extra = extra;
		} else
			model_die(125, "model: GENODE_MODEL_CONFIG line %u: unknown or incomplete key '%s'", line, key);
	}
	/* args.h: without <arg> nodes argc is 0 and argv[0] is NULL */
	if (!args) grow((void ***)&args, 0);
	if (!envs) grow((void ***)&envs, 0);
	args[n_arg] = NULL;
	envs[n_env] = NULL;
	model_cfg.argc = (int)n_arg;
	model_cfg.argv = args;
	model_cfg.envp = envs;
	model_cfg.vfs = vfs;
	if (!model_cfg.component) model_cfg.component = "component";
	model_vfs_expand();
}

const char *model_vfs_field(const struct model_vfs_node *v, const char *name)
{
	size_t l = strlen(name);
	for (size_t i = 0; i < v->n_fields; i++)
		if (!strncmp(v->fields[i], name, l) && v->fields[i][l] == '=') return v->fields[i] + l + 1;
	return NULL;
}
