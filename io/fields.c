#include "fields.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fields_init(FieldStore *f)
{
    memset(f, 0, sizeof *f);
    strpool_init(&f->strings);
}

void fields_free(FieldStore *f)
{
    strpool_free(&f->strings);
    free(f->bytes);
    free(f->block_start);
    free(f->shape);
    memset(f, 0, sizeof *f);
}

static bool is_word(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/* The number starting at s[i], if it is one the shape can take out: a whole word (not part of
 * "u4" or "ffff8c"), printed as we print it back (no leading zeros, lower-case hex), and within
 * 64 bits. Returns its length in the text, or 0; *marker says which kind. */
static size_t number_at(const char *s, size_t i, size_t len, uint64_t *value, char *marker)
{
    if (i > 0 && is_word(s[i - 1]))
        return 0;
    size_t start = i, end = i;
    uint64_t v = 0;
    if (len - i > 2 && s[i] == '0' && s[i + 1] == 'x' && is_hex_digit(s[i + 2])) {
        start = end = i + 2;
        while (end < len && is_hex_digit(s[end]) && end - start < 16) {
            char c = s[end++];
            v = v << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        *marker = FIELD_HEX;
    } else {
        while (end < len && s[end] >= '0' && s[end] <= '9' && end - start < 19)
            v = v * 10 + (uint64_t)(s[end++] - '0');
        *marker = FIELD_DEC;
    }
    if (end == start || (end < len && is_word(s[end])) || (s[start] == '0' && end - start > 1))
        return 0;
    *value = v;
    return end - i;
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem, Error *err)
{
    if (need <= *cap)
        return true;
    size_t cap2 = *cap ? *cap : 256;
    while (cap2 < need)
        cap2 *= 2;
    void *grown = realloc(*p, cap2 * elem);
    if (!grown)
        return error_nomem(err);
    *p = grown;
    *cap = cap2;
    return true;
}

static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

static uint64_t get_varint(const uint8_t **p)
{
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
}

bool fields_append(FieldStore *f, const char *event, size_t event_len, const char *text,
                   size_t text_len, Error *err)
{
    /* the shape is at most twice the text (every byte escaped); each number takes at most 10
     * varint bytes and at least 1 text byte */
    /* the shape is at most twice the text (every byte escaped) */
    if (!grow((void **)&f->shape, &f->shape_cap, 2 * text_len + 1, 1, err))
        return false;
    uint8_t numbers[10 * FIELDS_MAX_NUMBERS];
    size_t shape_len = 0, numbers_len = 0, n_numbers = 0;
    for (size_t i = 0; i < text_len;) {
        uint64_t value;
        char marker;
        size_t n = number_at(text, i, text_len, &value, &marker);
        if (n > 0 && n_numbers < FIELDS_MAX_NUMBERS) {
            if (marker == FIELD_HEX && value >> 63) {
                marker = FIELD_HEX_HIGH;
                value = ~value;
            }
            f->shape[shape_len++] = marker;
            numbers_len += put_varint(numbers + numbers_len, value);
            n_numbers++;
            i += n;
            continue;
        }
        char c = text[i++];
        if (c == FIELD_DEC || c == FIELD_HEX || c == FIELD_ESC || c == FIELD_HEX_HIGH)
            f->shape[shape_len++] = FIELD_ESC;
        f->shape[shape_len++] = c;
    }
    uint32_t event_id, shape_id;
    if (!strpool_intern(&f->strings, event, event_len, &event_id, err) ||
        !strpool_intern(&f->strings, f->shape, shape_len, &shape_id, err) ||
        !grow((void **)&f->bytes, &f->cap, f->len + 10 + numbers_len, 1, err))
        return false;
    if (f->n_records % FIELDS_BLOCK == 0) {
        if (!grow((void **)&f->block_start, &f->blocks_cap, f->n_records / FIELDS_BLOCK + 1,
                  sizeof *f->block_start, err))
            return false;
        f->block_start[f->n_records / FIELDS_BLOCK] = f->len;
    }
    f->len += put_varint(f->bytes + f->len, event_id);
    f->len += put_varint(f->bytes + f->len, shape_id);
    memcpy(f->bytes + f->len, numbers, numbers_len);
    f->len += numbers_len;
    f->n_records++;
    return true;
}

/* The numbers shape id takes. */
static size_t shape_numbers(const FieldStore *f, uint32_t id)
{
    const char *s = strpool_get(&f->strings, id), *end = s + f->strings.length[id];
    size_t n = 0;
    for (; s < end; s++) {
        if (*s == FIELD_ESC && s + 1 < end)
            s++;
        else if (*s == FIELD_DEC || *s == FIELD_HEX || *s == FIELD_HEX_HIGH)
            n++;
    }
    return n;
}

static void put_text(char *text, size_t cap, size_t *o, const char *s, size_t n)
{
    if (*o < cap) {
        size_t room = cap - *o;
        memcpy(text + *o, s, n < room ? n : room);
    }
    *o += n;
}

size_t fields_get(const FieldStore *f, size_t i, const char **event, char *text, size_t cap)
{
    *event = "";
    if (cap)
        text[0] = '\0';
    if (i >= f->n_records)
        return 0;
    const uint8_t *p = f->bytes + f->block_start[i / FIELDS_BLOCK];
    for (size_t skip = i % FIELDS_BLOCK; skip > 0; skip--) {
        get_varint(&p);
        size_t n = shape_numbers(f, (uint32_t)get_varint(&p));
        while (n--)
            get_varint(&p);
    }
    *event = strpool_get(&f->strings, (uint32_t)get_varint(&p));
    uint32_t shape_id = (uint32_t)get_varint(&p);
    const char *s = strpool_get(&f->strings, shape_id), *end = s + f->strings.length[shape_id];
    size_t o = 0;
    char number[24];
    for (; s < end; s++) {
        if (*s == FIELD_ESC && s + 1 < end) {
            put_text(text, cap, &o, ++s, 1);
        } else if (*s == FIELD_DEC || *s == FIELD_HEX || *s == FIELD_HEX_HIGH) {
            uint64_t v = get_varint(&p);
            if (*s == FIELD_HEX_HIGH)
                v = ~v;
            int n = snprintf(number, sizeof number, *s == FIELD_DEC ? "%" PRIu64 : "0x%" PRIx64, v);
            put_text(text, cap, &o, number, (size_t)n);
        } else {
            put_text(text, cap, &o, s, 1);
        }
    }
    if (cap)
        text[o < cap ? o : cap - 1] = '\0';
    return o;
}

/* Each record's offset in bytes, in one pass (offset[n] is the end). */
static void record_offsets(const FieldStore *f, size_t *offset)
{
    const uint8_t *p = f->bytes;
    for (size_t i = 0; i < f->n_records; i++) {
        offset[i] = (size_t)(p - f->bytes);
        get_varint(&p);
        size_t n = shape_numbers(f, (uint32_t)get_varint(&p));
        while (n--)
            get_varint(&p);
    }
    offset[f->n_records] = (size_t)(p - f->bytes);
}

bool fields_permute(FieldStore *f, const size_t *dest, Error *err)
{
    size_t n = f->n_records;
    size_t *offset = malloc((n + 1) * sizeof *offset), *placed = malloc((n + 1) * sizeof *placed);
    uint8_t *bytes = malloc(f->len ? f->len : 1);
    uint64_t *block_start = malloc((n / FIELDS_BLOCK + 1) * sizeof *block_start);
    if (!offset || !placed || !bytes || !block_start) {
        free(offset), free(placed), free(bytes), free(block_start);
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    }
    record_offsets(f, offset);
    /* placed: each new place's record length, then (summed) its offset */
    for (size_t i = 0; i < n; i++)
        placed[dest[i] + 1] = offset[i + 1] - offset[i];
    placed[0] = 0;
    for (size_t j = 0; j < n; j++)
        placed[j + 1] += placed[j];
    for (size_t i = 0; i < n; i++)
        memcpy(bytes + placed[dest[i]], f->bytes + offset[i], offset[i + 1] - offset[i]);
    for (size_t j = 0; j < n; j += FIELDS_BLOCK)
        block_start[j / FIELDS_BLOCK] = placed[j];
    free(f->bytes);
    free(f->block_start);
    f->bytes = bytes;
    f->cap = f->len ? f->len : 1;
    f->block_start = block_start;
    f->blocks_cap = n / FIELDS_BLOCK + 1;
    free(offset);
    free(placed);
    return true;
}

size_t fields_bytes(const FieldStore *f)
{
    return f->cap + f->blocks_cap * sizeof *f->block_start + f->shape_cap +
           strpool_bytes(&f->strings);
}

void fields_shrink(FieldStore *f)
{
    if (f->len && f->len < f->cap) {
        uint8_t *shrunk = realloc(f->bytes, f->len);
        if (shrunk) {
            f->bytes = shrunk;
            f->cap = f->len;
        }
    }
    free(f->shape);
    f->shape = NULL;
    f->shape_cap = 0;
}
