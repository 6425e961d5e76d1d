/*
 * Users and groups (getpwent.cc, getgrent.cc): getpwnam_r/getpwuid_r and getgrnam_r/getgrgid_r give the one
 * entry of <libc><passwd> and <libc><group> (flat-config key libc_sub; defaults root/0/0, home "/"); -1 with
 * errno ERANGE for a buffer smaller than Genode's Passwd_fields/Group_fields, -1 with errno ENOENT when the
 * entry does not match; gr_mem is NULL. getgrouplist (FreeBSD gen code) has no members to find: the base group.
 */
#include "model_fd.h"
#include <string.h>
#include <stdlib.h>

/* struct passwd and struct group as FreeBSD 12 lays them out */
struct fb_passwd {
	char *pw_name, *pw_passwd;
	uint32_t pw_uid, pw_gid;
	int64_t pw_change;
	char *pw_class, *pw_gecos, *pw_dir, *pw_shell;
	int64_t pw_expire;
	int pw_fields;
};
struct fb_group { char *gr_name, *gr_passwd; uint32_t gr_gid; char **gr_mem; };

/* Genode's Passwd_fields: seven String<128> buffers and the numbers, copied into the caller's buffer */
struct pw_fields {
	char name[128], passwd[128];
	uint32_t uid, gid;
	int64_t change;
	char clas[128], gecos[128], home[128], shell[128];
	int64_t expire;
	int fields;
};
struct gr_fields { char name[128], passwd[128]; uint32_t gid; };

static void copy_attr(char *dst, const char *node, const char *attr, const char *dflt)
{
	const char *v = model_libc_sub_attr(node, attr);
	if (!v) v = dflt;
	size_t n = strlen(v);
	if (n > 127) n = 127;
	memcpy(dst, v, n);
	dst[n] = 0;
}

static uint64_t num_attr(const char *node, const char *attr)
{
	const char *v = model_libc_sub_attr(node, attr);
	return v ? strtoull(v, NULL, 0) : 0;
}

static void pw_load(struct pw_fields *f)
{
	memset(f, 0, sizeof *f);
	copy_attr(f->name, "passwd", "name", "root");
	copy_attr(f->passwd, "passwd", "passwd", "");
	f->uid = (uint32_t)num_attr("passwd", "uid");
	f->gid = (uint32_t)num_attr("passwd", "gid");
	f->change = (int64_t)(uint32_t)num_attr("passwd", "change");
	copy_attr(f->clas, "passwd", "class", "");
	copy_attr(f->gecos, "passwd", "gecos", "");
	copy_attr(f->home, "passwd", "home", "/");
	copy_attr(f->shell, "passwd", "shell", "");
	f->expire = (int64_t)(uint32_t)num_attr("passwd", "expire");
	f->fields = (int)num_attr("passwd", "fields");
}

/* The checks getpwent.cc and getgrent.cc make before copying their fields into the caller's buffer. */
static int fields_fit(int match, size_t size, size_t need)
{
	if (size < need) return model_errno(FB_ERANGE);
	if (!match) return model_errno(FB_ENOENT);
	return 0;
}

static int pw_out(int match, struct pw_fields *f, struct fb_passwd *in, char *buf, size_t size,
                  struct fb_passwd **out)
{
	*out = NULL;
	if (fields_fit(match, size, sizeof *f)) return -1;
	struct pw_fields *d = (struct pw_fields *)buf;
	*d = *f;
	*in = (struct fb_passwd){ d->name, d->passwd, d->uid, d->gid, d->change, d->clas, d->gecos, d->home,
	                          d->shell, d->expire, d->fields };
	*out = in;
	return 0;
}

int getpwnam_r(const char *login, struct fb_passwd *in, char *buf, size_t size, struct fb_passwd **out)
{
	MODEL_ENTER("getpwnam_r");
	struct pw_fields f;
	pw_load(&f);
	return pw_out(!strcmp(f.name, login), &f, in, buf, size, out);
}

int getpwuid_r(uint32_t uid, struct fb_passwd *in, char *buf, size_t size, struct fb_passwd **out)
{
	MODEL_ENTER("getpwuid_r");
	struct pw_fields f;
	pw_load(&f);
	return pw_out(f.uid == uid, &f, in, buf, size, out);
}

static void gr_load(struct gr_fields *f)
{
	memset(f, 0, sizeof *f);
	copy_attr(f->name, "group", "name", "root");
	copy_attr(f->passwd, "group", "passwd", "");
	f->gid = (uint32_t)num_attr("group", "gid");
}

static int gr_out(int match, struct gr_fields *f, struct fb_group *in, char *buf, size_t size, struct fb_group **out)
{
	*out = NULL;
	if (fields_fit(match, size, sizeof *f)) return -1;
	struct gr_fields *d = (struct gr_fields *)buf;
	*d = *f;
	*in = (struct fb_group){ d->name, d->passwd, d->gid, NULL };
	*out = in;
	return 0;
}

int getgrnam_r(const char *name, struct fb_group *in, char *buf, size_t size, struct fb_group **out)
{
	MODEL_ENTER("getgrnam_r");
	struct gr_fields f;
	gr_load(&f);
	return gr_out(!strcmp(f.name, name), &f, in, buf, size, out);
}

int getgrgid_r(uint32_t gid, struct fb_group *in, char *buf, size_t size, struct fb_group **out)
{
	MODEL_ENTER("getgrgid_r");
	struct gr_fields f;
	gr_load(&f);
	return gr_out(f.gid == gid, &f, in, buf, size, out);
}

/* The one group has no members (gr_mem is NULL), so only the base group is a member of the list. */
int getgrouplist(const char *user, uint32_t base, uint32_t *groups, int *ngroups)
{
	MODEL_ENTER("getgrouplist");
	(void)user;
	int room = *ngroups;
	*ngroups = 1;
	if (room < 1) return -1;
	groups[0] = base;
	return 0;
}
