/* One trace input, read once from start to end: a file, a pipe, a FIFO, or standard input for
 * the path "-". Opening reads the first bytes ahead into a prefix, where the readers' sniffers
 * look for their format; input_read then hands out the prefix first and goes on from the same
 * descriptor, so nothing is read twice and a pipe loads exactly as the file would.
 * An input compressed with gzip, xz or zstd (known by its magic number, not its name) is
 * decompressed as it is read: the prefix and input_read give the decompressed bytes. */
#ifndef TRACEAID_INPUT_H
#define TRACEAID_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cancel.h"
#include "error.h"

#define INPUT_PREFIX_SIZE 4096

typedef struct InputStream {
    const char *path;           /* as given: errors name it; "-" is standard input */
    int fd;
    bool owns_fd;               /* false for standard input, which stays open */
    uint64_t size;              /* bytes of a regular file; 0 when unknown (pipe, FIFO, tty) */
    const CancelFlag *cancel; /* a read interrupted by a signal gives up when set */
    size_t prefix_len;          /* bytes in prefix: INPUT_PREFIX_SIZE, or all the input if less */
    size_t prefix_pos;          /* how much of prefix input_read has handed out */
    bool ended;                 /* the input ended within the prefix */
    const char *compression;    /* "gzip", "xz", "zstd", or NULL for an uncompressed input */
    struct InputDecompress *z;  /* the decoder and its raw buffer when compressed; else NULL */
    uint64_t consumed;          /* bytes of the input used so far (compressed bytes when
                                 * compressed): the progress to report against size */
    int read_errno;             /* errno of the last failed input_read */
    char error[256];            /* what was wrong with compressed data, when that failed it */
    char prefix[INPUT_PREFIX_SIZE];
} InputStream;

/* Opens path ("-": standard input) and reads the prefix: until it is full or the input ends,
 * waiting on a pipe as long as its writer is there. A directory, a missing or unreadable file is
 * an error naming it, as is a failed read; cancel may be NULL. */
bool input_open(InputStream *in, const char *path, const CancelFlag *cancel, Error *err);
/* The same on a descriptor already open (a pipe from a child process, say), named path in
 * messages; closed by input_close when owns_fd. */
bool input_open_fd(InputStream *in, const char *path, int fd, bool owns_fd,
                   const CancelFlag *cancel, Error *err);
/* The same with the bytes as they are, whatever they start with: a copy already decompressed. */
bool input_open_fd_as_is(InputStream *in, const char *path, int fd, bool owns_fd,
                         const CancelFlag *cancel, Error *err);
/* Reads up to cap bytes: what is left of the prefix, then (in the same call, while buf has room)
 * from the descriptor. Returns the count, 0 at the end, or -1 with errno set (EINTR when a
 * signal came and *cancel is set, or *cancel is set while decompressing; other interrupted
 * reads are retried; EIO for corrupt or truncated compressed data, see input_read_error). */
ssize_t input_read(InputStream *in, void *buf, size_t cap);
/* Bytes of the input used so far, out of size when that is known: what progress reports. A
 * compressed input's decoder may give many chunks from the same bytes, so this can stay put
 * from one input_read to the next. */
uint64_t input_consumed(const InputStream *in);
/* Sets err for input_read's -1 (not an interruption): "PATH: gzip data is corrupt: ...",
 * "PATH: xz data is truncated ..." or "PATH: read error: ..."; returns false. */
bool input_read_error(const InputStream *in, Error *err);
/* Closes the descriptor unless it is standard input, and frees the decoder. */
void input_close(InputStream *in);

#endif
