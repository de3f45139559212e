/* Finding the CTF traces in a folder: the folder itself when it holds a `metadata` file, else
 * every folder below it (depth-limited, symbolic links not followed) that does, as an LTTng
 * session folder holds kernel/ and ust/uid/1000/64-bit/. Also the metadata file's sniffer. */
#include "ctf.h"
#include "ctf_internal.h"

#include <dirent.h>
#include <errno.h>
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
