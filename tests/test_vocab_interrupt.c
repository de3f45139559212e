/* An interrupted `traceaid train` through the real binary: stopped once its first epoch has
 * ended, it writes the model as of the last completed epoch (the same weights a run of that
 * many epochs gives), says so, and exits 130 (143 for SIGTERM). No timing: the signal follows
 * what train prints. */
#include "test_util.h"

#include <signal.h>

#include "../model/model.h"

/* Sessions of random keys: many distinct windows, so an epoch lasts a while. */
static const char *random_sessions(const char *name, int n, int length)
{
    static char text[1 << 20];
    size_t o = 0;
    uint32_t x = 777;
    for (int s = 0; s < n; s++) {
        for (int i = 0; i < length; i++) {
            x = x * 1103515245u + 12345u;
            o += (size_t)snprintf(text + o, sizeof text - o, "%u ", (x >> 16) % 40 + 1);
        }
        text[o++] = '\n';
    }
    text[o] = '\0';
    return write_text(name, text);
}

#define TRAIN_ARGS "--hidden", "16", "--layers", "1", "--window", "4", "--top-g", "3", "--batch", "4", "--seed", "5"

static uint64_t params_hash_of(const char *path)
{
    Model m;
    Error err = {0};
    if (!model_load(&m, path, NULL, &err))
        fail_msg("%s: %s", path, err.msg);
    uint64_t hash = model_params_hash(&m);
    model_free(&m);
    return hash;
}

/* Runs train, sends sig once the first epoch's line shows, returns what it said on stderr. */
static char *train_until_signalled(const char *train, const char *model, int sig, int *status)
{
    int err_pipe[2];
    assert_int_equal(pipe(err_pipe), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(err_pipe[1], 2);
        close(err_pipe[0]);
        execl(traceaid_bin(), traceaid_bin(), "train", TRAIN_ARGS, "--epochs", "100000", "-o", model, "--sessions",
              train, (char *)NULL);
        _exit(127);
    }
    close(err_pipe[1]);
    FILE *err = fdopen(err_pipe[0], "r");
    static char said[1 << 16];
    char line[1024];
    size_t used = 0;
    bool signalled = false;
    said[0] = '\0';
    while (fgets(line, sizeof line, err)) {
        used += (size_t)snprintf(said + used, sizeof said - used, "%s", line);
        if (!signalled && strstr(line, "epoch 1/100000  loss")) { /* the first epoch has ended */
            kill(pid, sig);
            signalled = true;
        }
    }
    fclose(err);
    int wstatus;
    waitpid(pid, &wstatus, 0);
    assert_true(signalled);
    assert_true(WIFEXITED(wstatus));
    *status = WEXITSTATUS(wstatus);
    return said;
}

static void check_last_epoch_saved(int sig, int want_status, const char *name)
{
    const char *train = random_sessions("random.txt", 60, 60);
    char model[600], again[600];
    snprintf(model, sizeof model, "%s", test_path(name));
    int status;
    const char *said = train_until_signalled(train, model, sig, &status);
    assert_int_equal(status, want_status);
    const char *at = strstr(said, "train: interrupted in epoch ");
    if (!at)
        fail_msg("train did not say it was interrupted:\n%s", said);
    int in_epoch = 0, of = 0, kept = 0;
    assert_int_equal(sscanf(at, "train: interrupted in epoch %d of %d; saving the model as of epoch %d", &in_epoch, &of,
                            &kept),
                     3);
    assert_int_equal(kept, in_epoch - 1);
    assert_true(kept >= 1);
    char epochs[16];
    snprintf(epochs, sizeof epochs, "%d", kept);
    snprintf(again, sizeof again, "%s", test_path("again.safetensors"));
    RunResult r = run_traceaid("train", TRAIN_ARGS, "--epochs", epochs, "-o", again, "--sessions", train);
    assert_status(r, 0);
    run_result_free(&r);
    if (params_hash_of(model) != params_hash_of(again))
        fail_msg("the interrupted model is not the model of its %d completed epochs:\n%s", kept, said);
}

static void sigint_saves_the_last_completed_epoch(void **state)
{
    (void)state;
    check_last_epoch_saved(SIGINT, 130, "int.safetensors");
}

static void sigterm_saves_the_last_completed_epoch(void **state)
{
    (void)state;
    check_last_epoch_saved(SIGTERM, 143, "term.safetensors");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sigint_saves_the_last_completed_epoch),
        cmocka_unit_test(sigterm_saves_the_last_completed_epoch),
    };
    return cmocka_run_group_tests_name("train interrupted", tests, NULL, NULL);
}
