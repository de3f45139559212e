/* The explorer's key scripts, parsed apart from running them (so the parser can be fuzzed). */
#ifndef TRACEAID_SCRIPT_H
#define TRACEAID_SCRIPT_H

#include <stdbool.h>

typedef enum ScriptKind { SCRIPT_NONE, SCRIPT_SIZE, SCRIPT_KEY, SCRIPT_KEYS, SCRIPT_CLICK, SCRIPT_WHEEL, SCRIPT_DUMP,
                         SCRIPT_WAIT } ScriptKind;

typedef struct ScriptCommand {
    ScriptKind kind;        /* NONE: a blank line or a comment */
    int key;                /* KEY */
    const char *text;       /* KEYS: into the line; WAIT: "preview", "loaded" or "scored" (x events) */
    int x, y, w, h;         /* SIZE w h; CLICK x y; WHEEL x (-1: by the row alone), y and w = lines (+down, -up) */
} ScriptCommand;

/* Parses one line (modified in place); false when it is no command of the script's. */
bool script_parse_line(char *line, ScriptCommand *cmd);
/* A key's code by its script name (Tab, Enter, Up, ..., or one character); -1 if none. */
int script_key_code(const char *name);

#endif
