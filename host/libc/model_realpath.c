/*
 * realpath (FreeBSD 12 lib/libc/stdlib/realpath.c, which Genode's libc builds) over the model's lstat, readlink
 * and getcwd, so the path is resolved in the component's VFS view.
 */
#include "model_exports.h"
#include <string.h>
#include <stdlib.h>

static int fail(int e) { return model_errno(e); }

char *realpath(const char *path, char *resolved)
{
	MODEL_ENTER("realpath");
	if (!path) { fail(FB_EINVAL); return NULL; }
	if (!path[0]) { fail(FB_ENOENT); return NULL; }
	int own = !resolved;
	if (own && !(resolved = malloc(FB_PATH_MAX))) { fail(FB_ENOMEM); return NULL; }
	char left[FB_PATH_MAX], next[FB_PATH_MAX], link[FB_PATH_MAX];
	size_t rlen;
	int links = 0;
	if (path[0] == '/') {
		resolved[0] = '/'; resolved[1] = 0;
		if (!path[1]) return resolved;
		rlen = 1;
		if (strlen(path + 1) >= sizeof left) { fail(FB_ENAMETOOLONG); goto err; }
		strcpy(left, path + 1);
	} else {
		if (!getcwd(resolved, FB_PATH_MAX)) { resolved[0] = '.'; resolved[1] = 0; goto err; }
		rlen = strlen(resolved);
		if (strlen(path) >= sizeof left) { fail(FB_ENAMETOOLONG); goto err; }
		strcpy(left, path);
	}
	while (left[0]) {
		/* take the next component off left */
		char *p = strchr(left, '/');
		size_t n = p ? (size_t)(p - left) : strlen(left);
		memcpy(next, left, n); next[n] = 0;
		if (p) memmove(left, p + 1, strlen(p + 1) + 1); else left[0] = 0;
		if (resolved[rlen - 1] != '/') {
			if (rlen + 1 >= FB_PATH_MAX) { fail(FB_ENAMETOOLONG); goto err; }
			resolved[rlen++] = '/'; resolved[rlen] = 0;
		}
		if (!next[0]) continue;
		if (!strcmp(next, ".")) continue;
		if (!strcmp(next, "..")) {
			if (rlen > 1) {
				resolved[rlen - 1] = 0;
				char *q = strrchr(resolved, '/') + 1;
				*q = 0;
				rlen = (size_t)(q - resolved);
			}
			continue;
		}
		if (rlen + strlen(next) >= FB_PATH_MAX) { fail(FB_ENAMETOOLONG); goto err; }
		strcpy(resolved + rlen, next);
		rlen += strlen(next);
		struct fb_stat sb;
		if (lstat(resolved, &sb) != 0) goto err;
		if ((sb.st_mode & FB_S_IFMT) == FB_S_IFLNK) {
			if (links++ > FB_MAXSYMLINKS) { fail(FB_ELOOP); goto err; }
			long sl = readlink(resolved, link, sizeof link - 1);
			if (sl <= 0 || sl >= (long)sizeof link - 1) { if (sl >= 0) fail(FB_ENAMETOOLONG); goto err; }
			link[sl] = 0;
			if (link[0] == '/') { resolved[1] = 0; rlen = 1; }
			else {
				char *q = strrchr(resolved, '/') + 1;
				*q = 0;
				rlen = (size_t)(q - resolved);
			}
			/* the link's target, then what was left */
			if (left[0]) {
				if (link[sl - 1] != '/') {
					if ((size_t)sl + 1 >= sizeof link) { fail(FB_ENAMETOOLONG); goto err; }
					link[sl++] = '/'; link[sl] = 0;
				}
				if ((size_t)sl + strlen(left) >= sizeof link) { fail(FB_ENAMETOOLONG); goto err; }
				strcat(link, left);
			}
			strcpy(left, link[0] == '/' ? link + 1 : link);
		} else if ((sb.st_mode & FB_S_IFMT) != FB_S_IFDIR && left[0]) {
			fail(FB_ENOTDIR);
			goto err;
		}
	}
	if (rlen > 1 && resolved[rlen - 1] == '/') resolved[rlen - 1] = 0;
	return resolved;
err:
	if (own) free(resolved);
	return NULL;
}
