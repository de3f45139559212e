/* One trace input, read once from start to end: a file, a pipe, a FIFO, or standard input for
 * the path "-". Opening reads the first bytes ahead into a prefix, where the readers' sniffers
 * look for their format; input_read then hands out the prefix first and goes on from the same
 * descriptor, so nothing is read twice and a pipe loads exactly as the file would. */
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
/* Reads up to cap bytes: what is left of the prefix, then (in the same call, while buf has room)
 * from the descriptor. Returns the count, 0 at the end, or -1 with errno set (EINTR when a
 * signal came and *cancel is set; other interrupted reads are retried). */
ssize_t input_read(InputStream *in, void *buf, size_t cap);
/* Closes the descriptor unless it is standard input. */
void input_close(InputStream *in);

#endif
