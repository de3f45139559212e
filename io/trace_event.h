/* What the kernel-trace readers (perf, ftrace, LTTng, QNX) hand the trace: one event with its
 * time, cpu, ids, process name, event name and fields. An EventWriter turns each into a key, as
 * --key asks, and appends it to the trace with its fields (io/fields.h). */
#ifndef TRACEAID_TRACE_EVENT_H
#define TRACEAID_TRACE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"
#include "vocab.h"

typedef struct TraceField {
    const char *name, *value;
    size_t name_len, value_len;
} TraceField;

typedef struct TraceEvent {
    int64_t time;               /* ns */
    uint16_t cpu;               /* TRACE_NO_CPU when unknown */
    int32_t pid, tid;           /* TRACE_NO_ID when unknown */
    const char *comm;           /* process (or thread) name; may be empty */
    size_t comm_len;
    const char *name;           /* the event's name: "class/event" where the format has classes */
    size_t name_len;
    const char *text;           /* its fields as the format prints them */
    size_t text_len;
    const TraceField *fields;   /* the same as name/value pairs, for --key */
    size_t n_fields;
} TraceEvent;

#define EVENT_KEY_MAX_PARTS 8

typedef enum EventKeyPart {
    KEY_EVENT,  /* the event's name */
    KEY_COMM,   /* its process name */
    KEY_CPU,
    KEY_PID,
    KEY_TID,
    KEY_FIELD,  /* one of its fields, by name */
} EventKeyPart;

typedef struct EventWriter {
    Trace *t;
    Vocab *vocab;
    size_t n_parts;
    EventKeyPart part[EVENT_KEY_MAX_PARTS];
    const char *field[EVENT_KEY_MAX_PARTS];     /* KEY_FIELD: the field's name */
    size_t field_len[EVENT_KEY_MAX_PARTS];
    bool field_seen[EVENT_KEY_MAX_PARTS];       /* some event had it */
    const char *spec;                           /* --key as given, for messages */
    char *key;                                  /* scratch */
    size_t key_cap;
} EventWriter;

/* Reads --key (opt->key_cols; NULL: the event's name alone): names joined by commas, each
 * "event", "comm", "cpu", "pid", "tid" or a field's name. */
bool event_writer_init(EventWriter *w, Trace *t, Vocab *vocab, const TraceOptions *opt,
                       Error *err);
/* Appends ev: its key is the named parts joined with '/', leaving out a field the event has not
 * (--key event,prev_state keys sched_switch by its state and an irq by its name alone); an event
 * with none of the parts is keyed by its name. */
bool event_writer_add(EventWriter *w, const TraceEvent *ev, Error *err);
/* After the last event: a field --key names that no event had is an error (a misspelt field
 * would otherwise be left out of every key without a word). */
bool event_writer_finish(EventWriter *w, Error *err);
void event_writer_free(EventWriter *w);

/* Splits "a=1 b=two words c=3" into name/value pairs: a name is a word followed by '=', and a
 * value runs to the next " name=" (so a process name with spaces stays whole). Text before the
 * first name and parts like "==>" or "[ns]" stay in the value before them. Returns the count,
 * at most cap. */
size_t event_split_fields(const char *text, size_t len, TraceField *out, size_t cap);

#endif
