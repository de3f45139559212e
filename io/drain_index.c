/* An index of the clusters at a leaf, so that fastMatch compares only those that could reach
 * the similarity, not every cluster (which made mining quadratic in the clusters a leaf holds).
 *
 * Why it gives the same answer: a cluster's share is its count of positions where its template
 * holds the message's token (never "<*>") over the token count n, the same for every cluster at
 * a leaf. A cluster holding the message's token at position i was indexed under (leaf, i, that
 * token) -- a template's token only ever turns into "<*>", so an entry can be stale, never
 * missing. Leave out the k longest of the message's lists with k / n below the similarity: a
 * cluster found in none of the others matches at most at those k positions, so its share is at
 * most k / n and it cannot take the message. Every cluster that can is in the lists kept; each
 * is compared in full, ties going as fastMatch's do (more "<*>", then the first created). The
 * similarity is above 0, so a cluster matching nowhere (an all-"<*>" template) never takes a
 * message, in fastMatch either. */
#include "drain_internal.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_posting(uint32_t leaf, uint32_t position, uint32_t token)
{
    uint64_t h = ((uint64_t)leaf * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)position << 32 | token);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (uint32_t)h;
}

static DrainPosting *find_posting(const Drain *d, uint32_t leaf, uint32_t position,
                                  uint32_t token)
{
    if (!d->posting_slots)
        return NULL;
    uint32_t mask = d->posting_slots - 1;
    for (uint32_t i = hash_posting(leaf, position, token) & mask; d->posting_slot[i];
         i = (i + 1) & mask) {
        DrainPosting *p = &d->posting[d->posting_slot[i] - 1];
        if (p->leaf == leaf && p->position == position && p->token == token)
            return p;
    }
    return NULL;
}

static void put_posting_slot(uint32_t *slots, uint32_t n_slots, const DrainPosting *p,
                             uint32_t number)
{
    uint32_t mask = n_slots - 1;
    uint32_t i = hash_posting(p->leaf, p->position, p->token) & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = number + 1;
}

static bool grow_postings(Drain *d, Error *err)
{
    if (d->n_postings == d->posting_cap) {
        uint32_t cap = d->posting_cap ? d->posting_cap * 2 : 1024;
        DrainPosting *more = realloc(d->posting, cap * sizeof *more);
        if (!more || cap < d->posting_cap)
            return error_nomem(err);
        d->posting = more;
        d->posting_cap = cap;
    }
    if ((d->n_postings + 1) * 2 <= d->posting_slots)
        return true;
    uint32_t n_slots = d->posting_slots ? d->posting_slots * 2 : 2048;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots || n_slots < d->posting_slots) {
        free(slots);
        return error_nomem(err);
    }
    for (uint32_t k = 0; k < d->n_postings; k++)
        put_posting_slot(slots, n_slots, &d->posting[k], k);
    free(d->posting_slot);
    d->posting_slot = slots;
    d->posting_slots = n_slots;
    return true;
}

static bool post(Drain *d, uint32_t leaf, uint32_t position, uint32_t token, uint32_t cluster,
                 Error *err)
{
    DrainPosting *p = find_posting(d, leaf, position, token);
    if (!p) {
        if (!grow_postings(d, err))
            return false;
        p = &d->posting[d->n_postings];
        *p = (DrainPosting){.leaf = leaf, .position = position, .token = token};
        put_posting_slot(d->posting_slot, d->posting_slots, p, d->n_postings++);
    }
    if (p->n == p->cap) {
        uint32_t cap = p->cap ? p->cap * 2 : 4;
        uint32_t *more = realloc(p->cluster, cap * sizeof *more);
        if (!more)
            return error_nomem(err);
        p->cluster = more;
        p->cap = cap;
    }
    p->cluster[p->n++] = cluster;
    return true;
}

static bool index_cluster(Drain *d, uint32_t leaf, uint32_t cluster, Error *err)
{
    const DrainCluster *c = &d->cluster[cluster];
    for (uint32_t i = 0; i < c->n_tokens; i++)
        if (c->token[i] != DRAIN_STAR && !post(d, leaf, i, c->token[i], cluster, err))
            return false;
    return true;
}

bool drain_index_add(Drain *d, uint32_t leaf, uint32_t cluster, Error *err)
{
    DrainNode *node = &d->node[leaf];
    node->n_clusters++;
    if (node->indexed)
        return index_cluster(d, leaf, cluster, err);
    if (node->n_clusters < DRAIN_INDEX_MIN)
        return true;
    for (uint32_t c = node->first_cluster; c != DRAIN_NONE; c = d->cluster[c].next_in_leaf)
        if (!index_cluster(d, leaf, c, err))
            return false;
    d->node[leaf].indexed = true;
    return true;
}

void drain_index_free(Drain *d)
{
    for (uint32_t k = 0; k < d->n_postings; k++)
        free(d->posting[k].cluster);
    free(d->posting);
    free(d->posting_slot);
    free(d->lists);
}

/* Longest first. */
static int by_length(const void *a, const void *b)
{
    uint32_t na = (*(DrainPosting *const *)a)->n, nb = (*(DrainPosting *const *)b)->n;
    return na < nb ? 1 : na > nb ? -1 : 0;
}

/* A new stamp for a search: a cluster compared in it is marked, so it is compared once. */
static uint32_t next_stamp(Drain *d)
{
    if (++d->stamp == 0) {
        for (uint32_t c = 0; c < d->n_clusters; c++)
            d->cluster[c].stamp = 0;
        d->stamp = 1;
    }
    return d->stamp;
}

bool drain_index_best(Drain *d, uint32_t leaf, const DrainToken *msg, uint32_t n,
                      uint32_t *best, Error *err)
{
    *best = DRAIN_NONE;
    if (n > d->lists_cap) {
        DrainPosting **more = realloc(d->lists, n * sizeof *more);
        if (!more)
            return error_nomem(err);
        d->lists = more;
        d->lists_cap = n;
    }
    uint32_t n_lists = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (msg[i].id == DRAIN_NONE || msg[i].id == DRAIN_STAR)
            continue; /* equal to no template's token there */
        DrainPosting *p = find_posting(d, leaf, i, msg[i].id);
        if (p)
            d->lists[n_lists++] = p;
    }
    qsort(d->lists, n_lists, sizeof *d->lists, by_length);
    uint32_t skipped = 0;
    while (skipped < n_lists && (double)(skipped + 1) / (double)n < d->similarity)
        skipped++;
    uint32_t stamp = next_stamp(d);
    double best_sim = -1;
    uint32_t best_params = 0;
    for (uint32_t k = skipped; k < n_lists; k++) {
        const DrainPosting *p = d->lists[k];
        for (uint32_t j = 0; j < p->n; j++) {
            uint32_t c = p->cluster[j];
            if (d->cluster[c].stamp == stamp)
                continue;
            d->cluster[c].stamp = stamp;
            uint32_t params;
            double sim = drain_similarity(&d->cluster[c], msg, &params);
            if (sim > best_sim ||
                (sim == best_sim && (params > best_params || (params == best_params && c < *best)))) {
                best_sim = sim;
                best_params = params;
                *best = c;
            }
        }
    }
    if (!(best_sim >= d->similarity))
        *best = DRAIN_NONE;
    return true;
}
