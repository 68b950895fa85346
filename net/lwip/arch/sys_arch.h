/*
 * arch/sys_arch.h: lwIP's semaphores, mutexes, mailboxes and threads on libos's cooperative
 * scheduler (libos/sched.h). Implemented in sys_arch.c; the types are embedded structures so
 * that a netconn's semaphore costs no allocation.
 */
#ifndef LIBOS_LWIP_ARCH_SYS_ARCH_H
#define LIBOS_LWIP_ARCH_SYS_ARCH_H

#include <libos/sched.h>

typedef struct {
    int valid;
    unsigned count;
    struct libos_waitq waiters;
} sys_sem_t;

typedef struct {
    int valid;
    int locked;
    struct libos_waitq waiters;
    struct libos_thread *owner; /* while locked */
} sys_mutex_t;

struct libos_net_mbox;
typedef struct libos_net_mbox *sys_mbox_t;
typedef struct libos_thread *sys_thread_t;

#define sys_sem_valid(s) ((s)->valid)
#define sys_sem_set_invalid(s) ((s)->valid = 0)
#define sys_mutex_valid(m) ((m)->valid)
#define sys_mutex_set_invalid(m) ((m)->valid = 0)
#define sys_mbox_valid(m) (*(m) != NULL)
#define sys_mbox_set_invalid(m) (*(m) = NULL)

#endif
