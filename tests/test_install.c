/* make install and make uninstall, as a packager and as a user run them: the installed binary
 * works from / with no source tree beside it, finds its themes where it was installed, and
 * uninstall leaves no file behind.
 *
 * What a DESTDIR install can show: the binary is compiled for PREFIX (/usr here) and staged
 * under DESTDIR, so it looks for its themes in /usr/share/traceaid/themes, where this machine
 * has none. The staged test checks that folder is the one compiled in (a missing theme's message
 * names it, and not the source tree's) and that the staged themes load when pointed at with
 * TRACEAID_THEMES_DIR. The install into a PREFIX of the test's own, without DESTDIR, then shows
 * the binary finding an installed theme by its compiled-in folder alone. */
#include "test_util.h"

#include <stdbool.h>

#ifndef SAMPLES_DIR
#define SAMPLES_DIR "samples"
#endif

/* The source tree: the Makefile passes samples/'s absolute path. */
static const char *source_dir(void)
{
    static char dir[512];
    snprintf(dir, sizeof dir, "%s", SAMPLES_DIR);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    return dir;
}

/* Runs make in the source tree with the arguments (the make variables of a make test-asan run,
 * BUILD and the sanitizer flags, come in its MAKEFLAGS, so the binary installed is that build's);
 * fails showing its output unless it succeeds. */
static void make_in_source(const char *args)
{
    const char *log = test_path("make.log");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "make -s -C '%s' %s > '%s' 2>&1", source_dir(), args, log);
    if (system(cmd) != 0) {
        char *text = slurp(log);
        fail_msg("%s failed:\n%s", cmd, text);
    }
}

/* Runs the installed binary with the NULL-terminated arguments. */
static RunResult run_installed(const char *bin, const char *arg, ...)
{
    const char *argv[64];
    int argc = 0;
    argv[argc++] = bin;
    va_list ap;
    va_start(ap, arg);
    for (const char *a = arg; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    return run_traceaid_argv(-1, NULL, argv);
}
#define installed(bin, ...) run_installed(bin, __VA_ARGS__, (const char *)NULL)

static void expect_file(const char *root, const char *path)
{
    char full[1024];
    snprintf(full, sizeof full, "%s%s", root, path);
    if (access(full, R_OK) != 0)
        fail_msg("make install did not install %s", full);
}

/* Every file install puts, under root (DESTDIR + PREFIX). */
static void expect_installed(const char *root)
{
    static const char *const files[] = {
        "/bin/traceaid", "/share/man/man1/traceaid.1", "/share/doc/traceaid/README.md",
        "/share/doc/traceaid/docs/ARCHITECTURE.md", "/share/doc/traceaid/docs/KEYS.md",
        "/share/traceaid/themes/default.theme", "/share/traceaid/themes/dark.theme",
        "/share/traceaid/themes/light.theme", "/share/traceaid/themes/high-contrast.theme",
        "/share/traceaid/themes/mono.theme",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        expect_file(root, files[i]);
    char path[1024];
    snprintf(path, sizeof path, "%s/completions/traceaid.bash", source_dir());
    if (access(path, R_OK) == 0)
        expect_file(root, "/share/bash-completion/completions/traceaid");
    snprintf(path, sizeof path, "%s/completions/_traceaid", source_dir());
    if (access(path, R_OK) == 0)
        expect_file(root, "/share/zsh/vendor-completions/_traceaid");
}

/* Fails naming them unless no file (of any kind but a folder) is left under dir. */
static void expect_no_files(const char *dir)
{
    char cmd[1024];
    const char *left = test_path("left.txt");
    snprintf(cmd, sizeof cmd, "find '%s' ! -type d > '%s'", dir, left);
    assert_int_equal(system(cmd), 0);
    char *text = slurp(left);
    if (text[0])
        fail_msg("make uninstall left:\n%s", text);
    free(text);
    snprintf(cmd, sizeof cmd, "%s/share/traceaid", dir);
    if (access(cmd, F_OK) == 0)
        fail_msg("make uninstall left the folder %s", cmd);
}

/* A home of the test's own, without themes, and no XDG_CONFIG_HOME or TRACEAID_THEMES_DIR:
 * only the installed folders are looked in. Runs from /. */
static void as_a_user_from_root(char *saved_cwd, size_t size)
{
    const char *home = test_path("home");
    mkdir(home, 0755);
    setenv("HOME", home, 1);
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("TRACEAID_THEMES_DIR");
    assert_non_null(getcwd(saved_cwd, size));
    assert_int_equal(chdir("/"), 0);
}

/* Every command of the installed binary from /, on traces it generates into the test's folder. */
static void every_command_works(const char *bin)
{
    RunResult r = installed(bin, "--version");
    assert_status(r, 0);
    assert_contains(r.out, "traceaid ");
    run_result_free(&r);
    r = installed(bin, "help");
    assert_status(r, 0);
    assert_contains(r.out, "Commands:");
    run_result_free(&r);
    const char *clean = test_path("clean.csv"), *anomalous = test_path("fifo.csv"), *model = test_path("m.st");
    r = installed(bin, "gen", "--kind", "clean", "--seed", "2", "--events", "5000", "-o", clean);
    assert_status(r, 0);
    run_result_free(&r);
    r = installed(bin, "gen", "--kind", "fifo-ls", "--seed", "3", "--events", "5000", "-o", anomalous);
    assert_status(r, 0);
    run_result_free(&r);
    r = installed(bin, "stats", clean, anomalous);
    assert_status(r, 0);
    assert_contains(r.out, "KER_CALL");
    run_result_free(&r);
    r = installed(bin, "train", "--hidden", "8", "--layers", "1", "--epochs", "2", "-o", model, clean);
    assert_status(r, 0);
    run_result_free(&r);
    r = installed(bin, "calibrate", "--model", model, clean);
    assert_status(r, 0);
    run_result_free(&r);
    r = installed(bin, "info", model);
    assert_status(r, 0);
    run_result_free(&r);
    r = installed(bin, "score", "--model", model, anomalous);
    assert_true(r.status == 0 || r.status == 1);
    run_result_free(&r);
    r = installed(bin, "eval", "--model", model, "--truth", anomalous);
    assert_status(r, 0);
    run_result_free(&r);
    r = installed(bin, "explain", "--model", model, anomalous, "--at", "100");
    assert_status(r, 0);
    run_result_free(&r);
    r = installed(bin, "plot", "--model", model, anomalous, "-o", test_path("p.svg"));
    assert_true(r.status == 0 || r.status == 1);
    run_result_free(&r);
    r = installed(bin, clean); /* piped: the summary */
    assert_status(r, 0);
    assert_contains(r.out, "5,000 events");
    run_result_free(&r);
}

/* The explorer's scripted mode with the model and a theme that is not compiled in. */
static void explorer_shows_theme(const char *bin, const char *theme)
{
    const char *script = write_text("dump.script", "size 120x24\ndump\n"); /* wide: the header keeps the theme */
    RunResult r = installed(bin, test_path("fifo.csv"), "--model", test_path("m.st"), "--theme", theme,
                            "--script", script);
    assert_status(r, 0);
    char header[64];
    snprintf(header, sizeof header, "flagged  theme %s\n", theme); /* the header's end: the theme's name */
    assert_contains(r.out, header);
    run_result_free(&r);
}

/* A missing theme's message lists the folders looked in: PREFIX's, and not the source tree's. */
static void themes_looked_for_in(const char *bin, const char *share_themes)
{
    RunResult r = installed(bin, test_path("clean.csv"), "--theme", "nosuch", "--script",
                            write_text("dump.script", "dump\n"));
    assert_status(r, 2);
    assert_contains(r.err, share_themes);
    char source_themes[600];
    snprintf(source_themes, sizeof source_themes, "%s/themes", source_dir());
    if (strstr(r.err, source_themes))
        fail_msg("the installed binary looks for themes in the source tree: %s", r.err);
    run_result_free(&r);
}

static void staged_install_under_destdir(void **state)
{
    (void)state;
    const char *dest = test_path("dest");
    char args[1024], root[600], bin[700], staged_themes[700], cwd[1024];
    snprintf(args, sizeof args, "install DESTDIR='%s' PREFIX=/usr", dest);
    make_in_source(args);
    snprintf(root, sizeof root, "%s/usr", dest);
    expect_installed(root);
    snprintf(bin, sizeof bin, "%s/bin/traceaid", root);
    snprintf(staged_themes, sizeof staged_themes, "%s/share/traceaid/themes", root);

    as_a_user_from_root(cwd, sizeof cwd);
    every_command_works(bin);
    RunResult r = installed(bin, "--man");
    assert_status(r, 0);
    assert_contains(r.out, ".I /usr/share/traceaid/themes\n");
    run_result_free(&r);
    themes_looked_for_in(bin, "/usr/share/traceaid/themes");
    setenv("TRACEAID_THEMES_DIR", staged_themes, 1); /* where /usr/share/traceaid/themes is staged */
    explorer_shows_theme(bin, "high-contrast");
    unsetenv("TRACEAID_THEMES_DIR");
    assert_int_equal(chdir(cwd), 0);

    snprintf(args, sizeof args, "uninstall DESTDIR='%s' PREFIX=/usr", dest);
    make_in_source(args);
    expect_no_files(dest);
}

static void install_into_a_prefix(void **state)
{
    (void)state;
    const char *prefix = test_path("prefix");
    char args[1024], bin[700], share_themes[700], cwd[1024];
    snprintf(args, sizeof args, "install PREFIX='%s'", prefix);
    make_in_source(args);
    expect_installed(prefix);
    snprintf(bin, sizeof bin, "%s/bin/traceaid", prefix);
    snprintf(share_themes, sizeof share_themes, "%s/share/traceaid/themes", prefix);

    as_a_user_from_root(cwd, sizeof cwd);
    every_command_works(bin);
    themes_looked_for_in(bin, share_themes);
    explorer_shows_theme(bin, "dark"); /* found in the compiled-in folder alone */
    assert_int_equal(chdir(cwd), 0);

    snprintf(args, sizeof args, "uninstall PREFIX='%s'", prefix);
    make_in_source(args);
    expect_no_files(prefix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(staged_install_under_destdir),
        cmocka_unit_test(install_into_a_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
