/*
 * Interrupt controllers and the timer: the local APIC (xAPIC, memory-mapped), the IOAPIC for
 * legacy ISA lines, and the legacy 8259 PIC, which is remapped away from the exception vectors
 * and masked. The model and contract are in libos/irq.h.
 *
 * Timer: the local APIC timer in TSC-deadline mode when the CPU has it (a deadline is one MSR
 * write), otherwise in one-shot mode, with its rate measured against the TSC once.
 */
#include <libos/boot.h>
#include <libos/irq.h>
#include <libos/mm.h>
#include <libos/time.h>
#include <libos/trap.h>
#include <libos/x86.h>

#define LAPIC_BASE 0xfee00000u
#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)
#define MSR_TSC_DEADLINE 0x6e0
#define SPURIOUS_VECTOR 0xff
#define IRQ_IST 2 /* the interrupt stack's slot in the TSS (1 is the exception stack) */

#define IOAPIC_BASE 0xfec00000u
#define IOAPIC_REDIRECTION(pin) (0x10 + 2 * (pin))

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

extern char libos_irq_stub32[]; /* irq_stubs.S: vector v's stub is 16 * (v - 32) bytes further */
extern char libos_irq_spurious[];

static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;
static uint32_t apic_id;
static int tsc_deadline;
static uint64_t lapic_hz; /* one-shot mode only */
static int timer_vector;
static struct {
    libos_irq_fn fn;
    void *arg;
} handlers[LIBOS_IRQ_VECTORS];

static uint32_t lapic_read(unsigned reg) { return lapic[reg / 4]; }
static void lapic_write(unsigned reg, uint32_t v) { lapic[reg / 4] = v; }

static void ioapic_write(unsigned reg, uint32_t v)
{
    ioapic[0] = reg;  /* IOREGSEL */
    ioapic[4] = v;    /* IOWIN at +0x10 */
}

/* Called by irq_stubs.S with interrupts disabled. */
void libos_irq_dispatch(unsigned vector)
{
    unsigned i = vector - 32;
    if (i < LIBOS_IRQ_VECTORS && handlers[i].fn)
        handlers[i].fn(handlers[i].arg);
    lapic_write(LAPIC_EOI, 0);
}

static void timer_fired(void *arg)
{
    (void)arg; /* the scheduler looks at its deadlines after every interrupt window */
}

static void pic_disable(void)
{
    /* Remap to vectors 0x20-0x2f (away from CPU exceptions) in case a line is already pending,
     * then mask every line. Absent PICs (microvm, pic=off) ignore these writes. */
    static const uint8_t init[][2] = {
        {PIC1_CMD, 0x11}, {PIC2_CMD, 0x11}, {PIC1_DATA, 0x20}, {PIC2_DATA, 0x28},
        {PIC1_DATA, 0x04}, {PIC2_DATA, 0x02}, {PIC1_DATA, 0x01}, {PIC2_DATA, 0x01},
        {PIC1_DATA, 0xff}, {PIC2_DATA, 0xff},
    };
    for (unsigned i = 0; i < sizeof init / sizeof init[0]; i++)
        x86_outb(init[i][0], init[i][1]);
}

void libos_irq_init(void)
{
    if (lapic)
        return;
    pic_disable();
    lapic = libos_mmio_map(LAPIC_BASE, 4096);
    ioapic = libos_mmio_map(IOAPIC_BASE, 4096);
    if (!lapic || !ioapic)
        libos_panic("cannot map the interrupt controllers");
    apic_id = lapic_read(LAPIC_ID) >> 24;
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_SVR, 0x100 | SPURIOUS_VECTOR); /* software enable */
    /* Handlers run on a stack of their own (IST2) with a guard page below it: whatever a thread
     * did to its stack, an interrupt neither adds to it nor lands in a neighbour's memory. */
    char *stack = libos_stack_alloc(LIBOS_IRQ_STACK_SIZE);
    if (!stack)
        libos_panic("no memory for the interrupt stack");
    libos_cpu_set_ist(IRQ_IST, (uintptr_t)stack + LIBOS_IRQ_STACK_SIZE);
    libos_idt_set(SPURIOUS_VECTOR, (uintptr_t)libos_irq_spurious, IRQ_IST);

    uint32_t r[4];
    x86_cpuid(1, 0, r);
    tsc_deadline = (r[2] >> 24) & 1;
    timer_vector = libos_irq_alloc(timer_fired, 0);
    lapic_write(LAPIC_LVT_TIMER, (uint32_t)timer_vector | LVT_MASKED);
}

int libos_irq_alloc(libos_irq_fn fn, void *arg)
{
    for (int i = 0; i < LIBOS_IRQ_VECTORS; i++) {
        if (!handlers[i].fn) {
            handlers[i].fn = fn;
            handlers[i].arg = arg;
            libos_idt_set(32 + (unsigned)i, (uintptr_t)libos_irq_stub32 + 16 * (unsigned)i, IRQ_IST);
            return 32 + i;
        }
    }
    return -1;
}

/* XXX: assumes ISA line n is IOAPIC pin n, true for the lines we route (COM1 = 4) on QEMU's
 * machines; line 0 (the PIT) is pin 2 there. Reading the ACPI MADT would make this general. */
void libos_irq_route_isa(unsigned isa_irq, int vector)
{
    ioapic_write(IOAPIC_REDIRECTION(isa_irq) + 1, apic_id << 24);
    ioapic_write(IOAPIC_REDIRECTION(isa_irq), (uint32_t)vector); /* fixed, edge, active high */
}

void libos_irq_msi_message(int vector, uint64_t *address, uint32_t *data)
{
    *address = LAPIC_BASE | (apic_id << 12); /* physical destination, no redirection hint */
    *data = (uint32_t)vector;                /* fixed delivery, edge */
}

void libos_irq_poll(void) { __asm__ volatile("sti; nop; cli" ::: "memory"); }

/* sti takes effect after the next instruction, so no interrupt can slip in before the hlt. */
void libos_irq_idle(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

/* Measure the APIC timer's rate against the TSC over about a millisecond. */
static void lapic_calibrate(void)
{
    lapic_write(LAPIC_TIMER_DIVIDE, 0xb); /* divide by 1 */
    lapic_write(LAPIC_LVT_TIMER, (uint32_t)timer_vector | LVT_MASKED);
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
    uint64_t hz = libos_tsc_hz();
    uint64_t t0 = x86_rdtsc();
    uint32_t c0 = lapic_read(LAPIC_TIMER_CURRENT);
    while (x86_rdtsc() - t0 < hz / 1000)
        ;
    uint32_t c1 = lapic_read(LAPIC_TIMER_CURRENT);
    uint64_t t1 = x86_rdtsc();
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_hz = (uint64_t)(c0 - c1) * hz / (t1 - t0);
    if (!lapic_hz)
        libos_panic("the local APIC timer does not count");
}

void libos_timer_set(uint64_t deadline_ns)
{
    if (tsc_deadline) {
        uint64_t tsc = 0;
        if (deadline_ns) {
            uint64_t now = libos_time_monotonic_ns();
            uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
            tsc = x86_rdtsc() + (uint64_t)((unsigned __int128)delta * libos_tsc_hz() / 1000000000u) + 1;
        }
        lapic_write(LAPIC_LVT_TIMER, (uint32_t)timer_vector | LVT_TSC_DEADLINE);
        x86_wrmsr(MSR_TSC_DEADLINE, tsc);
        return;
    }
    if (!lapic_hz)
        lapic_calibrate();
    lapic_write(LAPIC_LVT_TIMER, (uint32_t)timer_vector); /* one-shot, unmasked */
    if (!deadline_ns) {
        lapic_write(LAPIC_TIMER_INIT, 0);
        return;
    }
    uint64_t now = libos_time_monotonic_ns();
    uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
    uint64_t ticks = (uint64_t)((unsigned __int128)delta * lapic_hz / 1000000000u) + 1;
    lapic_write(LAPIC_TIMER_INIT, ticks > 0xffffffffu ? 0xffffffffu : (uint32_t)ticks);
}
