#include "man.h"

#include <ctype.h>
#include <string.h>

/* The Makefile sets it, as for tui/theme.c: the installed themes' folder under PREFIX. */
#ifndef THEMES_SHARE_DIR
#define THEMES_SHARE_DIR "/usr/local/share/traceaid/themes"
#endif

/* Text as troff reads it literally: a backslash is \e, every '-' the minus \- (options must
 * be typed with ASCII hyphens, and copied from the page that way), and a line that would start
 * with a control character ('.' or '\'') is guarded by \&. */
static void put_escaped(FILE *out, const char *text)
{
    bool line_start = true;
    for (const char *c = text; *c; c++) {
        if (line_start && (*c == '.' || *c == '\''))
            fputs("\\&", out);
        if (*c == '\\')
            fputs("\\e", out);
        else if (*c == '-')
            fputs("\\-", out);
        else
            fputc(*c, out);
        line_start = *c == '\n';
    }
}

/* An option's tag: \-k, \-\-name METAVAR, the name bold and the value italic. */
static void put_option(FILE *out, const ArgSpec *spec)
{
    fputs(".TP\n", out);
    if (spec->short_name)
        fprintf(out, "\\fB\\-%c\\fR, ", spec->short_name);
    fputs("\\fB\\-\\-", out);
    put_escaped(out, spec->name);
    fputs("\\fR", out);
    if (spec->metavar) {
        fputs(" \\fI", out);
        put_escaped(out, spec->metavar);
        fputs("\\fR", out);
    }
    fputc('\n', out);
    put_escaped(out, spec->help);
    fputc('\n', out);
}

/* Preformatted text (a command's details keep their lines and examples), indented. */
static void put_block(FILE *out, const char *text)
{
    fputs(".PP\n.RS 4\n.nf\n", out);
    put_escaped(out, text);
    if (text[0] && text[strlen(text) - 1] != '\n')
        fputc('\n', out);
    fputs(".fi\n.RE\n", out);
}

static void put_command(FILE *out, const Command *cmd)
{
    fputs(".SS \"", out);
    put_escaped(out, cmd->name);
    fputs("\"\n.B traceaid\n", out);
    put_escaped(out, cmd->usage);
    fprintf(out, "\n.PP\n%c", toupper((unsigned char)cmd->summary[0]));
    put_escaped(out, cmd->summary + 1);
    fputs(".\n", out);
    for (size_t i = 0; i < cmd->n_specs; i++)
        put_option(out, &cmd->specs[i]);
    fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow this help\n", out);
    if (cmd->details)
        put_block(out, cmd->details);
}

static void put_head(FILE *out, const char *version)
{
    fputs(".\\\" traceaid(1), written by `traceaid --man` from its option tables: edit those.\n", out);
    fprintf(out, ".TH TRACEAID 1 \"\" \"traceaid %s\" \"User Commands\"\n", version);
    fputs(".nh\n.ad l\n", out); /* no hyphens in paths and options; ragged right */
    fputs(".SH NAME\ntraceaid \\- a terminal explorer for event traces, with neural anomaly detection\n"
          ".SH SYNOPSIS\n"
          ".B traceaid\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fITRACE\\fR...]\n.br\n"
          ".B traceaid\n\\fITRACE\\fR... [\\fIOPTIONS\\fR]\n.br\n"
          ".B traceaid help\n[\\fICOMMAND\\fR]\n"
          ".SH DESCRIPTION\n"
          "traceaid reads event traces (Linux perf, ftrace and trace\\-cmd, LTTng CTF, QNX\n"
          "traceprinter text, CSV kernel\\-event traces, loghub structured logs and DeepLog session\n"
          "files, told apart by their content; any of them gzip, xz or zstd compressed), learns what\n"
          "clean runs look like with a neural sequence model, and flags the segments of other runs\n"
          "that the model did not expect.\n"
          ".PP\n"
          "With traces and no command it opens them in the explorer on a terminal, or prints a\n"
          "summary of each when its output is not a terminal (the \\fBopen\\fR command).\n"
          "\\fB\\-\\-key\\fR \\fIevent,prev_state\\fR (any fields) sets what makes a key.\n"
          "\\fBtraceaid \\-\\-version\\fR prints the version.\n",
          out);
}

static void put_tail(FILE *out)
{
    fputs(".SH \"EXIT STATUS\"\n"
          ".TP\n.B 0\nsuccess\n"
          ".TP\n.B 1\nanomalies found: score or plot flagged a segment\n"
          ".TP\n.B 2\nan error: bad input or usage\n"
          ".TP\n.B 130\ninterrupted by Ctrl\\-C (SIGINT); no half\\-written file is left\n"
          ".TP\n.B 143\nstopped by SIGTERM; no half\\-written file is left\n"
          ".SH ENVIRONMENT\n"
          ".TP\n.B NO_COLOR\nwhen set, the explorer draws without colour, with the mono theme unless \\fB\\-\\-theme\\fR names another\n"
          ".TP\n.B TERM\nthe terminal the explorer draws on (ncurses reads its capabilities from it)\n"
          ".TP\n.B XDG_CONFIG_HOME\nthe user's themes are looked for in \\fI$XDG_CONFIG_HOME/traceaid/themes\\fR\n"
          "(an absolute path; otherwise \\fI~/.config/traceaid/themes\\fR)\n"
          ".TP\n.B TRACEAID_THEMES_DIR\nlooked in for themes instead of the installed folder (empty: none but the user's)\n"
          ".SH FILES\n"
          "A theme named with \\fB\\-\\-theme\\fR \\fINAME\\fR is the first \\fINAME\\fR.theme found in:\n"
          ".TP\n.I $XDG_CONFIG_HOME/traceaid/themes\\fR, else \\fI~/.config/traceaid/themes\n"
          "the user's themes\n"
          ".TP\n.I ",
          out);
    put_escaped(out, THEMES_SHARE_DIR);
    fputs("\nthe installed themes: default, dark, light, high\\-contrast and mono\n"
          ".PP\n"
          "default and mono are compiled in besides. A \\fB\\-\\-theme\\fR with a '/' is a theme file's path.\n"
          ".SH EXAMPLES\n"
          "Generate a clean trace and an anomalous one, train a model on the clean one and score the other:\n"
          ".PP\n.RS 4\n.nf\n"
          "traceaid gen \\-\\-kind clean \\-\\-seed 1 \\-o clean.csv\n"
          "traceaid gen \\-\\-kind fifo\\-ls \\-\\-seed 101 \\-o fifo.csv\n"
          "traceaid train \\-\\-model seq2seq \\-o flight.safetensors clean.csv\n"
          "traceaid score \\-\\-model flight.safetensors fifo.csv\n"
          ".fi\n.RE\n"
          ".PP\n"
          "What a trace holds, and the explorer over it with the model:\n"
          ".PP\n.RS 4\n.nf\n"
          "traceaid stats fifo.csv\n"
          "traceaid fifo.csv \\-\\-model flight.safetensors \\-\\-theme dark\n"
          ".fi\n.RE\n"
          ".PP\n"
          "Raw logs into loghub's structured CSV and templates, scored against its ground truth:\n"
          ".PP\n.RS 4\n.nf\n"
          "traceaid parse \\-\\-log\\-format hdfs HDFS_2k.log \\-o hdfs.csv \\-\\-truth HDFS_2k.log_structured.csv\n"
          ".fi\n.RE\n"
          ".SH \"SEE ALSO\"\n"
          "\\fBtraceaid\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR; the explorer's keys: \\fB?\\fR in the explorer, and all of them in docs/KEYS.md (installed with the docs).\n",
          out);
}

void man_print(FILE *out, const char *version, const Command *const *commands, size_t n_commands)
{
    put_head(out, version);
    fputs(".SH COMMANDS\n", out);
    for (size_t i = 0; i < n_commands; i++)
        put_command(out, commands[i]);
    fputs(".SS \"help\"\n.B traceaid help\n[\\fICOMMAND\\fR]\n.PP\n"
          "Shows the list of commands, or a command's help (as \\fICOMMAND\\fR \\fB\\-\\-help\\fR).\n",
          out);
    put_tail(out);
}
