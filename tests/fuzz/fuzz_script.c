/* The explorer's key-script reader, a line at a time as the explorer reads it. */
#include <stdlib.h>
#include <string.h>

#include "../../tui/script.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char line[512];
    size_t n = size < sizeof line - 1 ? size : sizeof line - 1;
    memcpy(line, data, n);
    line[n] = '\0';
    ScriptCommand cmd;
    script_parse_line(line, &cmd);
    return 0;
}
