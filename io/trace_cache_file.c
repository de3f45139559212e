#define _GNU_SOURCE /* pread, pwrite */
#include "trace_cache_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "workers.h"

/* Sections are checksummed in chunks of this many bytes, each on its own, then the chunks'
 * sums together: the chunks of a big column are read on several threads at once. */
#define CHUNK_BYTES ((size_t)16 << 20)
#define ALIGN 64

static const uint64_t P1 = 0x9E3779B185EBCA87ull, P2 = 0xC2B2AE3D27D4EB4Full,
                      P3 = 0x165667B19E3779F9ull;

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static inline uint64_t round64(uint64_t acc, uint64_t word)
{
    return rotl(acc + word * P2, 31) * P1;
}

uint64_t cache_hash_bytes(const void *data, size_t len, uint64_t seed)
{
    /* four independent lanes over 32-byte stripes (as xxHash does), so the multiplies overlap */
    const unsigned char *p = data;
    uint64_t lane[4] = {seed + P1 + P2, seed + P2, seed, seed - P1};
    size_t i = 0;
    for (; i + 32 <= len; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * (size_t)k, 8);
            lane[k] = round64(lane[k], w);
        }
    uint64_t h = rotl(lane[0], 1) + rotl(lane[1], 7) + rotl(lane[2], 12) + rotl(lane[3], 18);
    h = (h ^ len) * P3;
    for (; i < len; i++)
        h = rotl(h ^ (p[i] * P1), 11) * P2;
    return h ^ (h >> 29);
}

static size_t n_chunks(uint64_t bytes) { return bytes == 0 ? 0 : (size_t)((bytes - 1) / CHUNK_BYTES + 1); }

static uint64_t combine(uint64_t h, uint64_t chunk_hash) { return round64(h ^ chunk_hash, chunk_hash); }

uint64_t cache_hash_section(const void *data, uint64_t bytes)
{
    uint64_t h = 0;
    for (size_t c = 0; c < n_chunks(bytes); c++) {
        uint64_t start = (uint64_t)c * CHUNK_BYTES;
        size_t len = (size_t)(bytes - start < CHUNK_BYTES ? bytes - start : CHUNK_BYTES);
        h = combine(h, cache_hash_bytes((const char *)data + start, len, c));
    }
    return h;
}

static uint64_t align_up(uint64_t x) { return (x + ALIGN - 1) / ALIGN * ALIGN; }

static bool write_all(int fd, const void *data, size_t len, uint64_t offset)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len > CHUNK_BYTES ? CHUNK_BYTES : len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return true;
}

/* Writes one array at offset, returning its checksum in *hash. */
static bool write_array(int fd, const CacheArray *a, uint64_t offset, uint64_t *hash, void *buffer)
{
    uint64_t bytes = (uint64_t)a->elem_size * a->count, h = 0;
    size_t per_chunk = CHUNK_BYTES / a->elem_size; /* element sizes divide CHUNK_BYTES */
    for (size_t c = 0; c < n_chunks(bytes); c++) {
        size_t first = c * per_chunk;
        size_t n = a->count - first < per_chunk ? a->count - first : per_chunk;
        const void *chunk = (const char *)a->data + first * a->elem_size;
        if (a->fill) {
            a->fill(a->fill_ctx, first, n, buffer);
            chunk = buffer;
        }
        h = combine(h, cache_hash_bytes(chunk, n * a->elem_size, c));
        if (!write_all(fd, chunk, n * a->elem_size, offset + first * a->elem_size))
            return false;
    }
    *hash = h;
    return true;
}

bool cache_file_write(int fd, const CacheHeader *header, const CacheArray *arrays, size_t n_arrays)
{
    if (n_arrays > CACHE_MAX_SECTIONS)
        return false;
    CacheSection table[CACHE_MAX_SECTIONS];
    memset(table, 0, sizeof table);
    void *buffer = malloc(CHUNK_BYTES);
    uint64_t offset = align_up(sizeof *header + n_arrays * sizeof table[0]);
    bool ok = buffer != NULL;
    for (size_t i = 0; ok && i < n_arrays; i++) {
        CacheSection *s = &table[i];
        strncpy(s->name, arrays[i].name, CACHE_NAME_LEN - 1);
        s->elem_size = arrays[i].elem_size;
        s->count = arrays[i].count;
        s->offset = offset;
        ok = write_array(fd, &arrays[i], offset, &s->hash, buffer);
        offset = align_up(offset + s->elem_size * s->count);
    }
    free(buffer);
    CacheHeader h = *header;
    memcpy(h.magic, CACHE_MAGIC, sizeof h.magic);
    h.version = CACHE_VERSION;
    h.byte_order = CACHE_BYTE_ORDER;
    h.n_sections = (uint32_t)n_arrays;
    h.file_size = offset;
    h.table_hash = cache_hash_bytes(table, n_arrays * sizeof table[0], 0);
    /* the file is as long as its last section's padding says, whatever that section holds */
    return ok && ftruncate(fd, (off_t)offset) == 0 &&
           write_all(fd, table, n_arrays * sizeof table[0], sizeof h) &&
           write_all(fd, &h, sizeof h, 0);
}

static bool read_all(int fd, void *data, size_t len, uint64_t offset)
{
    char *p = data;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return true;
}

bool cache_file_open(int fd, uint64_t file_size, CacheHeader *header, CacheSection *table)
{
    if (file_size < sizeof *header || !read_all(fd, header, sizeof *header, 0) ||
        memcmp(header->magic, CACHE_MAGIC, sizeof header->magic) != 0 ||
        header->version != CACHE_VERSION || header->byte_order != CACHE_BYTE_ORDER ||
        header->file_size != file_size || header->n_sections > CACHE_MAX_SECTIONS)
        return false;
    size_t table_bytes = header->n_sections * sizeof table[0];
    if (file_size - sizeof *header < table_bytes ||
        !read_all(fd, table, table_bytes, sizeof *header) ||
        cache_hash_bytes(table, table_bytes, 0) != header->table_hash)
        return false;
    for (uint32_t i = 0; i < header->n_sections; i++) {
        const CacheSection *s = &table[i];
        /* each section inside the file, its size computed without overflow */
        if (s->name[CACHE_NAME_LEN - 1] != '\0' || s->elem_size == 0 || s->elem_size > 8 ||
            CHUNK_BYTES % s->elem_size != 0 || s->offset > file_size ||
            s->count > (file_size - s->offset) / s->elem_size)
            return false;
    }
    return true;
}

static const CacheSection *find_section(const CacheSection *table, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strncmp(table[i].name, name, CACHE_NAME_LEN) == 0)
            return &table[i];
    return NULL;
}

int64_t cache_section_count(const CacheSection *table, uint32_t n_sections, const char *name)
{
    const CacheSection *s = find_section(table, n_sections, name);
    return s ? (int64_t)s->count : -1;
}

/* One chunk of one array to read; the jobs of all arrays are read by workers_run. */
typedef struct ReadJob {
    CacheArray *array;
    const CacheSection *section;
    size_t chunk;
    uint64_t hash, max_u32;
} ReadJob;

typedef struct ReadCtx {
    int fd;
    ReadJob *jobs;
} ReadCtx;

static uint64_t max_u32(const uint32_t *v, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

static bool read_job(size_t i, void *ctx_)
{
    ReadCtx *ctx = ctx_;
    ReadJob *job = &ctx->jobs[i];
    uint64_t bytes = job->section->elem_size * job->section->count;
    uint64_t start = (uint64_t)job->chunk * CHUNK_BYTES;
    size_t len = (size_t)(bytes - start < CHUNK_BYTES ? bytes - start : CHUNK_BYTES);
    char *dest = (char *)*job->array->slot + start;
    if (!read_all(ctx->fd, dest, len, job->section->offset + start))
        return false;
    job->hash = cache_hash_bytes(dest, len, job->chunk);
    if (job->array->elem_size == sizeof(uint32_t))
        job->max_u32 = max_u32((const uint32_t *)dest, len / sizeof(uint32_t));
    return true;
}

static void free_arrays(CacheArray *arrays, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(*arrays[i].slot);
        *arrays[i].slot = NULL;
    }
}

/* Asks for huge pages for a big array before it is first written: reading a cache is mostly
 * the kernel zeroing and mapping fresh pages, 512 times fewer faults with 2 MB ones. */
static void *alloc_array(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1), end = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (p && end > start)
        madvise((void *)start, end - start, MADV_HUGEPAGE);
#endif
    return p;
}

/* Finds each array's section, checks it, and allocates the array. */
static bool prepare(const CacheSection *table, uint32_t n_sections, CacheArray *arrays,
                    size_t n_arrays, const CacheSection **sections, size_t *total_jobs)
{
    *total_jobs = 0;
    for (size_t i = 0; i < n_arrays; i++)
        *arrays[i].slot = NULL;
    for (size_t i = 0; i < n_arrays; i++) {
        const CacheSection *s = find_section(table, n_sections, arrays[i].name);
        if (!s || s->elem_size != arrays[i].elem_size || s->count != arrays[i].count)
            return false;
        sections[i] = s;
        size_t bytes = (size_t)(s->elem_size * s->count);
        size_t room = arrays[i].room > arrays[i].count ? arrays[i].room : arrays[i].count;
        *arrays[i].slot = alloc_array(room * arrays[i].elem_size);
        if (!*arrays[i].slot)
            return false;
        *total_jobs += n_chunks(bytes);
    }
    return true;
}

bool cache_file_read(int fd, const CacheSection *table, uint32_t n_sections, CacheArray *arrays,
                     size_t n_arrays, int threads)
{
    const CacheSection *sections[CACHE_MAX_SECTIONS];
    size_t total = 0;
    if (n_arrays > CACHE_MAX_SECTIONS ||
        !prepare(table, n_sections, arrays, n_arrays, sections, &total)) {
        free_arrays(arrays, n_arrays);
        return false;
    }
    ReadJob *jobs = calloc(total ? total : 1, sizeof *jobs);
    bool ok = jobs != NULL;
    for (size_t i = 0, j = 0; ok && i < n_arrays; i++)
        for (size_t c = 0; c < n_chunks(sections[i]->elem_size * sections[i]->count); c++)
            jobs[j++] = (ReadJob){.array = &arrays[i], .section = sections[i], .chunk = c};
    ReadCtx ctx = {fd, jobs};
    ok = ok && workers_run(total, threads, read_job, &ctx);
    for (size_t i = 0, j = 0; ok && i < n_arrays; i++) {
        uint64_t h = 0, m = 0;
        for (size_t c = 0; c < n_chunks(sections[i]->elem_size * sections[i]->count); c++, j++) {
            h = combine(h, jobs[j].hash);
            m = jobs[j].max_u32 > m ? jobs[j].max_u32 : m;
        }
        arrays[i].max_u32 = m;
        ok = h == sections[i]->hash;
    }
    free(jobs);
    if (!ok)
        free_arrays(arrays, n_arrays);
    return ok;
}
