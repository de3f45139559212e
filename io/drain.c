/* The Drain tree and its clusters, step for step as loghub's Drain.py builds them (treeSearch,
 * addSeqToPrefixTree, fastMatch, getTemplate), on interned token ids: a token is compared by
 * its id, and a message's token no template holds gets none, so it equals nothing -- memory
 * grows with the clusters and their tokens, never with the lines. */
#include "drain_internal.h"

#include <nettle/md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void drain_options_default(DrainOptions *o)
{
    memset(o, 0, sizeof *o);
    o->depth = DRAIN_DEFAULT_DEPTH;
    o->similarity = DRAIN_DEFAULT_SIMILARITY;
    o->max_children = DRAIN_DEFAULT_MAX_CHILDREN;
}

void template_id(const char *text, size_t len, char id[DRAIN_ID_LEN + 1])
{
    struct md5_ctx ctx;
    uint8_t digest[MD5_DIGEST_SIZE];
    md5_init(&ctx);
    md5_update(&ctx, len, (const uint8_t *)text);
    md5_digest(&ctx, sizeof digest, digest);
    static const char HEX[] = "0123456789abcdef";
    for (int k = 0; k < DRAIN_ID_LEN / 2; k++) {
        id[2 * k] = HEX[digest[k] >> 4];
        id[2 * k + 1] = HEX[digest[k] & 15];
    }
    id[DRAIN_ID_LEN] = '\0';
}

/* ---- the children of nodes: one hash table keyed by (parent, key) ---- */

static uint32_t hash_key(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (uint32_t)key;
}

static uint64_t child_slot_key(uint32_t parent, uint32_t key)
{
    return ((uint64_t)parent << 32 | key) + 1;
}

static uint32_t find_child(const Drain *d, uint32_t parent, uint32_t key)
{
    if (!d->child_slots || key == DRAIN_NONE)
        return DRAIN_NONE;
    uint64_t want = child_slot_key(parent, key);
    uint32_t mask = d->child_slots - 1;
    for (uint32_t i = hash_key(want) & mask; d->child_key[i]; i = (i + 1) & mask)
        if (d->child_key[i] == want)
            return d->child_node[i];
    return DRAIN_NONE;
}

static void put_slot(uint64_t *keys, uint32_t *nodes, uint32_t n_slots, uint64_t key, uint32_t node)
{
    uint32_t mask = n_slots - 1;
    uint32_t i = hash_key(key) & mask;
    while (keys[i])
        i = (i + 1) & mask;
    keys[i] = key;
    nodes[i] = node;
}

static bool grow_children(Drain *d, Error *err)
{
    uint32_t n_slots = d->child_slots ? d->child_slots * 2 : 1024;
    uint64_t *keys = calloc(n_slots, sizeof *keys);
    uint32_t *nodes = malloc(n_slots * sizeof *nodes);
    if (!keys || !nodes || n_slots < d->child_slots) {
        free(keys);
        free(nodes);
        return error_nomem(err);
    }
    for (uint32_t i = 0; i < d->child_slots; i++)
        if (d->child_key[i])
            put_slot(keys, nodes, n_slots, d->child_key[i], d->child_node[i]);
    free(d->child_key);
    free(d->child_node);
    d->child_key = keys;
    d->child_node = nodes;
    d->child_slots = n_slots;
    return true;
}

/* A new node, the child of parent under key. */
static bool add_child(Drain *d, uint32_t parent, uint32_t key, uint32_t *child, Error *err)
{
    if ((d->child_count + 1) * 2 > d->child_slots && !grow_children(d, err))
        return false;
    if (d->n_nodes == d->node_cap) {
        uint32_t cap = d->node_cap * 2;
        DrainNode *node = realloc(d->node, cap * sizeof *node);
        if (!node || cap < d->node_cap)
            return error_nomem(err);
        d->node = node;
        d->node_cap = cap;
    }
    *child = d->n_nodes++;
    d->node[*child] = (DrainNode){0, DRAIN_NONE, DRAIN_NONE, 0, false};
    d->node[parent].n_children++;
    put_slot(d->child_key, d->child_node, d->child_slots, child_slot_key(parent, key), *child);
    d->child_count++;
    return true;
}

/* ---- life ---- */

bool drain_new(Drain **out, const DrainOptions *o, Error *err)
{
    *out = NULL;
    if (o->depth < 3 || o->depth > DRAIN_MAX_DEPTH)
        return error_set_code(err, ERROR_USAGE, "depth %d: it must be 3 to %d", o->depth,
                              DRAIN_MAX_DEPTH);
    if (!(o->similarity > 0 && o->similarity <= 1))
        return error_set_code(err, ERROR_USAGE, "similarity %g: it must be above 0 and at most 1",
                              o->similarity);
    if (o->max_children < 2)
        return error_set_code(err, ERROR_USAGE, "max children %d: it must be at least 2",
                              o->max_children);
    Drain *d = calloc(1, sizeof *d);
    if (!d)
        return error_nomem(err);
    d->depth = o->depth - 2;
    d->similarity = o->similarity;
    d->max_children = (uint32_t)o->max_children;
    strpool_init(&d->tokens);
    strpool_init(&d->short_text);
    d->node_cap = 64;
    d->node = malloc(d->node_cap * sizeof *d->node);
    uint32_t star;
    if (!d->node || !drain_intern(d, "<*>", 3, &star, err)) {
        drain_free(d);
        return d->node ? false : error_nomem(err);
    }
    d->node[0] = (DrainNode){0, DRAIN_NONE, DRAIN_NONE, 0, false};
    d->n_nodes = 1;
    if (!drain_masks_compile(&d->masks, o->masks, err)) {
        drain_free(d);
        return false;
    }
    *out = d;
    return true;
}

void drain_free(Drain *d)
{
    if (!d)
        return;
    drain_masks_free(&d->masks);
    strpool_free(&d->tokens);
    free(d->has_digit);
    free(d->node);
    free(d->child_key);
    free(d->child_node);
    for (uint32_t c = 0; c < d->n_clusters; c++) {
        free(d->cluster[c].token);
        free(d->cluster[c].text);
    }
    free(d->cluster);
    free(d->msg);
    strpool_free(&d->short_text);
    drain_index_free(d);
    free(d->short_cluster);
    free(d->key);
    free(d);
}

bool drain_intern(Drain *d, const char *s, size_t len, uint32_t *id, Error *err)
{
    if (!strpool_intern(&d->tokens, s, len, id, err))
        return false;
    if (*id >= d->has_digit_cap) {
        size_t cap = d->has_digit_cap ? d->has_digit_cap * 2 : 1024;
        uint8_t *flags = realloc(d->has_digit, cap);
        if (!flags)
            return error_nomem(err);
        d->has_digit = flags;
        d->has_digit_cap = cap;
    }
    d->has_digit[*id] = drain_has_digit(s, len);
    return true;
}

/* ---- the tree, as Drain.py's treeSearch and addSeqToPrefixTree ---- */

/* The node where the clusters of a message of n tokens ids[0..n) are, or DRAIN_NONE. A message
 * shorter than depth - 2 tokens ends at an inner node, where no cluster ever is. */
static uint32_t search_leaf(const Drain *d, const DrainToken *msg, uint32_t n)
{
    uint32_t node = find_child(d, 0, n);
    for (uint32_t depth = 1; node != DRAIN_NONE && depth <= n && depth < (uint32_t)d->depth;
         depth++) {
        uint32_t next = find_child(d, node, msg[depth - 1].id);
        node = next != DRAIN_NONE ? next : find_child(d, node, DRAIN_STAR);
    }
    return node;
}

double drain_similarity(const DrainCluster *c, const DrainToken *msg, uint32_t *n_params)
{
    uint32_t same = 0, params = 0;
    for (uint32_t i = 0; i < c->n_tokens; i++) {
        if (c->token[i] == DRAIN_STAR)
            params++;
        else if (c->token[i] == msg[i].id)
            same++;
    }
    *n_params = params;
    return (double)same / (double)c->n_tokens;
}

/* Drain.py's fastMatch: the most similar cluster of the leaf (ties to the one with more "<*>",
 * then to the first), when it is similar enough. */
static uint32_t best_cluster(const Drain *d, uint32_t leaf, const DrainToken *msg)
{
    double best_sim = -1;
    int64_t best_params = -1;
    uint32_t best = DRAIN_NONE;
    for (uint32_t c = d->node[leaf].first_cluster; c != DRAIN_NONE; c = d->cluster[c].next_in_leaf) {
        uint32_t params;
        double sim = drain_similarity(&d->cluster[c], msg, &params);
        if (sim > best_sim || (sim == best_sim && (int64_t)params > best_params)) {
            best_sim = sim;
            best_params = params;
            best = c;
        }
    }
    return best_sim >= d->similarity ? best : DRAIN_NONE;
}

/* The child a new cluster's token goes to at node, made when missing (addSeqToPrefixTree: a
 * token with a digit goes to "<*>", and so does any once the node has max_children). */
static bool route_token(Drain *d, uint32_t node, uint32_t token, uint32_t *next, Error *err)
{
    *next = find_child(d, node, token);
    if (*next != DRAIN_NONE)
        return true;
    uint32_t star = find_child(d, node, DRAIN_STAR);
    uint32_t n = d->node[node].n_children;
    if (d->has_digit[token]) {
        if (star != DRAIN_NONE) {
            *next = star;
            return true;
        }
        return add_child(d, node, DRAIN_STAR, next, err);
    }
    if (star != DRAIN_NONE) {
        if (n < d->max_children)
            return add_child(d, node, token, next, err);
        *next = star;
        return true;
    }
    if (n + 1 < d->max_children)
        return add_child(d, node, token, next, err);
    /* n + 1 == max_children: a node without "<*>" never holds more */
    return add_child(d, node, DRAIN_STAR, next, err);
}

static bool add_to_tree(Drain *d, uint32_t cluster, Error *err)
{
    uint32_t n = d->cluster[cluster].n_tokens;
    uint32_t node = find_child(d, 0, n);
    if (node == DRAIN_NONE && !add_child(d, 0, n, &node, err))
        return false;
    for (uint32_t depth = 1; depth <= n; depth++) {
        if (depth >= (uint32_t)d->depth) {
            DrainNode *leaf = &d->node[node];
            if (leaf->last_cluster == DRAIN_NONE)
                leaf->first_cluster = cluster;
            else
                d->cluster[leaf->last_cluster].next_in_leaf = cluster;
            leaf->last_cluster = cluster;
            return drain_index_add(d, node, cluster, err);
        }
        if (!route_token(d, node, d->cluster[cluster].token[depth - 1], &node, err))
            return false;
    }
    return true; /* fewer tokens than the tree is deep: never at a leaf */
}

bool drain_create(Drain *d, const char *text, uint32_t n, bool loaded, uint32_t *cluster,
                  Error *err)
{
    if (d->n_clusters == UINT32_MAX - 1)
        return error_set(err, "too many clusters");
    if (d->n_clusters == d->cluster_cap) {
        uint32_t cap = d->cluster_cap ? d->cluster_cap * 2 : 256;
        DrainCluster *clusters = realloc(d->cluster, cap * sizeof *clusters);
        if (!clusters)
            return error_nomem(err);
        d->cluster = clusters;
        d->cluster_cap = cap;
    }
    DrainCluster *c = &d->cluster[d->n_clusters];
    memset(c, 0, sizeof *c);
    c->next_in_leaf = DRAIN_NONE;
    c->loaded = loaded;
    c->token = malloc((n ? n : 1) * sizeof *c->token);
    if (!c->token)
        return error_nomem(err);
    c->n_tokens = n;
    for (uint32_t i = 0; i < n; i++)
        if (!drain_intern(d, text + d->msg[i].offset, d->msg[i].len, &c->token[i], err)) {
            free(c->token);
            return false;
        }
    *cluster = d->n_clusters++;
    return add_to_tree(d, *cluster, err);
}

/* ---- mining ---- */

/* The cluster of a message too short to reach a leaf (n tokens of text): the one an equal
 * message made, or a new one. */
static bool short_message(Drain *d, const char *text, uint32_t n, uint32_t *cluster, Error *err)
{
    size_t need = 1;
    for (uint32_t i = 0; i < n; i++)
        need += d->msg[i].len + 1;
    if (need > d->key_cap) {
        char *key = realloc(d->key, need);
        if (!key)
            return error_nomem(err);
        d->key = key;
        d->key_cap = need;
    }
    size_t len = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            d->key[len++] = ' ';
        memcpy(d->key + len, text + d->msg[i].offset, d->msg[i].len);
        len += d->msg[i].len;
    }
    uint32_t before = d->short_text.count, k;
    if (!strpool_intern(&d->short_text, d->key, len, &k, err))
        return false;
    if (k < before) {
        *cluster = d->short_cluster[k];
        d->cluster[*cluster].occurrences++;
        return true;
    }
    if (k == d->short_cap) {
        uint32_t cap = d->short_cap ? d->short_cap * 2 : 256;
        uint32_t *more = realloc(d->short_cluster, cap * sizeof *more);
        if (!more)
            return error_nomem(err);
        d->short_cluster = more;
        d->short_cap = cap;
    }
    if (!drain_create(d, text, n, false, cluster, err))
        return false;
    d->short_cluster[k] = *cluster;
    d->cluster[*cluster].occurrences = 1;
    return true;
}

bool drain_add(Drain *d, const char *message, size_t len, uint32_t *cluster, Error *err)
{
    const char *text;
    size_t text_len;
    if (!drain_masks_apply(&d->masks, message, len, &text, &text_len, err))
        return false;
    if (text_len > UINT32_MAX)
        return error_set(err, "a message of %zu bytes is too long", text_len);
    int64_t n = drain_split(d, text, text_len, err);
    if (n < 0)
        return false;
    if (n < d->depth)
        return short_message(d, text, (uint32_t)n, cluster, err);
    for (int64_t i = 0; i < n; i++) {
        int64_t id = strpool_find(&d->tokens, text + d->msg[i].offset, d->msg[i].len);
        d->msg[i].id = id < 0 ? DRAIN_NONE : (uint32_t)id;
    }
    uint32_t leaf = search_leaf(d, d->msg, (uint32_t)n);
    uint32_t match = DRAIN_NONE;
    if (leaf != DRAIN_NONE && d->node[leaf].indexed) {
        if (!drain_index_best(d, leaf, d->msg, (uint32_t)n, &match, err))
            return false;
    } else if (leaf != DRAIN_NONE) {
        match = best_cluster(d, leaf, d->msg);
    }
    if (match == DRAIN_NONE) {
        if (!drain_create(d, text, (uint32_t)n, false, cluster, err))
            return false;
        d->cluster[*cluster].occurrences = 1;
        return true;
    }
    DrainCluster *c = &d->cluster[match];
    c->occurrences++;
    *cluster = match;
    if (c->loaded)
        return true; /* frozen */
    for (uint32_t i = 0; i < c->n_tokens; i++)
        if (c->token[i] != d->msg[i].id && c->token[i] != DRAIN_STAR) {
            c->token[i] = DRAIN_STAR;
            c->id_valid = c->text_valid = false;
        }
    return true;
}

/* ---- the clusters ---- */

uint32_t drain_clusters(const Drain *d) { return d->n_clusters; }

uint64_t drain_occurrences(const Drain *d, uint32_t cluster)
{
    return d->cluster[cluster].occurrences;
}

bool drain_loaded(const Drain *d, uint32_t cluster) { return d->cluster[cluster].loaded; }

uint64_t drain_mask_failures(const Drain *d, char *why, size_t size)
{
    if (size)
        snprintf(why, size, "mask %zu: %s", d->masks.first_failed_mask, d->masks.first_failure);
    return d->masks.failures;
}

/* The caches are filled through a const Drain: they are not part of its visible state. */
const char *drain_template(const Drain *d, uint32_t cluster)
{
    DrainCluster *c = &((Drain *)d)->cluster[cluster];
    if (c->text_valid)
        return c->text;
    size_t need = 1;
    for (uint32_t i = 0; i < c->n_tokens; i++)
        need += d->tokens.length[c->token[i]] + 1;
    if (need > c->text_cap) {
        char *text = realloc(c->text, need);
        if (!text)
            return "";
        c->text = text;
        c->text_cap = need;
    }
    size_t len = 0;
    for (uint32_t i = 0; i < c->n_tokens; i++) {
        if (i)
            c->text[len++] = ' ';
        memcpy(c->text + len, strpool_get(&d->tokens, c->token[i]), d->tokens.length[c->token[i]]);
        len += d->tokens.length[c->token[i]];
    }
    c->text[len] = '\0';
    c->text_len = len;
    c->text_valid = true;
    return c->text;
}

size_t drain_template_len(const Drain *d, uint32_t cluster)
{
    drain_template(d, cluster);
    return d->cluster[cluster].text_valid ? d->cluster[cluster].text_len : 0;
}

const char *drain_id(const Drain *d, uint32_t cluster)
{
    DrainCluster *c = &((Drain *)d)->cluster[cluster];
    if (!c->id_valid) {
        const char *text = drain_template(d, cluster);
        template_id(text, drain_template_len(d, cluster), c->id);
        c->id_valid = true;
    }
    return c->id;
}
