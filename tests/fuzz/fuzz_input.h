/* Fuzz inputs for readers that take a path: the bytes go to a file on tmpfs first. */
#ifndef TRACEAID_FUZZ_INPUT_H
#define TRACEAID_FUZZ_INPUT_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *fuzz_file(const unsigned char *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/dev/shm/traceaid-fuzz-%d", (int)getpid());
    FILE *fp = fopen(path, "wb");
    if (!fp)
        abort();
    fwrite(data, 1, size, fp);
    fclose(fp);
    return path;
}

#endif
