/* The miner's state and helpers shared by its files: drain.c (the tree and the clusters),
 * drain_text.c (masks, and text split and classified as Python's str does it) and
 * drain_templates.c (templates files). Private to them; the miner's entry is drain.h. */
#ifndef TRACEAID_DRAIN_INTERNAL_H
#define TRACEAID_DRAIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drain.h"
#include "error.h"
#include "strpool.h"

#define DRAIN_NONE UINT32_MAX   /* no node, no cluster, a token no template holds */
#define DRAIN_STAR 0u           /* the token id of "<*>", interned first */
#define DRAIN_LOADED_ID_MAX 32  /* the longest EventId a templates file may give */

/* A token of the message being mined: where it is in the masked text and its id, DRAIN_NONE
 * when no template or tree node has ever held it (so it equals none of theirs). */
typedef struct DrainToken {
    uint32_t offset, len;
    uint32_t id;
} DrainToken;

typedef struct DrainCluster {
    uint32_t *token;            /* the template's token ids */
    uint32_t n_tokens;
    uint32_t next_in_leaf;      /* the leaf's next cluster in order of creation */
    uint64_t occurrences;
    bool loaded;                /* from a templates file: frozen */
    bool id_valid, text_valid;  /* caches of id and text, cleared when the template changes */
    char id[DRAIN_LOADED_ID_MAX + 1];   /* a loaded EventId may be any short name */
    uint32_t stamp;             /* of the last search that compared it (drain_index.c) */
    char *text;                 /* the template joined by spaces, when text_valid */
    size_t text_len, text_cap;  /* its length: a token may hold a NUL byte */
} DrainCluster;

typedef struct DrainNode {
    uint32_t n_children;        /* as len(childD) counts them, "<*>" included */
    uint32_t first_cluster, last_cluster;   /* a leaf's clusters, DRAIN_NONE when none */
    uint32_t n_clusters;        /* a leaf's */
    bool indexed;               /* a leaf with DRAIN_INDEX_MIN clusters: in the index */
} DrainNode;

/* A leaf with this many clusters gets an index: (leaf, position, token) -> the clusters whose
 * template had that token there when indexed. */
#define DRAIN_INDEX_MIN 32

typedef struct DrainPosting {
    uint32_t leaf, position, token;
    uint32_t n, cap;
    uint32_t *cluster;          /* in order of creation */
} DrainPosting;

typedef struct DrainMasks {
    size_t n;
    void *code[DRAIN_MAX_MASKS];    /* pcre2_code */
    void *match;                    /* pcre2_match_data, shared */
    void *context;                  /* pcre2_match_context with the JIT stack, or NULL */
    void *jit_stack;                /* pcre2_jit_stack: 32 KB growing to 8 MB, shared */
    uint64_t failures;              /* matches that failed (a stack limit): left unmasked */
    size_t first_failed_mask;       /* from 1, of the first failure */
    char first_failure[128];        /* PCRE2's words for it */
    char *buf[2];                   /* the text between masks, ping-pong */
    size_t cap[2];
} DrainMasks;

struct Drain {
    int depth;                  /* loghub's self.depth: depth - 2 */
    double similarity;
    uint32_t max_children;
    DrainMasks masks;
    StrPool tokens;             /* every token a template or a tree key ever held */
    uint8_t *has_digit;         /* per token id */
    size_t has_digit_cap;
    DrainNode *node;            /* 0 is the root */
    uint32_t n_nodes, node_cap;
    /* the children of every node: (parent, key) -> child, open addressing; the root's keys
     * are token counts, the others' token ids */
    uint64_t *child_key;        /* parent << 32 | key, + 1; 0 marks an empty slot */
    uint32_t *child_node;
    uint32_t child_slots, child_count;
    DrainCluster *cluster;
    uint32_t n_clusters, cluster_cap;
    DrainToken *msg;            /* the message being mined */
    uint32_t msg_cap;
    /* Messages shorter than the tree is deep never reach a leaf, so nothing ever matches or
     * changes their clusters: one cluster per distinct such message serves all its lines
     * (Drain.py makes one per line, with the same template and id). Keyed by the template. */
    StrPool short_text;
    uint32_t *short_cluster;    /* per short_text id */
    uint32_t short_cap;
    char *key;                  /* the template being looked up */
    size_t key_cap;
    /* the leaves' index (drain_index.c) */
    DrainPosting *posting;
    uint32_t n_postings, posting_cap;
    uint32_t *posting_slot;     /* open addressing: posting number + 1, 0 when empty */
    uint32_t posting_slots;
    DrainPosting **lists;       /* a search's postings, one per token of the message */
    uint32_t lists_cap;
    uint32_t stamp;
};

/* Notes a new cluster at a leaf, indexing the leaf once it has DRAIN_INDEX_MIN clusters. */
bool drain_index_add(struct Drain *d, uint32_t leaf, uint32_t cluster, Error *err);
/* fastMatch over an indexed leaf, the same answer as comparing every cluster: the best cluster
 * that reaches the similarity, or DRAIN_NONE. */
bool drain_index_best(struct Drain *d, uint32_t leaf, const DrainToken *msg, uint32_t n,
                      uint32_t *best, Error *err);
void drain_index_free(struct Drain *d);
/* Drain.py's seqDist: the share of the template's tokens equal to the message's, and how many
 * of the template's are "<*>". */
double drain_similarity(const DrainCluster *c, const DrainToken *msg, uint32_t *n_params);

/* Masks: compiled once (JIT when available), applied in order, each replacing every match
 * with "<*>" as Python's re.sub does. */
bool drain_masks_compile(DrainMasks *m, const char *const *patterns, Error *err);
void drain_masks_free(DrainMasks *m);
/* The masked text (owned by m, valid until the next call) and its length. */
bool drain_masks_apply(DrainMasks *m, const char *text, size_t len, const char **out,
                       size_t *out_len, Error *err);

/* Python's str.isspace for the character at s[i] (UTF-8): its byte length, or 0 when it is
 * not white space. */
size_t drain_space_len(const char *s, size_t i, size_t len);
/* Python's any(c.isdigit() for c in s). */
bool drain_has_digit(const char *s, size_t len);

/* Splits text at white space as Python's str.split() does, into d->msg (ids not set);
 * returns the count, or -1 when memory runs out. */
int64_t drain_split(struct Drain *d, const char *text, size_t len, Error *err);
/* Interns a token, noting whether it holds a digit. */
bool drain_intern(struct Drain *d, const char *s, size_t len, uint32_t *id, Error *err);
/* Adds a cluster with the template of tokens d->msg[0..n) of text, interning them, and puts
 * it in the tree; *cluster gets its number. */
bool drain_create(struct Drain *d, const char *text, uint32_t n, bool loaded,
                  uint32_t *cluster, Error *err);

#endif
