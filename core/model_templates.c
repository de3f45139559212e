#include "model_templates.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../io/csv_write.h"
#include "../io/safe_file.h"

bool model_templates_path(const char *model_path, char *out, size_t size)
{
    const char *suffix = ".safetensors";
    size_t len = strlen(model_path), n_suffix = strlen(suffix);
    if (len > n_suffix && strcmp(model_path + len - n_suffix, suffix) == 0)
        len -= n_suffix;
    int n = snprintf(out, size, "%.*s.templates.csv", (int)len, model_path);
    return n > 0 && (size_t)n < size;
}

/* How often each key occurs in the set's raw logs; NULL when out of memory. */
static uint64_t *log_key_counts(const TraceSet *set, bool *any)
{
    uint32_t n_keys = vocab_size(&set->vocab);
    uint64_t *count = calloc(n_keys ? n_keys : 1, sizeof *count);
    *any = false;
    for (size_t i = 0; count && i < set->n_traces; i++) {
        const Trace *t = &set->traces[i];
        if (t->format != TRACE_FORMAT_LOG)
            continue;
        *any = true;
        for (size_t e = 0; e < t->n_events; e++)
            count[t->key_id[e]]++;
    }
    return count;
}

static void write_rows(FILE *out, const TraceSet *set, const uint64_t *count)
{
    csv_header(out, "EventId,EventTemplate,Occurrences");
    for (uint32_t k = 0; k < vocab_size(&set->vocab); k++) {
        const char *template = count[k] ? meanings_get(&set->meanings, vocab_name(&set->vocab, k)) : NULL;
        if (!template)
            continue;
        CsvRow row = csv_row_begin(out);
        csv_row_text(&row, vocab_name(&set->vocab, k));
        csv_row_text(&row, template);
        csv_row_number(&row, "%llu", (unsigned long long)count[k]);
        csv_row_end(&row);
    }
}

bool model_templates_save(const TraceSet *set, const char *path, bool *wrote, Error *err)
{
    bool any;
    uint64_t *count = log_key_counts(set, &any);
    *wrote = false;
    if (!count)
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    SafeFile sf;
    bool ok = !any || safe_file_open(&sf, path, err);
    if (ok && any) {
        write_rows(sf.fp, set, count);
        ok = *wrote = safe_file_commit(&sf, err);
    }
    free(count);
    return ok;
}

bool model_templates_beside(const char *model_path, char *path, size_t size)
{
    return model_path && model_templates_path(model_path, path, size) && access(path, R_OK) == 0;
}

void model_templates_apply(const char *model_path, TraceOptions *opt, char *path, size_t size)
{
    if (!opt->log.templates && model_templates_beside(model_path, path, size))
        opt->log.templates = path;
}

bool model_templates_copy(const char *from_model, const char *to_model, bool *copied, Error *err)
{
    char from[4096], to[4096];
    struct stat info;
    *copied = false;
    if (!model_templates_beside(from_model, from, sizeof from) || !model_templates_path(to_model, to, sizeof to) ||
        strcmp(from, to) == 0)
        return true;
    if (strcmp(to_model, "-") == 0 || strncmp(to_model, "/dev/", 5) == 0 || strncmp(to_model, "/proc/", 6) == 0 ||
        (stat(to_model, &info) == 0 && !S_ISREG(info.st_mode)))
        return true; /* a device or a pipe has no folder to put it in, as for the windows */
    FILE *in = fopen(from, "rb");
    if (!in)
        return error_set_code(err, ERROR_IO, "%s: cannot open: %s", from, strerror(errno));
    SafeFile sf;
    bool opened = safe_file_open(&sf, to, err), ok = opened;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, sf.fp) == n || error_set_code(err, ERROR_IO, "%s: write error", to);
    if (ok && ferror(in))
        ok = error_set_code(err, ERROR_IO, "%s: read error", from);
    fclose(in);
    if (ok)
        return *copied = safe_file_commit(&sf, err);
    if (opened)
        safe_file_abort(&sf);
    return false;
}
