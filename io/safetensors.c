#include "safetensors.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "safe_file.h"
#include "text.h"

static uint64_t read_le64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

/* Reads fd to its end into a block grown as it fills: a pipe's size is not known ahead. */
static bool read_stream(const char *path, int fd, unsigned char **data, size_t *size, Error *err)
{
    size_t cap = 1 << 16, got = 0;
    *data = malloc(cap);
    for (;;) {
        if (!*data)
            return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
        ssize_t n = read(fd, *data + got, cap - got);
        if (n < 0) {
            free(*data);
            return error_set(err, "%s: read error: %s", path, strerror(errno));
        }
        if (n == 0)
            break;
        got += (size_t)n;
        if (got == cap) {
            unsigned char *grown = cap <= SIZE_MAX / 2 ? realloc(*data, cap * 2) : NULL;
            if (!grown)
                free(*data);
            *data = grown, cap *= 2;
        }
    }
    *size = got;
    return true;
}

static bool read_all(const char *path, unsigned char **data, size_t *size, Error *err)
{
    int fd;
    uint64_t file_size;
    if (!text_open_fd(path, &fd, &file_size, err))
        return false;
    if (file_size == 0) { /* not a regular file, or empty: read what comes */
        bool ok = read_stream(path, fd, data, size, err);
        close(fd);
        return ok;
    }
    *data = malloc(file_size);
    if (!*data) {
        close(fd);
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory (%llu bytes)", path, (unsigned long long)file_size);
    }
    size_t got = 0;
    while (got < file_size) {
        ssize_t n = read(fd, *data + got, file_size - got);
        if (n <= 0) {
            int saved = errno;
            close(fd);
            free(*data);
            return error_set(err, "%s: read error: %s", path, n < 0 ? strerror(saved) : "short read");
        }
        got += (size_t)n;
    }
    close(fd);
    *size = file_size;
    return true;
}

/* Where a tensor's bytes lie in the data buffer, kept to check that the tensors tile it. */
typedef struct Span {
    size_t begin, end;
    const char *name;
} Span;

static void format_shape(char *buf, size_t size, int ndim, const int64_t *shape);

/* The dtypes by their names in the header, and their element sizes. */
static const struct {
    StDtype dtype;
    const char *name;
    size_t size;
} dtypes_known[] = {{ST_F32, "F32", 4}, {ST_I32, "I32", 4}, {ST_I64, "I64", 8}};

static size_t dtype_size(StDtype dtype)
{
    for (size_t i = 0; i < sizeof dtypes_known / sizeof dtypes_known[0]; i++)
        if (dtypes_known[i].dtype == (dtype ? dtype : ST_F32))
            return dtypes_known[i].size;
    return 4;
}

static const char *dtype_name(StDtype dtype)
{
    for (size_t i = 0; i < sizeof dtypes_known / sizeof dtypes_known[0]; i++)
        if (dtypes_known[i].dtype == (dtype ? dtype : ST_F32))
            return dtypes_known[i].name;
    return "F32";
}

/* The dtype named, when the mask accepts it; else 0. */
static StDtype dtype_accepted(const char *name, unsigned accepted)
{
    for (size_t i = 0; i < sizeof dtypes_known / sizeof dtypes_known[0]; i++)
        if (strcmp(dtypes_known[i].name, name) == 0 && (accepted & dtypes_known[i].dtype))
            return dtypes_known[i].dtype;
    return 0;
}

/* The element count and byte size of a shape, every product checked: a crafted shape whose
 * product wraps size_t would otherwise pass the size check and be read far out of bounds. */
static bool read_shape(StTensor *t, size_t *bytes, const char *path, const char *name,
                       const JsonValue *shape, Error *err)
{
    if (shape->length > ST_MAX_DIMS)
        return error_set(err, "%s: tensor %s: %zu dimensions, at most %d", path, name, shape->length, ST_MAX_DIMS);
    t->ndim = (int)shape->length;
    for (size_t d = 0; d < shape->length; d++) {
        double dim = shape->items[d].number;
        if (shape->items[d].type != JSON_NUMBER || dim < 0 || dim > 1e9 || dim != floor(dim))
            return error_set(err, "%s: tensor %s: bad shape", path, name);
        t->shape[d] = (int64_t)dim;
    }
    size_t numel = 1;
    bool overflow = false;
    for (int d = 0; d < t->ndim; d++)
        overflow |= __builtin_mul_overflow(numel, (size_t)t->shape[d], &numel);
    overflow |= __builtin_mul_overflow(numel, dtype_size(t->dtype), bytes);
    if (overflow) {
        char text[96];
        format_shape(text, sizeof text, t->ndim, t->shape);
        return error_set(err, "%s: tensor %s: shape %s holds more bytes than memory can address",
                         path, name, text);
    }
    t->numel = numel;
    return true;
}

static bool read_offsets(Span *span, const char *path, const char *name, const JsonValue *offsets,
                         size_t data_size, Error *err)
{
    const JsonValue *b = &offsets->items[0], *e = &offsets->items[1];
    if (b->type != JSON_NUMBER || e->type != JSON_NUMBER || b->number < 0 || e->number < 0 ||
        b->number != floor(b->number) || e->number != floor(e->number))
        return error_set(err, "%s: tensor %s: data_offsets are not two byte offsets", path, name);
    if (e->number < b->number)
        return error_set(err, "%s: tensor %s: data_offsets [%.0f, %.0f] end before they begin",
                         path, name, b->number, e->number);
    if (e->number > (double)data_size)
        return error_set(err, "%s: tensor %s: data_offsets [%.0f, %.0f] outside the %zu data bytes "
                         "(truncated file?)", path, name, b->number, e->number, data_size);
    *span = (Span){(size_t)b->number, (size_t)e->number, name};
    return true;
}

/* A tensor's header entry: its dtype, shape and byte range, checked before any byte is read. */
static bool describe_tensor(StTensor *t, Span *span, const char *path, const char *name,
                            const JsonValue *info, size_t data_size, unsigned dtypes, Error *err)
{
    const JsonValue *dtype = json_get(info, "dtype"), *shape = json_get(info, "shape"),
                    *offsets = json_get(info, "data_offsets");
    if (!dtype || dtype->type != JSON_STRING || !shape || shape->type != JSON_ARRAY || !offsets ||
        offsets->type != JSON_ARRAY || offsets->length != 2)
        return error_set(err, "%s: tensor %s: header entry needs dtype, shape and data_offsets", path, name);
    t->dtype = dtype_accepted(dtype->string, dtypes);
    if (!t->dtype) {
        char accepted[32] = "";
        for (size_t i = 0; i < sizeof dtypes_known / sizeof dtypes_known[0]; i++)
            if (dtypes & dtypes_known[i].dtype)
                snprintf(accepted + strlen(accepted), sizeof accepted - strlen(accepted), "%s%s",
                         accepted[0] ? " or " : "", dtypes_known[i].name);
        return error_set(err, "%s: tensor %s: dtype %s, expected %s", path, name, dtype->string, accepted);
    }
    size_t bytes = 0;
    if (!read_shape(t, &bytes, path, name, shape, err) ||
        !read_offsets(span, path, name, offsets, data_size, err))
        return false;
    if (span->end - span->begin != bytes)
        return error_set(err, "%s: tensor %s: shape holds %zu %s but data_offsets span %zu bytes", path, name,
                         t->numel, t->dtype == ST_F32 ? "floats" : dtype_name(t->dtype), span->end - span->begin);
    t->name = strdup(name);
    return t->name || error_set_code(err, ERROR_NOMEM, "%s: tensor %s: out of memory", path, name);
}

/* Copies a described tensor's bytes (its span is within the buffer) and refuses NaN and Inf. */
static bool fill_tensor(StTensor *t, const Span *span, const char *path, const unsigned char *data,
                        Error *err)
{
    size_t bytes = span->end - span->begin;
    t->data = malloc(bytes ? bytes : 1);
    if (!t->data)
        return error_set_code(err, ERROR_NOMEM, "%s: tensor %s: out of memory (%zu bytes)", path,
                              t->name, bytes);
    memcpy(t->data, data + span->begin, bytes); /* little-endian host */
    for (size_t i = 0; t->dtype == ST_F32 && i < t->numel; i++)
        if (!isfinite(t->data[i]))
            return error_set(err, "%s: tensor %s: element %zu is %s", path, t->name, i,
                             isnan(t->data[i]) ? "NaN" : "infinite");
    return true;
}

static int span_order(const void *a, const void *b)
{
    const Span *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

static bool check_sorted_tiling(const Span *spans, size_t n, const char *path, size_t data_size,
                                Error *err)
{
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (spans[i].begin < next)
            return error_set(err, "%s: tensor %s: data_offsets [%zu, %zu] overlap tensor %s's bytes",
                             path, spans[i].name, spans[i].begin, spans[i].end, spans[i - 1].name);
        if (spans[i].begin > next)
            return error_set(err, "%s: tensor %s: data_offsets [%zu, %zu] leave bytes [%zu, %zu) "
                             "to no tensor", path, spans[i].name, spans[i].begin, spans[i].end,
                             next, spans[i].begin);
        next = spans[i].end;
    }
    if (next != data_size)
        return error_set(err, "%s: %zu data bytes after the last tensor%s%s", path, data_size - next,
                         n ? " " : "", n ? spans[n - 1].name : "");
    return true;
}

/* The format requires the tensors to tile the data buffer: no overlap (two tensors sharing
 * bytes), no gap (bytes no tensor owns) and nothing after the last one, as the reference
 * implementation checks. The header may list them in any order, so a sorted copy is checked. */
static bool check_tiling(const Span *spans, size_t n, const char *path, size_t data_size, Error *err)
{
    Span *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    memcpy(sorted, spans, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, span_order);
    bool ok = check_sorted_tiling(sorted, n, path, data_size, err);
    free(sorted);
    return ok;
}

static int name_order(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A tensor listed twice would be found by whichever comes first: refused instead. Sorted, so a
 * header of a million entries costs n log n, not n squared. */
static bool check_unique_names(const Span *spans, size_t n, const char *path, Error *err)
{
    const char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    for (size_t i = 0; i < n; i++)
        sorted[i] = spans[i].name;
    qsort(sorted, n, sizeof *sorted, name_order);
    bool ok = true;
    for (size_t i = 1; ok && i < n; i++)
        if (strcmp(sorted[i - 1], sorted[i]) == 0)
            ok = error_set(err, "%s: tensor %s appears twice in the header", path, sorted[i]);
    free(sorted);
    return ok;
}

static bool load_metadata(SafeTensors *st, const char *path, const JsonValue *meta, Error *err)
{
    if (st->meta_keys) /* JSON allows a repeated key; which one counts would be a guess */
        return error_set(err, "%s: __metadata__ appears twice in the header", path);
    if (meta->type != JSON_OBJECT)
        return error_set(err, "%s: __metadata__ is not an object", path);
    st->meta_keys = calloc(meta->length + 1, sizeof *st->meta_keys);
    st->meta_values = calloc(meta->length + 1, sizeof *st->meta_values);
    if (!st->meta_keys || !st->meta_values)
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    for (size_t i = 0; i < meta->length; i++) {
        if (meta->items[i].type != JSON_STRING)
            return error_set(err, "%s: __metadata__ %s is not a string", path, meta->keys[i]);
        st->meta_keys[i] = strdup(meta->keys[i]);
        st->meta_values[i] = strdup(meta->items[i].string);
        st->n_meta++;
        if (!st->meta_keys[i] || !st->meta_values[i])
            return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    }
    return true;
}

static bool parse_header(SafeTensors *st, const char *path, const unsigned char *file,
                         size_t file_size, unsigned dtypes, Error *err)
{
    if (file_size < 8)
        return error_set(err, "%s: %zu bytes: too short for a safetensors file", path, file_size);
    uint64_t header_len = read_le64(file);
    if (header_len > ST_MAX_HEADER || header_len > file_size - 8)
        return error_set(err, "%s: header length %llu exceeds the file (%zu bytes): truncated or "
                         "not a safetensors file", path, (unsigned long long)header_len, file_size);
    JsonDoc doc;
    if (!json_parse(&doc, (const char *)file + 8, header_len, path, err))
        return false;
    bool ok = doc.root->type == JSON_OBJECT || error_set(err, "%s: header is not a JSON object", path);
    const unsigned char *data = file + 8 + header_len;
    size_t data_size = file_size - 8 - header_len;
    size_t n_entries = ok ? doc.root->length : 0;
    st->tensors = calloc(n_entries + 1, sizeof *st->tensors);
    Span *spans = calloc(n_entries + 1, sizeof *spans);
    ok = ok && ((st->tensors && spans) || error_set_code(err, ERROR_NOMEM, "%s: out of memory", path));
    for (size_t i = 0; ok && i < n_entries; i++) {
        const char *name = doc.root->keys[i];
        if (strcmp(name, "__metadata__") == 0)
            ok = load_metadata(st, path, &doc.root->items[i], err);
        else { /* counted first, so that safetensors_free frees what a failed load allocated */
            size_t t = st->n_tensors++;
            ok = describe_tensor(&st->tensors[t], &spans[t], path, name, &doc.root->items[i],
                                 data_size, dtypes, err);
        }
    }
    /* Tiling is checked before any copy, so overlapping tensors cannot multiply the memory. */
    ok = ok && check_unique_names(spans, st->n_tensors, path, err) &&
         check_tiling(spans, st->n_tensors, path, data_size, err);
    for (size_t t = 0; ok && t < st->n_tensors; t++)
        ok = fill_tensor(&st->tensors[t], &spans[t], path, data, err);
    free(spans);
    json_free(&doc);
    return ok;
}

bool safetensors_load(SafeTensors *st, const char *path, Error *err)
{
    return safetensors_load_dtypes(st, path, ST_F32, err);
}

bool safetensors_load_dtypes(SafeTensors *st, const char *path, unsigned dtypes, Error *err)
{
    memset(st, 0, sizeof *st);
    unsigned char *file;
    size_t size = 0;
    if (!read_all(path, &file, &size, err))
        return false;
    bool ok = parse_header(st, path, file, size, dtypes, err);
    free(file);
    if (!ok)
        safetensors_free(st);
    return ok;
}

void safetensors_free(SafeTensors *st)
{
    for (size_t i = 0; i < st->n_tensors; i++) {
        free(st->tensors[i].name);
        free(st->tensors[i].data);
    }
    for (size_t i = 0; i < st->n_meta; i++) {
        free(st->meta_keys[i]);
        free(st->meta_values[i]);
    }
    free(st->tensors);
    free(st->meta_keys);
    free(st->meta_values);
    memset(st, 0, sizeof *st);
}

const StTensor *safetensors_find(const SafeTensors *st, const char *name)
{
    for (size_t i = 0; i < st->n_tensors; i++)
        if (strcmp(st->tensors[i].name, name) == 0)
            return &st->tensors[i];
    return NULL;
}

static void format_shape(char *buf, size_t size, int ndim, const int64_t *shape)
{
    size_t o = (size_t)snprintf(buf, size, "[");
    for (int d = 0; d < ndim && o < size; d++)
        o += (size_t)snprintf(buf + o, size - o, "%s%lld", d ? ", " : "", (long long)shape[d]);
    if (o < size)
        snprintf(buf + o, size - o, "]");
}

const StTensor *safetensors_expect(const SafeTensors *st, const char *path, const char *name,
                                   int ndim, const int64_t *shape, Error *err)
{
    const StTensor *t = safetensors_find(st, name);
    if (!t) {
        error_set(err, "%s: no tensor %s", path, name);
        return NULL;
    }
    bool same = t->ndim == ndim;
    for (int d = 0; same && d < ndim; d++)
        same = t->shape[d] == shape[d];
    if (!same) {
        char want[64], got[64];
        format_shape(want, sizeof want, ndim, shape);
        format_shape(got, sizeof got, t->ndim, t->shape);
        error_set(err, "%s: tensor %s has shape %s, expected %s", path, name, got, want);
        return NULL;
    }
    return t;
}

const char *safetensors_meta(const SafeTensors *st, const char *key)
{
    for (size_t i = 0; i < st->n_meta; i++)
        if (strcmp(st->meta_keys[i], key) == 0)
            return st->meta_values[i];
    return NULL;
}

static void write_header(FILE *out, const StTensor *tensors, size_t n_tensors,
                         const char *const *meta_keys, const char *const *meta_values, size_t n_meta)
{
    fputc('{', out);
    if (n_meta) {
        fputs("\"__metadata__\":{", out);
        for (size_t i = 0; i < n_meta; i++) {
            fputs(i ? "," : "", out);
            json_write_string(out, meta_keys[i]);
            fputc(':', out);
            json_write_string(out, meta_values[i]);
        }
        fputc('}', out);
    }
    size_t offset = 0;
    for (size_t i = 0; i < n_tensors; i++) {
        const StTensor *t = &tensors[i];
        fputs(i || n_meta ? "," : "", out);
        json_write_string(out, t->name);
        fprintf(out, ":{\"dtype\":\"%s\",\"shape\":[", dtype_name(t->dtype));
        for (int d = 0; d < t->ndim; d++)
            fprintf(out, "%s%lld", d ? "," : "", (long long)t->shape[d]);
        size_t bytes = t->numel * dtype_size(t->dtype);
        fprintf(out, "],\"data_offsets\":[%zu,%zu]}", offset, offset + bytes);
        offset += bytes;
    }
    fputc('}', out);
}

bool safetensors_save(const char *path, const StTensor *tensors, size_t n_tensors,
                      const char *const *meta_keys, const char *const *meta_values, size_t n_meta,
                      Error *err)
{
    char *header = NULL;
    size_t header_len = 0;
    FILE *mem = open_memstream(&header, &header_len);
    if (!mem)
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    write_header(mem, tensors, n_tensors, meta_keys, meta_values, n_meta);
    while ((ftell(mem) & 7) != 0) /* the data starts 8-byte aligned, as the format advises */
        fputc(' ', mem);
    fclose(mem);
    SafeFile sf;
    if (!safe_file_open(&sf, path, err)) {
        free(header);
        return false;
    }
    unsigned char len_bytes[8];
    for (int i = 0; i < 8; i++)
        len_bytes[i] = (unsigned char)((uint64_t)header_len >> (8 * i));
    fwrite(len_bytes, 1, 8, sf.fp);
    fwrite(header, 1, header_len, sf.fp);
    free(header);
    for (size_t i = 0; i < n_tensors; i++)
        fwrite(tensors[i].data, dtype_size(tensors[i].dtype), tensors[i].numel, sf.fp);
    return safe_file_commit(&sf, err);
}
