/* The compressed inputs' decoders: gzip (zlib), xz (liblzma) and zstd (libzstd) behind one
 * step function, so that io/input.c streams any of them the same way. Only input.c uses this. */
#ifndef TRACEAID_DECOMPRESS_H
#define TRACEAID_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Decoder Decoder;

typedef enum DecodeStatus {
    DECODE_MORE,        /* went on: call again with more input or output room */
    DECODE_DONE,        /* the input (finished) ended at the end of a complete stream; *made
                         * may still be > 0: hand it out, and call no more */
    DECODE_TRUNCATED,   /* the input (finished) ended inside a stream */
    DECODE_CORRUPT,     /* the data is not valid; *why says how */
} DecodeStatus;

/* The compression whose magic number data starts with: "gzip", "xz", "zstd"; NULL for none.
 * The content decides, never a file name. */
const char *decompress_sniff(const void *data, size_t len);

/* A decoder for kind (one of decompress_sniff's names); NULL when out of memory. */
Decoder *decoder_new(const char *kind);

/* Decodes from src[0..src_len) into dst[0..cap): *used and *made get the bytes taken and given.
 * finish says src holds the last of the input. Concatenated gzip members, xz streams and zstd
 * frames decode as one; data after them that is not another is corrupt. */
DecodeStatus decoder_step(Decoder *d, const void *src, size_t src_len, bool finish, void *dst,
                          size_t cap, size_t *used, size_t *made, const char **why);

void decoder_free(Decoder *d);

#endif
