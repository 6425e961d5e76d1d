/*
 * Readiness: poll, ppoll, select, pselect, kqueue, kevent.
 *
 * Models: repos/libports/src/lib/libc/poll.cc (unknown fds are skipped without POLLNVAL; only POLLIN/POLLOUT are
 * reported, no POLLERR/POLLHUP; ms timeout, negative = infinite), select.cc (over poll; ms = tv_sec*1000 +
 * tv_usec/1000), kqueue.cc (EV_ADD/DELETE/ENABLE/DISABLE/ONESHOT/CLEAR only, other flags EINVAL; EV_CLEAR
 * ignored, so level-triggered; returned events carry flags 0 and no data; change errors as EV_ERROR entries;
 * closed fds dropped lazily; an unknown filter passes registration and hits an assertion when collected).
 */
#include <sys/syscall.h>
#include "model_fd.h"
#include "model_exports.h"   /* checks the declarations against the definitions here */


/* readiness of one fd as the plugins report it: bit 1 read, bit 2 write; -1 if the fd is skipped */
static int fd_ready(int fd, int want_r, int want_w)
{
	struct model_fd *f = io_fd(fd);
	if (!f || f->kind < 0 || f->kind == MODEL_FD_KQUEUE || f->kind == MODEL_FD_SOCKETFS) return -1;
	int r = 0;
	switch (f->kind) {
	case MODEL_FD_SOCKET:
		if (want_r && sock_read_ready(f)) r |= 1;
		if (want_w && sock_write_ready(f)) r |= 2;
		break;
	case MODEL_FD_PIPE:
		if (want_r && io_host_ready(f->h.hostfd, LX_POLLIN)) r |= 1;
		if (want_w && io_host_ready(f->h.hostfd, LX_POLLOUT)) r |= 2;
		break;
	default:
		if (want_r && vfs_read_ready(&f->h)) r |= 1;
		if (want_w && vfs_write_ready(&f->h)) r |= 2;
	}
	return r;
}

/* ---- poll ---- */
struct a_poll { struct fb_pollfd *fds; unsigned long n; };

static int poll_scan(struct a_poll *a)
{
	int nready = 0;
	for (unsigned long i = 0; i < a->n; i++) {
		struct fb_pollfd *p = &a->fds[i];
		p->revents = 0;
		int wr = !!(p->events & (FB_POLLIN | FB_POLLPRI | FB_POLLRDNORM | FB_POLLRDBAND));
		int ww = !!(p->events & (FB_POLLOUT | FB_POLLWRBAND));
		int r = fd_ready(p->fd, wr, ww);
		if (r <= 0) continue;
		if (r & 1) p->revents |= FB_POLLIN;
		if (r & 2) p->revents |= FB_POLLOUT;
		nready++;
	}
	return nready;
}

static long do_poll_scan(void *p) { return poll_scan(p); }
static int poll_ready(void *p) { return poll_scan(p) != 0; }

/* The host fd whose events announce a change of fd's readiness, in *w: 1 if there is one, 0 if nothing can
 * (an fd poll skips, or one that is always ready or never), -1 if its readiness is not a host fd's. */
static int fd_wake(int fd, int want_r, int want_w, struct lx_pollfd *w)
{
	struct model_fd *f = io_fd(fd);
	if (!f || f->kind < 0 || f->kind == MODEL_FD_KQUEUE || f->kind == MODEL_FD_SOCKETFS) return 0;
	w->events = (short)((want_r ? LX_POLLIN : 0) | (want_w ? LX_POLLOUT : 0));
	w->revents = 0;
	switch (f->kind) {
	case MODEL_FD_SOCKET: case MODEL_FD_PIPE:
		w->fd = f->h.hostfd;
		return w->fd >= 0 && w->events;
	case MODEL_FD_SFS:
		w->fd = sfs_hostfd(&f->h);
		w->events = sfs_host_events(&f->h, want_r, want_w);
		return w->fd >= 0 && w->events;
	}
	if (f->h.kind != MODEL_FD_TERMINAL || !want_r) return 0;
	w->fd = vfs_terminal_waitfd(&f->h);
	w->events = LX_POLLIN;
	return w->fd >= 0;
}

static int poll_ms(struct fb_pollfd *fds, unsigned long n, long timeout_ms)
{
	struct a_poll a = { fds, n };
	long r = model_funnel(do_poll_scan, &a);
	if (r != 0 || timeout_ms == 0) return (int)r;
	/* the poll sleeps on the host fds behind the polled ones (model_block_until_fds) */
	struct lx_pollfd w[MODEL_WAKE_MAX];
	int nw = 0;
	for (unsigned long i = 0; i < n && nw >= 0; i++) {
		struct fb_pollfd *p = &fds[i];
		int k = nw < MODEL_WAKE_MAX ? fd_wake(p->fd, !!(p->events & (FB_POLLIN | FB_POLLPRI | FB_POLLRDNORM | FB_POLLRDBAND)),
		                                      !!(p->events & (FB_POLLOUT | FB_POLLWRBAND)), &w[nw]) : -1;
		nw = k < 0 ? -1 : nw + k;
	}
	if (!model_block_until_fds(poll_ready, &a, timeout_ms < 0 ? -1 : timeout_ms, w, nw)) {
		for (unsigned long i = 0; i < n; i++) fds[i].revents = 0;
		return 0;
	}
	return (int)model_funnel(do_poll_scan, &a);
}

int poll(struct fb_pollfd *fds, unsigned long n, int timeout_ms)
{
	MODEL_ENTER("poll");
	model_io_init();
	return poll_ms(fds, n, timeout_ms);
}

int ppoll(struct fb_pollfd *fds, unsigned long n, const struct fb_timespec *ts, const void *sigmask)
{
	MODEL_ENTER("ppoll");
	(void)sigmask;   /* ignored */
	model_io_init();
	long ms = ts ? (long)(ts->tv_sec * 1000 + ts->tv_nsec / 1000000) : -1;
	return poll_ms(fds, n, ms);
}

/* ---- select ---- */
#define FDSET_BITS 1024
struct fb_fd_set { unsigned long bits[FDSET_BITS / 64]; };
static int isset(const struct fb_fd_set *s, int fd) { return s && ((s->bits[fd / 64] >> (fd % 64)) & 1); }
static void setbit(struct fb_fd_set *s, int fd) { s->bits[fd / 64] |= 1UL << (fd % 64); }

static int select_ms(int nfds, struct fb_fd_set *rd, struct fb_fd_set *wr, struct fb_fd_set *ex, long ms)
{
	struct fb_pollfd pfd[FDSET_BITS];
	int n = 0;
	if (nfds > FDSET_BITS) nfds = FDSET_BITS;
	for (int fd = 0; fd < nfds; fd++) {
		int r = isset(rd, fd), w = isset(wr, fd), e = isset(ex, fd);
		if (!r && !w && !e) continue;
		pfd[n].fd = fd;
		pfd[n].events = (short)((r ? FB_POLLIN : 0) | (w ? FB_POLLOUT : 0) | (e ? FB_POLLERR : 0));
		pfd[n].revents = 0;
		n++;
	}
	int nready = poll_ms(pfd, (unsigned long)n, ms);
	if (nready < 0) return nready;
	struct fb_fd_set z;
	for (int i = 0; i < FDSET_BITS / 64; i++) z.bits[i] = 0;
	if (rd) *rd = z;
	if (wr) *wr = z;
	if (ex) *ex = z;
	int cnt = 0;
	if (nready > 0)
		for (int i = 0; i < n; i++) {
			if (rd && (pfd[i].revents & FB_POLLIN)) { setbit(rd, pfd[i].fd); cnt++; }
			if (wr && (pfd[i].revents & FB_POLLOUT)) { setbit(wr, pfd[i].fd); cnt++; }
			if (ex && (pfd[i].revents & FB_POLLERR)) { setbit(ex, pfd[i].fd); cnt++; }
		}
	return cnt;
}

struct fb_timeval { int64_t tv_sec; long tv_usec; };

int select(int nfds, void *rd, void *wr, void *ex, struct fb_timeval *tv)
{
	MODEL_ENTER("select");
	model_io_init();
	long ms = tv ? (long)(tv->tv_sec * 1000 + tv->tv_usec / 1000) : -1;
	return select_ms(nfds, rd, wr, ex, ms);
}

int pselect(int nfds, void *rd, void *wr, void *ex, const struct fb_timespec *ts, const void *sigmask)
{
	MODEL_ENTER("pselect");
	(void)sigmask;
	model_io_init();
	long ms = ts ? (long)(ts->tv_sec * 1000 + (ts->tv_nsec / 1000) / 1000) : -1;
	return select_ms(nfds, rd, wr, ex, ms);
}

/* ---- kqueue ---- */
#define KQ_MAX 1024
struct kq { int n; struct fb_kevent ev[KQ_MAX]; };

void kq_free(struct kq *q) { io_free(q, sizeof *q); }

static long do_kqueue(void *p)
{
	(void)p;
	int fd = io_fd_alloc(-1);
	if (fd < 0) return fd;
	struct model_fd *f = io_fd(fd);
	f->kind = MODEL_FD_KQUEUE;
	f->kq = io_alloc(sizeof(struct kq));
	f->kq->n = 0;
	return fd;
}

int kqueue(void)
{
	MODEL_ENTER("kqueue");
	model_io_init();
	long r = model_funnel(do_kqueue, 0);
	return r < 0 ? model_errno((int)-r) : (int)r;
}

struct a_kev { int kq; const struct fb_kevent *ch; int nch; struct fb_kevent *ev; int nev; int nerr; int mode; };

static int kq_find(struct kq *q, const struct fb_kevent *k)
{
	for (int i = 0; i < q->n; i++)
		if (q->ev[i].ident == k->ident && q->ev[i].filter == k->filter) return i;
	return -1;
}

static long do_kevent_changes(void *p)
{
	struct a_kev *a = p;
	struct model_fd *f = io_fd(a->kq);
	if (!f || f->kind != MODEL_FD_KQUEUE) {
		model_error("File descriptor not reqistered to kqueue plugin");
		return -FB_EBADF;
	}
	struct kq *q = f->kq;
	const unsigned short allowed = FB_EV_ADD | FB_EV_DELETE | FB_EV_CLEAR | FB_EV_ONESHOT | FB_EV_ENABLE | FB_EV_DISABLE;
	int nerr = 0;
	for (int i = 0; i < a->nch; i++) {
		const struct fb_kevent *k = &a->ch[i];
		int err = 0;
		if (k->flags & ~allowed) {
			model_error("kqueue: unsupported flags detected: %u", (unsigned)(k->flags & ~allowed));
			return -FB_EINVAL;
		}
		int at = kq_find(q, k);
		if (k->flags & FB_EV_ADD) {
			/* the filter whitelist test ORs two negative constants, so every filter is accepted */
			if (at >= 0) q->ev[at] = *k;
			else if (q->n < KQ_MAX) q->ev[q->n++] = *k;
			else err = FB_ENOMEM;
		} else if (k->flags & (FB_EV_DELETE | FB_EV_ENABLE | FB_EV_DISABLE)) {
			if (at < 0) {
				const char *what = (k->flags & FB_EV_DELETE) ? "delete" : (k->flags & FB_EV_ENABLE) ? "enable" : "disable";
				model_error("kqueue: did not find kevent to %s: ident: %lu filter: %d", what,
				            (unsigned long)k->ident, k->filter);
				err = FB_EINVAL;
			} else if (k->flags & FB_EV_DELETE) {
				q->ev[at] = q->ev[--q->n];
			} else if (k->flags & FB_EV_ENABLE) {
				q->ev[at].flags = (unsigned short)((q->ev[at].flags & ~FB_EV_DISABLE) | FB_EV_ENABLE);
			} else {
				q->ev[at].flags = (unsigned short)((q->ev[at].flags & ~FB_EV_ENABLE) | FB_EV_DISABLE);
			}
		}
		if (err) {
			if (nerr < a->nev) {
				a->ev[nerr] = *k;
				a->ev[nerr].flags = FB_EV_ERROR;
				a->ev[nerr].data = err;
				nerr++;
			} else return -err;
		}
	}
	a->nerr = nerr;
	return nerr;
}

static long do_kevent_collect(void *p)
{
	struct a_kev *a = p;
	struct model_fd *f = io_fd(a->kq);
	if (!f || f->kind != MODEL_FD_KQUEUE) return 0;
	struct kq *q = f->kq;
	struct fb_kevent *out = a->ev + a->nerr;
	int room = a->nev - a->nerr, n = 0;
	for (int i = 0; i < q->n && n < room; i++) {
		struct fb_kevent *e = &q->ev[i];
		int r = fd_ready((int)e->ident, e->filter == FB_EVFILT_READ, e->filter == FB_EVFILT_WRITE);
		if (r < 0 && !io_fd((int)e->ident)) { q->ev[i] = q->ev[--q->n]; i--; continue; }   /* closed fd */
		if (e->flags & FB_EV_DISABLE) continue;
		if (e->filter != FB_EVFILT_READ && e->filter != FB_EVFILT_WRITE)
			model_die(134, "Assertion failed: false && \"Element with unknown filter inserted\" (kqueue.cc)");
		if (r > 0 && ((e->filter == FB_EVFILT_READ && (r & 1)) || (e->filter == FB_EVFILT_WRITE && (r & 2)))) {
			memcpy(&out[n], e, sizeof *e);
			out[n].flags = 0;
			n++;
		}
		if (e->flags & FB_EV_ONESHOT) { q->ev[i] = q->ev[--q->n]; i--; }
	}
	return n;
}

static int kev_ready(void *p)
{
	struct a_kev *a = p;
	return do_kevent_collect(a) > 0;
}

int kevent(int kq, const struct fb_kevent *ch, int nch, struct fb_kevent *ev, int nev, const struct fb_timespec *ts)
{
	MODEL_ENTER("kevent");
	model_io_init();
	if (nch < 0 || nev < 0) return model_errno(FB_EINVAL);
	struct a_kev a = { kq, ch, nch, ev, nev, 0, 0 };
	struct model_fd *f = io_fd(kq);
	if (!f || f->kind != MODEL_FD_KQUEUE) {
		if (!f) model_error("no plugin found for kevent(%d)", kq);
		model_error("File descriptor not reqistered to kqueue plugin");
		return model_errno(FB_EBADF);
	}
	if (ch && nch) {
		long r = model_funnel(do_kevent_changes, &a);
		if (r < 0) return model_errno((int)-r);
	}
	if (!ev || nev - a.nerr <= 0 || !nev) return 0;
	long ms = -1;
	if (ts) ms = (long)(ts->tv_sec * 1000 + ts->tv_nsec / 1000000);
	long n = model_funnel(do_kevent_collect, &a);
	if (n > 0 || ms == 0) return (int)n;
	/* level-triggered: a ready event is found again on the next call */
	if (!model_block_until(kev_ready, &a, ms)) return 0;
	return (int)model_funnel(do_kevent_collect, &a);
}
