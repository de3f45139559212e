#include "interrupt.h"

#include <signal.h>
#include <string.h>

/* The signal that asked to stop, 0 until one did: nonzero is what the flag's readers look for,
 * and the number says which exit status to give. Atomic, as the handler may run on any thread. */
static CancelFlag interrupted;

static void on_signal(int sig)
{
    atomic_store(&interrupted, sig);
    signal(sig, SIG_DFL);
}

const CancelFlag *interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &interrupted;
}

int interrupt_exit_status(void) { return atomic_load(&interrupted) == SIGTERM ? 128 + SIGTERM : 128 + SIGINT; }
