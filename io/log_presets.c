/* The presets: loghub's 16 benchmark systems with exactly the settings of logparser's Drain
 * benchmark (format, masks, similarity, depth), and formats of common logs with the default
 * masks. Also how a command's LogOptions and a preset make the miner's options. */
#include "log_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Masks for a format that gives none: an IPv4 address with an optional port, a 0x hex number,
 * a path, and a number standing as a whole token. */
#define DEFAULT_MASKS                                                                          \
    "\\b(\\d{1,3}\\.){3}\\d{1,3}(:\\d+)?\\b", "\\b0[xX][0-9a-fA-F]+\\b",                         \
        "(?<![\\w/.])(/[\\w.@%+~-]+)+/?", "(?<!\\S)[-+]?\\d+(\\.\\d+)?(?!\\S)"

static const char *const default_masks[] = {DEFAULT_MASKS, NULL};

/* time_fields: what io/timestamp.h reads as a time (a log's integer time is epoch time by its
 * digits: HPC's Time is epoch seconds). */
static const LogPreset PRESETS[] = {
    {"hdfs", "<Date> <Time> <Pid> <Level> <Component>: <Content>", "Hadoop HDFS (loghub)",
     {"blk_-?\\d+", "(\\d+\\.){3}\\d+(:\\d+)?"}, 0.5, 4, "Date,Time"},
    {"hadoop", "<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>",
     "Hadoop MapReduce (loghub)", {"(\\d+\\.){3}\\d+"}, 0.5, 4, "Date,Time"},
    {"spark", "<Date> <Time> <Level> <Component>: <Content>", "Spark (loghub)",
     {"(\\d+\\.){3}\\d+", "\\b[KGTM]?B\\b", "([\\w-]+\\.){2,}[\\w-]+"}, 0.5, 4, "Date,Time"},
    {"zookeeper", "<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>",
     "ZooKeeper (loghub)", {"(/|)(\\d+\\.){3}\\d+(:\\d+)?"}, 0.5, 4, "Date,Time"},
    {"bgl",
     "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>",
     "Blue Gene/L (loghub)", {"core\\.\\d+"}, 0.5, 4, "Time"},
    {"hpc", "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>", "HPC cluster (loghub)",
     {"=\\d+"}, 0.5, 4, "Time"},
    {"thunderbird",
     "<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\\[<PID>\\])?: "
     "<Content>",
     "Thunderbird supercomputer (loghub)", {"(\\d+\\.){3}\\d+"}, 0.5, 4, "Date,Time"},
    {"windows", "<Date> <Time>, <Level>                  <Component>    <Content>",
     "Windows CBS (loghub)", {"0x.*?\\s"}, 0.7, 5, "Date,Time"},
    {"linux", "<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>",
     "Linux syslog (loghub)", {"(\\d+\\.){3}\\d+", "\\d{2}:\\d{2}:\\d{2}"}, 0.39, 6,
     "Month,Date,Time"},
    {"android", "<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>",
     "Android logcat (loghub)",
     {"(/[\\w-]+)+", "([\\w-]+\\.){2,}[\\w-]+",
      "\\b(\\-?\\+?\\d+)\\b|\\b0[Xx][a-fA-F\\d]+\\b|\\b[a-fA-F\\d]{4,}\\b"},
     0.2, 6, "Date,Time"},
    {"healthapp", "<Time>\\|<Component>\\|<Pid>\\|<Content>", "HealthApp (loghub)",
     {NULL}, 0.2, 4, "Time"},
    {"apache", "\\[<Time>\\] \\[<Level>\\] <Content>", "Apache error log (loghub)",
     {"(\\d+\\.){3}\\d+"}, 0.5, 4, "Time"},
    {"proxifier", "\\[<Time>\\] <Program> - <Content>", "Proxifier (loghub)",
     {"<\\d+\\ssec", "([\\w-]+\\.)+[\\w-]+(:\\d+)?", "\\d{2}:\\d{2}(:\\d{2})*", "[KGTM]B"}, 0.6, 3,
     "Time"},
    {"openssh", "<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>", "OpenSSH (loghub)",
     {"(\\d+\\.){3}\\d+", "([\\w-]+\\.){2,}[\\w-]+"}, 0.6, 5, "Date,Day,Time"},
    {"openstack",
     "<Logrecord> <Date> <Time> <Pid> <Level> <Component> \\[<ADDR>\\] <Content>",
     "OpenStack (loghub)", {"((\\d+\\.){3}\\d+,?)+", "/.+?\\s", "\\d+"}, 0.5, 5, "Date,Time"},
    {"mac",
     "<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>",
     "macOS (loghub)", {"([\\w-]+\\.){2,}[\\w-]+"}, 0.7, 6, "Month,Date,Time"},
    {"syslog", "<Month> <Day> <Time> <Host> <Component>(\\[<PID>\\])?: <Content>",
     "syslog: Mon dd HH:MM:SS host prog[pid]: msg; default masks", {DEFAULT_MASKS}, 0.5, 4,
     "Month,Day,Time"},
    {"journalctl", "<Timestamp> <Host> <Component>(\\[<PID>\\])?: <Content>",
     "journalctl -o short-iso; default masks", {DEFAULT_MASKS}, 0.5, 4, "Timestamp"},
    {"line", "<Content>", "the whole line is the message; default masks", {DEFAULT_MASKS}, 0.5,
     4, NULL},
};

const LogPreset *log_presets(size_t *n)
{
    *n = sizeof PRESETS / sizeof PRESETS[0];
    return PRESETS;
}

const LogPreset *log_preset_find(const char *name)
{
    for (size_t k = 0; name && k < sizeof PRESETS / sizeof PRESETS[0]; k++)
        if (strcasecmp(PRESETS[k].name, name) == 0)
            return &PRESETS[k];
    return NULL;
}

const char *const *log_default_masks(void) { return default_masks; }

bool log_drain_options(const LogOptions *lo, DrainOptions *o, Error *err)
{
    drain_options_default(o);
    const LogPreset *preset = log_preset_find(lo->format ? lo->format : "line");
    const char *const *masks = preset ? preset->masks : default_masks;
    if (lo->masks.n) {
        if (lo->masks.n > DRAIN_MAX_MASKS)
            return error_set_code(err, ERROR_USAGE, "at most %d masks", DRAIN_MAX_MASKS);
        masks = lo->masks.items;
    }
    size_t n = 0;
    while (n < DRAIN_MAX_MASKS && n < (lo->masks.n ? lo->masks.n : DRAIN_MAX_MASKS) && masks[n]) {
        o->masks[n] = masks[n];
        n++;
    }
    if (preset) {
        o->similarity = preset->similarity;
        o->depth = preset->depth;
    }
    if (lo->similarity > 0)
        o->similarity = lo->similarity; /* a double, as Drain.py's st: compared exactly */
    if (lo->depth > 0) {
        if (lo->depth > DRAIN_MAX_DEPTH)
            return error_set_code(err, ERROR_USAGE, "--depth %llu: it must be 3 to %d",
                                  (unsigned long long)lo->depth, DRAIN_MAX_DEPTH);
        o->depth = (int)lo->depth;
    }
    return true;
}
