/* Finding the CTF traces in a folder: the folder itself when it holds a `metadata` file, else
 * every folder below it (depth-limited, symbolic links not followed) that does, as an LTTng
 * session folder holds kernel/ and ust/uid/1000/64-bit/. Also the metadata file's sniffer. */
#include "ctf.h"
#include "ctf_internal.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TSDL_SIGNATURE "/* CTF 1."
#define PACKET_MAGIC 0x75D11D57u

bool ctf_metadata_is_ctf2(const char *prefix, size_t len)
{
    /* CTF 2 metadata is an RFC 7464 JSON text sequence: each fragment starts with 0x1E, the
     * first is the preamble {"type": "preamble", ...}. */
    if (len < 2 || prefix[0] != '\x1e')
        return false;
    size_t i = 1;
    while (i < len && (prefix[i] == ' ' || prefix[i] == '\n' || prefix[i] == '\r' || prefix[i] == '\t'))
        i++;
    return i < len && prefix[i] == '{';
}

SniffScore ctf_sniff(const char *prefix, size_t len)
{
    size_t sig = strlen(TSDL_SIGNATURE);
    if (len >= sig && memcmp(prefix, TSDL_SIGNATURE, sig) == 0)
        return SNIFF_SURE;
    if (len >= 4) {
        const unsigned char *p = (const unsigned char *)prefix;
        uint32_t le = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        uint32_t be = (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
        if (le == PACKET_MAGIC || be == PACKET_MAGIC)
            return SNIFF_SURE;
    }
    return ctf_metadata_is_ctf2(prefix, len) ? SNIFF_SURE : SNIFF_NO;
}

static bool has_metadata(const char *dir)
{
    char path[4096];
    struct stat st;
    return snprintf(path, sizeof path, "%s/metadata", dir) < (int)sizeof path &&
           stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool add_dir(CtfDirs *dirs, const char *path, Error *err)
{
    if (dirs->n == CTF_MAX_TRACES)
        return error_set(err, "%s: more than %d CTF traces below it", path, CTF_MAX_TRACES);
    if (dirs->n == dirs->cap) {
        size_t cap = dirs->cap ? 2 * dirs->cap : 8;
        char **grown = realloc(dirs->path, cap * sizeof *grown);
        if (!grown)
            return error_nomem(err);
        dirs->path = grown;
        dirs->cap = cap;
    }
    if (!(dirs->path[dirs->n] = strdup(path)))
        return error_nomem(err);
    dirs->n++;
    return true;
}

/* A trace folder is not searched further: its index/ holds no traces. */
static bool walk(const char *dir, int depth, CtfDirs *dirs, Error *err)
{
    if (++dirs->n_seen > CTF_MAX_DIRS)
        return true;
    if (has_metadata(dir))
        return add_dir(dirs, dir, err);
    if (depth == CTF_MAX_DEPTH)
        return true;
    DIR *d = opendir(dir);
    if (!d)
        return true; /* unreadable folders below the one asked for are passed over */
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        struct stat st;
        if (snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= (int)sizeof sub ||
            lstat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        ok = walk(sub, depth + 1, dirs, err);
    }
    closedir(d);
    return ok;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool ctf_find_traces(const char *root, CtfDirs *dirs, Error *err)
{
    memset(dirs, 0, sizeof *dirs);
    size_t len = strlen(root);
    char trimmed[4096];
    if (len >= sizeof trimmed)
        return error_set(err, "%s: path too long", root);
    memcpy(trimmed, root, len + 1);
    while (len > 1 && trimmed[len - 1] == '/')
        trimmed[--len] = '\0';
    if (!walk(trimmed, 0, dirs, err)) {
        ctf_dirs_free(dirs);
        return false;
    }
    if (dirs->n > 1) /* qsort takes no NULL array */
        qsort(dirs->path, dirs->n, sizeof *dirs->path, by_path);
    return true;
}

void ctf_dirs_free(CtfDirs *dirs)
{
    for (size_t i = 0; i < dirs->n; i++)
        free(dirs->path[i]);
    free(dirs->path);
    memset(dirs, 0, sizeof *dirs);
}

SniffScore ctf_sniff_dir(const char *path)
{
    CtfDirs dirs;
    if (!ctf_find_traces(path, &dirs, NULL))
        return SNIFF_NO;
    SniffScore score = dirs.n ? SNIFF_SURE : SNIFF_NO;
    ctf_dirs_free(&dirs);
    return score;
}

/* libbabeltrace2 2.0.4 loops for ever on packetized metadata whose last packet is cut short (a
 * metadata file copied while LTTng was still writing it): its packets are checked first. A
 * packet's header: magic, uuid[16], checksum, content_size and packet_size in bits (32 bits
 * each, in the byte order the magic shows), then 5 one-byte fields. */
#define METADATA_HEADER 37

static uint32_t read_u32(const unsigned char *p, bool big_endian)
{
    return big_endian ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                      : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static bool check_packets(const char *path, FILE *fp, uint64_t file_size, Error *err)
{
    unsigned char h[METADATA_HEADER];
    uint64_t offset = 0;
    for (size_t packet = 1; offset < file_size; packet++) {
        if (fseek(fp, (long)offset, SEEK_SET) != 0)
            return error_set(err, "%s: cannot read", path);
        size_t n = fread(h, 1, sizeof h, fp);
        bool big = n >= 4 && read_u32(h, true) == PACKET_MAGIC;
        if (n < 4 || (!big && read_u32(h, false) != PACKET_MAGIC))
            return error_set(err, "%s: metadata packet %zu at byte %" PRIu64 ": expected the magic "
                                  "number 0x75D11D57", path, packet, offset);
        uint32_t content = n == sizeof h ? read_u32(h + 24, big) : 0;
        uint32_t size = n == sizeof h ? read_u32(h + 28, big) : 0;
        if (n < sizeof h || size % 8 || size / 8 < METADATA_HEADER || content > size ||
            content < 8 * METADATA_HEADER)
            return error_set(err, "%s: metadata packet %zu at byte %" PRIu64 ": a bad packet "
                                  "header (size %" PRIu32 " bits, content %" PRIu32 " bits)",
                             path, packet, offset, size, content);
        if (offset + size / 8 > file_size)
            return error_set(err, "%s: metadata packet %zu at byte %" PRIu64 " is cut short: "
                                  "%" PRIu32 " bytes, the file has %" PRIu64 " left",
                             path, packet, offset, size / 8, file_size - offset);
        offset += size / 8;
    }
    return true;
}

bool ctf_check_metadata(const char *dir, Error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/metadata", dir);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return true; /* babeltrace2 says what is wrong */
    unsigned char magic[4];
    bool packetized = fread(magic, 1, 4, fp) == 4 &&
                      (read_u32(magic, false) == PACKET_MAGIC || read_u32(magic, true) == PACKET_MAGIC);
    struct stat st;
    bool ok = true;
    if (packetized && fstat(fileno(fp), &st) == 0)
        ok = check_packets(path, fp, (uint64_t)st.st_size, err);
    fclose(fp);
    return ok;
}

uint64_t ctf_stream_bytes(const CtfDirs *dirs)
{
    uint64_t total = 0;
    for (size_t i = 0; i < dirs->n; i++) {
        DIR *d = opendir(dirs->path[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            char path[4200];
            struct stat st;
            if (e->d_name[0] != '.' && strcmp(e->d_name, "metadata") != 0 &&
                snprintf(path, sizeof path, "%s/%s", dirs->path[i], e->d_name) < (int)sizeof path &&
                stat(path, &st) == 0 && S_ISREG(st.st_mode))
                total += (uint64_t)st.st_size;
        }
        if (d)
            closedir(d);
    }
    return total;
}
