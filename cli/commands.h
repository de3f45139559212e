/* Every subcommand of the traceaid binary: one file each in cli/, cmd_NAME.c, which declares its
 * args struct, its option table and its run in one `const Command`. main.c's commands[] is the
 * table of them: a new command is its file, its line here and its row there. */
#ifndef TRACEAID_COMMANDS_H
#define TRACEAID_COMMANDS_H

#include "../core/args.h"

extern const Command cmd_stats;
extern const Command cmd_gen;
extern const Command cmd_train;
extern const Command cmd_eval;
extern const Command cmd_score;
extern const Command cmd_calibrate;
extern const Command cmd_info;
extern const Command cmd_plot;
extern const Command cmd_explain;
extern const Command cmd_update;
extern const Command cmd_parse;

#endif
