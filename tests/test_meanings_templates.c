/* loghub's *_templates.csv as --meanings (issue 18, item 4): told from KEY<TAB>meaning files by
 * its header; each row gives the meaning of its EventId and of its template's id, so traces keyed
 * either way get meanings; CSV quoting as loghub writes it; compressed files read as well. */
#include "test_util.h"

#include "../io/drain.h"
#include "../io/meanings.h"

#define LOGHUB "tests/data/loghub"
#define BGL_TEMPLATES LOGHUB "/BGL/BGL_2k.log_templates.csv.xz"
#define BGL LOGHUB "/BGL/BGL_2k.log_structured.csv.xz"

#define E1 "<*> ddr error(s) detected and corrected on rank <*>, symbol <*> over <*> seconds"

static void templates_csv_gives_both_keys(void **state)
{
    (void)state;
    Meanings m;
    meanings_init(&m);
    Error err = {0};
    const char *path = write_text("t_templates.csv", "EventId,EventTemplate,Occurrences\r\n"
                                  "E1,\"" E1 "\",7\r\n"
                                  "E2,\"say \"\"hi\"\" to <*>\",1\r\n"
                                  "E3,plain <*>,2\r\n");
    assert_true(meanings_load(&m, path, &err));
    assert_string_equal(meanings_get(&m, "E1"), E1);
    char id[DRAIN_ID_LEN + 1];
    template_id(E1, strlen(E1), id);
    assert_string_equal(meanings_get(&m, id), E1);
    assert_string_equal(meanings_get(&m, "E2"), "say \"hi\" to <*>");
    assert_string_equal(meanings_get(&m, "E3"), "plain <*>");
    assert_int_equal(meanings_count(&m), 6);
    assert_null(meanings_get(&m, "EventId"));
    meanings_free(&m);
}

/* The real BGL templates (xz-compressed): 120 templates, each under two keys. */
static void bgl_templates_read_compressed(void **state)
{
    (void)state;
    Meanings m;
    meanings_init(&m);
    Error err = {0};
    assert_true(meanings_load(&m, BGL_TEMPLATES, &err));
    assert_string_equal(meanings_get(&m, "E1"), E1);
    assert_string_equal(meanings_get(&m, "3aa50e45"), "instruction cache parity error corrected");
    assert_true(meanings_count(&m) >= 200);
    meanings_free(&m);
}

/* The columns in another order, EventTemplate first: found by the header, not by place. */
static void templates_header_in_any_order(void **state)
{
    (void)state;
    Meanings m;
    meanings_init(&m);
    Error err = {0};
    assert_true(meanings_load(&m, write_text("swapped.csv", "\xEF\xBB\xBF" "EventTemplate,EventId\nopen <*>,E9\n"), &err));
    assert_string_equal(meanings_get(&m, "E9"), "open <*>");
    meanings_free(&m);
    /* a KEY<TAB>meaning file is read as before, however its first key is named */
    meanings_init(&m);
    assert_true(meanings_load(&m, write_text("tabs.txt", "EventId\tthe id\nE1\tfirst, second\n"), &err));
    assert_string_equal(meanings_get(&m, "E1"), "first, second");
    meanings_free(&m);
}

static void templates_errors_name_the_line(void **state)
{
    (void)state;
    Meanings m;
    meanings_init(&m);
    Error err = {0};
    assert_false(meanings_load(&m, write_text("short.csv", "EventId,EventTemplate\nE1,a <*>\nE2\n"), &err));
    assert_contains(err.msg, "short.csv:3: expected EventId,EventTemplate");
    assert_false(meanings_load(&m, write_text("quote.csv", "EventId,EventTemplate\nE1,a <*>\nE2,\"open\n"), &err));
    assert_contains(err.msg, "quote.csv:3: a quoted field is never closed");
    assert_false(meanings_load(&m, write_text("bad.csv", "EventId,EventTemplate\nE1,a\xE2\x82\n"), &err));
    assert_contains(err.msg, "bad.csv:2: invalid UTF-8");
    meanings_free(&m);
}

/* --key EventId with BGL's templates as --meanings: E1 means its template in stats. */
static void stats_meanings_from_templates(void **state)
{
    (void)state;
    const char *log = write_text("noteplate_structured.csv", "LineId,Content,EventId\n1,x,E1\n2,y,E77\n");
    RunResult r = run_traceaid("stats", "--meanings", BGL_TEMPLATES, log);
    assert_status(r, 0);
    assert_contains(r.out, "E1 ");
    assert_contains(r.out, E1);
    assert_contains(r.out, "instruction cache parity error corrected");
    run_result_free(&r);
    r = run_traceaid("stats", "--meanings", BGL_TEMPLATES, BGL);
    assert_status(r, 0);
    assert_contains(r.out, "3aa50e45");
    assert_string_equal(r.err, "");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(templates_csv_gives_both_keys),
        cmocka_unit_test(bgl_templates_read_compressed),
        cmocka_unit_test(templates_header_in_any_order),
        cmocka_unit_test(templates_errors_name_the_line),
        cmocka_unit_test(stats_meanings_from_templates),
    };
    return cmocka_run_group_tests_name("loghub templates as meanings", tests, NULL, NULL);
}
