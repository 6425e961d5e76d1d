/*
 * Terminal calls Genode's libc builds from FreeBSD over ioctl: grantpt/unlockpt/ptsname (stdlib ptsname.c:
 * TIOCPTMASTER, which no Genode plugin serves) and tcgetattr/tcsetattr (gen termios.c: TIOCGETA/TIOCSETA{,W,F}).
 */
#include "model_exports.h"
#include <string.h>

/* ---- pseudo terminals (FreeBSD 12 lib/libc/stdlib/ptsname.c) ---- */
static int isptmaster(int fd)
{
	if (ioctl(fd, FB_TIOCPTMASTER) == 0) return 1;
	if (*model_errno_slot() != FB_EBADF) *model_errno_slot() = FB_EINVAL;
	return 0;
}

int grantpt(int fd) { MODEL_ENTER("grantpt"); return isptmaster(fd) ? 0 : -1; }
int unlockpt(int fd) { MODEL_ENTER("unlockpt"); return isptmaster(fd) ? 0 : -1; }
char *ptsname(int fd) { MODEL_ENTER("ptsname"); (void)isptmaster(fd); return NULL; }

/* ---- termios (FreeBSD 12 lib/libc/gen/termios.c) ---- */
int tcgetattr(int fd, void *t) { MODEL_ENTER("tcgetattr"); return ioctl(fd, FB_TIOCGETA, t); }

int tcsetattr(int fd, int action, const void *t)
{
	MODEL_ENTER("tcsetattr");
	uint8_t local[44];
	if (action & FB_TCSASOFT) {
		memcpy(local, t, sizeof local);
		*(uint32_t *)(local + 8) |= FB_CIGNORE;  /* c_cflag */
		t = local;
	}
	switch (action & ~FB_TCSASOFT) {
	case FB_TCSANOW:   return ioctl(fd, FB_TIOCSETA, t);
	case FB_TCSADRAIN: return ioctl(fd, FB_TIOCSETAW, t);
	case FB_TCSAFLUSH: return ioctl(fd, FB_TIOCSETAF, t);
	default: return model_errno(FB_EINVAL);
	}
}
