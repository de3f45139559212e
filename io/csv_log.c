/* A structured log's rows (loghub's CSV): each keyed by its template's id, the template noted as
 * the key's meaning (a key given two templates is warned of), the message kept for the explorer.
 * Part of the CSV reader (io/csv_reader.h). */
#include "csv_reader.h"

#include <stdlib.h>
#include <string.h>

#include "drain.h"
#include "text.h"

/* A structured log's key by template: its id, the first 8 hex digits of its MD5 (io/drain.h). */
/* A line without a template is keyed by its EventId, or NO_TEMPLATE_KEY without one either;
 * counted, and said once when the log is read (csv_warn). */
static bool intern_untemplated_key(CsvReader *r, uint32_t *key_id)
{
    if (r->no_template++ == 0)
        r->no_template_line = r->record_line;
    const char *id = r->scratch + r->event_id.offset;
    size_t len = r->event_id.len;
    if (len == 0 || text_invalid_utf8(id, len) < len) {
        id = NO_TEMPLATE_KEY;
        len = strlen(NO_TEMPLATE_KEY);
    }
    return vocab_intern(r->vocab, id, len, key_id, r->err);
}

bool csv_intern_template_key(CsvReader *r, uint32_t *key_id)
{
    if (r->template.len == 0)
        return intern_untemplated_key(r, key_id);
    const char *text = r->scratch + r->template.offset;
    int64_t known = strpool_find(&r->templates, text, r->template.len);
    r->template_known = known >= 0;
    if (known >= 0) {
        *key_id = r->template_key[known];
        return true;
    }
    if (text_invalid_utf8(text, r->template.len) < r->template.len)
        return csv_fail(r, "invalid UTF-8 in the EventTemplate");
    char id[DRAIN_ID_LEN + 1];
    template_id(text, r->template.len, id);
    uint32_t t;
    if (!vocab_intern(r->vocab, id, DRAIN_ID_LEN, key_id, r->err) ||
        !strpool_intern(&r->templates, text, r->template.len, &t, r->err))
        return false;
    if (t >= r->template_key_cap) {
        size_t cap = r->template_key_cap ? r->template_key_cap * 2 : 256;
        uint32_t *grown = realloc(r->template_key, cap * sizeof *grown);
        if (!grown)
            return csv_fail_code(r, ERROR_NOMEM, "out of memory");
        r->template_key = grown;
        r->template_key_cap = cap;
    }
    r->template_key[t] = *key_id;
    return true;
}

/* Keyed by EventId: has this key had this template just before? (Then it has said all it had
 * to; the template is pooled so that each line costs a lookup, not a comparison in meanings.) */
static bool template_repeated(CsvReader *r, uint32_t key_id, bool *repeated)
{
    uint32_t t;
    *repeated = false;
    if (!strpool_intern(&r->templates, r->scratch + r->template.offset, r->template.len, &t, r->err))
        return false;
    if (key_id >= r->key_template_cap) {
        size_t cap = r->key_template_cap ? r->key_template_cap * 2 : 256;
        while (cap <= key_id)
            cap *= 2;
        uint32_t *grown = realloc(r->key_template, cap * sizeof *grown);
        if (!grown)
            return csv_fail_code(r, ERROR_NOMEM, "out of memory");
        memset(grown + r->key_template_cap, 0, (cap - r->key_template_cap) * sizeof *grown);
        r->key_template = grown;
        r->key_template_cap = cap;
    }
    *repeated = r->key_template[key_id] == t + 1;
    r->key_template[key_id] = t + 1;
    return true;
}

/* The template is the key's meaning; one key given two templates is warned of (meanings.h). */
bool csv_record_meaning(CsvReader *r, uint32_t key_id)
{
    bool repeated = false;
    if (r->meanings && !r->key_by_template && r->template.len > 0 &&
        !template_repeated(r, key_id, &repeated))
        return false;
    if (repeated)
        return true;
    const char *key = vocab_name(r->vocab, key_id);
    if (!r->meanings || r->template.len == 0 || r->template_known)
        return true; /* a template met before has said what it had to */
    const char *text = r->scratch + r->template.offset;
    if (text_invalid_utf8(text, r->template.len) < r->template.len)
        return csv_fail(r, "invalid UTF-8 in the EventTemplate of %s", key);
    if (meanings_note_template(r->meanings, key, text, r->template.len, r->path, r->record_line,
                               r->key_by_template, r->err))
        return true;
    r->failed = true;
    return false;
}

/* text for display: as it is when it is UTF-8, else copied to out with each invalid byte
 * replaced (a message is shown, never a reason to refuse the log); out holds 3 * len bytes. */
static const char *displayable(const char *text, size_t *len, char *out)
{
    if (text_invalid_utf8(text, *len) == *len)
        return text;
    *len = text_repair_utf8(text, *len, out);
    return out;
}

/* A structured log's message, for the explorer (opt->keep_messages): Content under the Level
 * (or Component). */
bool csv_record_content(CsvReader *r)
{
    if (r->content_col < 0 || !r->opt->keep_messages)
        return true;
    size_t text_len = r->content.len, name_len = r->event_name.len;
    size_t room = 3 * (text_len + name_len);
    if (room > r->repaired_cap) {
        char *grown = realloc(r->repaired, room);
        if (!grown)
            return csv_fail_code(r, ERROR_NOMEM, "out of memory");
        r->repaired = grown;
        r->repaired_cap = room;
    }
    const char *text = displayable(r->scratch + r->content.offset, &text_len, r->repaired);
    const char *name = displayable(r->scratch + r->event_name.offset, &name_len,
                                   r->repaired + 3 * r->content.len);
    return fields_append(&r->t->fields, name, name_len, text, text_len, r->err);
}

