/* The CTF reader's metadata parsing (libbabeltrace2's TSDL parser and our event conversion):
 * the input becomes a trace folder's `metadata`, next to a fixed stream file, babeltrace's
 * smalltrace `dummystream` (github.com/efficios/babeltrace tests/data/ctf-traces/succeed/smalltrace,
 * MIT): a 32-bit magic, a 16-byte uuid, then two string events. The corpus starts from that
 * trace's metadata and two real LTTng ones (tests/fixtures/ctf). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../io/ctf.h"

static const unsigned char stream[] = {
  0xc1, 0x1f, 0xfc, 0xc1, 0x2a, 0x64, 0x22, 0xd0, 0x6c, 0xee, 0x11, 0xe0,
  0x8c, 0x08, 0xcb, 0x07, 0xd7, 0xb3, 0xa5, 0x64, 0x54, 0x68, 0x69, 0x73,
  0x20, 0x69, 0x73, 0x20, 0x61, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x74,
  0x72, 0x61, 0x63, 0x65, 0x00, 0x77, 0x69, 0x74, 0x68, 0x20, 0x6f, 0x6e,
  0x6c, 0x79, 0x20, 0x74, 0x77, 0x6f, 0x20, 0x73, 0x6d, 0x61, 0x6c, 0x6c,
  0x20, 0x65, 0x76, 0x65, 0x6e, 0x74, 0x73, 0x2e, 0x00
};

static void write_file(const char *dir, const char *name, const void *data, size_t size)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        abort();
    fwrite(data, 1, size, fp);
    fclose(fp);
}

static char dir[64];

static void remove_dir(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/metadata", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/dummystream", dir);
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/dev/shm/traceaid-fuzz-ctf-%d", (int)getpid());
        if (mkdir(dir, 0700) != 0)
            abort();
        write_file(dir, "dummystream", stream, sizeof stream);
        atexit(remove_dir);
    }
    write_file(dir, "metadata", data, size);
    TraceOptions opt = {.format = TRACE_FORMAT_CTF};
    Vocab vocab;
    vocab_init(&vocab);
    Trace t;
    Error err = {0};
    if (ctf_load_dir(&t, dir, &opt, &vocab, NULL, &err))
        trace_free(&t);
    vocab_free(&vocab);
    return 0;
}
