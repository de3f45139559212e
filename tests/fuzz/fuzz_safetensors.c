/* The safetensors reader, both models' loaders behind it, and the training windows reader
 * (integer tensors) against a small DeepLog model of keys 1..6 and window 3.
 *
 * Byte-level mutation rarely gets past the header length and the JSON, so a custom mutator
 * works on the structure: it splits an input into header and data, changes one thing a crafted
 * file would (a shape or offset number to a boundary value, one number copied onto another so
 * ranges overlap or repeat, a dtype, an added tensor, a metadata value, the data's length or a
 * float in it), then writes the header length back so the file stays well formed around the
 * change. Inputs it cannot split, and one mutation in eight, go to libFuzzer's own mutator;
 * tests/fuzz/safetensors.dict gives that one the format's words. */
#include <stdint.h>
#include <string.h>

#include "../../io/safetensors.h"
#include "../../model/model.h"
#include "../../model/training_windows.h"
#include "fuzz_input.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    SafeTensors st;
    Error err = {0};
    if (safetensors_load(&st, path, &err))
        safetensors_free(&st);
    Model m;
    ModelLoadDefaults defaults = {.window = 3, .top_g = 2};
    if (model_load(&m, path, &defaults, &err))
        model_free(&m);
    static Model windows_model; /* the model a windows file is checked against, made once */
    static const char *const keys[] = {"1", "2", "3", "4", "5", "6"};
    ModelHyper hp = {.hidden = 8, .layers = 1, .window = 3, .top_g = 2};
    if (!windows_model.kind) {
        model_kind_find("deeplog")->defaults(&hp);
        if (!model_create(&windows_model, model_kind_find("deeplog"), &hp, keys, 6, 1, &err))
            return 0;
    }
    WindowSet ws;
    TrainingWindowsInfo info;
    if (training_windows_load(&windows_model, path, &ws, &info, &err))
        window_set_free(&ws);
    return 0;
}

#define SCRATCH (1u << 17)
#define MAX_NUMBERS 512

static unsigned char header[SCRATCH], payload[SCRATCH];
static size_t header_len, payload_len;
static uint32_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return n ? (rng_state >> 8) % n : 0;
}

/* Values at the edges: where products and sums wrap 32 and 64 bits, and the 1e9 dimension cap. */
static const char *const boundary[] = {
    "0", "1", "2", "3", "4", "7", "8", "16", "-1", "255", "256", "65535", "65536", "999999999",
    "1000000000", "1000000001", "536870912", "1073741824", "2147483647", "2147483648",
    "4294967295", "4294967296", "4611686018427387904", "9223372036854775807",
    "9223372036854775808", "18446744073709551615", "18446744073709551616", "1e9", "1e300",
    "0.5", "1.0", "-0", "00",
};
static const char *const dtypes[] = {"F32", "F16", "BF16", "F64", "I64", "I32", "U8", "BOOL", "", "f32"};
static const char *const names[] = {
    "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "fc.weight", "fc.bias",
    "encoder.embedding.weight", "decoder.fc.weight", "attention.V.weight", "w", "__metadata__",
};
static const char *const meta_keys[] = {
    "model", "window", "top_g", "vocab", "tx", "ty", "stride", "segment", "k", "threshold",
};
static const char *const meta_values[] = {
    "deeplog", "seq2seq", "0", "1", "-1", "3", "100000", "2147483648", "1e9", "NaN", "inf", "",
    "[]", "[\\\"a\\\"]", "[\\\"a\\\",\\\"a\\\"]", "[1]", "{}", "0.5",
};
#define COUNT(a) (sizeof(a) / sizeof *(a))

/* Replaces old_len bytes at `at` in the header with text; false when it would not fit. */
static bool splice(size_t at, size_t old_len, const char *text, size_t text_len)
{
    if (header_len - old_len + text_len > SCRATCH)
        return false;
    memmove(header + at + text_len, header + at + old_len, header_len - at - old_len);
    memcpy(header + at, text, text_len);
    header_len = header_len - old_len + text_len;
    return true;
}

static bool in_number(unsigned char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* Where each number token outside strings starts and how long it is. */
static size_t find_numbers(size_t *start, size_t *len)
{
    size_t n = 0;
    bool in_string = false;
    for (size_t i = 0; i < header_len && n < MAX_NUMBERS; i++) {
        unsigned char c = header[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if ((c >= '0' && c <= '9') || c == '-') {
            size_t j = i;
            while (j < header_len && in_number(header[j]))
                j++;
            start[n] = i;
            len[n++] = j - i;
            i = j - 1;
        }
    }
    return n;
}

static bool mutate_number(void)
{
    static size_t start[MAX_NUMBERS], len[MAX_NUMBERS];
    size_t n = find_numbers(start, len);
    if (n == 0)
        return false;
    size_t k = rnd((uint32_t)n);
    char text[32];
    switch (rnd(4)) {
    case 0: /* another number's value: equal offsets, overlaps, a shape matching a range */
    {
        size_t o = rnd((uint32_t)n), l = len[o] < sizeof text ? len[o] : sizeof text - 1;
        memcpy(text, header + start[o], l);
        text[l] = '\0';
        break;
    }
    case 1: /* the data's length and its neighbours: an end just inside or just past */
        snprintf(text, sizeof text, "%zu", payload_len + rnd(9) - 4);
        break;
    default:
        snprintf(text, sizeof text, "%s", boundary[rnd(COUNT(boundary))]);
    }
    return splice(start[k], len[k], text, strlen(text));
}

static unsigned char *find_bytes(unsigned char *from, size_t len, const char *text, size_t text_len)
{
    for (size_t i = 0; i + text_len <= len; i++)
        if (memcmp(from + i, text, text_len) == 0)
            return from + i;
    return NULL;
}

/* The string value after the next occurrence of "key": (from a random place), replaced. */
static bool replace_value_of(const char *key, const char *value)
{
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    size_t qlen = strlen(quoted), from = rnd((uint32_t)header_len);
    unsigned char *hit = find_bytes(header + from, header_len - from, quoted, qlen);
    if (!hit)
        hit = find_bytes(header, header_len, quoted, qlen);
    if (!hit)
        return false;
    size_t i = (size_t)(hit - header) + qlen;
    while (i < header_len && (header[i] == ' ' || header[i] == ':'))
        i++;
    if (i >= header_len || header[i] != '"')
        return false;
    size_t j = i + 1;
    while (j < header_len && header[j] != '"')
        j += header[j] == '\\' ? 2 : 1;
    if (j >= header_len)
        return false;
    return splice(i + 1, j - i - 1, value, strlen(value));
}

static bool add_tensor(void)
{
    size_t end = header_len;
    while (end > 0 && header[end - 1] != '}')
        end--;
    if (end == 0)
        return false;
    size_t before = end - 1;
    while (before > 0 && (header[before - 1] == ' ' || header[before - 1] == '\n'))
        before--;
    bool empty = before > 0 && header[before - 1] == '{';
    char entry[512];
    int n = snprintf(entry, sizeof entry,
                     "%s\"%s\":{\"dtype\":\"F32\",\"shape\":[%s,%s],\"data_offsets\":[%s,%zu]}",
                     empty ? "" : ",", names[rnd(COUNT(names))], boundary[rnd(COUNT(boundary))],
                     boundary[rnd(COUNT(boundary))], rnd(2) ? "0" : boundary[rnd(COUNT(boundary))],
                     payload_len);
    return splice(end - 1, 0, entry, (size_t)n);
}

static bool add_metadata(void)
{
    if (header_len == 0 || header[0] != '{')
        return false;
    char entry[256];
    int n = snprintf(entry, sizeof entry, "\"__metadata__\":{\"%s\":\"%s\"}%s",
                     meta_keys[rnd(COUNT(meta_keys))], meta_values[rnd(COUNT(meta_values))],
                     header_len > 2 ? "," : "");
    return splice(1, 0, entry, (size_t)n);
}

static bool mutate_payload(size_t room)
{
    static const uint32_t specials[] = {0x7fc00000u, 0x7f800000u, 0xff800000u, 0x00000001u, 0};
    switch (rnd(3)) {
    case 0: /* truncated */
        if (payload_len == 0)
            return false;
        payload_len = rnd((uint32_t)payload_len);
        return true;
    case 1: /* grown by a few floats */
    {
        size_t extra = 4 * (1 + rnd(4));
        if (payload_len + extra > room || payload_len + extra > SCRATCH)
            return false;
        memset(payload + payload_len, 0, extra);
        payload_len += extra;
        return true;
    }
    default: /* a NaN, an infinity or a denormal where a float was */
        if (payload_len < 4)
            return false;
        uint32_t v = specials[rnd(COUNT(specials))];
        memcpy(payload + 4 * rnd((uint32_t)(payload_len / 4)), &v, 4);
        return true;
    }
}

static bool mutate_structure(size_t max_size)
{
    switch (rnd(8)) {
    case 0: case 1: case 2: return mutate_number();
    case 3: return replace_value_of("dtype", dtypes[rnd(COUNT(dtypes))]);
    case 4: return add_tensor();
    case 5:
        return replace_value_of(meta_keys[rnd(COUNT(meta_keys))], meta_values[rnd(COUNT(meta_values))]) ||
               add_metadata();
    case 6: return mutate_payload(max_size > 8 + header_len ? max_size - 8 - header_len : 0);
    default:
        header_len = LLVMFuzzerMutate(header, header_len, header_len + 64 < SCRATCH ? header_len + 64 : SCRATCH);
        return true;
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    rng_state = seed;
    uint64_t declared = 0;
    for (int i = 7; size >= 8 && i >= 0; i--)
        declared = (declared << 8) | data[i];
    if (size < 8 || declared > size - 8 || declared > SCRATCH || size - 8 - declared > SCRATCH ||
        rnd(8) == 0)
        return LLVMFuzzerMutate(data, size, max_size);
    header_len = (size_t)declared;
    payload_len = size - 8 - header_len;
    memcpy(header, data + 8, header_len);
    memcpy(payload, data + 8 + header_len, payload_len);
    if (!mutate_structure(max_size))
        return LLVMFuzzerMutate(data, size, max_size);
    if (8 + header_len > max_size)
        return LLVMFuzzerMutate(data, size, max_size);
    if (8 + header_len + payload_len > max_size)
        payload_len = max_size - 8 - header_len;
    uint64_t written = header_len;
    if (rnd(16) == 0) /* now and then a header length that is off by one, or far off */
        written = rnd(2) ? written + 1 - 2 * rnd(2) : UINT64_MAX - rnd(16);
    for (int i = 0; i < 8; i++)
        data[i] = (uint8_t)(written >> (8 * i));
    memcpy(data + 8, header, header_len);
    memcpy(data + 8 + header_len, payload, payload_len);
    return 8 + header_len + payload_len;
}
