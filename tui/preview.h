/* The explorer over a preview (the head of a big trace, tui/loader.h) while the whole trace
 * loads behind, and the swap to the whole trace once it is in, keeping the user's place. */
#ifndef TRACEAID_PREVIEW_H
#define TRACEAID_PREVIEW_H

#include "app.h"
#include "loader.h"

/* The status line over the preview: how much of the file it shows and that the rest is loading,
 * with timing (the terminal, not a script, whose screens must repeat) the loading's share and
 * rate, in events a second estimated from the preview's events per byte; once the whole is in,
 * how much of it is scored (scored events, SIZE_MAX: as far as the loader is). */
void preview_message(Loader *l, const LoadStatus *st, bool timing, size_t scored, char *out, size_t size);

/* The whole scored set in place of the preview: the cursor, the view, the focused pane, the
 * selected segment, the filter, the bookmarks, a moved threshold and the segment length kept
 * (the head's event i is the whole trace's event i); what was made from the preview (the
 * interpretation, the time view, the statistics, the truth's marks, the marks) made again. */
void preview_swap(App *app, Loader *l);

#endif
