/* traceaid stats: events per key in each file, side by side — the first table to look at when
 * comparing clean and anomalous traces. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "../io/csv_write.h"
#include "../io/format.h"
#include "../core/summary.h"

typedef struct KeyCounts {
    size_t n_traces, n_keys;
    uint64_t *count;        /* [key][trace] */
    uint64_t *total;        /* per key, over all traces */
    uint64_t *events;       /* per trace */
    uint32_t *order;        /* key ids, most frequent first */
} KeyCounts;

/* qsort has no context argument; the table being sorted is held here for the comparison. */
static const KeyCounts *sort_counts;
static const Vocab *sort_vocab;

static int by_total_then_name(const void *a, const void *b)
{
    uint32_t ka = *(const uint32_t *)a, kb = *(const uint32_t *)b;
    uint64_t ta = sort_counts->total[ka], tb = sort_counts->total[kb];
    if (ta != tb)
        return ta < tb ? 1 : -1;
    return strcmp(vocab_name(sort_vocab, ka), vocab_name(sort_vocab, kb));
}

static bool key_counts_build(KeyCounts *kc, const TraceSet *set)
{
    kc->n_traces = set->n_traces;
    kc->n_keys = vocab_size(&set->vocab);
    kc->count = calloc(kc->n_keys * kc->n_traces + 1, sizeof *kc->count);
    kc->total = calloc(kc->n_keys + 1, sizeof *kc->total);
    kc->events = calloc(kc->n_traces + 1, sizeof *kc->events);
    kc->order = malloc((kc->n_keys + 1) * sizeof *kc->order);
    if (!kc->count || !kc->total || !kc->events || !kc->order)
        return false;
    for (size_t t = 0; t < set->n_traces; t++) {
        const Trace *trace = &set->traces[t];
        for (size_t i = 0; i < trace->n_events; i++)
            kc->count[trace->key_id[i] * kc->n_traces + t]++;
        kc->events[t] = trace->n_events;
    }
    for (size_t k = 0; k < kc->n_keys; k++) {
        for (size_t t = 0; t < kc->n_traces; t++)
            kc->total[k] += kc->count[k * kc->n_traces + t];
        kc->order[k] = (uint32_t)k;
    }
    sort_counts = kc;
    sort_vocab = &set->vocab;
    qsort(kc->order, kc->n_keys, sizeof *kc->order, by_total_then_name);
    return true;
}

static void key_counts_free(KeyCounts *kc)
{
    free(kc->count);
    free(kc->total);
    free(kc->events);
    free(kc->order);
}

static void format_cell(char *buf, size_t size, uint64_t n, uint64_t of, bool percent)
{
    double share = of ? 100.0 * (double)n / (double)of : 0.0;
    if (percent && n == 0)
        snprintf(buf, size, "-");
    else if (percent && share < 0.005)
        snprintf(buf, size, "<0.01%%"); /* present, however rare: never shown as zero */
    else if (percent)
        snprintf(buf, size, "%.2f%%", share);
    else
        format_count(buf, size, n);
}

/* How many sessions each grouping made, and how long they are; "-" for a trace of events. */
static void print_sessions(const TraceSet *set, int key_width, const int *col_width)
{
    SessionLengths *l = calloc(set->n_traces + 1, sizeof *l);
    bool any = false;
    for (size_t t = 0; l && t < set->n_traces; t++) {
        l[t] = summary_session_lengths(&set->traces[t]);
        any |= l[t].n > 0;
    }
    /* their lengths in rows under it, as long as "distinct keys" at most */
    static const char *const rows[] = {"sessions", "  shortest", "  median", "  longest"};
    char cell[32];
    for (size_t r = 0; any && r < sizeof rows / sizeof rows[0]; r++) {
        printf("%-*s", key_width, rows[r]);
        for (size_t t = 0; t < set->n_traces; t++) {
            size_t value = r == 0 ? l[t].n : r == 1 ? l[t].shortest : r == 2 ? l[t].median : l[t].longest;
            printf("  %*s", col_width[t], l[t].n ? format_count(cell, sizeof cell, value) : "-");
        }
        printf("\n");
    }
    free(l);
}

static void print_table(const KeyCounts *kc, const TraceSet *set, bool percent)
{
    int key_width = (int)strlen("distinct keys");
    for (size_t k = 0; k < kc->n_keys; k++) {
        int len = (int)strlen(vocab_name(&set->vocab, (uint32_t)k));
        key_width = len > key_width ? len : key_width;
    }
    key_width = key_width > 48 ? 48 : key_width;
    int *col_width = malloc((kc->n_traces + 1) * sizeof *col_width);
    if (!col_width)
        return;
    printf("%-*s", key_width, "key");
    char label_buf[FORMAT_NAME_WIDTH + 1];
    for (size_t t = 0; t < kc->n_traces; t++) {
        const char *label = format_shorten(label_buf, sizeof label_buf, format_basename(set->traces[t].path),
                                           FORMAT_NAME_WIDTH);
        col_width[t] = (int)strlen(label) > 11 ? (int)strlen(label) : 11;
        printf("  %*s", col_width[t], label);
    }
    bool with_meanings = meanings_count(&set->meanings) > 0;
    printf(with_meanings ? "  meaning\n" : "\n");
    char cell[32];
    for (size_t r = 0; r < kc->n_keys; r++) {
        uint32_t k = kc->order[r];
        const char *name = vocab_name(&set->vocab, k);
        printf("%-*.*s", key_width, key_width, name);
        for (size_t t = 0; t < kc->n_traces; t++) {
            format_cell(cell, sizeof cell, kc->count[k * kc->n_traces + t], kc->events[t], percent);
            printf("  %*s", col_width[t], cell);
        }
        const char *meaning = with_meanings ? meanings_get(&set->meanings, name) : NULL;
        printf("%s%s\n", meaning ? "  " : "", meaning ? meaning : "");
    }
    printf("%-*s", key_width, "total events");
    for (size_t t = 0; t < kc->n_traces; t++)
        printf("  %*s", col_width[t], format_count(cell, sizeof cell, kc->events[t]));
    printf("\n%-*s", key_width, "distinct keys");
    for (size_t t = 0; t < kc->n_traces; t++) {
        uint64_t distinct = 0;
        for (size_t k = 0; k < kc->n_keys; k++)
            distinct += kc->count[k * kc->n_traces + t] > 0;
        printf("  %*s", col_width[t], format_count(cell, sizeof cell, distinct));
    }
    printf("\n");
    print_sessions(set, key_width, col_width);
    free(col_width);
}

static void print_csv(const KeyCounts *kc, const TraceSet *set, bool percent)
{
    CsvRow row = csv_row_begin(stdout);
    csv_row_word(&row, "key");
    for (size_t t = 0; t < kc->n_traces; t++)
        csv_row_text(&row, set->traces[t].path);
    csv_row_end(&row);
    for (size_t r = 0; r < kc->n_keys; r++) {
        uint32_t k = kc->order[r];
        csv_row_text(&row, vocab_name(&set->vocab, k));
        for (size_t t = 0; t < kc->n_traces; t++) {
            uint64_t n = kc->count[k * kc->n_traces + t];
            if (percent)
                csv_row_number(&row, "%.4f", kc->events[t] ? 100.0 * (double)n / (double)kc->events[t] : 0.0);
            else
                csv_row_number(&row, "%llu", (unsigned long long)n);
        }
        csv_row_end(&row);
    }
}

static int stats(const Command *cmd, TraceRequest *ta, const ArgInputs *inputs, bool percent, bool csv, Error *err)
{
    if (inputs->n == 0)
        return args_usage_error(cmd, "name at least one trace");
    int status = EXIT_ERROR;
    TraceSet set;
    trace_set_init(&set);
    KeyCounts kc = {0};
    if (trace_args_load(ta, inputs, &set, err)) {
        if (key_counts_build(&kc, &set)) {
            (csv ? print_csv : print_table)(&kc, &set, percent);
            status = EXIT_OK;
        } else {
            error_nomem(err);
        }
    }
    key_counts_free(&kc);
    trace_set_free(&set);
    return status;
}

typedef struct StatsArgs {
    TraceRequest traces;
    bool percent, csv;
} StatsArgs;

static StatsArgs args;

static const ArgSpec specs[] = {
    {"percent", 'p', ARG_FLAG, &args.percent, NULL, "each key's share of its file's events"},
    {"csv", 0, ARG_FLAG, &args.csv, NULL, "machine-readable CSV instead of a table"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    StatsArgs *a = cmd->args;
    return stats(cmd, &a->traces, inputs, a->percent, a->csv, err);
}

const Command cmd_stats = {
    .name = "stats",
    .usage = "stats [OPTIONS] TRACE... [--sessions FILE]...",
    .summary = "events per key in each file, side by side, most frequent first",
    .details = "Examples:\n"
               "  traceaid stats samples/traces/clean-01.csv samples/traces/fifo-ls-01.csv\n"
               "  traceaid stats --percent --sessions hdfs_test_normal --sessions hdfs_test_abnormal\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
