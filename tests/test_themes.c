/* Finding themes: the compiled-in default and mono are the files in themes/; a name is looked
 * up in the user's folder, then the installed and source-tree ones (TRACEAID_THEMES_DIR in place
 * of those two here, so that the tests do not depend on what is installed); the explorer starts
 * with no themes folder at all. Through the real binary, headless. */
#include "test_util.h"

#include "../tui/theme.h"

#ifndef THEMES_DIR
#define THEMES_DIR "themes"
#endif

static char trace[600], script[600], config[600], home[600];

static int make_trace(void **state)
{
    (void)state;
    snprintf(trace, sizeof trace, "%s", test_path("t.csv"));
    snprintf(script, sizeof script, "%s", write_text("dump.script", "dump\n"));
    RunResult r = run_traceaid("gen", "--kind", "clean", "--seed", "3", "--events", "2000", "-o", trace);
    int status = r.status;
    run_result_free(&r);
    return status;
}

/* A user with empty folders, and no installed or source-tree themes folder. */
static int no_themes_folder(void **state)
{
    (void)state;
    snprintf(config, sizeof config, "%s", test_path("config"));
    snprintf(home, sizeof home, "%s", test_path("home"));
    char cmd[2600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' && mkdir -p '%s' '%s'", config, home, config, home);
    if (system(cmd) != 0)
        return -1;
    setenv("XDG_CONFIG_HOME", config, 1);
    setenv("HOME", home, 1);
    setenv("TRACEAID_THEMES_DIR", test_path("nowhere"), 1);
    unsetenv("NO_COLOR");
    return 0;
}

/* A theme file NAME.theme in folder (made if need be). */
static void put_theme(const char *folder, const char *name, const char *text)
{
    char cmd[1400], path[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", folder);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/%s.theme", folder, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static char *user_folder(void)
{
    static char folder[700];
    snprintf(folder, sizeof folder, "%s/traceaid/themes", config);
    return folder;
}

/* The first line of the screen the explorer dumps, with theme (or --theme) given. */
static void assert_header_names(const char *theme, const char *expected)
{
    RunResult r = theme ? run_traceaid(trace, "--theme", theme, "--script", script) : run_traceaid(trace, "--script", script);
    assert_status(r, 0);
    assert_contains(r.out, expected);
    run_result_free(&r);
}

static void compiled_in_themes_are_the_files(void **state)
{
    (void)state;
    const char *names[] = {"default", "mono"};
    for (int i = 0; i < 2; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s.theme", THEMES_DIR, names[i]);
        char *file = slurp(path);
        assert_non_null(theme_compiled_in(names[i]));
        if (strcmp(file, theme_compiled_in(names[i])) != 0)
            fail_msg("the %s theme compiled into tui/theme.c is not %s", names[i], path);
        free(file);
    }
    assert_null(theme_compiled_in("dark"));
}

static void the_explorer_starts_without_a_themes_folder(void **state)
{
    (void)state;
    assert_header_names(NULL, "no model  theme default");
    RunResult r = run_traceaid(trace, "--script", write_text("t.script", "key t\ndump\n"));
    assert_status(r, 0);
    assert_contains(r.out, "theme dark: no dark.theme in ");
    run_result_free(&r);
    setenv("NO_COLOR", "1", 1);
    assert_header_names(NULL, "no model  theme mono");
    unsetenv("NO_COLOR");
}

static void an_unknown_name_says_where_it_was_looked_for(void **state)
{
    (void)state;
    RunResult r = run_traceaid(trace, "--theme", "plaid", "--script", script);
    assert_status(r, 2);
    char expected[1400];
    snprintf(expected, sizeof expected, "theme plaid: no plaid.theme in %s or %s", user_folder(), test_path("nowhere"));
    assert_contains(r.err, expected);
    run_result_free(&r);
}

static void the_users_folder_comes_first(void **state)
{
    (void)state;
    put_theme(user_folder(), "mine", theme_compiled_in("mono"));
    assert_header_names("mine", "no model  theme mine");
    put_theme(test_path("system"), "mine", "not a theme\n");
    setenv("TRACEAID_THEMES_DIR", test_path("system"), 1);
    assert_header_names("mine", "no model  theme mine");
    /* the user's default.theme over the compiled-in one, errors and all */
    put_theme(user_folder(), "default", "normal plaid default\n");
    RunResult r = run_traceaid(trace, "--script", script);
    assert_status(r, 2);
    assert_contains(r.err, "traceaid/themes/default.theme:1: 'plaid default': colours are");
    run_result_free(&r);
}

static void without_XDG_CONFIG_HOME_the_users_folder_is_in_home(void **state)
{
    (void)state;
    char folder[700];
    snprintf(folder, sizeof folder, "%s/.config/traceaid/themes", home);
    put_theme(folder, "mine", theme_compiled_in("default"));
    unsetenv("XDG_CONFIG_HOME");
    assert_header_names("mine", "no model  theme mine");
    setenv("XDG_CONFIG_HOME", "relative/config", 1); /* ignored, as the XDG spec says */
    assert_header_names("mine", "no model  theme mine");
}

static void the_installed_or_source_folder_comes_next(void **state)
{
    (void)state;
    put_theme(test_path("system"), "other", theme_compiled_in("default"));
    setenv("TRACEAID_THEMES_DIR", test_path("system"), 1);
    assert_header_names("other", "no model  theme other");
    unsetenv("TRACEAID_THEMES_DIR"); /* the source tree's themes/ */
    assert_header_names("high-contrast", "no model  theme high-contrast");
}

static void a_path_is_a_file(void **state)
{
    (void)state;
    put_theme(test_path("files"), "odd", theme_compiled_in("mono"));
    char path[700];
    snprintf(path, sizeof path, "%s/odd.theme", test_path("files"));
    assert_header_names(path, "no model  theme odd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compiled_in_themes_are_the_files),
        cmocka_unit_test_setup(the_explorer_starts_without_a_themes_folder, no_themes_folder),
        cmocka_unit_test_setup(an_unknown_name_says_where_it_was_looked_for, no_themes_folder),
        cmocka_unit_test_setup(the_users_folder_comes_first, no_themes_folder),
        cmocka_unit_test_setup(without_XDG_CONFIG_HOME_the_users_folder_is_in_home, no_themes_folder),
        cmocka_unit_test_setup(the_installed_or_source_folder_comes_next, no_themes_folder),
        cmocka_unit_test_setup(a_path_is_a_file, no_themes_folder),
    };
    return cmocka_run_group_tests_name("themes", tests, make_trace, NULL);
}
