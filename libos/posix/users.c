/*
 * The user and group databases: one user, root (uid 0, home "/", shell "/bin/sh"), and one group,
 * root (gid 0, with root in it), as identity.c has the program be. Nothing else exists, so a
 * lookup of another name or id finds nothing (NULL with errno unchanged, or 0 with *result NULL
 * for the _r forms). Logins, passwords and remote access do not exist: they fail ENOSYS.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char root_name[] = "root", root_dir[] = "/", root_shell[] = "/bin/sh", empty[] = "";
static char *root_members[] = {root_name, NULL};

static struct passwd root_user = {
    .pw_name = root_name, .pw_passwd = empty, .pw_uid = 0, .pw_gid = 0,
    .pw_comment = empty, .pw_gecos = root_name, .pw_dir = root_dir, .pw_shell = root_shell,
};
static struct group root_group = {
    .gr_name = root_name, .gr_passwd = empty, .gr_gid = 0, .gr_mem = root_members,
};

struct passwd *getpwuid(uid_t uid) { return uid == 0 ? &root_user : NULL; }
struct passwd *getpwnam(const char *name) { return name && !strcmp(name, root_name) ? &root_user : NULL; }
struct group *getgrgid(gid_t gid) { return gid == 0 ? &root_group : NULL; }
struct group *getgrnam(const char *name) { return name && !strcmp(name, root_name) ? &root_group : NULL; }

/* Copies s into buf at *used; NULL when it does not fit. */
static char *put(const char *s, char *buf, size_t size, size_t *used)
{
    size_t n = strlen(s) + 1;
    if (n > size - *used)
        return NULL;
    char *p = memcpy(buf + *used, s, n);
    *used += n;
    return p;
}

static int copy_user(const struct passwd *u, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
    size_t used = 0;
    *result = NULL;
    if (!u)
        return 0;
    *pw = *u;
    if (!(pw->pw_name = put(u->pw_name, buf, size, &used)) || !(pw->pw_passwd = put(u->pw_passwd, buf, size, &used)) ||
        !(pw->pw_gecos = put(u->pw_gecos, buf, size, &used)) || !(pw->pw_dir = put(u->pw_dir, buf, size, &used)) ||
        !(pw->pw_shell = put(u->pw_shell, buf, size, &used)))
        return ERANGE;
    pw->pw_comment = pw->pw_passwd + strlen(pw->pw_passwd); /* "" */
    *result = pw;
    return 0;
}

static int copy_group(const struct group *g, struct group *gr, char *buf, size_t size, struct group **result)
{
    size_t used = 0;
    *result = NULL;
    if (!g)
        return 0;
    /* the member array first, aligned for pointers */
    size_t skip = (sizeof(char *) - (uintptr_t)buf % sizeof(char *)) % sizeof(char *);
    if (size < skip + 2 * sizeof(char *))
        return ERANGE;
    char **mem = (char **)(buf + skip);
    used = skip + 2 * sizeof(char *);
    *gr = *g;
    if (!(gr->gr_name = put(g->gr_name, buf, size, &used)) || !(gr->gr_passwd = put(g->gr_passwd, buf, size, &used)))
        return ERANGE;
    mem[0] = gr->gr_name;
    mem[1] = NULL;
    gr->gr_mem = mem;
    *result = gr;
    return 0;
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
    return copy_user(getpwuid(uid), pw, buf, size, result);
}
int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
    return copy_user(getpwnam(name), pw, buf, size, result);
}
int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size, struct group **result)
{
    return copy_group(getgrgid(gid), gr, buf, size, result);
}
int getgrnam_r(const char *name, struct group *gr, char *buf, size_t size, struct group **result)
{
    return copy_group(getgrnam(name), gr, buf, size, result);
}

/* Walking the databases: one entry each. */
static int user_walked, group_walked, shell_walked;

struct passwd *getpwent(void) { return user_walked++ ? NULL : &root_user; }
void setpwent(void) { user_walked = 0; }
void endpwent(void) { user_walked = 0; }
int setpassent(int stayopen)
{
    (void)stayopen;
    user_walked = 0;
    return 1;
}
struct group *getgrent(void) { return group_walked++ ? NULL : &root_group; }
void setgrent(void) { group_walked = 0; }
void endgrent(void) { group_walked = 0; }
char *getusershell(void) { return shell_walked++ ? NULL : root_shell; }
void setusershell(void) { shell_walked = 0; }
void endusershell(void) { shell_walked = 0; }

int getgroups(int size, gid_t list[])
{
    if (size == 0)
        return 1;
    if (size < 0 || !list) {
        errno = EINVAL;
        return -1;
    }
    list[0] = 0;
    return 1;
}

/* Only root's own group may be set. */
int setgroups(int n, const gid_t *list)
{
    if (n < 0)
        return errno = EINVAL, -1;
    for (int i = 0; i < n; i++)
        if (list[i] != 0) {
            errno = EPERM;
            return -1;
        }
    return 0;
}
int initgroups(const char *user, gid_t group)
{
    (void)user;
    return setgroups(1, &group);
}

char *getlogin(void) { return root_name; }
char *cuserid(char *buf)
{
    static char own[sizeof root_name];
    return strcpy(buf ? buf : own, root_name);
}
int issetugid(void) { return 0; }
char *secure_getenv(const char *name) { return getenv(name); }

/* No passwords: nothing to read or hash. */
char *getpass(const char *prompt)
{
    (void)prompt;
    errno = ENXIO;
    return NULL;
}
char *crypt(const char *key, const char *salt)
{
    (void)key, (void)salt;
    errno = ENOSYS;
    return NULL;
}
void encrypt(char block[64], int edflag)
{
    (void)block, (void)edflag;
    errno = ENOSYS;
}
void setkey(const char *key)
{
    (void)key;
    errno = ENOSYS;
}

/* BSD's remote shell helpers: no network logins. */
int ruserok(const char *host, int superuser, const char *ruser, const char *luser)
{
    (void)host, (void)superuser, (void)ruser, (void)luser;
    errno = ENOSYS;
    return -1;
}
int iruserok(unsigned long addr, int superuser, const char *ruser, const char *luser)
{
    (void)addr, (void)superuser, (void)ruser, (void)luser;
    errno = ENOSYS;
    return -1;
}
int rresvport(int *port)
{
    (void)port;
    errno = ENOSYS;
    return -1;
}
