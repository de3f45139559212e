/* Drain, the template miner of He et al. (ICWS 2017), as loghub's logparser implements it: each
 * message (a log line's Content) has the masks replaced by "<*>", is split at whitespace and
 * routed down a tree of fixed depth (its token count, then its first depth-3 tokens, a token
 * with a digit going to "<*>"); at the leaf the most similar cluster (the share of the
 * template's tokens that are not "<*>" and equal the message's, ties to the one with more "<*>")
 * takes it when that share reaches the similarity threshold, and its template becomes "<*>"
 * where they differ; otherwise the message starts a cluster. Streaming (one message at a time,
 * memory by clusters, not lines) and deterministic: the same messages in the same order give the
 * same clusters.
 *
 * A template's id is the first 8 hex digits of its MD5, as loghub's Drain names EventIds, so
 * clusters that end with the same template share an id, and the same template has the same id in
 * every log. Templates saved from one log and loaded before mining the next are frozen: a message
 * they match takes their id and never changes them; what they do not match starts new clusters. */
#ifndef TRACEAID_DRAIN_H
#define TRACEAID_DRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cancel.h"
#include "error.h"

#define DRAIN_DEFAULT_DEPTH 4
#define DRAIN_MAX_DEPTH 100 /* as --depth takes it (core/args.h) */
#define DRAIN_DEFAULT_SIMILARITY 0.5
#define DRAIN_DEFAULT_MAX_CHILDREN 100
#define DRAIN_MAX_MASKS 16
#define DRAIN_ID_LEN 8 /* hex digits of a template's id */

typedef struct DrainOptions {
    int depth;                  /* loghub's depth: the tree routes by the first depth - 3 tokens */
    double similarity;          /* st: the share of equal tokens a cluster needs (0..1] */
    int max_children;           /* of an internal node; the rest go to "<*>" */
    const char *masks[DRAIN_MAX_MASKS]; /* PCRE2 patterns replaced by "<*>" in order; NULL ends */
} DrainOptions;

typedef struct Drain Drain;

void drain_options_default(DrainOptions *o);
/* A bad option or mask is ERROR_USAGE naming it (a mask's error names the offset in it). */
bool drain_new(Drain **d, const DrainOptions *o, Error *err);
void drain_free(Drain *d);

/* Mines one message; *cluster gets its cluster's number (0, 1, ... in order of creation; a
 * cluster keeps its number while its template changes). */
bool drain_add(Drain *d, const char *message, size_t len, uint32_t *cluster, Error *err);
uint32_t drain_clusters(const Drain *d);
/* A cluster's template now: tokens joined by one space. Valid until the next drain_add. */
const char *drain_template(const Drain *d, uint32_t cluster);
/* Its length: a message's NUL bytes stay in its tokens, so strlen may stop short. */
size_t drain_template_len(const Drain *d, uint32_t cluster);
/* Messages the cluster took (in this run; a loaded template starts at 0). */
uint64_t drain_occurrences(const Drain *d, uint32_t cluster);
/* The id of a cluster: a loaded template's EventId as its file gave it, else the MD5 id of its
 * template now. Valid until the next drain_add. */
const char *drain_id(const Drain *d, uint32_t cluster);
/* Did the cluster come from a templates file? */
bool drain_loaded(const Drain *d, uint32_t cluster);

/* Masks a message was left without: PCRE2 gave up on it (its JIT stack, which grows to 8 MB,
 * ran out), so that mask left the message as it was and mining went on. How many times, and
 * the first's mask and reason into why (size bytes). */
uint64_t drain_mask_failures(const Drain *d, char *why, size_t size);

/* Loads a templates file, loghub's *_templates.csv: a header naming EventId and EventTemplate
 * (Occurrences and other columns ignored), a row per template. Errors name file:line. A file
 * whose first line names neither, or past 256 MB, is refused before it is read whole; reading
 * stops when *cancel (may be NULL) is set. */
bool drain_load_templates(Drain *d, const char *path, const CancelFlag *cancel, Error *err);
/* Writes every id's template once (clusters ending with one template merged, their
 * occurrences summed): EventId,EventTemplate,Occurrences, in order of first cluster. Written
 * through a temporary file renamed into place. */
bool drain_save_templates(const Drain *d, const char *path, Error *err);
/* The same into out, for a caller that commits the file itself. */
bool drain_write_templates(const Drain *d, FILE *out, Error *err);

/* The first 8 hex digits of the MD5 of text[0..len), NUL-terminated into id. */
void template_id(const char *text, size_t len, char id[DRAIN_ID_LEN + 1]);

#endif
