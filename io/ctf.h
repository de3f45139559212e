/* LTTng and other CTF 1.8 traces, read through libbabeltrace2 (source.ctf.fs → filter.utils.muxer
 * → our sink). A CTF trace is a folder: a `metadata` file (TSDL text opening with the comment "CTF 1.8", or
 * packetized metadata starting with magic 0x75D11D57) and binary stream files. An LTTng session
 * folder holds several traces below it (kernel/, ust/uid/1000/64-bit/): every folder with a
 * `metadata` file under the given one is read and their events merged in time order, as
 * `babeltrace2 DIR` does. An event as babeltrace2 prints it:
 *   [21:36:35.523070175] (+0.000002671) host sched_wakeup: { cpu_id = 3 }, { comm = "lttng-consumerd", tid = 31407, prio = 20, target_cpu = 2 }
 * becomes time 1434072995523070175, cpu 3, name sched_wakeup and fields
 *   comm=lttng-consumerd tid=31407 prio=20 target_cpu=2 */
#ifndef TRACEAID_CTF_H
#define TRACEAID_CTF_H

#include "trace_reader.h"

/* The metadata file itself, by content. */
SniffScore ctf_sniff(const char *prefix, size_t len);
/* The metadata file given as the input: reads the trace in its folder. */
bool ctf_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
              Meanings *meanings, Error *err);
/* A trace folder, or a folder with traces below it. */
SniffScore ctf_sniff_dir(const char *path);
bool ctf_load_dir(Trace *t, const char *path, const TraceOptions *opt, Vocab *vocab,
                  Meanings *meanings, Error *err);

#endif
