/* Log formats: each of loghub's 16 benchmark formats splits its system's 2,000 sample lines into
 * the very fields of loghub's structured CSV (Content and every other field, line by line); the
 * pattern is loghub's (runs of spaces any whitespace, lazy fields, optional groups, the line
 * trimmed); a preset's name compiles as its format; the errors name what is wrong and where. */
#include "test_util.h"

#include <csv.h>
#include <strings.h>

#include "../io/input.h"
#include "../io/log_format.h"

#define LOGHUB_DIR "tests/data/loghub"

/* log_preset_find comes from io/log_presets.c; until it is in the library the tests bring one
 * preset of their own, weak: a strong definition linked in (io/log_presets.o) replaces it. */
__attribute__((weak)) const LogPreset *log_preset_find(const char *name)
{
    static const LogPreset test_preset = {.name = "test-hdfs",
                                          .format = "<Date> <Time> <Pid> <Level> <Component>: <Content>"};
    return strcasecmp(name, "test-hdfs") == 0 ? &test_preset : NULL;
}

/* loghub's benchmark settings' log_format per system (logparser's benchmark.py) */
static const struct {
    const char *system, *format;
} loghub_formats[] = {
    {"HDFS", "<Date> <Time> <Pid> <Level> <Component>: <Content>"},
    {"Hadoop", "<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>"},
    {"Spark", "<Date> <Time> <Level> <Component>: <Content>"},
    {"Zookeeper", "<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>"},
    {"BGL", "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>"},
    {"HPC", "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>"},
    {"Thunderbird", "<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> "
                    "<Component>(\\[<PID>\\])?: <Content>"},
    {"Windows", "<Date> <Time>, <Level>                  <Component>    <Content>"},
    {"Linux", "<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>"},
    {"Android", "<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>"},
    {"HealthApp", "<Time>\\|<Component>\\|<Pid>\\|<Content>"},
    {"Apache", "\\[<Time>\\] \\[<Level>\\] <Content>"},
    {"Proxifier", "\\[<Time>\\] <Program> - <Content>"},
    {"OpenSSH", "<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>"},
    {"OpenStack", "<Logrecord> <Date> <Time> <Pid> <Level> <Component> \\[<ADDR>\\] <Content>"},
    {"Mac", "<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>"},
};
#define N_SYSTEMS (sizeof loghub_formats / sizeof loghub_formats[0])

/* The whole decompressed text of a file, read through the input layer; *len its length. */
static char *read_all(const char *path, size_t *len)
{
    InputStream in;
    Error err = {0};
    assert_true(input_open(&in, path, NULL, &err));
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        ssize_t got = input_read(&in, buf + n, 65536);
        assert_true(got >= 0);
        if (got == 0)
            break;
        n += (size_t)got;
    }
    input_close(&in);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* A structured CSV's cells, row by row (the header row first). */
typedef struct Table {
    char **cell;
    size_t n_cells, cap, n_cols, n_rows, col;
} Table;

static void on_cell(void *s, size_t len, void *ctx)
{
    Table *t = ctx;
    if (t->n_cells == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4096;
        t->cell = realloc(t->cell, t->cap * sizeof *t->cell);
        assert_non_null(t->cell);
    }
    t->cell[t->n_cells++] = strndup(s ? s : "", s ? len : 0);
    t->col++;
}

static void on_row(int c, void *ctx)
{
    (void)c;
    Table *t = ctx;
    if (t->n_rows == 0)
        t->n_cols = t->col;
    assert_int_equal(t->col, t->n_cols);
    t->col = 0;
    t->n_rows++;
}

static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static Table read_table(const char *path)
{
    size_t len;
    char *text = read_all(path, &len);
    struct csv_parser parser;
    assert_int_equal(csv_init(&parser, CSV_STRICT), 0);
    csv_set_space_func(&parser, no_space); /* keep the cells' spaces: they are data here */
    Table t = {0};
    assert_int_equal(csv_parse(&parser, text, len, on_cell, on_row, &t), len);
    assert_int_equal(csv_fini(&parser, on_cell, on_row, &t), 0);
    csv_free(&parser);
    free(text);
    return t;
}

static void table_free(Table *t)
{
    for (size_t i = 0; i < t->n_cells; i++)
        free(t->cell[i]);
    free(t->cell);
}

static int table_col(const Table *t, const char *name)
{
    for (size_t c = 0; c < t->n_cols; c++)
        if (strcmp(t->cell[c], name) == 0)
            return (int)c;
    return -1;
}

/* Every line of the system's sample matches, and each field equals the structured CSV's column
 * of that name on the same row. */
static void check_system(const char *system, const char *format)
{
    char path[512];
    snprintf(path, sizeof path, LOGHUB_DIR "/%s/%s_2k.log_structured.csv.xz", system, system);
    Table truth = read_table(path);
    snprintf(path, sizeof path, LOGHUB_DIR "/%s/%s_2k.log.xz", system, system);
    size_t len;
    char *log = read_all(path, &len);

    LogFormat f;
    Error err = {0};
    assert_true(log_format_compile(&f, format, &err));
    int truth_col[LOG_FORMAT_MAX_FIELDS];
    for (size_t i = 0; i < f.n_fields; i++) {
        truth_col[i] = table_col(&truth, f.field[i]);
        assert_true(truth_col[i] >= 0);
    }
    LogSpan spans[LOG_FORMAT_MAX_FIELDS];
    size_t row = 0, mismatches = 0;
    for (char *line = log; line < log + len; row++) {
        char *end = memchr(line, '\n', (size_t)(log + len - line));
        if (!end)
            end = log + len;
        assert_true(row + 1 < truth.n_rows);
        if (!log_format_match(&f, line, (size_t)(end - line), spans)) {
            fprintf(stderr, "%s line %zu does not match\n", system, row + 1);
            fail();
        }
        for (size_t i = 0; i < f.n_fields; i++) {
            const char *want = truth.cell[(row + 1) * truth.n_cols + (size_t)truth_col[i]];
            if (strlen(want) != spans[i].len || memcmp(want, line + spans[i].offset, spans[i].len) != 0) {
                if (mismatches++ < 3)
                    fprintf(stderr, "%s line %zu %s: \"%.*s\", loghub \"%s\"\n", system, row + 1,
                            f.field[i], (int)spans[i].len, line + spans[i].offset, want);
            }
        }
        line = end + 1;
    }
    assert_int_equal(mismatches, 0);
    assert_int_equal(row, 2000);
    assert_int_equal(truth.n_rows, row + 1);
    log_format_free(&f);
    free(log);
    table_free(&truth);
}

static void loghub_formats_split_as_loghub_does(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_SYSTEMS; i++)
        check_system(loghub_formats[i].system, loghub_formats[i].format);
}

static bool split(const char *format, const char *line, LogSpan *spans)
{
    LogFormat f;
    Error err = {0};
    assert_true(log_format_compile(&f, format, &err));
    bool ok = log_format_match(&f, line, strlen(line), spans);
    log_format_free(&f);
    return ok;
}

static void assert_span(const char *line, LogSpan s, const char *want)
{
    assert_int_equal(s.len, strlen(want));
    assert_memory_equal(line + s.offset, want, s.len);
}

/* Spaces match any run of whitespace; fields are the shortest that fit, the last one takes the
 * rest; the line is trimmed first but offsets count from its start; the match is anchored. */
static void fields_are_lazy_and_spaces_any_whitespace(void **state)
{
    (void)state;
    LogSpan s[4];
    const char *line = "  a \t b: c: d e \r";
    assert_true(split("<A> <B>: <Content>", line, s));
    assert_span(line, s[0], "a");
    assert_span(line, s[1], "b");
    assert_span(line, s[2], "c: d e");
    assert_false(split("<A>: <Content>", "no colon here", s));
    /* anchored at both ends: literal text must be where the format says */
    assert_false(split("x <Content>", "a x b", s));
    assert_false(split("<Content> x", "a x b", s));
}

/* Unicode's white space counts as Python's does: between fields (a no-break space, U+00A0) and
 * when trimming (an ideographic space, U+3000, before; a no-break space after). */
static void unicode_white_space_as_python(void **state)
{
    (void)state;
    LogSpan s[4];
    const char *line = "x\xc2\xa0y z";
    assert_true(split("<A> <Content>", line, s));
    assert_span(line, s[0], "x");
    assert_span(line, s[1], "y z");
    line = "\xe3\x80\x80w81 a\xc2\xa0";
    assert_true(split("<A> <Content>", line, s));
    assert_span(line, s[0], "w81");
    assert_span(line, s[1], "a");
}

/* An optional group's field is empty when absent; the other fields' groups are found by name
 * though the format's own parentheses shift the numbering. */
static void optional_fields_are_empty_when_absent(void **state)
{
    (void)state;
    const char *format = "<Component>(\\[<PID>\\])?: <Content>";
    LogSpan s[3];
    const char *with = "kernel[42]: hello";
    assert_true(split(format, with, s));
    assert_span(with, s[0], "kernel");
    assert_span(with, s[1], "42");
    assert_span(with, s[2], "hello");
    const char *without = "kernel: hello";
    assert_true(split(format, without, s));
    assert_span(without, s[0], "kernel");
    assert_int_equal(s[1].len, 0);
    assert_span(without, s[2], "hello");
}

static void fields_are_found_by_name(void **state)
{
    (void)state;
    LogFormat f;
    Error err = {0};
    assert_true(log_format_compile(&f, "<Date> <Time> <Content>", &err));
    assert_int_equal(f.n_fields, 3);
    assert_int_equal(f.content, 2);
    assert_int_equal(log_format_field(&f, "time"), 1);
    assert_int_equal(log_format_field(&f, "Level"), -1);
    assert_string_equal(f.text, "<Date> <Time> <Content>");
    log_format_free(&f);
}

/* A preset's name stands for its format. */
static void a_preset_name_compiles_as_its_format(void **state)
{
    (void)state;
    LogFormat f;
    Error err = {0};
    const LogPreset *preset = log_preset_find("test-hdfs");
    if (!preset)
        preset = log_preset_find("hdfs");
    assert_non_null(preset);
    assert_true(log_format_compile(&f, preset->name, &err));
    assert_string_equal(f.text, preset->format);
    assert_true(log_format_field(&f, "Pid") >= 0);
    log_format_free(&f);
}

static void assert_compile_error(const char *format, const char *want)
{
    LogFormat f;
    Error err = {0};
    assert_false(log_format_compile(&f, format, &err));
    assert_int_equal(err.code, ERROR_USAGE);
    if (!strstr(err.msg, want)) {
        fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err.msg, want);
        fail();
    }
}

static void errors_name_what_and_where(void **state)
{
    (void)state;
    assert_compile_error("<Date> <Time>", "no <Content>");
    assert_compile_error("<Date> <date> <Content>", "field <date> named twice (column 8)");
    /* the unmatched parenthesis is the format's 9th character */
    assert_compile_error("<Date> x) <Content>", "column 9: unmatched closing parenthesis");
    assert_compile_error("<Date> (<Content>", "missing closing parenthesis");
    assert_compile_error("<Date> [a-<Content>", "log format \"<Date> [a-<Content>\"");
    char many[LOG_FORMAT_MAX_FIELDS * 8 + 32] = "";
    for (int i = 0; i <= LOG_FORMAT_MAX_FIELDS; i++)
        sprintf(many + strlen(many), "<F%d> ", i);
    strcat(many, "<Content>");
    assert_compile_error(many, "more than 32 fields");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loghub_formats_split_as_loghub_does),
        cmocka_unit_test(fields_are_lazy_and_spaces_any_whitespace),
        cmocka_unit_test(unicode_white_space_as_python),
        cmocka_unit_test(optional_fields_are_empty_when_absent),
        cmocka_unit_test(fields_are_found_by_name),
        cmocka_unit_test(a_preset_name_compiles_as_its_format),
        cmocka_unit_test(errors_name_what_and_where),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
