/* The CSV reader's time column: integer times read as they always were; other formats
 * recognised from the first value (ISO 8601, loghub's systems' Date/Time fields); several
 * columns joined (--time-col Date,Time); --time-format; errors naming file, line and column;
 * and the explorer's timeline showing the times of a loghub log read so. */
#include "screens_run.h"

#include "test_load.h"

#define LOGHUB_DIR "tests/data/loghub"

static Loaded *load_time(const char *path, const char *time_col, const char *time_format)
{
    return load_with(path, (TraceOptions){.time_col = time_col, .time_format = time_format});
}

static void integer_times_read_as_before(void **state)
{
    (void)state;
    Loaded *l = load_time(write_text("int.csv", "timestamp,class,event\n-5,A,B\n0x10,A,B\n9000000000000000000,A,B\n"),
                          NULL, NULL);
    assert_true(l->ok);
    assert_true(l->trace.timed);
    assert_int_equal(trace_time(&l->trace, 0), -5);
    assert_int_equal(trace_time(&l->trace, 1), 16);
    assert_int_equal(trace_time(&l->trace, 2), 9000000000000000000LL);
    loaded_free(l);
}

/* A column found by its name (timestamp|time|t) reads ISO 8601 as well as integers. */
static void iso_times_are_recognised(void **state)
{
    (void)state;
    Loaded *l = load_time(write_text("iso.csv", "time,class,event\n2023-01-05T10:11:12.5Z,A,B\n"
                                                "2023-01-05T10:11:13+01:00,A,B\n"),
                          NULL, NULL);
    assert_true(l->ok);
    assert_int_equal(trace_time(&l->trace, 0), 1672913472500000000LL);
    assert_int_equal(trace_time(&l->trace, 1), 1672913473000000000LL - 3600000000000LL);
    loaded_free(l);
}

/* Each loghub system's time, from its Date/Time columns joined (or its one time column): the
 * first and last events' times and the sum of all 2,000 (mod 2^64), as Python's datetime reads
 * them (the year 2000 where the log gives none). */
static const struct {
    const char *system, *time_col, *time_format;
    int64_t first, last;
    uint64_t sum;
} loghub_times[] = {
    {"HDFS", "Date,Time", NULL, 1226262975000000000LL, 1226398817000000000LL, 17722450609339186688ULL},
    {"Hadoop", "Date,Time", NULL, 1445191307978000000LL, 1445191855202000000LL, 12691059908786947904ULL},
    {"Spark", "Date,Time", NULL, 1497039040000000000LL, 1497039071000000000LL, 5705582003052638208ULL},
    {"Zookeeper", "Date,Time", NULL, 1438191704747000000LL, 1439230354004000000LL, 17609710015065499520ULL},
    {"BGL", "Time", NULL, 1117813370675872000LL, 1136272389127918000LL, 16120009365522269464ULL},
    {"HPC", "Time", "%s", 1077804742000000000LL, 1134671139000000000LL, 6335009400563357696ULL},
    {"Thunderbird", "Date,Time", NULL, 1131537661000000000LL, 1131538532000000000LL, 12573416394434702848ULL},
    {"Windows", "Date,Time", NULL, 1475037030000000000LL, 1475114680000000000LL, 17121935806181293056ULL},
    {"Linux", "Month,Date,Time", NULL, 960995761000000000LL, 964708920000000000LL, 7642668261206631936ULL},
    {"Android", "Date,Time", NULL, 953309618811000000LL, 953309769141000000LL, 6604758834375183552ULL},
    {"HealthApp", "Time", NULL, 1514067329606000000LL, 1514077355789000000LL, 2873289396932534976ULL},
    {"Apache", "Time", NULL, 1133671664000000000LL, 1133810157000000000LL, 16971382456434702848ULL},
    {"Proxifier", "Time", NULL, 972924546000000000LL, 964693422000000000LL, 443350954497080320ULL},
    {"OpenSSH", "Date,Day,Time", NULL, 976431346000000000LL, 976446285000000000LL, 15976199185497080320ULL},
    {"OpenStack", "Date,Time", NULL, 1494892800008000000LL, 1494893687687000000LL, 1413956760051638208ULL},
    {"Mac", "Month,Date,Time", NULL, 962442055000000000LL, 963043846000000000LL, 7033297649206631936ULL},
};

static void loghub_times_read_from_their_columns(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof loghub_times / sizeof loghub_times[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, LOGHUB_DIR "/%s/%s_2k.log_structured.csv.xz", loghub_times[i].system,
                 loghub_times[i].system);
        Loaded *l = load_time(path, loghub_times[i].time_col, loghub_times[i].time_format);
        if (!l->ok)
            fail_msg("%s: %s", loghub_times[i].system, l->err.msg);
        assert_true(l->trace.timed);
        assert_int_equal(l->trace.n_events, 2000);
        uint64_t sum = 0;
        for (size_t e = 0; e < l->trace.n_events; e++)
            sum += (uint64_t)trace_time(&l->trace, e);
        if (trace_time(&l->trace, 0) != loghub_times[i].first || trace_time(&l->trace, 1999) != loghub_times[i].last ||
            sum != loghub_times[i].sum)
            fail_msg("%s: first %lld last %lld sum %llu", loghub_times[i].system, (long long)trace_time(&l->trace, 0),
                     (long long)trace_time(&l->trace, 1999), (unsigned long long)sum);
        loaded_free(l);
    }
}

static void given_time_format(void **state)
{
    (void)state;
    Loaded *l = load_time(write_text("given.csv", "when,class,event\n05/01/2023 10:11:12.25,A,B\n"),
                          "when", "%d/%m/%Y %H:%M:%S.%f");
    assert_true(l->ok);
    assert_int_equal(trace_time(&l->trace, 0), 1672913472250000000LL);
    loaded_free(l);
    /* epoch seconds as integers, which alone would be nanoseconds */
    l = load_time(write_text("secs.csv", "t,class,event\n1077804742,A,B\n"), NULL, "%s");
    assert_true(l->ok);
    assert_int_equal(trace_time(&l->trace, 0), 1077804742000000000LL);
    loaded_free(l);
}

static void refused(const char *name, const char *text, const char *time_col, const char *time_format,
                    const char *fragment)
{
    Loaded *l = load_time(write_text(name, text), time_col, time_format);
    assert_false(l->ok);
    if (!strstr(l->err.msg, name) || !strstr(l->err.msg, fragment))
        fail_msg("error \"%s\" lacks \"%s\"", l->err.msg, fragment);
    loaded_free(l);
}

static void errors_name_the_line_and_columns(void **state)
{
    (void)state;
    refused("later.csv", "time,class,event\n2023-01-05 10:11:12,A,B\n10:11:13,A,B\n", NULL, NULL,
            "later.csv:3: column 1 (time): cannot read '10:11:13' as a time in ISO 8601 with a space "
            "format '%Y-%m-%d %H:%M:%S.%f%z' (recognised from the column's first value)");
    refused("joined.csv", "class,Date,event,Time\nA,081109,B,203615\nA,081109,B,2036x5\n", "Date,Time", NULL,
            "joined.csv:3: columns 2,4 (Date,Time): cannot read '081109 2036x5' as a time in HDFS's format");
    refused("first.csv", "time,class,event\nnoon,A,B\n", NULL, NULL,
            "first.csv:2: column 1 (time): cannot read 'noon' as a time (tried integer nanoseconds, ");
    refused("nocol.csv", "time,class,event\n1,A,B\n", "Date,Time", NULL,
            "--time-col Date: no such column in the header (columns: time, class, event)");
    refused("twice.csv", "Date,class,event\n1,A,B\n", "Date,Date", NULL, "--time-col Date,Date: column 'Date' is named twice");
    refused("role.csv", "Date,class,event\n1,A,B\n", "Date,event", NULL, "column 'event' is already a key column");
    refused("badfmt.csv", "time,class,event\n1,A,B\n", NULL, "%Y-%Q", "--time-format '%Y-%Q': unknown directive '%Q'");
    refused("untimed.csv", "class,event\nA,B\n", NULL, "%s", "--time-format %s: there is no time column");
    refused("range.csv", "time,class,event\n2023-02-29,A,B\n", NULL, "%Y-%m-%d", "no such day in that month");
}

/* --time-col Date,Time in the explorer: the timeline's time column, from the first event. */
static void explorer_shows_joined_times(void **state)
{
    (void)state;
    const char *options[] = {LOGHUB_DIR "/HDFS/HDFS_2k.log_structured.csv.xz", "--time-col", "Date,Time", NULL};
    screens_with("loghub_time_col", options);
}

/* A log's days in the time column: rounded to the decimals that fit, not cut. */
static void explorer_shows_times_past_a_day(void **state)
{
    (void)state;
    const char *log = write_text("days_structured.csv", "LineId,Time,Level,Content,EventId,EventTemplate\n"
                                 "1,1000000000.0,INFO,start,E1,start\n"
                                 "2,1000240650.417376,INFO,days later,E2,days later\n"
                                 "3,1001234567.891276,INFO,weeks later,E2,weeks later\n");
    const char *options[] = {log, "--time-col", "Time", NULL};
    screens_with("log_days", options);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integer_times_read_as_before),
        cmocka_unit_test(iso_times_are_recognised),
        cmocka_unit_test(loghub_times_read_from_their_columns),
        cmocka_unit_test(given_time_format),
        cmocka_unit_test(errors_name_the_line_and_columns),
        cmocka_unit_test(explorer_shows_joined_times),
        cmocka_unit_test(explorer_shows_times_past_a_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
