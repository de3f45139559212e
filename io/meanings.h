/* What each key means, in a phrase: from a meanings file (KEY<TAB>meaning a line, # comments;
 * or loghub's *_templates.csv, told by its header) or from the EventTemplate column of a
 * loghub-style structured log. The templates traces gave are remembered with where they came
 * from, so that a key given two templates (an EventId two logs use for different things, or two
 * templates whose ids collide) is said once, naming both. */
#ifndef TRACEAID_MEANINGS_H
#define TRACEAID_MEANINGS_H

#include "strpool.h"
#include "warnings.h"

/* A longer line is refused, naming it, rather than read on without end. */
#define MEANINGS_MAX_LINE (1 << 20)
/* Keys given two templates that are each told; two logs keyed by EventId share many. */
#define MEANINGS_LISTED 5

/* A key's template as a trace first gave it. */
typedef struct TemplateNote {
    uint32_t text;          /* into Meanings.texts */
    uint32_t file;          /* into Meanings.files */
    size_t line;
    bool warned;            /* a second template was said once already */
} TemplateNote;

/* Told of each template a trace gives once it is noted, with the warnings noting it added: the
 * cache beside a trace (io/trace_cache.c) keeps them, to give them again when read from it. */
typedef void MeaningsNoteHook(void *ctx, const char *key, const char *text, size_t text_len,
                              const char *path, size_t line, bool by_template, size_t n_warned);

typedef struct Meanings {
    StrPool keys;           /* key names, ids in order of first appearance */
    StrPool texts;          /* the phrases */
    uint32_t *text_id;      /* key id -> phrase id */
    uint32_t cap;
    StrPool noted;          /* keys a trace gave a template, ids into notes */
    TemplateNote *notes;
    uint32_t notes_cap;
    StrPool files;          /* the files those templates came from */
    Warnings warnings;      /* keys given two templates, for the command to tell ... */
    size_t listed, unlisted;        /* ... the first MEANINGS_LISTED of them; the rest counted here */
    TemplateNote *given;    /* per key id: the templates file (and line) its meaning came from;
                             * file 0 when none (an id into files, plus one) */
    uint32_t given_cap;
    size_t file_listed, file_unlisted;  /* keys whose log template differs from the file's */
    MeaningsNoteHook *on_note;  /* NULL but while a trace is loaded to be cached */
    void *on_note_ctx;
} Meanings;

void meanings_init(Meanings *m);
void meanings_free(Meanings *m);
/* Reads a meanings file; a key already known gets the file's phrase. A read error, a line over
 * MEANINGS_MAX_LINE bytes or running out of memory (ERROR_NOMEM) is an error naming the line. */
bool meanings_load(Meanings *m, const char *path, Error *err);
bool meanings_set(Meanings *m, const char *key, size_t key_len, const char *text, size_t text_len,
                  Error *err);
/* A meaning that is a template, from a templates file (path's line): a trace that gives the key
 * another template is warned of (meanings_note_template). */
bool meanings_set_template(Meanings *m, const char *key, size_t key_len, const char *text,
                           size_t text_len, const char *path, size_t line, Error *err);
/* A trace's template for key (EventTemplate of path's line): the key's meaning unless it has
 * one; a key that had another template before gets a warning (once) naming both and where each
 * came from; so does a key whose meaning a templates file gave as another template. by_template: the key is the template's id, so two templates are an id collision;
 * else the key is an EventId two templates share. */
bool meanings_note_template(Meanings *m, const char *key, const char *text, size_t text_len,
                            const char *path, size_t line, bool by_template, Error *err);
/* The phrase for key, or NULL when none is known. */
const char *meanings_get(const Meanings *m, const char *key);
/* Does this first line name EventId and EventTemplate, as loghub's templates files begin? */
bool meanings_templates_header(const char *line, size_t len);
static inline uint32_t meanings_count(const Meanings *m) { return m->keys.count; }

#endif
