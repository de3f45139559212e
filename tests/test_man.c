/* traceaid(1) against --help: every command `traceaid help` lists, and every option each
 * command's --help lists, is in that command's section of `traceaid --man`, so that the page and the help cannot drift;
 * and the page is troff that man reads (no text line taken for a request). */
#include "test_util.h"

#include <ctype.h>
#include <stdbool.h>

/* The troff form of an option as cli/man.c writes it: every '-' is \-. */
static void man_escaped(const char *text, char *out, size_t size)
{
    size_t n = 0;
    for (const char *c = text; *c && n + 3 < size; c++) {
        if (*c == '-')
            out[n++] = '\\';
        out[n++] = *c;
    }
    out[n] = '\0';
}

/* The word at text up to a space, a comma or the end. */
static void word_at(const char *text, char *out, size_t size)
{
    size_t n = strcspn(text, " ,\n");
    if (n >= size)
        n = size - 1;
    memcpy(out, text, n);
    out[n] = '\0';
}

/* Fails unless the man page has the option (or word) as troff writes it. */
static void expect_in_man(const char *man, const char *command, const char *word)
{
    char escaped[256];
    man_escaped(word, escaped, sizeof escaped);
    if (!strstr(man, escaped))
        fail_msg("'%s' of traceaid %s --help is not in its section of traceaid --man (looked for \"%s\")", word, command,
                 escaped);
}

/* A command's section of the page, up to the next command's or the next section (a copy, for
 * the options in it alone: a shared option must be in every command's section). */
static const char *section_text(const char *heading)
{
    static char text[65536];
    const char *end = heading + 1;
    while ((end = strchr(end, '\n')) && strncmp(end, "\n.SS ", 5) != 0 && strncmp(end, "\n.SH ", 5) != 0)
        end++;
    size_t n = end ? (size_t)(end - heading) : strlen(heading);
    assert_true(n < sizeof text);
    memcpy(text, heading, n);
    text[n] = '\0';
    return text;
}

/* Every option of a command's --help: the lines of its "Options:" section, "  -k, --name META". */
static int check_command_options(const char *man, const char *command)
{
    RunResult r = run_traceaid(command, "--help");
    assert_status(r, 0);
    const char *options = strstr(r.out, "\nOptions:\n");
    assert_non_null(options);
    int checked = 0;
    for (const char *line = options + strlen("\nOptions:\n"); line[0] == ' '; line = strchr(line, '\n') + 1) {
        const char *first = line + strspn(line, " ");
        char word[128];
        if (first[0] == '-' && first[1] != '-') { /* -k, --name */
            word_at(first, word, sizeof word);
            expect_in_man(man, command, word);
            first = strstr(first, "--");
        }
        if (!first || strncmp(first, "--", 2) != 0)
            fail_msg("traceaid %s --help: an option line without a long name: %.60s", command, line);
        word_at(first, word, sizeof word);
        expect_in_man(man, command, word);
        checked++;
        if (!strchr(line, '\n'))
            break;
    }
    run_result_free(&r);
    return checked;
}

static void every_command_and_option_of_help_is_in_the_page(void **state)
{
    (void)state;
    RunResult man = run_traceaid("--man");
    assert_status(man, 0);
    RunResult help = run_traceaid("help");
    assert_status(help, 0);
    const char *list = strstr(help.out, "\nCommands:\n");
    assert_non_null(list);
    int commands = 0, options = 0;
    for (const char *line = list + strlen("\nCommands:\n"); strncmp(line, "  ", 2) == 0 && isalpha((unsigned char)line[2]);
         line = strchr(line, '\n') + 1) {
        char name[64], heading[80];
        word_at(line + 2, name, sizeof name);
        snprintf(heading, sizeof heading, ".SS \"%s\"\n", name);
        const char *section = strstr(man.out, heading);
        if (!section)
            fail_msg("the command %s of traceaid help has no section in traceaid --man", name);
        commands++;
        if (strcmp(name, "help") != 0)
            options += check_command_options(section_text(section), name);
    }
    assert_true(commands >= 10); /* the nine commands, open and help */
    assert_true(options > 100);
    run_result_free(&help);
    run_result_free(&man);
}

static void the_page_has_its_sections(void **state)
{
    (void)state;
    RunResult r = run_traceaid("--man");
    assert_status(r, 0);
    assert_contains(r.out, ".TH TRACEAID 1");
    const char *sections[] = {".SH NAME\n", ".SH SYNOPSIS\n", ".SH DESCRIPTION\n", ".SH COMMANDS\n",
                              ".SH \"EXIT STATUS\"\n", ".SH ENVIRONMENT\n", ".SH FILES\n", ".SH EXAMPLES\n"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        assert_contains(r.out, sections[i]);
    const char *words[] = {".B 130\n", ".B 143\n", ".B NO_COLOR\n", ".B TERM\n", ".B XDG_CONFIG_HOME\n",
                           "/share/traceaid/themes\n"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        assert_contains(r.out, words[i]);
    run_result_free(&r);
}

/* A line starting with '.' or '\'' is a request to troff: only the macros cli/man.c writes may
 * start one, text that does is guarded with \&. A '-' outside a request is written \-. */
static void text_is_escaped_for_troff(void **state)
{
    (void)state;
    static const char *const requests[] = {".\\\" ", ".TH ", ".SH ", ".SS ", ".TP\n", ".PP\n", ".B ", ".I ", ".RS ",
                                           ".RE\n", ".nf\n", ".fi\n", ".br\n", ".nh\n", ".ad l\n"};
    RunResult r = run_traceaid("--man");
    assert_status(r, 0);
    for (const char *line = r.out; *line; line = strchr(line, '\n') + 1) {
        if (line[0] == '\'')
            fail_msg("a line of traceaid --man starts with ': %.60s", line);
        bool known = line[0] != '.';
        for (size_t i = 0; !known && i < sizeof requests / sizeof requests[0]; i++)
            known = strncmp(line, requests[i], strlen(requests[i])) == 0;
        if (!known)
            fail_msg("a line of traceaid --man starts with an unknown request: %.60s", line);
        for (const char *c = line; *c && *c != '\n' && strncmp(line, ".\\\"", 3) != 0; c++)
            if (*c == '-' && (c == line || c[-1] != '\\'))
                fail_msg("an unescaped '-' in traceaid --man: %.60s", line);
        if (!strchr(line, '\n'))
            break;
    }
    run_result_free(&r);
}

/* When groff is there, it reads the page without a warning. */
static void groff_reads_it_without_warnings(void **state)
{
    (void)state;
    if (system("command -v groff > /dev/null 2>&1") != 0)
        skip();
    const char *page = test_path("traceaid.1");
    RunResult r = run_traceaid_to(page, "--man");
    assert_status(r, 0);
    run_result_free(&r);
    char cmd[1200];
    const char *warnings = test_path("groff.txt");
    snprintf(cmd, sizeof cmd, "groff -ww -man -Tutf8 -z '%s' > '%s' 2>&1", page, warnings);
    assert_int_equal(system(cmd), 0);
    char *text = slurp(warnings);
    if (text[0])
        fail_msg("groff warns about traceaid --man:\n%s", text);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_command_and_option_of_help_is_in_the_page),
        cmocka_unit_test(the_page_has_its_sections),
        cmocka_unit_test(text_is_escaped_for_troff),
        cmocka_unit_test(groff_reads_it_without_warnings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
