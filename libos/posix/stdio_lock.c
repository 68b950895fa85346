/*
 * flockfile and its family: the stream's own recursive lock, the one newlib's stdio takes around
 * each call (newlib_locks.c with threads; no-ops without), so a program's locked sequence and
 * stdio's calls exclude each other. String streams have no lock, as in newlib.
 */
#include <stdio.h>
#include <sys/lock.h>

void flockfile(FILE *fp)
{
    if (!(fp->_flags & __SSTR))
        __lock_acquire_recursive(fp->_lock);
}

int ftrylockfile(FILE *fp)
{
    if (fp->_flags & __SSTR)
        return 0;
    return __lock_try_acquire_recursive(fp->_lock) ? -1 : 0;
}

void funlockfile(FILE *fp)
{
    if (!(fp->_flags & __SSTR))
        __lock_release_recursive(fp->_lock);
}
