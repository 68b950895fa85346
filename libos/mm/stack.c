/*
 * Stacks that grow on first touch, like Linux's: thread stacks (and main's, when the app asks for
 * more than the boot stack) live in the stack area, virtual addresses outside RAM's identity map
 * (libos/config.h; the map is drawn in libos/mm.h). Reserving a stack costs address space only;
 * the page-fault handler maps a page of RAM the first time the stack reaches it.
 *
 * A slot is [base, top): top 2 MiB-aligned, its last 64 bytes the slot's header (struct slot),
 * below them the stack, and below the stack, down to base, a gap of at least LIBOS_STACK_GAP that
 * is never mapped. The top page is mapped when the slot is made and stays so while the slot
 * exists, live or free: it holds the header, and a new thread's first frames (no fault at once).
 * A touch in the gap is a stack overflow; that page is then marked PTE_GUARD (mm_logic.h), so
 * the report that follows says "stack overflow (guard page)" like every other guard page.
 *
 * Frames come from mm.c's frame pool, never from malloc: a stack can fault inside malloc. When a
 * stack is freed, every page but the top one goes back to the pool, and the slot to a free list
 * that the next stack of at most its size reuses (with its page tables and its top page).
 *
 * Calling context: libos_stack_alloc/free from a thread (one CPU, cooperative: nothing here is
 * ever seen half-updated by another thread; stack_ready keeps the fault handler out too);
 * libos_stack_fault from the page-fault entry (stack_entry.S) with interrupts off, on the
 * exception stack.
 */
#include "mm_impl.h"

#include <libos/boot.h>
#include <libos/config.h>
#include <libos/mm.h>
#include <libos/trap.h>
#include <libos/x86.h>

#include <string.h>

#define PAGE LIBOS_PAGE_SIZE
#define SLOT_ALIGN (2ull << 20)
#define PF_PRESENT 0x01
#define PF_FETCH 0x10

struct slot {
    struct slot *next; /* on the live list, or on the free list */
    uintptr_t base;    /* the slot's lowest address: its gap starts here */
    uintptr_t bottom;  /* the stack's lowest byte (what libos_stack_alloc returned) */
    uintptr_t low;     /* the lowest page mapped: freeing walks only [low, top page) */
};
#define HEADER 64 /* bytes at the top of the slot for struct slot; keeps the stack top 16-aligned */

static struct slot *live, *free_slots;
static uintptr_t area_next = LIBOS_STACK_AREA_BASE; /* new slots are carved from here upwards */
static int area_ready;
static size_t param_main, param_thread; /* libos.stack=, libos.thread_stack= (0: not given) */

/* What the app's CMake asked for (libos_add_executable's STACK_SIZE, THREAD_STACK_SIZE), in the
 * image's generated file; absent when not asked (main then runs on the boot stack). */
extern const size_t libos_app_stack_size __attribute__((weak));
extern const size_t libos_app_thread_stack_size __attribute__((weak));

extern char libos_stack_fault_entry[]; /* stack_entry.S */

static uintptr_t slot_top(const struct slot *s) { return (uintptr_t)s + HEADER; }

static void invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

static void *table_frame(void *arg)
{
    (void)arg;
    return libos_pt_frame_alloc(1);
}

static struct libos_pt *kernel_pt(void)
{
    libos_kernel_pt.alloc = table_frame;
    return &libos_kernel_pt;
}

/* The area's PDPT in the PML4 (a boot table, read-only: changed with CR0.WP off), and the
 * page-fault vector pointed at the entry that can grow stacks. Once, at the first stack. */
static int area_init(void)
{
    uint64_t *pml4e = &libos_kernel_pt.root[(LIBOS_STACK_AREA_BASE >> 39) & 511];
    if (!(*pml4e & PTE_PRESENT)) {
        uint64_t *pdpt = libos_pt_frame_alloc(1);
        if (!pdpt)
            return -1;
        x86_write_protect(0);
        *pml4e = (uintptr_t)pdpt | PTE_PRESENT | PTE_WRITE;
        x86_write_protect(1);
    }
    libos_idt_set(14, (uintptr_t)libos_stack_fault_entry, 1);
    area_ready = 1;
    return 0;
}

/*
 * When RAM runs short: free slots give back their top page, and their page table when nothing
 * else is left in it (a 2 MiB region holds one slot's top). The slot's address range is then
 * left unused (address space is plentiful: 512 GiB). Returns whether anything came back.
 */
static int reclaim_free_slots(void)
{
    if (!free_slots)
        return 0;
    while (free_slots) {
        struct slot *s = free_slots;
        uintptr_t top_page = slot_top(s) - PAGE;
        free_slots = s->next; /* before the page holding s goes */
        uint64_t *e = libos_pt_slot(&libos_kernel_pt, top_page);
        libos_frame_free((void *)(uintptr_t)(*e & PTE_ADDR));
        *e = 0;
        uint64_t *table = e - ((top_page >> 12) & 511), *pde = libos_pt_pde(&libos_kernel_pt, top_page);
        unsigned used = 0;
        for (unsigned i = 0; i < 512; i++)
            used |= table[i] != 0;
        if (!used && pde) {
            *pde = 0;
            libos_frame_free(table);
        }
    }
    x86_write_cr3((uintptr_t)libos_kernel_pt.root); /* the TLB and the cached tables of them */
    return 1;
}

/* A frame for a stack page, reclaiming free slots' pages when none is left. */
static void *stack_frame(void)
{
    void *f = libos_frame_alloc();
    if (!f && reclaim_free_slots())
        f = libos_frame_alloc();
    return f;
}

/*
 * The page-fault handler changes the lists (live's order, free_slots when it reclaims) and the
 * frame pool. So that it never runs in the middle of the thread-context code below, which walks
 * the same lists, that code first touches the 3 KiB of stack under its caller: every call it
 * makes stays within pages that are mapped, and no stack fault can interrupt it.
 */
__attribute__((noinline)) static void stack_ready(void)
{
    char below[3072];
    __asm__ volatile("movb $0, %0" : "=m"(below[0])); /* the lowest byte: the page furthest down */
}

void *libos_stack_alloc(size_t size)
{
    stack_ready();
    if (size > LIBOS_STACK_AREA_SIZE || (!area_ready && area_init() != 0))
        return NULL;
    uintptr_t need = (size + HEADER + LIBOS_STACK_GAP + SLOT_ALIGN - 1) & ~(SLOT_ALIGN - 1);
    struct slot **pp = &free_slots, *s;
    while ((s = *pp) && slot_top(s) - s->base < need)
        pp = &s->next;
    if (s) {
        *pp = s->next;
    } else {
        if (need > LIBOS_STACK_AREA_BASE + LIBOS_STACK_AREA_SIZE - area_next)
            return NULL; /* out of address space */
        uintptr_t top = area_next + need;
        void *frame = stack_frame();
        if (!frame)
            return NULL;
        if (libos_pt_map(kernel_pt(), top - PAGE, (uintptr_t)frame, PAGE, MAP_W) != 0) {
            libos_frame_free(frame);
            return NULL;
        }
        s = (struct slot *)(top - HEADER);
        s->base = area_next;
        s->low = top - PAGE;
        area_next = top;
    }
    s->bottom = (uintptr_t)s - size;
    s->next = live;
    live = s;
    return (void *)s->bottom;
}

/* Give the frames mapped in [lo, hi) back to the pool. */
static void release(uintptr_t lo, uintptr_t hi)
{
    for (uintptr_t va = lo; va < hi;) {
        uint64_t *e = libos_pt_slot(&libos_kernel_pt, va);
        if (!e) { /* no page table: nothing mapped in this 2 MiB region */
            va = (va | (SLOT_ALIGN - 1)) + 1;
            continue;
        }
        if (*e & PTE_PRESENT) {
            libos_frame_free((void *)(uintptr_t)(*e & PTE_ADDR));
            *e = 0;
            invlpg(va);
        }
        va += PAGE;
    }
}

void libos_stack_free(void *stack)
{
    stack_ready();
    struct slot **pp = &live, *s;
    while ((s = *pp) && s->bottom != (uintptr_t)stack)
        pp = &s->next;
    if (!s)
        return; /* NULL, or not a stack of ours */
    *pp = s->next;
    release(s->low, slot_top(s) - PAGE);
    s->low = slot_top(s) - PAGE;
    s->next = free_slots;
    free_slots = s;
}

/*
 * An overflow into the gap at page, about to be reported: mark that page PTE_GUARD so the report
 * says "stack overflow (guard page)", and make the page rsp points to readable (a zeroed frame,
 * when rsp went into the gap too: a large frame or alloca), since the report reads the word at
 * rsp; a fault there would end the report. Best effort: the machine is about to stop.
 */
static void overflow_report_ready(uintptr_t page, uintptr_t rsp)
{
    libos_pt_map(kernel_pt(), page, 0, PAGE, (unsigned)MAP_GUARD);
    rsp &= ~(uintptr_t)(PAGE - 1);
    if (rsp != page && rsp - LIBOS_STACK_AREA_BASE < LIBOS_STACK_AREA_SIZE &&
        !libos_pt_lookup(&libos_kernel_pt, rsp)) {
        void *f = libos_frame_alloc();
        if (f && memset(f, 0, PAGE))
            libos_pt_map(kernel_pt(), rsp, (uintptr_t)f, PAGE, MAP_R);
    }
}

/*
 * The page fault at CR2, with the CPU's frame (error code, rip, cs, rflags, rsp, ss). Returns 1
 * when it mapped the page (the faulting instruction runs again), 0 when the fault is not ours to
 * fix: the ordinary report follows.
 */
int libos_stack_fault(const uint64_t *frame)
{
    uintptr_t addr = x86_read_cr2(), page = addr & ~(uintptr_t)(PAGE - 1);
    if (addr - LIBOS_STACK_AREA_BASE >= LIBOS_STACK_AREA_SIZE || (frame[0] & (PF_PRESENT | PF_FETCH)))
        return 0;
    /* Already on the exception stack (a fault while reporting one): the CPU restarted that stack
     * at its top, over the interrupted handler's own frames, so there is no way back. */
    if (frame[4] - (uintptr_t)libos_trap_stack_guard < PAGE + LIBOS_TRAP_STACK_SIZE)
        return 0;
    struct slot **pp = &live, *s;
    while ((s = *pp) && (addr < s->base || addr >= slot_top(s)))
        pp = &s->next;
    if (!s)
        return 0; /* a free slot or unused address space: a stale pointer */
    *pp = s->next; /* to the front: the running thread's stack is found first next time */
    s->next = live;
    live = s;
    if (page < (s->bottom & ~(uintptr_t)(PAGE - 1))) {
        overflow_report_ready(page, frame[4]);
        return 0;
    }
    void *f = stack_frame();
    if (!f || libos_pt_map(kernel_pt(), page, (uintptr_t)f, PAGE, MAP_W) != 0) {
        const char *name = libos_thread_name ? libos_thread_name() : NULL;
        libos_panic("out of memory growing the stack of thread '%s' (at 0x%lx)", name ? name : "main",
                    (unsigned long)addr);
    }
    if (page < s->low)
        s->low = page;
    return 1;
}

/* "16M", "256K", "1G" or a number of bytes, within the allowed range; 0 otherwise. */
static size_t parse_size(const char *v)
{
    uint64_t n = 0;
    if (!*v)
        return 0;
    for (; *v >= '0' && *v <= '9'; v++) {
        n = n * 10 + (uint64_t)(*v - '0');
        if (n > LIBOS_STACK_PARAM_MAX)
            return 0;
    }
    int shift = *v == 'K' || *v == 'k' ? 10 : *v == 'M' || *v == 'm' ? 20 : *v == 'G' || *v == 'g' ? 30 : 0;
    if (shift)
        v++;
    if (*v || n > (LIBOS_STACK_PARAM_MAX >> shift))
        return 0;
    n <<= shift;
    return n < LIBOS_STACK_PARAM_MIN ? 0 : (size_t)n;
}

_Noreturn static void bad_param(const char *word, const char *why)
{
    libos_printk("libos: boot failed: %s: %s\n", word, why);
    libos_exit(LIBOS_EXIT_PANIC);
}

static void stack_param(const char *word)
{
    size_t *to = word[6] == 's' ? &param_main : &param_thread; /* libos.stack= or libos.thread_stack= */
    if (!(*to = parse_size(strchr(word, '=') + 1)))
        bad_param(word, "not a stack size from 16K to 64G (bytes, or a number with K, M or G)");
    if (to == &param_main && !&libos_app_stack_size)
        bad_param(word, "this image runs main on its 64 KiB boot stack (built with STACK_SIZE 64K or less)");
}
LIBOS_PARAM_CLAIM(stack_claim, "libos.stack=", stack_param);
LIBOS_PARAM_CLAIM(thread_stack_claim, "libos.thread_stack=", stack_param);

size_t libos_stack_thread_default(void)
{
    if (param_thread)
        return param_thread;
    return &libos_app_thread_stack_size ? libos_app_thread_stack_size : LIBOS_THREAD_STACK_SIZE;
}

size_t libos_stack_main_size(void)
{
    if (!&libos_app_stack_size)
        return LIBOS_MAIN_STACK_SIZE;
    return param_main ? param_main : libos_app_stack_size;
}

/* For __wrap_main (stack_entry.S): the top of main's stack in the stack area. */
uintptr_t libos_stack_main_top(void)
{
    size_t size = libos_stack_main_size();
    char *stack = libos_stack_alloc(size);
    if (!stack) {
        libos_printk("libos: boot failed: too little memory for main's stack\n");
        libos_exit(LIBOS_EXIT_PANIC);
    }
    return (uintptr_t)stack + size;
}

uint64_t libos_mm_dma_addr(const void *buf, size_t len)
{
    uintptr_t a = (uintptr_t)buf, first = a & ~(uintptr_t)(PAGE - 1), pa = 0;
    if (a - LIBOS_STACK_AREA_BASE >= LIBOS_STACK_AREA_SIZE)
        return a; /* identity-mapped */
    for (uintptr_t va = first; va < a + len || va == first; va += PAGE) {
        uint64_t e = libos_pt_lookup(&libos_kernel_pt, va);
        if (!e || (va != first && (e & PTE_ADDR) != pa + (va - first)))
            return 0;
        if (va == first)
            pa = e & PTE_ADDR;
    }
    return pa + (a - first);
}
