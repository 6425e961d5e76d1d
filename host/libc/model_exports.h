/*
 * The model's own exported functions (FreeBSD ABI), for the units written as library code over them the way
 * FreeBSD's code in Genode's libc calls its libc: what they do then goes through the VFS view, the fd table and
 * the warnings those functions give. The units that define them include it too, so the declarations are checked.
 */
#ifndef MODEL_EXPORTS_H
#define MODEL_EXPORTS_H

#include "model.h"

int   open(const char *, int, ...);
long  read(int, void *, size_t);
long  write(int, const void *, size_t);
int   close(int);
int   lstat(const char *, struct fb_stat *);
long  readlink(const char *, char *, size_t);
char *getcwd(char *, size_t);
int   ioctl(int, unsigned long, ...);
int   poll(struct fb_pollfd *, unsigned long, int);
int   fork(void);
int   execve(const char *, char *const[], char *const[]);
void  _exit(int) __attribute__((noreturn));
int   socket(int, int, int);
long  sendto(int, const void *, size_t, int, const void *, uint32_t);
long  recvfrom(int, void *, size_t, int, void *, uint32_t *);
extern char **environ;

#endif
