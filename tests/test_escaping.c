/* Output escaping: keys, process names and paths holding quotes, commas and newlines come out
 * of every CSV and JSON writer as data, read back whole by a CSV and a JSON reader. */
#include "test_util.h"

#include <csv.h>

#include "../io/json.h"

#define N_KEYS 5
#define N_EVENTS 200

/* The key traceaid builds from class COMM and event i: quotes, a comma and a newline inside. */
static void key_text(char *out, size_t size, int i)
{
    snprintf(out, size, "COMM/SND \"q%d\", a\nb", i);
}

static const char *hostile_trace(void)
{
    static char text[N_EVENTS * 64 + 64];
    size_t o = (size_t)snprintf(text, sizeof text, "timestamp,pname,class,event\n");
    for (int e = 0; e < N_EVENTS; e++)
        o += (size_t)snprintf(text + o, sizeof text - o, "%d,\"p\"\"x,%d\",COMM,\"SND \"\"q%d\"\", a\nb\"\n", e,
                              e % N_KEYS, e % N_KEYS);
    return write_text("tr\"a,ce.csv", text);
}

static const char *hostile_model(const char *trace)
{
    const char *model = test_path("m\"o,del.st");
    RunResult r = run_traceaid("train", "--hidden", "8", "--layers", "1", "--window", "3", "--top-g", "1",
                               "--epochs", "2", "-o", model, trace);
    assert_status(r, 0);
    run_result_free(&r);
    return model;
}

/* CSV read back with libcsv, strictly: every row's fields, the header's count checked. */
typedef struct Table {
    char *field[16];
    size_t n_fields, header_fields, rows;
    void (*check_row)(struct Table *t);
    const char *trace;
} Table;

static void on_field(void *s, size_t len, void *data)
{
    Table *t = data;
    assert_true(t->n_fields < 16);
    t->field[t->n_fields] = strndup(s ? s : "", len);
    t->n_fields++;
}

static void on_row(int c, void *data)
{
    (void)c;
    Table *t = data;
    if (t->rows == 0)
        t->header_fields = t->n_fields;
    else if (t->n_fields != t->header_fields)
        fail_msg("row %zu: %zu fields; the header has %zu", t->rows, t->n_fields, t->header_fields);
    else if (t->check_row)
        t->check_row(t);
    for (size_t i = 0; i < t->n_fields; i++)
        free(t->field[i]);
    t->n_fields = 0;
    t->rows++;
}

static size_t read_table(const char *csv, Table *t)
{
    struct csv_parser p;
    assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
    size_t len = strlen(csv);
    if (csv_parse(&p, csv, len, on_field, on_row, t) != len)
        fail_msg("malformed CSV: %s", csv_strerror(csv_error(&p)));
    assert_int_equal(csv_fini(&p, on_field, on_row, t), 0);
    csv_free(&p);
    return t->rows;
}

static bool is_key(const char *s)
{
    char key[64];
    for (int i = 0; i < N_KEYS; i++) {
        key_text(key, sizeof key, i);
        if (strcmp(s, key) == 0)
            return true;
    }
    return false;
}

static void stats_row(Table *t)
{
    assert_true(is_key(t->field[0]));
}

static void events_row(Table *t)
{
    assert_string_equal(t->field[0], t->trace);
    assert_true(is_key(t->field[2]));
}

static void windows_row(Table *t)
{
    assert_string_equal(t->field[0], t->trace);
    assert_non_null(strstr(t->field[4], "COMM/SND \"q"));
}

static void segments_row(Table *t)
{
    assert_string_equal(t->field[0], t->trace);
}

static void csv_outputs_round_trip(void **state)
{
    (void)state;
    const char *trace = hostile_trace();
    const char *model = hostile_model(trace);
    struct {
        RunResult r;
        void (*check_row)(Table *t);
        size_t fields, rows;
    } runs[] = {
        {run_traceaid("stats", "--csv", trace), stats_row, 2, 1 + N_KEYS},
        {run_traceaid("score", "--events", "--model", model, trace), events_row, 6, 1 + N_EVENTS},
        {run_traceaid("score", "--windows", "--model", model, trace), windows_row, 6, 1 + N_EVENTS - 3},
        {run_traceaid("score", "--csv", "--model", model, trace), segments_row, 10, 2},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        assert_true(runs[i].r.status == 0 || runs[i].r.status == 1);
        Table t = {.check_row = runs[i].check_row, .trace = trace};
        assert_int_equal(read_table(runs[i].r.out, &t), runs[i].rows);
        assert_int_equal(t.header_fields, runs[i].fields);
        run_result_free(&runs[i].r);
    }
}

static void parse_json(JsonDoc *doc, const char *text)
{
    Error err = {0};
    if (!json_parse(doc, text, strlen(text), "stdout", &err))
        fail_msg("%s in:\n%s", err.msg, text);
}

static void json_outputs_parse(void **state)
{
    (void)state;
    const char *trace = hostile_trace();
    const char *model = hostile_model(trace);
    const char *sessions = write_text("s.txt", "1 2 3 4 5\n");

    RunResult r = run_traceaid("eval", "--json", "--model", model, "--normal", sessions, "--abnormal", sessions);
    assert_status(r, 0);
    JsonDoc doc;
    parse_json(&doc, r.out);
    assert_string_equal(json_get(doc.root, "model")->string, model);
    json_free(&doc);
    run_result_free(&r);

    r = run_traceaid("score", "--json", "--model", model, trace);
    assert_true(r.status == 0 || r.status == 1);
    parse_json(&doc, r.out);
    const JsonValue *files = json_get(doc.root, "files");
    assert_int_equal(files->length, 1);
    assert_string_equal(json_get(&files->items[0], "path")->string, trace);
    json_free(&doc);
    run_result_free(&r);

    r = run_traceaid("explain", "--json", "--model", model, trace, "--at", "20");
    assert_true(r.status == 0 || r.status == 1);
    parse_json(&doc, r.out);
    const JsonValue *rows = json_get(doc.root, "rows");
    assert_int_equal(rows->length, 4);
    for (size_t i = 0; i < rows->length; i++) {
        assert_true(is_key(json_get(&rows->items[i], "anomalous")->string));
        assert_true(is_key(json_get(&rows->items[i], "reference")->string));
    }
    json_free(&doc);
    run_result_free(&r);
}

/* Bytes a path may hold that JSON may not: control characters escaped, invalid UTF-8 replaced. */
static void json_strings_stay_valid(void **state)
{
    (void)state;
    const char *hostile = "q\"b\\s\n\t\x01 \xff\xc3 \xc3\xa9";
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    json_write_string(out, hostile);
    fclose(out);
    assert_string_equal(text, "\"q\\\"b\\\\s\\n\\t\\u0001 \\ufffd\\ufffd \xc3\xa9\"");
    JsonDoc doc;
    parse_json(&doc, text);
    assert_string_equal(doc.root->string, "q\"b\\s\n\t\x01 \xef\xbf\xbd\xef\xbf\xbd \xc3\xa9");
    json_free(&doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_outputs_round_trip),
        cmocka_unit_test(json_outputs_parse),
        cmocka_unit_test(json_strings_stay_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
