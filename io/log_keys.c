/* A raw log's keys, given once the log is read (io/log_trace.c): each cluster's final template
 * id, interned; with loaded templates, the events whose key none of them has are counted as new.
 * Part of the log reader (io/log_reader.h). */
#include "log_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Each cluster's key: its final template's id, interned; the template is the key's meaning (one
 * a --meanings file gave is kept), noted with the line that began the cluster so that an id two
 * templates share is said. */
static bool cluster_keys(LogReader *r, uint32_t *key_of, Error *err)
{
    uint32_t n = drain_clusters(r->drain);
    for (uint32_t c = 0; c < n; c++) {
        const char *id = drain_id(r->drain, c);
        const char *template = drain_template(r->drain, c);
        bool loaded = drain_loaded(r->drain, c);
        if (loaded && drain_occurrences(r->drain, c) == 0)
            continue; /* a loaded template this log never used: no key of this trace */
        if (!vocab_intern(r->vocab, id, strlen(id), &key_of[c], err))
            return false;
        if (r->meanings &&
            !meanings_note_template(r->meanings, id, template, strlen(template),
                                    loaded ? r->opt->log.templates : r->path,
                                    loaded ? 0 : r->cluster_line[c], !loaded, err))
            return false;
    }
    return true;
}

/* Marks the keys of the loaded templates: a line that began a fresh cluster whose final template
 * came to equal a loaded one has a loaded key, and is not new. */
static void mark_loaded_keys(LogReader *r, uint32_t n_clusters, bool *loaded_key)
{
    for (uint32_t c = 0; c < n_clusters; c++) {
        if (!drain_loaded(r->drain, c))
            continue;
        const char *id = drain_id(r->drain, c);
        int64_t k = vocab_find(r->vocab, id, strlen(id));
        if (k >= 0)
            loaded_key[k] = true;
    }
}

/* Counts what loaded templates did not take: events whose final key is none of the loaded ids,
 * and their distinct keys, the first ten of them named in new_key_names. */
static void count_new_keys(LogReader *r, const uint32_t *key_of, uint32_t n_clusters)
{
    uint32_t n_keys = vocab_size(r->vocab);
    bool *seen = calloc(n_keys ? n_keys : 1, sizeof *seen);
    bool *loaded_key = calloc(n_keys ? n_keys : 1, sizeof *loaded_key);
    if (loaded_key)
        mark_loaded_keys(r, n_clusters, loaded_key);
    for (size_t i = 0; i < r->t->n_events; i++) {
        uint32_t c = r->t->key_id[i];
        if (c >= n_clusters || drain_loaded(r->drain, c) || (loaded_key && loaded_key[key_of[c]]))
            continue;
        r->new_key_events++;
        if (seen && !seen[key_of[c]]) {
            seen[key_of[c]] = true;
            if (r->new_keys++ < 10)
                text_append(r->new_key_names, sizeof r->new_key_names, "%s %s", r->new_keys > 1 ? "," : "",
                            vocab_name(r->vocab, key_of[c]));
        }
    }
    if (r->new_keys > 10)
        text_append(r->new_key_names, sizeof r->new_key_names, ", ...");
    free(loaded_key);
    free(seen);
}

bool log_key_events(LogReader *r, Error *err)
{
    uint32_t n = drain_clusters(r->drain);
    uint32_t *key_of = malloc((n ? n : 1) * sizeof *key_of);
    if (!key_of)
        return error_nomem(err);
    bool ok = cluster_keys(r, key_of, err);
    if (ok && r->opt->log.templates)
        count_new_keys(r, key_of, n);
    for (size_t i = 0; ok && i < r->t->n_events; i++)
        r->t->key_id[i] = key_of[r->t->key_id[i]];
    free(key_of);
    return ok;
}

