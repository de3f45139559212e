/* The cache file's bytes (io/trace_cache.c decides when to read and write one): a header naming
 * the source it was made from, a table of sections, then each section's elements back to back,
 * 64-byte aligned. A section is one array of the loaded trace (or of what the load told the
 * vocabulary and the meanings), named as its struct field is, with its element size, count and a
 * checksum, so a truncated or corrupt file is told from a good one before anything in it is used.
 * Every length is checked against the file's size before anything is allocated. */
#ifndef TRACEAID_TRACE_CACHE_FILE_H
#define TRACEAID_TRACE_CACHE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_MAGIC "TACACHE\n"
#define CACHE_VERSION 2u
#define CACHE_BYTE_ORDER 0x01020304u
#define CACHE_MAX_SECTIONS 64
#define CACHE_NAME_LEN 24

/* The source a cache was made from and how it was read. */
typedef struct CacheIdentity {
    uint64_t size;
    int64_t mtime_ns;
    uint64_t dev, ino;
    uint64_t options_hash;
} CacheIdentity;

typedef struct CacheHeader {
    char magic[8];
    uint32_t version, byte_order;
    CacheIdentity source;
    uint64_t file_size;         /* the cache's own size: a truncated one is told at once */
    uint32_t n_sections;
    uint32_t flags;             /* CACHE_HAS_MEANINGS */
    uint64_t table_hash;        /* of the section table */
} CacheHeader;

#define CACHE_HAS_MEANINGS 1u   /* written by a load that was given a Meanings: its templates and
                                 * warnings are in; one written without can serve only the same */

typedef struct CacheSection {
    char name[CACHE_NAME_LEN];  /* NUL-padded */
    uint64_t elem_size, count, offset;
    uint64_t hash;              /* of its bytes (cache_hash_chunks) */
} CacheSection;

/* One array to write or to read: the table of a trace's arrays (io/trace_cache.c) is a list of
 * these, so the file follows the struct. On writing, data[0..count) is written, or when fill is
 * set, fill(ctx, first, n, out) gives elements [first, first + n) (a column written remapped).
 * On reading, *slot gets a new array of count elements (a zero-length one is a 1-byte block). */
typedef struct CacheArray {
    const char *name;
    size_t elem_size, count;
    size_t room;                /* reading: elements to allocate when more than count (0) */
    const void *data;
    void **slot;
    void (*fill)(void *ctx, size_t first, size_t n, void *out);
    void *fill_ctx;
    uint64_t max_u32;           /* reading a uint32_t array: the largest element, computed while
                                 * the bytes are hot (ids checked against their table) */
} CacheArray;

/* 64-bit checksum of bytes, fast enough to run over gigabytes as they are read. */
uint64_t cache_hash_bytes(const void *data, size_t len, uint64_t seed);
/* A section's checksum: its bytes in chunks, each summed on its own, then together. */
uint64_t cache_hash_section(const void *data, uint64_t bytes);

/* Writes header and arrays to the open descriptor fd (a new, empty file). Returns whether every
 * byte was written. */
bool cache_file_write(int fd, const CacheHeader *header, const CacheArray *arrays, size_t n_arrays);

/* Reads and checks fd's header: magic, version, byte order and own size (file_size, from fstat).
 * The identity is the caller's to compare. Reads the section table into table. */
bool cache_file_open(int fd, uint64_t file_size, CacheHeader *header, CacheSection *table);
/* Reads each array by name from the table: its element size and count must be as given, and its
 * checksum must hold. threads: readers at once (workers_run). On failure every array read so far
 * is freed and its slot set to NULL. */
bool cache_file_read(int fd, const CacheSection *table, uint32_t n_sections, CacheArray *arrays,
                     size_t n_arrays, int threads);
/* The count of a section by name, or -1 when the table has none: counts that are not a
 * trace's scalars (a string table's length) are read from the table, then checked. */
int64_t cache_section_count(const CacheSection *table, uint32_t n_sections, const char *name);

#endif
