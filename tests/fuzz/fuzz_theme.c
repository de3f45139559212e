/* The theme reader. */
#include <stdlib.h>
#include <string.h>

#include "../../tui/theme.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    Theme theme;
    Error err = {0};
    theme_parse(&theme, text, "fuzz.theme", &err);
    free(text);
    return 0;
}
