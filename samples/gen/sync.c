/* The shared state's lock and the estimator's condition variable. The flight stack's
 * estimator and GPS reader update the state under the lock and telemetry reads it: contention
 * is rare but normal. An uncontended lock or unlock is done in user space and logs nothing. */
#include <string.h>

#include "gen_internal.h"

static const int STATE_LOCK_ADDR = 0x8049f20;
static const int EST_CONDVAR_ADDR = 0x8049f48;

/* Returns true when the lock was free; otherwise the thread is now blocked on it. */
bool mutex_lock(Gen *g, ThreadId who)
{
    Mutex *m = &g->state_lock;
    if (m->owner < 0) {
        m->owner = who;
        return true;
    }
    emit(g, who, K_CALL_MUTEX_LOCK, fmt(g, "sync=0x%x owner=%d", STATE_LOCK_ADDR,
                                          g->threads[m->owner].tid));
    if (m->n_waiters < 4)
        m->waiters[m->n_waiters++] = who;
    block(g, who, TS_MUTEX, K_THMUTEX, PEND_MUTEX);
    return false;
}

void mutex_unlock(Gen *g, ThreadId who)
{
    Mutex *m = &g->state_lock;
    if (!m->n_waiters) {
        m->owner = -1;
        return;
    }
    emit(g, who, K_CALL_MUTEX_UNLOCK, fmt(g, "sync=0x%x", STATE_LOCK_ADDR));
    ThreadId next = m->waiters[0];
    memmove(m->waiters, m->waiters + 1, (size_t)--m->n_waiters * sizeof *m->waiters);
    m->owner = next;
    make_ready(g, next);
    emit(g, who, K_EXIT_MUTEX_UNLOCK, "ret=0");
}

void condvar_signal(Gen *g, ThreadId who, ThreadId waiter)
{
    emit(g, who, K_CALL_CONDVAR_SIGNAL, fmt(g, "sync=0x%x all=0", EST_CONDVAR_ADDR));
    if (g->threads[waiter].state == TS_CONDVAR)
        make_ready(g, waiter);
    emit(g, who, K_EXIT_CONDVAR_SIGNAL, "ret=0");
}

void condvar_wait(Gen *g, ThreadId who)
{
    emit(g, who, K_CALL_CONDVAR_WAIT, fmt(g, "sync=0x%x mutex=0x%x", EST_CONDVAR_ADDR,
                                            STATE_LOCK_ADDR));
    block(g, who, TS_CONDVAR, K_THCONDVAR, PEND_CONDVAR);
}
