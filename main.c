/* traceaid: one binary; the commands in cli/cmd_*.c and the explorer's in tui/open.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/man.h"
#include "tui/explorer.h"

#ifndef TRACEAID_VERSION
#define TRACEAID_VERSION "0.1.0"
#endif

/* The commands by name, in the order help lists them; open is also what no name selects. */
static const Command *const commands[] = {&cmd_stats, &cmd_train, &cmd_eval, &cmd_score, &cmd_calibrate,
                                          &cmd_explain, &cmd_plot, &cmd_info, &cmd_gen, &cmd_update,
                                          &cmd_parse, &cmd_open};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_help(FILE *out)
{
    fprintf(out,
            "traceaid %s: a terminal explorer for event traces, with neural anomaly detection\n\n"
            "Usage: traceaid COMMAND [OPTIONS] [TRACE...]\n"
            "       traceaid TRACE...          the same as traceaid open TRACE...\n"
            "       traceaid help [COMMAND]    this help, or the command's (its --help)\n"
            "       traceaid -V, --version     the version\n\n"
            "Commands:\n",
            TRACEAID_VERSION);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "  %-10s %s\n", "help", "show this help, or a command's: traceaid help stats");
    fprintf(out,
            "\nTraces: Linux perf (perf.data, perf script text), ftrace text and trace-cmd's\n"
            "trace.dat, LTTng CTF folders, QNX traceprinter text, CSV kernel-event traces,\n"
            "loghub structured logs and DeepLog session files, told apart by their content;\n"
            "any of them gzip, xz or zstd compressed. --key event,prev_state (any fields)\n"
            "sets what makes a key. 'traceaid COMMAND --help' tells more. A first word\n"
            "that is no command and no file, but near a command's name, is taken for a\n"
            "typing slip: 'traceaid stat' asks: did you mean 'stats'?\n"
            "Exit status: 0 success, 1 anomalies found, 2 an error (bad input or usage),\n"
            "130 interrupted by Ctrl-C, 143 by SIGTERM (no half-written file is left).\n");
}

static const Command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* The command (or help) a mistyped word most likely meant, or NULL. */
static const char *closest_command(const char *word)
{
    const char *names[N_COMMANDS + 1];
    for (size_t i = 0; i < N_COMMANDS; i++)
        names[i] = commands[i]->name;
    names[N_COMMANDS] = "help";
    return args_closest(word, names, N_COMMANDS + 1);
}

/* traceaid help WORD, WORD no command: the likeliest meant one when one is close. */
static int help_not_a_command(const char *word)
{
    const char *meant = closest_command(word);
    if (meant)
        fprintf(stderr, "traceaid help: '%s' is not a command; did you mean '%s'?\n", word, meant);
    else
        fprintf(stderr, "traceaid help: '%s' is not a command; 'traceaid help' lists them\n", word);
    return EXIT_ERROR;
}

static bool is_help_word(const char *word)
{
    return strcmp(word, "help") == 0 || strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0;
}

/* traceaid help [COMMAND]: the commands, or one command's --help. */
static int run_help(int argc, char **argv)
{
    if (argc > 3) {
        fprintf(stderr, "traceaid help: name one command, as in 'traceaid help stats'\n");
        return EXIT_ERROR;
    }
    const char *word = argc == 3 ? argv[2] : NULL;
    if (!word || is_help_word(word)) {
        print_help(stdout);
        return EXIT_OK;
    }
    const Command *cmd = find_command(word);
    if (!cmd)
        return help_not_a_command(word);
    args_print_help(stdout, cmd);
    return EXIT_OK;
}

/* Parses the command's options into its args, then prints its --help or runs it; frees the
 * inputs and returns the exit status. argv[0] is the command's name (the program's for the
 * summary, which has none). */
static int run_command(const Command *cmd, int argc, char **argv)
{
    ArgInputs inputs = {0};
    Error err = {0};
    bool help = false;
    int status = EXIT_OK;
    if (args_parse(argc, argv, cmd->specs, cmd->n_specs, &inputs, &help, &err)) {
        if (help)
            args_print_help(stdout, cmd);
        else
            status = cmd->run(cmd, &inputs, &err);
    }
    if (err.failed)
        status = args_report_error(cmd, &err);
    args_free(&inputs);
    return status;
}

/* What the command printed is only out once standard output is flushed and closed: a full disk
 * or a failed device shows there, if not in an earlier write, and turns any status into an
 * error with a message (as coreutils' close_stdout). A standard output closed before the start
 * with nothing written to it is no failure. */
static int close_stdout(const char *name, int status)
{
    bool failed = fflush(stdout) != 0;
    int saved = errno;
    if (!failed && ferror(stdout))
        failed = true, saved = 0; /* an earlier write failed; its errno is gone */
    if (fclose(stdout) != 0 && !failed && errno != EBADF)
        failed = true, saved = errno;
    if (!failed)
        return status;
    fprintf(stderr, "traceaid%s%s: standard output: %s\n", name ? " " : "", name ? name : "",
            saved ? strerror(saved) : "write error");
    return EXIT_ERROR;
}

/* A first word that names no command and no path: a command mistyped, most likely. */
static bool looks_like_command(const char *word)
{
    return word[0] != '-' && !strchr(word, '/') && !strchr(word, '.');
}

static int run(int argc, char **argv, const char **name)
{
    if (argc < 2) {
        print_help(stderr);
        return EXIT_ERROR;
    }
    const char *first = argv[1];
    if (is_help_word(first))
        return run_help(argc, argv);
    if (strcmp(first, "--man") == 0) { /* hidden: `make man` writes traceaid(1) from it */
        man_print(stdout, TRACEAID_VERSION, commands, N_COMMANDS);
        return EXIT_OK;
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
        printf("traceaid %s\n", TRACEAID_VERSION);
        return EXIT_OK;
    }
    const Command *cmd = find_command(first);
    if (cmd) { /* a command's name wins over a file of that name: ./stats opens the file */
        *name = cmd->name;
        return run_command(cmd, argc - 1, argv + 1);
    }
    if (looks_like_command(first)) {
        /* access, not open: opening a FIFO would wait for its writer before any handler is set.
         * A file of the word's name is opened, however close the word is to a command's. */
        const char *meant = access(first, F_OK) != 0 ? closest_command(first) : NULL;
        if (meant) {
            fprintf(stderr, "traceaid: '%s' is not a command; did you mean '%s'?\n", first, meant);
            return EXIT_ERROR;
        }
        if (argc == 2 && access(first, R_OK) != 0) {
            fprintf(stderr, "traceaid: '%s' is neither a command nor a readable file; try "
                            "'traceaid help'\n", first);
            return EXIT_ERROR;
        }
    }
    /* open, untyped: its messages name no command */
    Command implied_open = cmd_open;
    implied_open.implied = true;
    return run_command(&implied_open, argc, argv);
}

int main(int argc, char **argv)
{
    const char *name = NULL;
    int status = run(argc, argv, &name);
    return close_stdout(name, status);
}
