/*
 * libos/config.h: every tunable of libos in one place. Sizes are in bytes.
 */
#ifndef LIBOS_CONFIG_H
#define LIBOS_CONFIG_H

#define LIBOS_PAGE_SIZE 4096

/* Lowest addresses, never mapped: a NULL pointer, or NULL plus a structure offset, faults. */
#define LIBOS_NULL_GUARD_SIZE (64 * 1024)

/* The boot stack, in .stacks with an unmapped guard page below it. main() runs on it when the
 * app asks for at most this much (STACK_SIZE 64K, as hello does); otherwise main runs on a stack
 * in the stack area below (STACK_SIZE, default 8 MiB, or libos.stack= on the command line). */
#define LIBOS_MAIN_STACK_SIZE (64 * 1024)

/*
 * The stack area: virtual addresses outside RAM's identity map where thread stacks (and main's,
 * see above) live, each in a slot of its own. Only touched pages cost RAM: the page-fault
 * handler maps them on first touch. Each slot ends 2 MiB-aligned (so a stack's first pages need
 * one page table of its own) and starts with an unmapped gap of at least LIBOS_STACK_GAP below
 * the stack: a touch there is a stack overflow. One PML4 entry: 512 GiB.
 */
#define LIBOS_STACK_AREA_BASE 0x00007f0000000000ull
#define LIBOS_STACK_AREA_SIZE (512ull << 30)
#define LIBOS_STACK_GAP (1024 * 1024)

/* Smallest and largest stack the command line may ask for (libos.stack=, libos.thread_stack=). */
#define LIBOS_STACK_PARAM_MIN (16 * 1024)
#define LIBOS_STACK_PARAM_MAX (64ull << 30)

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

/* Default stack of a new thread, as on Linux (the app's THREAD_STACK_SIZE, libos.thread_stack=
 * and pthread_attr_setstacksize override it). Untouched pages cost nothing. */
#define LIBOS_THREAD_STACK_SIZE (8 * 1024 * 1024)

/* Most fds open at once (the table grows to it as needed); also select()'s FD_SETSIZE. */
#define LIBOS_FD_MAX 4096

/* Most file systems mounted at once, besides / and /dev. */
#define LIBOS_MOUNT_MAX 16

/* Most symbolic links one path may pass through before ELOOP. */
#define LIBOS_SYMLINK_MAX 40

/* Duration of the TSC calibration against the PIT, when CPUID gives no frequency (microseconds). */
#define LIBOS_TSC_CALIBRATE_US 5000

/* Network (libos::net): TCP connections open at once, listeners and UDP/raw endpoints. Every lwIP
 * pool (PCBs, segments, pbuf headers) is sized from it, in .bss of images that link the network
 * (~1.1 KiB of .bss per connection). 1024: examples/httpd serves 1000 connections at once
 * (issue 9's goal); with 64 the 65th SYN found no PCB and was dropped. */
#define LIBOS_NET_MAX_CONNECTIONS 1024

/* Network: receive buffers per NIC (ring entries, at most); each holds one frame (2 KiB). */
#define LIBOS_NET_RX_BUFFERS 128

/* Network: longest wait for a DHCP lease at boot, when the command line configures none (ms). */
#define LIBOS_NET_DHCP_WAIT_MS 10000

#endif
