/* Timestamps: every recognised format (ISO 8601 and its offsets, time of day, syslog, ctime,
 * epoch seconds, loghub's 16 systems' Date/Time fields), integers read as before, the format
 * fixed by a column's first value, --time-format with %f, the years and days assumed, the
 * int64 range's ends, and the errors. The expected nanoseconds were computed apart (Python's
 * calendar.timegm). */
#include "test_util.h"

#include "../io/timestamp.h"

#define SEC 1000000000LL

/* The first value of a fresh column. */
static int64_t read_one(const char *format, const char *value)
{
    TimeParser p;
    time_parser_init(&p, format);
    Error err = {0};
    int64_t ns = 0;
    if (!time_parse(&p, value, strlen(value), &ns, &err)) {
        fprintf(stderr, "'%s': %s\n", value, err.msg);
        fail();
    }
    return ns;
}

static void assert_reads(const char *value, int64_t want, const char *want_name)
{
    TimeParser p;
    time_parser_init(&p, NULL);
    Error err = {0};
    int64_t ns = 0;
    if (!time_parse(&p, value, strlen(value), &ns, &err)) {
        fprintf(stderr, "'%s': %s\n", value, err.msg);
        fail();
    }
    if (ns != want || strcmp(p.name, want_name) != 0) {
        fprintf(stderr, "'%s': %lld as %s, want %lld as %s\n", value, (long long)ns, p.name,
                (long long)want, want_name);
        fail();
    }
}

static void integers_stay_nanoseconds(void **state)
{
    (void)state;
    assert_reads("0", 0, "integer nanoseconds");
    assert_reads("1077804742", 1077804742, "integer nanoseconds");
    assert_reads("-5", -5, "integer nanoseconds");
    assert_reads(" 42 ", 42, "integer nanoseconds");
}

static void iso_8601_with_fractions_and_offsets(void **state)
{
    (void)state;
    assert_reads("2016-09-28 04:30:30", 1475037030 * SEC, "ISO 8601 with a space");
    assert_reads("2023-01-05T10:11:12.123456789Z", 1672913472123456789LL, "ISO 8601");
    assert_reads("2023-01-05T10:11:12,123456789Z", 1672913472123456789LL, "ISO 8601");
    /* digits past the nanosecond are too fine and dropped */
    assert_reads("2023-01-05T10:11:12.1234567899", 1672913472123456789LL, "ISO 8601");
    assert_reads("2023-01-05T10:11:12.5", 1672913472 * SEC + SEC / 2, "ISO 8601");
    assert_reads("2023-01-05T10:11:12+01:00", 1672909872 * SEC, "ISO 8601");
    assert_reads("2023-01-05T10:11:12+0100", 1672909872 * SEC, "ISO 8601");
    assert_reads("2023-01-05T10:11:12+01", 1672909872 * SEC, "ISO 8601");
    assert_reads("2023-01-05T10:11:12-05:30", 1672933272 * SEC, "ISO 8601");
    assert_reads("2023-01-05 10:11:12.000+01:00", 1672909872 * SEC, "ISO 8601 with a space");
    assert_reads("20230105T101112Z", 1672913472 * SEC, "ISO 8601 basic");
    assert_reads("2023-01-05", 1672876800 * SEC, "ISO 8601 date");
}

/* Each of loghub's systems' Date/Time fields (joined with a space where they are two). */
static void loghub_systems_formats(void **state)
{
    (void)state;
    assert_reads("081109 203615", 1226262975 * SEC, "HDFS's");                       /* HDFS */
    assert_reads("2015-10-18 18:01:47,978", 1445191307978000000LL, "ISO 8601 with a space"); /* Hadoop, Zookeeper */
    assert_reads("17/06/09 20:10:40", 1497039040 * SEC, "Spark's");                  /* Spark */
    assert_reads("2005-06-03-15.42.50.675872", 1117813370675872000LL, "BGL's");      /* BGL */
    assert_reads("2005.11.09 12:01:01", 1131537661 * SEC, "dotted date and time");   /* Thunderbird */
    assert_reads("2005.11.09", 1131494400 * SEC, "dotted date");
    assert_reads("03-17 16:13:38.811", 953309618811000000LL, "Android logcat's");    /* Android */
    assert_reads("20171223-22:15:29:606", 1514067329606000000LL, "HealthApp's");      /* HealthApp */
    /* HealthApp writes milliseconds unpadded: ":6" is 6 ms */
    assert_reads("20171223-22:53:7:6", 1514069587006000000LL, "HealthApp's");
    assert_reads("Sun Dec 04 04:47:44 2005", 1133671664 * SEC, "ctime");             /* Apache */
    assert_reads("10.30 16:49:06", 972924546 * SEC, "Proxifier's");                  /* Proxifier */
    assert_reads("Jun 14 15:16:01", 960995761 * SEC, "syslog");                     /* Linux, Mac, OpenSSH */
    assert_reads("Jul  1 09:00:55", 962442055 * SEC, "syslog");
    assert_reads("2017-05-16 00:00:00.008", 1494892800008000000LL, "ISO 8601 with a space"); /* OpenStack */
    assert_reads("10/Oct/2000:13:55:36 -0700", 971211336 * SEC, "Apache access log's");
}

static void time_of_day_and_epoch_seconds(void **state)
{
    (void)state;
    assert_reads("16:49:06", (16 * 3600 + 49 * 60 + 6) * SEC, "time of day");
    assert_reads("16:49:06,250", (16 * 3600 + 49 * 60 + 6) * SEC + SEC / 4, "time of day");
    assert_reads("16:49:06.250", (16 * 3600 + 49 * 60 + 6) * SEC + SEC / 4, "time of day");
    assert_reads("1117838570.675872", 1117838570675872000LL, "epoch seconds");
    assert_reads("0.5", SEC / 2, "epoch seconds");
    assert_reads("-1.5", -SEC - SEC / 2, "epoch seconds");
    assert_reads("-0.25", -SEC / 4, "epoch seconds");
}

/* 1970 itself, before it, leap days, and the ends of what int64 nanoseconds hold. */
static void dates_far_and_near(void **state)
{
    (void)state;
    assert_reads("1970-01-01T00:00:00Z", 0, "ISO 8601");
    assert_reads("1969-12-31T23:59:59Z", -SEC, "ISO 8601");
    assert_reads("1969-12-31T23:59:59.75Z", -SEC / 4, "ISO 8601");
    assert_reads("2024-02-29T00:00:00Z", 1709164800 * SEC, "ISO 8601");
    assert_reads("2000-02-29T12:00:00Z", 951825600 * SEC, "ISO 8601");
    assert_reads("2262-04-11T23:47:16.854775807Z", INT64_MAX, "ISO 8601");
    assert_reads("1677-09-21T00:12:43.145224192Z", INT64_MIN, "ISO 8601");
    /* a date without a year is in 2000, a leap year, so 29 February reads */
    assert_reads("Feb 29 12:00:00", 951825600 * SEC, "syslog");
}

static void assert_error(const char *format, const char *value, const char *want)
{
    TimeParser p;
    time_parser_init(&p, format);
    Error err = {0};
    int64_t ns;
    assert_false(time_parse(&p, value, strlen(value), &ns, &err));
    if (!strstr(err.msg, want)) {
        fprintf(stderr, "'%s': error \"%s\" lacks \"%s\"\n", value, err.msg, want);
        fail();
    }
}

static void values_out_of_range_or_unknown(void **state)
{
    (void)state;
    assert_error(NULL, "2262-04-11T23:47:16.854775808Z", "cannot read '2262-04-11T23:47:16.854775808Z'");
    assert_error("%Y-%m-%dT%H:%M:%S.%f%z", "2262-04-11T23:47:16.854775808Z", "out of range");
    assert_error("%Y-%m-%dT%H:%M:%S.%f%z", "1677-09-21T00:12:43.145224191Z", "out of range");
    assert_error("%Y-%m-%d", "2023-02-29", "no such day in that month");
    assert_error("%Y-%m-%d", "2023-13-01", "the month is not 1-12");
    assert_error("%H:%M:%S", "24:00:00", "the time of day is out of range");
    /* the first value unread: every format tried is named */
    assert_error(NULL, "yesterday", "cannot read 'yesterday' as a time (tried integer nanoseconds, "
                                    "%Y-%m-%dT%H:%M:%S.%f%z, %Y-%m-%d %H:%M:%S.%f%z");
    assert_error(NULL, "yesterday", "%s.%f; --time-format names another)");
    assert_error(NULL, "  ", "empty timestamp");
    assert_error("%H:%M", "12:00:00", "in --time-format '%H:%M'");
}

/* The first value fixes the column's format: later values are read in it, and one that is not
 * says which format the column has. */
static void the_first_value_fixes_the_format(void **state)
{
    (void)state;
    TimeParser p;
    time_parser_init(&p, NULL);
    Error err = {0};
    int64_t ns;
    assert_true(time_parse(&p, "12", 2, &ns, &err));
    assert_false(time_parse(&p, "12:00:00", 8, &ns, &err));
    assert_non_null(strstr(err.msg, "expected integer nanoseconds, as the column's first value is"));

    time_parser_init(&p, NULL);
    const char *first = "2016-09-28 04:30:30", *second = "2016-09-28T04:30:31";
    assert_true(time_parse(&p, first, strlen(first), &ns, &err));
    assert_false(time_parse(&p, second, strlen(second), &ns, &err));
    assert_non_null(strstr(err.msg, "in ISO 8601 with a space format '%Y-%m-%d %H:%M:%S.%f%z' "
                                    "(recognised from the column's first value)"));
    /* a fraction that comes and goes is the same format (Python's isoformat drops a zero one) */
    const char *third = "2016-09-28 04:30:31.5";
    assert_true(time_parse(&p, third, strlen(third), &ns, &err));
    assert_int_equal(ns, 1475037031 * SEC + SEC / 2);
    /* once epoch seconds, integers are seconds too */
    time_parser_init(&p, NULL);
    assert_true(time_parse(&p, "10.5", 4, &ns, &err));
    assert_true(time_parse(&p, "11", 2, &ns, &err));
    assert_int_equal(ns, 11 * SEC);
}

/* Without a year, December then January is the next year; without a date, a time of day
 * going back more than 12 hours is the next day. */
static void years_and_days_move_on(void **state)
{
    (void)state;
    TimeParser p;
    time_parser_init(&p, NULL);
    Error err = {0};
    int64_t ns;
    assert_true(time_parse(&p, "Dec 31 23:59:59", 15, &ns, &err));
    assert_int_equal(ns, 978307199 * SEC);
    assert_true(time_parse(&p, "Jan  1 00:00:01", 15, &ns, &err));
    assert_int_equal(ns, 978307201 * SEC);
    /* and the months after are in that year */
    assert_true(time_parse(&p, "Feb  1 00:00:00", 15, &ns, &err));
    assert_int_equal(ns, 980985600 * SEC);

    time_parser_init(&p, NULL);
    assert_true(time_parse(&p, "23:59:59", 8, &ns, &err));
    assert_int_equal(ns, 86399 * SEC);
    assert_true(time_parse(&p, "23:59:58", 8, &ns, &err));
    assert_int_equal(ns, 86398 * SEC);
    assert_true(time_parse(&p, "00:00:01", 8, &ns, &err));
    assert_int_equal(ns, 86401 * SEC);
}

static void given_formats(void **state)
{
    (void)state;
    assert_int_equal(read_one("%d/%m/%Y %H:%M:%S.%f", "05/01/2023 10:11:12.25"), 1672913472 * SEC + SEC / 4);
    assert_int_equal(read_one("%d/%m/%Y %H:%M:%S.%f", "05/01/2023 10:11:12"), 1672913472 * SEC);
    assert_int_equal(read_one("%s", "1117838570"), 1117838570 * SEC);
    assert_int_equal(read_one("%s.%f", "1117838570.5"), 1117838570 * SEC + SEC / 2);
    assert_int_equal(read_one("%F %T", "2023-01-05 10:11:12"), 1672913472 * SEC);
    assert_int_equal(read_one("%e %B %Y", "5 January 2023"), 1672876800 * SEC);
    assert_int_equal(read_one("[%a %b %d %Y %H:%M:%S%z]", "[Thu jan 05 2023 10:11:12Z]"), 1672913472 * SEC);
    assert_int_equal(read_one("100%% %H:%M", "100% 01:02"), (3600 + 120) * SEC);
    /* %f keeps nine digits: a millisecond field reads as its fraction */
    assert_int_equal(read_one("%H:%M:%S:%f", "00:00:01:5"), SEC + SEC / 2);
    assert_int_equal(read_one("%H:%M:%S:%L", "00:00:01:5"), SEC + 5000000);
}

static void time_format_checks(void **state)
{
    (void)state;
    Error err = {0};
    assert_true(time_format_check("%Y-%m-%d %H:%M:%S.%f", &err));
    assert_false(time_format_check("%Y-%Q", &err));
    assert_int_equal(err.code, ERROR_USAGE);
    assert_non_null(strstr(err.msg, "--time-format '%Y-%Q': unknown directive '%Q'"));
    assert_false(time_format_check("%Y-%", &err));
    assert_false(time_format_check("at %a", &err));
    assert_non_null(strstr(err.msg, "reads no date, time or seconds"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers_stay_nanoseconds),
        cmocka_unit_test(iso_8601_with_fractions_and_offsets),
        cmocka_unit_test(loghub_systems_formats),
        cmocka_unit_test(time_of_day_and_epoch_seconds),
        cmocka_unit_test(dates_far_and_near),
        cmocka_unit_test(values_out_of_range_or_unknown),
        cmocka_unit_test(the_first_value_fixes_the_format),
        cmocka_unit_test(years_and_days_move_on),
        cmocka_unit_test(given_formats),
        cmocka_unit_test(time_format_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
