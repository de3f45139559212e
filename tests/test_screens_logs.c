/* The explorer on loghub's structured logs (BGL's 2k sample): keys by template, each row's
 * message (Content under its Level) in place of columns of '-', and the warning on the status
 * line when two logs keyed by EventId give one key two templates. */
#include "screens_run.h"

#include <stdlib.h>
#include <string.h>

#define LOGHUB "tests/data/loghub"
#define BGL LOGHUB "/BGL/BGL_2k.log_structured.csv.xz"
#define THUNDERBIRD LOGHUB "/Thunderbird/Thunderbird_2k.log_structured.csv.xz"

static void screen_log_timeline_80x24(void **state)
{
    (void)state;
    const char *options[] = {BGL, NULL};
    screens_with("log_timeline_80x24", options);
}

static void screen_log_timeline_200x50(void **state)
{
    (void)state;
    const char *options[] = {BGL, NULL};
    screens_with("log_timeline_200x50", options);
}

/* BGL's E32 and Thunderbird's E32 are different templates: --key EventId makes them one key,
 * which the status line says as the command would. */
static void screen_log_two_templates(void **state)
{
    (void)state;
    const char *options[] = {BGL, THUNDERBIRD, "--key", "EventId", NULL};
    screens_with("log_two_templates", options);
}

int main(void)
{
    setenv("LC_ALL", "C", 1); /* the ASCII forms, whatever the locale of the run */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(screen_log_timeline_80x24),
        cmocka_unit_test(screen_log_timeline_200x50),
        cmocka_unit_test(screen_log_two_templates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
