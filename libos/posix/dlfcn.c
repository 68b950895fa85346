/* <dlfcn.h>: an image is one statically linked program; there is nothing to load or look up. */
#include <dlfcn.h>
#include <stddef.h>

static char *pending; /* dlerror's message, cleared when read */

void *dlopen(const char *file, int mode)
{
    (void)file, (void)mode;
    pending = "dlopen: dynamic loading is not supported (libos images are statically linked)";
    return NULL;
}
void *dlsym(void *__restrict handle, const char *__restrict name)
{
    (void)handle, (void)name;
    pending = "dlsym: no dynamic symbol table (libos images are statically linked)";
    return NULL;
}
int dlclose(void *handle)
{
    (void)handle;
    pending = "dlclose: no library was loaded";
    return -1;
}
char *dlerror(void)
{
    char *m = pending;
    pending = NULL;
    return m;
}
int dladdr(const void *addr, Dl_info *info)
{
    (void)addr, (void)info;
    return 0;
}
