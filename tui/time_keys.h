/* The time view's actions, rows of the key table (tui/keys.c): v shows it, its keys pan and
 * zoom it, step to the next event and change its rows. */
#ifndef TRACEAID_TIME_KEYS_H
#define TRACEAID_TIME_KEYS_H

#include "app.h"

Reaction act_time_view(App *app, int key);
Reaction act_time_pan(App *app, int key);
Reaction act_time_zoom(App *app, int key);
Reaction act_time_next(App *app, int key);
Reaction act_time_rows(App *app, int key);

/* n/N's next match of the search (tui/keys.c), which the time view's step follows. */
Reaction act_next_match(App *app, int key);

#endif
