/* `make deb` (scripts/make_deb.sh): the package it builds holds the binary, the themes, the docs
 * and the completions, and its control fields name the package, the binary's version, dpkg's
 * architecture and the libraries the binary links. The package is built into the test's folder
 * and read with dpkg-deb, never installed. */
#include "test_util.h"

#define SOURCE_DIR SAMPLES_DIR "/.."

/* Runs a shell command line with $1.. the arguments; its output in r.out. */
static RunResult sh(const char *line, const char *arg1, const char *arg2)
{
    const char *argv[] = {"/bin/sh", "-c", line, "sh", arg1, arg2, NULL};
    return run_traceaid_argv(-1, NULL, argv);
}

static char deb[600];

/* Builds the package once for the tests (the make run is not one of the suite's: its flags are
 * not passed on). */
static int build_deb(void **state)
{
    (void)state;
    if (system("command -v dpkg-deb >/dev/null 2>&1") != 0)
        return 0;
    RunResult r = sh("cd \"$1\" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -j2 deb DEB_DIR=\"$2\"",
                     SOURCE_DIR, test_path("deb"));
    if (r.status != 0) {
        fprintf(stderr, "make deb failed (%d):\n%s%s", r.status, r.out, r.err);
        run_result_free(&r);
        return -1;
    }
    /* make_deb.sh prints the package's path last */
    char *last = r.out;
    for (char *nl; (nl = strchr(last, '\n')) && nl[1]; last = nl + 1)
        ;
    snprintf(deb, sizeof deb, "%.*s", (int)strcspn(last, "\n"), last);
    run_result_free(&r);
    return 0;
}

static void require_dpkg(void)
{
    if (!deb[0]) {
        printf("dpkg-deb is not installed: the Debian package is not checked\n");
        skip();
    }
}

static void test_file_list(void **state)
{
    (void)state;
    require_dpkg();
    RunResult r = sh("dpkg-deb -c \"$1\" | awk '{ print $NF }'", deb, NULL);
    assert_status(r, 0);
    const char *files[] = {"./usr/bin/traceaid\n",
                           "./usr/share/traceaid/themes/default.theme\n",
                           "./usr/share/traceaid/themes/dark.theme\n",
                           "./usr/share/traceaid/themes/light.theme\n",
                           "./usr/share/traceaid/themes/high-contrast.theme\n",
                           "./usr/share/traceaid/themes/mono.theme\n",
                           "./usr/share/doc/traceaid/README.md\n",
                           "./usr/share/doc/traceaid/copyright\n",
                           "./usr/share/doc/traceaid/docs/ARCHITECTURE.md\n",
                           "./usr/share/bash-completion/completions/traceaid\n",
                           "./usr/share/zsh/vendor-completions/_traceaid\n"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_contains(r.out, files[i]);
    run_result_free(&r);

    /* owned by root, the binary executable */
    r = sh("dpkg-deb -c \"$1\" | grep ' ./usr/bin/traceaid$'", deb, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "-rwxr-xr-x root/root");
    run_result_free(&r);
}

/* The value of a control field, without its trailing newline. */
static char *field(const char *name)
{
    RunResult r = sh("dpkg-deb -f \"$1\" \"$2\"", deb, name);
    assert_status(r, 0);
    free(r.err);
    r.out[strcspn(r.out, "\n")] = '\0';
    return r.out;
}

static void test_control_fields(void **state)
{
    (void)state;
    require_dpkg();
    char *package = field("Package");
    assert_string_equal(package, "traceaid");
    free(package);

    RunResult v = run_traceaid("--version");
    assert_status(v, 0);
    char *version = field("Version");
    char expected[128];
    snprintf(expected, sizeof expected, "traceaid %s\n", version);
    assert_string_equal(v.out, expected);
    free(version);
    run_result_free(&v);

    RunResult a = sh("dpkg --print-architecture", NULL, NULL);
    assert_status(a, 0);
    char *arch = field("Architecture");
    a.out[strcspn(a.out, "\n")] = '\0';
    assert_string_equal(arch, a.out);
    free(arch);
    run_result_free(&a);

    /* the libraries linked, by their packages */
    char *depends = field("Depends");
    const char *libs[] = {"libc6 ", "libncursesw6", "libopenblas", "libjansson4", "libcsv3", "zlib1g"};
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++)
        assert_contains(depends, libs[i]);
    free(depends);

    const char *present[] = {"Maintainer", "Installed-Size", "Description"};
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++) {
        char *value = field(present[i]);
        if (!value[0])
            fail_msg("the package has no %s", present[i]);
        free(value);
    }
}

/* The package's name says its version and architecture, as Debian's do. */
static void test_file_name(void **state)
{
    (void)state;
    require_dpkg();
    char *version = field("Version"), *arch = field("Architecture");
    char name[256];
    snprintf(name, sizeof name, "/traceaid_%s_%s.deb", version, arch);
    assert_contains(deb, name);
    free(version);
    free(arch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_list),
        cmocka_unit_test(test_control_fields),
        cmocka_unit_test(test_file_name),
    };
    return cmocka_run_group_tests(tests, build_deb, NULL);
}
