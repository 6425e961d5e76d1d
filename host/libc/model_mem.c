/*
 * Memory (libc/file_operations.cc, libc_mem_alloc.cc, dummies.cc, malloc.cc):
 *  - anonymous mmap: MAP_FIXED -> "Error: mmap for fixed predefined address not supported yet" + EINVAL; the
 *    address hint and PROT_NONE are ignored (memory is readable and writable, executable with PROT_EXEC); the
 *    memory is zeroed and committed at once;
 *  - munmap/msync: the mapping is found by its exact start address, anything else -> warning + EINVAL; munmap
 *    frees the whole mapping whatever the length;
 *  - mprotect -> warning + ENOSYS; madvise(MADV_DONTNEED) -> 0, other advice -> warning + ENOSYS;
 *  - file-backed mmap: model_file_mmap() of model_fd.c.
 *  - placement: as on Genode, anonymous memory is a page-aligned block of the libc's Mem_alloc (one per RW/RWX),
 *    whose backing dataspaces are attached by the component's region map without an address: core picks the
 *    best-fitting (smallest) free range of the address space, trying natural alignment first
 *    (region_map_component.cc, allocator_avl.cc). The model keeps that address-space map (see "address space"
 *    below) and maps each chunk at the address Genode would pick, so mmap results lie low (below the linker
 *    area at the binary, between it and the stack area, then above the stack area), never at Linux's 0x7f...;
 *    munmap returns the block to the Mem_alloc (reused by later mmaps, zeroed then), never the chunk.
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
#include "model.h"
#include <sys/syscall.h>
#include <sys/mman.h>
#include <string.h>
#include <stdlib.h>
#include <stdint.h>
#include <link.h>

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

/* ---------- best-fit range allocators (Genode's Allocator_avl) ---------- */

#define RA_MAX 4096
struct range { uintptr_t start, end; };                 /* free range [start, end) */
struct ralloc { int n; struct range r[RA_MAX]; };          /* sorted by start, never adjacent */

static void ra_add(struct ralloc *a, uintptr_t start, uintptr_t end)
{
	if (start >= end) return;
	int i = 0;
	while (i < a->n && a->r[i].start < start) i++;
	int merge_prev = i > 0 && a->r[i - 1].end == start;
	int merge_next = i < a->n && a->r[i].start == end;
	if (merge_prev && merge_next) {
		a->r[i - 1].end = a->r[i].end;
		memmove(&a->r[i], &a->r[i + 1], (size_t)(a->n - i - 1) * sizeof a->r[0]);
		a->n--;
	} else if (merge_prev) a->r[i - 1].end = end;
	else if (merge_next) a->r[i].start = start;
	else {
		if (a->n == RA_MAX) model_die(125, "model: address-space bookkeeping full");
		memmove(&a->r[i + 1], &a->r[i], (size_t)(a->n - i) * sizeof a->r[0]);
		a->r[i] = (struct range){ start, end };
		a->n++;
	}
}

/* remove [start, end) from whatever free ranges it overlaps */
static void ra_remove(struct ralloc *a, uintptr_t start, uintptr_t end)
{
	for (int i = 0; i < a->n; i++) {
		struct range r = a->r[i];
		if (r.end <= start || r.start >= end) continue;
		memmove(&a->r[i], &a->r[i + 1], (size_t)(a->n - i - 1) * sizeof a->r[0]);
		a->n--;
		if (r.start < start) ra_add(a, r.start, start);
		if (r.end > end) ra_add(a, end, r.end);
		i = -1;   /* restart: the array changed */
	}
}

/* Allocator_avl::alloc_aligned: the smallest free range holding an aligned block of size (the lowest on ties) */
static uintptr_t ra_alloc(struct ralloc *a, size_t size, size_t align)
{
	int best = -1;
	for (int i = 0; i < a->n; i++) {
		uintptr_t at = ALIGN_UP(a->r[i].start, align);
		if (at < a->r[i].start || at + size > a->r[i].end || at + size < at) continue;
		if (best < 0 || a->r[i].end - a->r[i].start < a->r[best].end - a->r[best].start) best = i;
	}
	if (best < 0) return 0;
	uintptr_t at = ALIGN_UP(a->r[best].start, align);
	ra_remove(a, at, at + size);
	return at;
}

/* ---------- the component's address space ---------- */

/*
 * A 64-bit component's address space as core's region map sees it: ld.lib.so low (the model reserves the first
 * MiB for it and the null page), the linker area of Pd_session::LINKER_AREA_SIZE (350 MiB) at the binary's link
 * address (ldso), the stack area (256 MiB at 0x40000000), and the user range up to the canonical-address limit.
 * Everything else is free for the region map's attach without an address.
 */
#define LDSO_END        0x100000UL
#define LINKER_AREA     (350UL << 20)
#define USER_END        0x7fffffffe000UL

static struct ralloc space;
static int space_ready;

static int lowest_load(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	uintptr_t *out = data, lo = UINTPTR_MAX;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD && info->dlpi_addr + info->dlpi_phdr[i].p_vaddr < lo)
			lo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
	*out = lo;
	return 1;   /* the first object is the program */
}

static void space_init(void)
{
	if (space_ready) return;
	uintptr_t bin = UINTPTR_MAX;
	dl_iterate_phdr(lowest_load, &bin);
	if (bin == UINTPTR_MAX || bin >= MODEL_STACK_AREA_BASE) bin = 0x1000000UL;
	bin &= ~0xfffffUL;
	space.n = 0;
	ra_add(&space, LDSO_END, USER_END);
	ra_remove(&space, bin, bin + LINKER_AREA);
	ra_remove(&space, MODEL_STACK_AREA_BASE, MODEL_STACK_AREA_BASE + 0x10000000UL);
	space_ready = 1;
}

static unsigned log2_floor(size_t v) { unsigned l = 0; while (v >>= 1) l++; return l; }

/*
 * Region_map::attach without an address (region_map_component.cc): natural alignment first, then successively
 * less, down to a page. The host backs the range at that address; a range the host already uses (the model's
 * own libraries, glibc's heap) is marked used and the search goes on.
 */
static uintptr_t space_attach(size_t size, int exec)
{
	space_init();
	for (;;) {
		uintptr_t at = 0;
		for (unsigned l = log2_floor(size); l >= 12 && !at; l--) at = ra_alloc(&space, size, 1UL << l);
		if (!at) return 0;
		long r = model_sys(SYS_mmap, (long)at, (long)size,
		                   (long)(PROT_READ | PROT_WRITE | (exec ? PROT_EXEC : 0)),
		                   (long)(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_POPULATE), -1L, 0L);
		if (r == (long)at) return at;
		if (r >= 0) model_sys(SYS_munmap, r, (long)size);   /* an old kernel ignoring NOREPLACE's address */
		/* host-occupied (or unusable): leave it marked used and look further */
	}
}

/* ---------- Genode's Mem_alloc (libc_mem_alloc.cc, internal/mem_alloc.h) ---------- */

struct pool { struct ralloc free; size_t chunk_words; struct range chunks[1024]; int nchunks; };
static struct pool pools[2];    /* [0] RW, [1] RWX */
#define MIN_CHUNK_WORDS (4 * 1024)
#define MAX_CHUNK_WORDS (1024 * 1024)
#define DATASPACE_MD 64          /* the Dataspace record Mem_alloc keeps at the start of each chunk */

/* alloc(size, 1 << align_log2); grows the pool by one charged chunk when the free ranges cannot serve it */
static uintptr_t pool_alloc(struct pool *p, size_t size, unsigned align_log2, int exec)
{
	size_t align = 1UL << align_log2;
	uintptr_t at = ra_alloc(&p->free, size, align);
	if (at) return at;
	if (!p->chunk_words) p->chunk_words = MIN_CHUNK_WORDS;
	/* room for the alignment, a slab block and the Dataspace metadata */
	size_t req = size + (align > 1024 ? align : 1024) + 4096 + DATASPACE_MD;
	if (req < p->chunk_words * sizeof(long)) {
		req = p->chunk_words * sizeof(long);
		p->chunk_words = p->chunk_words * 2 < MAX_CHUNK_WORDS ? p->chunk_words * 2 : MAX_CHUNK_WORDS;
	}
	req = ALIGN_UP(req, PAGE);
	model_ram_charge(req, "mmap");
	uintptr_t base = space_attach(req, exec);
	if (!base) return 0;
	if (p->nchunks < (int)(sizeof p->chunks / sizeof p->chunks[0]))
		p->chunks[p->nchunks++] = (struct range){ base, base + req };
	/*
	 * Dataspace_pool::expand adds the whole chunk to the allocator and then allocates the Dataspace record from
	 * it with alloc_aligned(sizeof(Dataspace), 2): best fit, so the record lands in the smallest free range (a
	 * remnant of an earlier chunk) when there is one, and the new chunk stays whole for the block.
	 */
	ra_add(&p->free, base, base + req);
	if (!ra_alloc(&p->free, DATASPACE_MD, 4)) model_die(125, "model: Mem_alloc metadata");
	return ra_alloc(&p->free, size, align);
}

/* ---------- the mmap registry ---------- */

struct region { uintptr_t start; size_t len; int exec; int file; struct region *next; };
static struct region *regions;
static volatile int rlock;

static void lock(void) { while (__atomic_exchange_n(&rlock, 1, __ATOMIC_ACQUIRE)) model_sys(SYS_sched_yield); }
static void unlock(void) { __atomic_store_n(&rlock, 0, __ATOMIC_RELEASE); }
static void mlock_take(void);   /* malloc's, below */
static void mlock_give(void);

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


void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	MODEL_ENTER("mmap");
	if (flags & FB_MAP_ANON) {
		if (flags & FB_MAP_FIXED) {
			model_error("mmap for fixed predefined address not supported yet");
			return (void *)(long)model_errno(FB_EINVAL);
		}
		int exec = (prot & FB_PROT_EXEC) != 0;
		size_t size = ALIGN_UP(len, PAGE);
		if (size == 0) { model_errno(FB_ENOMEM); return (void *)-1L; }
		/* MAP_ALIGNED(n) (FreeBSD's flag bits 24..31) asks the Mem_alloc for that alignment, else a page */
		unsigned align_log2 = ((unsigned)flags & FB_MAP_ALIGNMENT_MASK) >> FB_MAP_ALIGNMENT_SHIFT;
		if (align_log2 == 0) align_log2 = 12;
		if (align_log2 >= 48) { model_errno(FB_ENOMEM); return (void *)-1L; }
		lock();
		uintptr_t at = pool_alloc(&pools[exec], size, align_log2, exec);
		unlock();
		if (!at) {
			model_warning("libc: could not expand dataspace pool");
			model_errno(FB_ENOMEM);
			return (void *)-1L;
		}
		memset((void *)at, 0, size);   /* file_operations.cc zeroes the block (it may be reused) */
		region_add(at, size, exec, 0);
		return (void *)at;
	}
	/* the I/O part copies the file into memory it gets from this mmap (registered and charged there) */
	return model_file_mmap(addr, len, prot, flags, fd, off);
}

int munmap(void *start, size_t len)
{
	MODEL_ENTER("munmap"); (void)len;
	lock();
	struct region *r = region_take((uintptr_t)start);
	if (r && !r->file) ra_add(&pools[r->exec].free, r->start, r->start + r->len);
	unlock();
	if (!r) {
		model_warning("munmap: could not lookup plugin for address %p", start);
		return model_errno(FB_EINVAL);
	}
	/* the block goes back to the Mem_alloc; its chunk stays attached and charged, as on Genode */
	free(r);
	return 0;
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
		return model_errno(FB_EINVAL);
	}
	(void)file; (void)len; (void)flags;
	return 0;
}

int mprotect(void *addr, size_t len, int prot)
{
	MODEL_ENTER("mprotect"); (void)addr; (void)len; (void)prot;
	model_warning("mprotect: mprotect not implemented");
	return model_errno(FB_ENOSYS);
}

int madvise(void *addr, size_t len, int advice)
{
	MODEL_ENTER("madvise");
	if (advice == FB_MADV_DONTNEED) return 0;
	model_warning("madvise called, not implemented - %p+0x%zx advice=%d", addr, len, advice);
	return model_errno(FB_ENOSYS);
}

/* fork copies the heap and the mmap registry: the forking thread holds both locks across it, so that the copy
 * is not caught half-way through another thread's malloc or mmap and the child does not wait for a lock whose
 * holder does not exist there */
void model_mem_prefork(void) { lock(); mlock_take(); }
void model_mem_postfork(void) { mlock_give(); unlock(); }

/* The forked child does not get anonymous mmap memory (libc/fork.cc copies heap, data and the caller's stack). */
void model_mem_after_fork_child(void)
{
	mlock_give();   /* taken by model_mem_prefork, in the parent */
	struct region *r = regions, *keep = NULL;
	regions = NULL;
	while (r) {
		struct region *next = r->next;
		if (r->file) { r->next = keep; keep = r; }
		else free(r);
		r = next;
	}
	regions = keep;
	/* the chunks go (those holding a file mapping, which the model keeps, stay attached), the pools start over */
	for (int e = 0; e < 2; e++) {
		for (int i = 0; i < pools[e].nchunks; i++) {
			struct range c = pools[e].chunks[i];
			int held = 0;
			for (struct region *f = regions; f; f = f->next) held |= f->start >= c.start && f->start < c.end;
			if (!held) {
				model_sys(SYS_munmap, (long)c.start, (long)(c.end - c.start));
				ra_add(&space, c.start, c.end);
			}
		}
		pools[e].nchunks = 0;
		pools[e].free.n = 0;
		pools[e].chunk_words = 0;
	}
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
	if (align < sizeof(void *) || (align & (align - 1))) return FB_EINVAL;
	if (align <= 16) { *out = malloc(n); return *out ? 0 : FB_ENOMEM; }
	char *base = malloc(n + align + HDR);
	if (!base) return FB_ENOMEM;
	uintptr_t p = ALIGN_UP((uintptr_t)base + HDR, align);
	struct hdr *h = header((void *)p);
	h->cls = ALIGNED_CLASS; h->magic = MAGIC; h->size = (uint64_t)(uintptr_t)base;
	*out = (void *)p;
	return 0;
}
