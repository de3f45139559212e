/* The fields of a trace's events ("prev_comm=bash prev_pid=1234 prev_state=S ==> ..."), kept
 * small. Each event's field text is split into its shape, the text with its numbers taken out,
 * and the numbers: a sched trace has a few thousand shapes over millions of events, so shapes are
 * interned once and an event costs its varint-coded numbers and two small ids.
 *
 * An event's record in bytes: varint event-name id, varint shape id, one varint per number in the
 * shape. A shape marks a decimal number with FIELD_DEC, a 0x-hexadecimal one with FIELD_HEX (or
 * FIELD_HEX_HIGH), and escapes a literal byte of those values (or FIELD_ESC) with FIELD_ESC, so every text comes back
 * exactly as it went in. Records are reached through the offset of every FIELDS_BLOCK-th record,
 * then skipped through within the block: the index costs 1/8 byte an event. */
#ifndef TRACEAID_FIELDS_H
#define TRACEAID_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strpool.h"

#define FIELDS_BLOCK 64
#define FIELDS_MAX_NUMBERS 64 /* taken out of one text; the rest stay in its shape */
#define FIELD_DEC '\x01'
#define FIELD_HEX '\x02'
#define FIELD_ESC '\x03'
#define FIELD_HEX_HIGH '\x04' /* a 0x number with its top bit set (a kernel address), kept as its
                               * complement: 0xffffffff813b9957 takes 5 bytes instead of 10 */

typedef struct FieldStore {
    StrPool strings;            /* event names and shapes; id 0 is "" */
    uint8_t *bytes;             /* the records back to back */
    size_t len, cap;
    uint64_t *block_start;      /* offset in bytes of records 0, FIELDS_BLOCK, 2 * FIELDS_BLOCK ... */
    size_t n_records, blocks_cap;
    char *shape;                /* scratch for fields_append */
    size_t shape_cap;
} FieldStore;

void fields_init(FieldStore *f);
void fields_free(FieldStore *f);

/* Appends the next event's record: its name and its field text (either may be empty). */
bool fields_append(FieldStore *f, const char *event, size_t event_len, const char *text,
                   size_t text_len, Error *err);
/* Record i: *event gets its name (in the store, valid while it lives); its field text goes into
 * text[0..cap), NUL-terminated and cut when longer. Returns the text's full length. With no
 * records (a format without fields) both are "". */
size_t fields_get(const FieldStore *f, size_t i, const char **event, char *text, size_t cap);
/* Moves record i to place dest[i] (dest a permutation of the records): the records' bytes are
 * copied whole, read once in order, so reordering costs a pass rather than a lookup each. */
bool fields_permute(FieldStore *f, const size_t *dest, Error *err);
/* Bytes the store holds. */
size_t fields_bytes(const FieldStore *f);
/* Gives back unused capacity once loading is over. */
void fields_shrink(FieldStore *f);

#endif
