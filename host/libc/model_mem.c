/*
 * Memory (libc/file_operations.cc, libc_mem_alloc.cc, dummies.cc, malloc.cc):
 *  - anonymous mmap: MAP_FIXED -> "Error: mmap for fixed predefined address not supported yet" + EINVAL; the
 *    address hint and PROT_NONE are ignored (memory is readable and writable, executable with PROT_EXEC); the
 *    memory is zeroed and committed at once;
 *  - munmap/msync: the mapping is found by its exact start address, anything else -> warning + EINVAL; munmap
 *    frees the whole mapping whatever the length;
 *  - mprotect -> warning + ENOSYS; madvise(MADV_DONTNEED) -> 0, other advice -> warning + ENOSYS;
 *  - file-backed mmap: the I/O part's model_file_mmap().
 *
 * RAM quota accounting (the model's rule, documented in host/libc/README.md):
 *  - anonymous mmap is served, as on Genode, by the libc's Mem_alloc, which grows its backing store in chunks of at
 *    least 32 KiB doubling up to 8 MiB (MIN/MAX_CHUNK_SIZE in libc/internal/mem_alloc.h); the model charges each
 *    such expansion, and munmap never returns quota (Genode keeps the dataspaces);
 *  - malloc is served from 256 KiB arenas charged when taken, blocks above 64 KiB get their own mapping charged
 *    while they live (Genode's Heap gives big blocks their own dataspace);
 *  - stacks: the stack size of every thread and secondary stack while it exists.
 *  Not charged: binary and library segments, the libc's own metadata, capability-backed session quota.
 *  Exceeding the quota prints init's resource-request line and ends the component with status 137.
 */
#include "model_int.h"
#include <sys/syscall.h>
#include <sys/mman.h>
#include <string.h>
#include <stdlib.h>

#define PAGE 4096UL
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uintptr_t)(a) - 1))

/* ---------- quota ---------- */

static uint64_t ram_used;

void model_ram_charge(size_t bytes, const char *what)
{
	uint64_t now = __atomic_add_fetch(&ram_used, bytes, __ATOMIC_SEQ_CST);
	if (model_cfg.ram_quota && now > model_cfg.ram_quota) {
		model_log("model: RAM quota of %lu bytes exhausted by %s (%zu bytes, %lu in use)",
		          (unsigned long)model_cfg.ram_quota, what, bytes, (unsigned long)now);
		model_log_write("[init] child \"", 14);
		model_log_write(model_cfg.component, strlen(model_cfg.component));
		char buf[96];
		int n = snprintf_int(buf, sizeof buf, "\" requests resources: ram_quota=%zu\n", bytes);
		model_log_write(buf, (size_t)n);
		model_die(137, "model: the component blocks on its resource request; ending it (status 137)");
	}
}

void model_ram_release(size_t bytes) { __atomic_sub_fetch(&ram_used, bytes, __ATOMIC_SEQ_CST); }

void model_mem_init_quota(void) { model_ram_charge(0, "start-up"); }

void *model_raw_alloc(size_t size)
{
	long r = model_sys(SYS_mmap, 0L, (long)ALIGN_UP(size, PAGE), (long)(PROT_READ | PROT_WRITE),
	                   (long)(MAP_PRIVATE | MAP_ANONYMOUS), -1L, 0L);
	if (r < 0) model_die(125, "model: host out of memory");
	return (void *)r;
}

/* ---------- Genode's Mem_alloc chunk growth, for charging ---------- */

struct pool { uint64_t capacity, used; size_t chunk_words; };
static struct pool pools[2] = { { 0, 0, 4 * 1024 }, { 0, 0, 4 * 1024 } };  /* [0] RW, [1] RWX */
#define MAX_CHUNK_WORDS (1024 * 1024)

static void pool_take(struct pool *p, size_t size)
{
	if (p->used + size > p->capacity) {
		size_t req = size + 1024 + 4096 + 64;   /* alignment, slab block and Dataspace metadata */
		if (req < p->chunk_words * sizeof(long)) {
			req = p->chunk_words * sizeof(long);
			p->chunk_words = p->chunk_words * 2 < MAX_CHUNK_WORDS ? p->chunk_words * 2 : MAX_CHUNK_WORDS;
		}
		req = ALIGN_UP(req, PAGE);
		model_ram_charge(req, "mmap");
		p->capacity += req;
	}
	p->used += size;
}

/* ---------- the mmap registry ---------- */

struct region { uintptr_t start; size_t len; int exec; int file; struct region *next; };
static struct region *regions;
static volatile int rlock;

static void lock(void) { while (__atomic_exchange_n(&rlock, 1, __ATOMIC_ACQUIRE)) model_sys(SYS_sched_yield); }
static void unlock(void) { __atomic_store_n(&rlock, 0, __ATOMIC_RELEASE); }

static struct region *region_take(uintptr_t start)
{
	for (struct region **p = &regions; *p; p = &(*p)->next)
		if ((*p)->start == start) { struct region *r = *p; *p = r->next; return r; }
	return NULL;
}

static int region_known(uintptr_t start)
{
	for (struct region *r = regions; r; r = r->next) if (r->start == start) return 1;
	return 0;
}

static void region_add(uintptr_t start, size_t len, int exec, int file)
{
	struct region *r = malloc(sizeof *r);
	*r = (struct region){ start, len, exec, file, NULL };
	lock();
	if (region_known(start)) {
		unlock();
		model_warning("insert: mmap region at %p is already registered", (void *)start);
		free(r);
		return;
	}
	r->next = regions;
	regions = r;
	unlock();
}

#define F_MAP_SHARED 0x1
#define F_MAP_FIXED 0x10
#define F_MAP_ANON 0x1000
#define F_PROT_EXEC 0x4
#define F_MADV_DONTNEED 4

void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	MODEL_ENTER("mmap");
	if (flags & F_MAP_ANON) {
		if (flags & F_MAP_FIXED) {
			model_error("mmap for fixed predefined address not supported yet");
			return (void *)(long)model_errno(F_EINVAL);
		}
		int exec = (prot & F_PROT_EXEC) != 0;
		size_t size = ALIGN_UP(len, PAGE);
		if (size == 0) { model_errno(F_ENOMEM); return (void *)-1L; }
		lock();
		pool_take(&pools[exec], size);
		unlock();
		long r = model_sys(SYS_mmap, 0L, (long)size, (long)(PROT_READ | PROT_WRITE | (exec ? PROT_EXEC : 0)),
		                   (long)(MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE), -1L, 0L);
		if (r < 0) { model_errno(F_ENOMEM); return (void *)-1L; }
		region_add((uintptr_t)r, size, exec, 0);
		return (void *)r;
	}
	/* the I/O part copies the file into memory it gets from this mmap (registered and charged there) */
	return model_file_mmap(addr, len, prot, flags, fd, off);
}

int munmap(void *start, size_t len)
{
	MODEL_ENTER("munmap"); (void)len;
	lock();
	struct region *r = region_take((uintptr_t)start);
	if (r && !r->file) pools[r->exec].used -= r->len;
	unlock();
	if (!r) {
		model_warning("munmap: could not lookup plugin for address %p", start);
		return model_errno(F_EINVAL);
	}
	int ret = 0;
	model_sys(SYS_munmap, (long)r->start, (long)r->len);
	free(r);
	return ret;
}

int msync(void *start, size_t len, int flags)
{
	MODEL_ENTER("msync");
	lock();
	struct region *found = NULL;
	for (struct region *r = regions; r; r = r->next) if (r->start == (uintptr_t)start) found = r;
	int file = found && found->file;
	unlock();
	if (!found) {
		model_warning("munmap: could not lookup plugin for address %p", start);
		return model_errno(F_EINVAL);
	}
	(void)file; (void)len; (void)flags;
	return 0;
}

int mprotect(void *addr, size_t len, int prot)
{
	MODEL_ENTER("mprotect"); (void)addr; (void)len; (void)prot;
	model_warning("mprotect: mprotect not implemented");
	return model_errno(F_ENOSYS);
}

int madvise(void *addr, size_t len, int advice)
{
	MODEL_ENTER("madvise");
	if (advice == F_MADV_DONTNEED) return 0;
	model_warning("madvise called, not implemented - %p+0x%zx advice=%d", addr, len, advice);
	return model_errno(F_ENOSYS);
}

/* The forked child does not get anonymous mmap memory (libc/fork.cc copies heap, data and the caller's stack). */
void model_mem_after_fork_child(void)
{
	lock();
	struct region *r = regions, *keep = NULL;
	regions = NULL;
	while (r) {
		struct region *next = r->next;
		if (r->file) { r->next = keep; keep = r; }
		else {
			model_sys(SYS_munmap, (long)r->start, (long)r->len);
			pools[r->exec].used -= r->len;
			free(r);
		}
		r = next;
	}
	regions = keep;
	unlock();
}

/* ---------- malloc ---------- */

#define NCLASS 13               /* 16 B .. 64 KiB */
#define ARENA (256UL * 1024)
#define HDR 16
#define BIG_CLASS 0xff
#define ALIGNED_CLASS 0xfe
struct hdr { uint32_t cls; uint32_t magic; uint64_t size; };  /* size: big blocks' mapping length, or base ptr */
#define MAGIC 0x6d616c6cU
static void *freelist[NCLASS];
static char *arena_ptr, *arena_end;
static volatile int malloc_lock;

static void mlock_take(void) { while (__atomic_exchange_n(&malloc_lock, 1, __ATOMIC_ACQUIRE)) model_sys(SYS_sched_yield); }
static void mlock_give(void) { __atomic_store_n(&malloc_lock, 0, __ATOMIC_RELEASE); }

static int size_class(size_t n)
{
	size_t s = 16;
	for (int c = 0; c < NCLASS; c++, s <<= 1) if (n + HDR <= s) return c;
	return -1;
}

void *malloc(size_t n)
{
	int c = size_class(n);
	if (c < 0) {
		size_t len = ALIGN_UP(n + HDR, PAGE);
		if (len < n) return NULL;
		model_ram_charge(len, "malloc");
		long r = model_sys(SYS_mmap, 0L, (long)len, (long)(PROT_READ | PROT_WRITE),
		                   (long)(MAP_PRIVATE | MAP_ANONYMOUS), -1L, 0L);
		if (r < 0) { model_ram_release(len); return NULL; }
		struct hdr *h = (struct hdr *)r;
		h->cls = BIG_CLASS; h->magic = MAGIC; h->size = len;
		return (char *)h + HDR;
	}
	size_t sz = 16UL << c;
	mlock_take();
	void *p = freelist[c];
	if (p) freelist[c] = *(void **)((char *)p + HDR);
	else {
		if (arena_ptr + sz > arena_end) {
			mlock_give();
			model_ram_charge(ARENA, "malloc");
			char *a = model_raw_alloc(ARENA);
			mlock_take();
			arena_ptr = a;
			arena_end = a + ARENA;
		}
		p = arena_ptr;
		arena_ptr += sz;
	}
	mlock_give();
	struct hdr *h = p;
	h->cls = (uint32_t)c; h->magic = MAGIC; h->size = 0;
	return (char *)p + HDR;
}

static struct hdr *header(void *p) { return (struct hdr *)((char *)p - HDR); }

void free(void *p)
{
	if (!p) return;
	struct hdr *h = header(p);
	if (h->magic != MAGIC) model_die(134, "\033[31mError: free: %p was not allocated by malloc\033[0m", p);
	if (h->cls == ALIGNED_CLASS) { free((void *)h->size); return; }
	if (h->cls == BIG_CLASS) {
		size_t len = h->size;
		model_sys(SYS_munmap, (long)h, (long)len);
		model_ram_release(len);
		return;
	}
	mlock_take();
	*(void **)p = freelist[h->cls];
	freelist[h->cls] = h;
	mlock_give();
}

static size_t usable(void *p)
{
	struct hdr *h = header(p);
	if (h->cls == BIG_CLASS) return h->size - HDR;
	if (h->cls == ALIGNED_CLASS) {
		void *base = (void *)h->size;
		return usable(base) - (size_t)((char *)p - (char *)base);
	}
	return (16UL << h->cls) - HDR;
}

void *calloc(size_t a, size_t b)
{
	size_t n;
	if (__builtin_mul_overflow(a, b, &n)) return NULL;
	void *p = malloc(n);
	if (p) memset(p, 0, n);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p) return malloc(n);
	if (!n) { free(p); return NULL; }
	size_t have = usable(p);
	if (n <= have && header(p)->cls != ALIGNED_CLASS) return p;
	void *q = malloc(n);
	if (!q) return NULL;
	memcpy(q, p, have < n ? have : n);
	free(p);
	return q;
}

int posix_memalign(void **out, size_t align, size_t n)
{
	if (align < sizeof(void *) || (align & (align - 1))) return F_EINVAL;
	if (align <= 16) { *out = malloc(n); return *out ? 0 : F_ENOMEM; }
	char *base = malloc(n + align + HDR);
	if (!base) return F_ENOMEM;
	uintptr_t p = ALIGN_UP((uintptr_t)base + HDR, align);
	struct hdr *h = header((void *)p);
	h->cls = ALIGNED_CLASS; h->magic = MAGIC; h->size = (uint64_t)(uintptr_t)base;
	*out = (void *)p;
	return 0;
}
