/*
 * Panic reports: CPU exceptions and libos_panic() end here. A report says what happened, where
 * (the faulting address for page faults, the instruction), the registers, the running thread and
 * a backtrace symbolized from the table that toolchain/libos-symtab put into the image, then the
 * machine exits with the panic status. Nothing here allocates or uses libc state.
 */
#include <libos/boot.h>
#include <libos/trap.h>
#include <libos/x86.h>

/* The CPU's exception names, vectors 0-19, NUL-separated (one string: no table of pointers).
 * Vector 9 is reserved on x86-64; 20 and above need features libos does not turn on. */
static const char exception_names[] =
    "divide error\0debug\0NMI\0breakpoint\0overflow\0bound range exceeded\0invalid opcode\0"
    "device not available\0double fault\0reserved\0invalid TSS\0segment not present\0"
    "stack-segment fault\0general protection fault\0page fault\0reserved\0"
    "x87 floating-point error\0alignment check\0machine check\0SIMD floating-point error";

static const char *exception_name(uint64_t vector)
{
    const char *p = exception_names;
    if (vector > 19)
        return "CPU exception";
    while (vector--)
        while (*p++)
            ;
    return p;
}

#define PF_PRESENT 0x01
#define PF_WRITE 0x02
#define PF_FETCH 0x10

static int panicking;

static void print_location(uintptr_t addr)
{
    struct libos_symbol sym = libos_symbolize(addr);
    if (sym.name)
        libos_printk("0x%lx %s+0x%lx", (unsigned long)addr, sym.name, (unsigned long)sym.offset);
    else
        libos_printk("0x%lx", (unsigned long)addr);
}

/* A frame pointer we may dereference: aligned and inside the image or RAM we mapped. */
static int plausible_frame(uintptr_t fp)
{
    return fp >= LIBOS_PAGE_SIZE && (fp & 7) == 0 && fp < (1ull << 47);
}

/* Whether addr follows a call instruction in .text: `call rel32` (e8), or `call` through a
 * register or memory operand (ff /2, 2 to 7 bytes long). */
static int after_call(uintptr_t addr)
{
    extern const unsigned char __libos_text_start[], __libos_text_end[];
    if (addr < (uintptr_t)__libos_text_start + 7 || addr > (uintptr_t)__libos_text_end)
        return 0;
    const unsigned char *p = (const unsigned char *)addr;
    if (p[-5] == 0xe8)
        return 1;
    for (int len = 2; len <= 7; len++)
        if (p[-len] == 0xff && ((p[1 - len] >> 3) & 7) == 2)
            return 1;
    return 0;
}

static void print_frame(int depth, const char *mark, uintptr_t ret)
{
    libos_printk("  #%d %s", depth, mark);
    print_location(ret - 1); /* the call instruction, not the one after it */
    libos_printk("\n");
}

/*
 * Print frames #depth.. by following the frame-pointer chain from fp. A run of identical frames
 * (deep recursion) prints once with a count, and the walk goes on to the bottom of the stack.
 */
static void walk_frames(uintptr_t fp, int depth)
{
    uintptr_t last = 0;
    int repeats = 0;
    for (int walked = 0; walked < 100000 && plausible_frame(fp); walked++) {
        uintptr_t next = ((const uintptr_t *)fp)[0], ret = ((const uintptr_t *)fp)[1];
        if (!ret)
            break;
        if (ret == last) {
            repeats++;
        } else {
            if (repeats)
                libos_printk("  ... the same frame %d more times\n", repeats);
            repeats = 0;
            if (depth == LIBOS_BACKTRACE_MAX) {
                libos_printk("  ... (more frames)\n");
                return;
            }
            print_frame(depth++, "", ret);
            if (!libos_symbolize(ret - 1).name) { /* e.g. overwritten by a stack buffer overflow */
                libos_printk("  ... (not code: a corrupt stack)\n");
                return;
            }
            last = ret;
        }
        if (next <= fp) /* stacks grow down: a caller's frame is always higher */
            break;
        fp = next;
    }
    if (repeats)
        libos_printk("  ... the same frame %d more times\n", repeats);
}

void libos_backtrace(const void *fp)
{
    libos_printk("backtrace:\n");
    walk_frames((uintptr_t)fp, 0);
}

static void report_header(void)
{
    if (panicking++) {
        /* A fault while reporting: say so and leave, without trusting anything further. */
        libos_printk("\nlibos: fault while printing a panic report\n");
        libos_exit(LIBOS_EXIT_PANIC);
    }
    const char *thread = libos_thread_name ? libos_thread_name() : "main";
    libos_printk("\nlibos: PANIC in thread '%s': ", thread ? thread : "?");
}

static void describe_page_fault(const struct libos_trap_frame *f)
{
    uintptr_t addr = x86_read_cr2();
    const char *what = NULL;
    if (addr < LIBOS_NULL_GUARD_SIZE)
        what = "NULL pointer dereference";
    else if (libos_fault_describe)
        what = libos_fault_describe(addr);
    libos_printk("page fault: %s\n", what ? what : "bad memory access");
    libos_printk("  address 0x%lx: %s %s\n", (unsigned long)addr,
                 f->error & PF_FETCH ? "instruction fetch from" : f->error & PF_WRITE ? "write to" : "read from",
                 f->error & PF_PRESENT ? "a page that forbids it" : "an unmapped page");
}

void libos_trap(struct libos_trap_frame *f)
{
    report_header();
    if (f->vector == 14)
        describe_page_fault(f);
    else
        libos_printk("%s (vector %lu, error code 0x%lx)\n", exception_name(f->vector),
                     (unsigned long)f->vector, (unsigned long)f->error);
    libos_printk("  at ");
    print_location(f->rip);
    libos_printk("\n");
    const uint64_t *r = &f->rax; /* rax..r15, in struct order */
    static const char names[15][4] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
                                      "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    for (int i = 0; i < 15; i++)
        libos_printk("%s%-3s %016lx%s", i % 4 ? " " : "  ", names[i], (unsigned long)r[i],
                     i % 4 == 3 ? "\n" : "");
    libos_printk(" rsp %016lx\n  rip %016lx rflags %08lx\n", (unsigned long)f->rsp,
                 (unsigned long)f->rip, (unsigned long)f->rflags);
    libos_printk("backtrace:\n  #0 ");
    print_location(f->rip);
    libos_printk("\n");
    /*
     * A function without a frame of its own at the fault (at its first instruction, after its
     * `leave`, or a call to a bad address) leaves its caller's return address on top of the
     * stack, and the frame-pointer chain skips that caller. Show it, marked '?', when it looks
     * like a return address (just after a call instruction in .text) the chain does not give.
     */
    int depth = 1;
    int rsp_faulted = f->vector == 14 && (x86_read_cr2() >> 12) == (f->rsp >> 12); /* overflow */
    uintptr_t top = plausible_frame(f->rsp) && !rsp_faulted ? *(const uintptr_t *)f->rsp : 0;
    uintptr_t first = plausible_frame(f->rbp) ? ((const uintptr_t *)f->rbp)[1] : 0;
    if (top != first && after_call(top))
        print_frame(depth++, "? ", top);
    walk_frames(f->rbp, depth); /* the interrupted function's callers */
    libos_exit(LIBOS_EXIT_PANIC);
}

void libos_panic(const char *fmt, ...)
{
    report_header();
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    libos_vsnprintk(buf, sizeof buf, fmt, ap);
    va_end(ap);
    libos_printk("%s\n", buf);
    libos_backtrace(x86_frame_pointer());
    libos_exit(LIBOS_EXIT_PANIC);
}
