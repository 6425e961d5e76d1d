/*
 * The VFS (model_vfs.c): the component's view as Genode's VFS plugins give it, for the units that implement
 * files, pipes and sockets on it (model_fd.c, model_sock.c, model_poll.c).
 */
#ifndef MODEL_VFS_H
#define MODEL_VFS_H

#include "model.h"
#include "linux.h"

#define VFS_PATH_MAX 512   /* Vfs::MAX_PATH_LEN, the capacity of the libc's Absolute_path */

enum vnode_type { VN_DIR = 1, VN_FILE, VN_SYMLINK, VN_CHR };
struct vstat { int type; int r, w, x; uint64_t size; uint64_t dev; uint64_t mtime_ms; uint64_t fileno; };

struct ram_node;
/* An open VFS object (what Genode's Vfs_handle is): one per libc fd, never shared. */
struct vhandle {
	int kind;                             /* MODEL_FD_* */
	const struct model_vfs_node *node;    /* the config node serving it */
	int hostfd;                           /* host fd or -1 */
	struct ram_node *rn;                  /* ram file or directory */
	const char *data; size_t data_len;    /* inline/rom/rtc content */
	uint64_t seek;
	int dir_index;                        /* next directory entry */
	char linebuf[512]; size_t linepos;    /* log output line */
	/* a file of the socket fs (model_sockfs.c): which file, of which socket (and its generation), the line
	 * written to it (Ip_vfs_file_handle::content_buffer) */
	int sfs_kind, sfs_udp, sfs_id, sfs_opt;
	unsigned sfs_gen;
	char sfs_line[32];
};
#define SFS_LINE 32   /* MAX_DATA_LEN, vfs/ip/vfs.cc */

void vfs_init(void);
/* lexical canonicalisation against a base directory; 0 or FB errno */
int  vfs_canon(const char *base, const char *path, char *out);
const char *vfs_cwd(void);
void vfs_set_cwd(const char *abs);
/* Genode's libc path resolution (file_operations.cc): all / all-but-last element */
int  vfs_resolve_all(const char *path, char *out);
int  vfs_resolve_parent(const char *path, char *out);
/* VFS operations on canonical absolute paths (no symlink following, as Genode's VFS) */
int  vfs_stat(const char *abs, struct vstat *st);
long vfs_readlink(const char *abs, char *buf, size_t len);
int  vfs_mkdir(const char *abs);
int  vfs_unlink(const char *abs);
int  vfs_rename(const char *from, const char *to);
int  vfs_symlink(const char *target, const char *abs);
int  vfs_open(const char *abs, int fb_flags, struct vhandle *h);
void vfs_close(struct vhandle *h);
long vfs_read(struct vhandle *h, void *buf, size_t n);      /* -FB_EAGAIN when nothing is there yet */
long vfs_write(struct vhandle *h, const void *buf, size_t n);
int  vfs_ftruncate(struct vhandle *h, uint64_t len);
int  vfs_read_ready(struct vhandle *h);
/* terminals (terminal_file_system.h): the host fd a blocked read waits for (-1: a session without input), whether
 * it has data now (a thread-safe check, for the waiting thread), and their host fds kept across the host execve */
int  vfs_terminal_waitfd(const struct vhandle *h);
int  vfs_terminal_host_ready(int fd);
void vfs_terminals_keep_on_exec(void);
int  vfs_write_ready(struct vhandle *h);
int  vfs_ram_unlinked(const struct vhandle *h);   /* 1 for a RAM file that has no name any more */
/* next directory entry of an open directory: 1 and fills, 0 at the end */
int  vfs_readdir(struct vhandle *h, const char *dir_abs, struct fb_dirent *de);
int  vfs_num_dirent(const char *abs);
/* MAP_SHARED: 1 if the file system hands out a dataspace (ram: a copy; rom: the module), else 0 */
int  vfs_has_dataspace(const struct vhandle *h);
void vfs_fill_stat(const struct vstat *vs, const char *abs, struct fb_stat *st);
const struct model_vfs_node *vfs_find_node(const char *abs);

#endif
