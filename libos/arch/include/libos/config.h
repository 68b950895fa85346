/*
 * libos/config.h: every tunable of libos in one place. Sizes are in bytes.
 */
#ifndef LIBOS_CONFIG_H
#define LIBOS_CONFIG_H

#define LIBOS_PAGE_SIZE 4096

/* Lowest addresses, never mapped: a NULL pointer, or NULL plus a structure offset, faults. */
#define LIBOS_NULL_GUARD_SIZE (64 * 1024)

/* Stack of the boot sequence and of main(), in .bss with an unmapped guard page below it. */
#define LIBOS_MAIN_STACK_SIZE (64 * 1024)

/* Stack that CPU exceptions switch to (IST1), so a stack overflow can still be reported. */
#define LIBOS_TRAP_STACK_SIZE (16 * 1024)

/* Stack that device interrupts switch to (IST2), with a guard page of its own. */
#define LIBOS_IRQ_STACK_SIZE (16 * 1024)

/* Longest kernel command line kept (QEMU's -append); a longer one is refused at boot. */
#define LIBOS_CMDLINE_MAX 4096

/* Most argv words plus environment words the command line may carry. */
#define LIBOS_ARGS_MAX 256

/* Most entries of the firmware memory map that are kept. */
#define LIBOS_MEMMAP_MAX 32

/* Deepest backtrace printed by a panic report. */
#define LIBOS_BACKTRACE_MAX 32

/* Device interrupt vectors (32 and up); each costs an 8-byte entry stub. */
#define LIBOS_IRQ_VECTORS 32

/* Default stack of a new thread (pthread_attr_setstacksize overrides it). */
#define LIBOS_THREAD_STACK_SIZE (64 * 1024)

/* Most fds open at once (the table grows to it as needed); also select()'s FD_SETSIZE. */
#define LIBOS_FD_MAX 4096

/* Most file systems mounted at once, besides / and /dev. */
#define LIBOS_MOUNT_MAX 16

/* Most symbolic links one path may pass through before ELOOP. */
#define LIBOS_SYMLINK_MAX 40

/* Duration of the TSC calibration against the PIT, when CPUID gives no frequency (microseconds). */
#define LIBOS_TSC_CALIBRATE_US 5000

/* Network (libos::net): TCP connections open at once, listeners and UDP/raw endpoints. Every lwIP
 * pool (PCBs, netconns, segments) is sized from it, in .bss of images that link the network. */
#define LIBOS_NET_MAX_CONNECTIONS 64

/* Network: receive buffers per NIC (ring entries, at most); each holds one frame (2 KiB). */
#define LIBOS_NET_RX_BUFFERS 128

/* Network: longest wait for a DHCP lease at boot, when the command line configures none (ms). */
#define LIBOS_NET_DHCP_WAIT_MS 10000

#endif
