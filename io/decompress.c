#include "decompress.h"

#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* Every step function: see decoder_step. */
typedef enum Kind { KIND_GZIP, KIND_XZ, KIND_ZSTD } Kind;

struct Decoder {
    Kind kind;
    bool at_boundary;   /* the last step ended a whole member or frame (or nothing began yet) */
    z_stream gz;
    lzma_stream xz;
    ZSTD_DStream *zstd;
};

static const struct {
    const char *name;
    const char *magic;
    size_t len;
} magics[] = {
    {"gzip", "\x1f\x8b", 2},
    {"xz", "\xfd\x37\x7a\x58\x5a\x00", 6},
    {"zstd", "\x28\xb5\x2f\xfd", 4},
};

const char *decompress_sniff(const void *data, size_t len)
{
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (len >= magics[i].len && memcmp(data, magics[i].magic, magics[i].len) == 0)
            return magics[i].name;
    return NULL;
}

Decoder *decoder_new(const char *kind)
{
    Decoder *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->at_boundary = true;
    bool ok;
    if (strcmp(kind, "gzip") == 0) {
        d->kind = KIND_GZIP;
        ok = inflateInit2(&d->gz, 15 + 16) == Z_OK; /* +16: a gzip header and trailer */
    } else if (strcmp(kind, "xz") == 0) {
        d->kind = KIND_XZ;
        d->xz = (lzma_stream)LZMA_STREAM_INIT;
        /* No memory limit: the output is streamed, never held whole. CONCATENATED: xz streams
         * one after another (as pixz or `cat` make) are one input. */
        ok = lzma_stream_decoder(&d->xz, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
    } else {
        d->kind = KIND_ZSTD;
        d->zstd = ZSTD_createDStream();
        ok = d->zstd && !ZSTD_isError(ZSTD_initDStream(d->zstd));
    }
    if (!ok) {
        decoder_free(d);
        return NULL;
    }
    return d;
}

/* zlib stops at the end of each gzip member: a next member starts after a reset, as gzip -d
 * reads `cat a.gz b.gz`. */
static DecodeStatus gzip_step(Decoder *d, const void *src, size_t src_len, bool finish, void *dst,
                              size_t cap, size_t *used, size_t *made, const char **why)
{
    if (d->at_boundary && src_len > 0 && d->gz.total_in > 0)
        inflateReset(&d->gz);
    d->gz.next_in = (Bytef *)src;
    d->gz.avail_in = (uInt)(src_len > UINT32_MAX ? UINT32_MAX : src_len);
    d->gz.next_out = dst;
    d->gz.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
    int ret = src_len || !d->at_boundary ? inflate(&d->gz, Z_NO_FLUSH) : Z_BUF_ERROR;
    *used = src_len - d->gz.avail_in;
    *made = cap - d->gz.avail_out;
    if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT || ret == Z_STREAM_ERROR) {
        *why = d->gz.msg ? d->gz.msg : "invalid data";
        return DECODE_CORRUPT;
    }
    if (ret == Z_MEM_ERROR) {
        *why = "out of memory";
        return DECODE_CORRUPT;
    }
    if (ret == Z_STREAM_END || (*used || *made))
        d->at_boundary = ret == Z_STREAM_END;
    if (finish && *used == src_len && *made == 0)
        return d->at_boundary ? DECODE_DONE : DECODE_TRUNCATED;
    return DECODE_MORE;
}

static DecodeStatus xz_step(Decoder *d, const void *src, size_t src_len, bool finish, void *dst,
                            size_t cap, size_t *used, size_t *made, const char **why)
{
    d->xz.next_in = src;
    d->xz.avail_in = src_len;
    d->xz.next_out = dst;
    d->xz.avail_out = cap;
    lzma_ret ret = lzma_code(&d->xz, finish ? LZMA_FINISH : LZMA_RUN);
    *used = src_len - d->xz.avail_in;
    *made = cap - d->xz.avail_out;
    switch (ret) {
    case LZMA_OK:
        /* All the input given, none of it or of the output moved, and no end: nothing is left
         * to decode (liblzma would say LZMA_BUF_ERROR only on the call after). */
        return finish && *used == src_len && *made == 0 ? DECODE_TRUNCATED : DECODE_MORE;
    case LZMA_STREAM_END:
        return DECODE_DONE;
    case LZMA_BUF_ERROR:
        return finish ? DECODE_TRUNCATED : DECODE_MORE;
    case LZMA_MEM_ERROR:
        *why = "out of memory";
        return DECODE_CORRUPT;
    case LZMA_FORMAT_ERROR:
        *why = "not in the xz format";
        return DECODE_CORRUPT;
    case LZMA_OPTIONS_ERROR:
        *why = "unsupported options";
        return DECODE_CORRUPT;
    default:
        *why = ret == LZMA_DATA_ERROR ? "invalid data" : "checksum mismatch or other error";
        return DECODE_CORRUPT;
    }
}

/* ZSTD_decompressStream goes from one frame to the next by itself; it returns 0 exactly when a
 * frame is complete and its output all given. */
static DecodeStatus zstd_step(Decoder *d, const void *src, size_t src_len, bool finish, void *dst,
                              size_t cap, size_t *used, size_t *made, const char **why)
{
    ZSTD_inBuffer in = {src, src_len, 0};
    ZSTD_outBuffer out = {dst, cap, 0};
    size_t ret = ZSTD_decompressStream(d->zstd, &out, &in);
    *used = in.pos;
    *made = out.pos;
    if (ZSTD_isError(ret)) {
        *why = ZSTD_getErrorName(ret);
        return DECODE_CORRUPT;
    }
    if (in.pos || out.pos)
        d->at_boundary = ret == 0;
    if (finish && *used == src_len && *made == 0)
        return d->at_boundary ? DECODE_DONE : DECODE_TRUNCATED;
    return DECODE_MORE;
}

DecodeStatus decoder_step(Decoder *d, const void *src, size_t src_len, bool finish, void *dst,
                          size_t cap, size_t *used, size_t *made, const char **why)
{
    switch (d->kind) {
    case KIND_GZIP:
        return gzip_step(d, src, src_len, finish, dst, cap, used, made, why);
    case KIND_XZ:
        return xz_step(d, src, src_len, finish, dst, cap, used, made, why);
    default:
        return zstd_step(d, src, src_len, finish, dst, cap, used, made, why);
    }
}

void decoder_free(Decoder *d)
{
    if (!d)
        return;
    if (d->kind == KIND_GZIP)
        inflateEnd(&d->gz);
    else if (d->kind == KIND_XZ)
        lzma_end(&d->xz);
    else
        ZSTD_freeDStream(d->zstd);
    free(d);
}
