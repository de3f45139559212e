/* One event line of the text QNX's traceprinter prints, taken apart: its 32-bit time, cpu, key
 * (CLASS/EVENT as kev.csv names them) and its arguments as name:value pairs. io/qnx_text.c reads
 * the header, joins the wide layout's argument lines and unwraps the time.
 *
 *   t:0x4f821358 CPU:00 THREAD  :THREADY       pid:1 tid:1
 *   t:0x4f81e320 CPU:00 KER_CALL:MSG_SENDV/11 coid:0x00000003 msg:"abcd" (0x64636261)
 *   t:0x4f81e400 CPU:01 INT_ENTR:0x0000001b (27)       IP:0xf0012345
 */
#ifndef TRACEAID_QNX_EVENT_H
#define TRACEAID_QNX_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

#define QNX_MAX_FIELDS 64
#define QNX_MAX_NAME 96

typedef struct QnxHead {
    uint32_t t;             /* the low 32 bits of the cycle counter */
    uint16_t cpu;
    char name[QNX_MAX_NAME];        /* CLASS/EVENT */
    size_t name_len;
    size_t args;            /* offset in the line where the arguments start */
} QnxHead;

/* Parses the head of an event line ("t:0x... CPU:nn CLASS:EVENT"); on failure *bad_col is the
 * 1-based column at fault and *expected what should have been there. */
bool qnx_parse_head(const char *line, size_t len, QnxHead *h, size_t *bad_col,
                    const char **expected);

/* The arguments after the head, as name:value pairs (values trimmed of trailing spaces and
 * commas). The per-class layouts (interrupts, CONTROL BUFFER, USREVENT) are read too. Returns
 * the count, at most cap. */
size_t qnx_split_args(const char *name, size_t name_len, const char *text, size_t len,
                      TraceField *out, size_t cap);

/* The offset in text where a KER_EXIT error line ("ret_val:-1, errno:3") that lacks its newline
 * runs on into the next event ("errno:3t:0x..."), or 0 when it does not. */
size_t qnx_run_on(const char *name, size_t name_len, const char *text, size_t len);

#endif
