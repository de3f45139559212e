/* The explorer's keys as one table, in the manner of htop's action table: each binding names its
 * keys, the panes it applies in, the action it runs (which says what to draw again) and how it
 * is described. app_key looks keys up in it; the ? screen, the status line's hints and
 * docs/KEYS.md's table are all written from it. */
#ifndef TRACEAID_KEYS_H
#define TRACEAID_KEYS_H

#include <stdio.h>

#include "app.h"

#define KEYS_PER_BINDING 4
#define ALL_PANES ((1u << PANE_COUNT) - 1)
/* The time view, where the timeline is while v shows it: a pane of the key table's own, its
 * bindings looked up before the timeline's. */
#define PANE_TIMEVIEW PANE_COUNT

typedef Reaction (*KeyAction)(App *app, int key);

typedef struct KeyBinding {
    int keys[KEYS_PER_BINDING];     /* the codes that run it (0 ends the list) */
    unsigned panes;                 /* where it applies: a mask of 1 << Pane */
    KeyAction action;               /* NULL: described only (the terminal loop's Esc, the mouse) */
    const char *hint;               /* its hint on the status line ... */
    const char *session_hint;       /* ... in a trace of sessions, when it differs */
    unsigned hidden_in;             /* HINTS_* contexts where it has no hint */
    unsigned char hint_slot[PANE_COUNT + 1]; /* ... of these panes (and the time view), at this place (from 1; 0: not there) */
    const char *help_keys, *help;   /* its line on the ? screen; NULL: none */
    const char *doc_keys, *doc;     /* its row of docs/KEYS.md's table; NULL: none */
} KeyBinding;

extern const KeyBinding key_table[];
extern const size_t key_table_len;

/* The binding key runs in pane (or PANE_TIMEVIEW); NULL when none. */
const KeyBinding *keys_find(int key, Pane pane);
/* Where the keys go: the focused pane, or PANE_TIMEVIEW when it is the time view. */
Pane keys_pane(const App *app);
/* The status line's hints for pane (or PANE_TIMEVIEW): its hinted bindings in their places, two
 * spaces apart. */
/* What the trace on show changes in the hints. */
enum { HINTS_SESSIONS = 1u << 0, HINTS_NO_THRESHOLD = 1u << 1 };
void keys_status_hints(Pane pane, unsigned context, char *buf, size_t size);
/* Line i of the ? screen's list of keys (from 0); false past the last. */
bool keys_help_line(size_t i, char *buf, size_t size);
/* docs/KEYS.md's key table, as Markdown. */
void keys_write_markdown(FILE *out);

#endif
