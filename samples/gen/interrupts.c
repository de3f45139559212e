/* The devices' interrupts: the IMU's data-ready line, the GPS receiver's UART and the network
 * interface that carries the hardware-in-the-loop simulator's packets. Each fires, wakes or
 * pulses its driver, and schedules its own next interrupt. */
#include "gen_internal.h"

static const Nanos GPS_CHAR_GAP = 1389 * US; /* a 16-byte FIFO at 115200 baud */

/* uniform in [0, 2 * spread]: callers subtract spread to centre it */
static Nanos jitter(Gen *g, Nanos spread) { return rng_below(&g->rng, 2 * spread + 1); }

/* The next interrupt of a source; `now` is when this one was due. */
static void irq_schedule_next(Gen *g, IrqSource source, Nanos now)
{
    switch (source) {
    case IRQ_IMU:
        schedule(g, SIM_IRQ, source, now + g->dev.imu_period + jitter(g, 400) - 400, 0);
        return;
    case IRQ_GPS:
        /* a sentence is a burst of FIFO interrupts; a burst every GPS_INTERVAL */
        if (g->dev.gps_chars_left > 0) {
            schedule(g, SIM_IRQ, source, now + GPS_CHAR_GAP + jitter(g, 5 * US) - 5 * US, 0);
            return;
        }
        g->dev.gps_burst_start += GPS_INTERVAL + jitter(g, 30 * US) - 30 * US;
        g->dev.gps_chars_left = rng_chance(&g->rng, 30) ? 6 : 5;
        schedule(g, SIM_IRQ, source, g->dev.gps_burst_start, 0);
        return;
    case IRQ_NET:
        /* the simulator's packets come at 50 Hz, now and then two close together */
        g->dev.net_next += SIM_PACKET_PERIOD;
        Nanos at = g->dev.net_next + jitter(g, 150 * US) - 150 * US;
        if (rng_chance(&g->rng, 15))
            at = now + rng_span(&g->rng, 80 * US, 400 * US);
        schedule(g, SIM_IRQ, source, at, 0);
        return;
    }
}

void irq_fire(Gen *g, IrqSource source, Nanos now)
{
    static const char *const vectors[] = {"vector=0x4a", "vector=0x24", "vector=0x5a"};
    const char *vector = vectors[source];
    emit(g, T_IDLE0, K_INT_ENTR, vector);
    emit(g, T_IDLE0, K_INT_HANDLER_ENTR, vector);
    emit(g, T_IDLE0, K_INT_HANDLER_EXIT, vector);
    switch (source) {
    case IRQ_IMU:
        if (g->threads[T_IMU_INTR].state == TS_INTR)
            make_ready(g, T_IMU_INTR);
        break;
    case IRQ_GPS:
        if (--g->dev.gps_chars_left == 0)
            kernel_pulse(g, T_SER, PULSE_IRQ); /* a whole NMEA sentence is in */
        break;
    case IRQ_NET:
        kernel_pulse(g, T_IOPKT, PULSE_IRQ);
        break;
    }
    emit(g, T_IDLE0, K_INT_EXIT, vector);
    irq_schedule_next(g, source, now);
}
