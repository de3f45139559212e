/* Taking one traceprinter event line apart (see qnx_event.h and docs/TRACE_FORMATS.md). The
 * format's facts come from traceprinter's printf strings, summarised in the docs. */
#include "qnx_event.h"

#include <string.h>

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex_value(char c)
{
    return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

static bool is_class_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool starts(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    return len >= n && memcmp(s, word, n) == 0;
}

static bool fail(size_t *bad_col, const char **expected, size_t i, const char *what)
{
    *bad_col = i + 1;
    *expected = what;
    return false;
}

/* "t:0x%08x CPU:%02d " (traceprinter pads with zeros; hand-made files do not, so 1 to 8 hex
 * digits and 1 to 4 decimal ones are taken). Returns the offset after it, 0 on failure. */
static size_t parse_time_cpu(const char *s, size_t len, QnxHead *h, size_t *bad_col,
                             const char **expected)
{
    if (!starts(s, len, "t:0x"))
        return fail(bad_col, expected, 0, "an event line 't:0x<time> CPU:<n> CLASS:EVENT ...'"), 0;
    size_t i = 4, start = 4;
    uint32_t t = 0;
    for (; i < len && is_hex(s[i]); i++) {
        if (i - start == 8)
            return fail(bad_col, expected, i, "at most 8 hex digits of time (32 bits)"), 0;
        t = t << 4 | hex_value(s[i]);
    }
    if (i == start || i == len || s[i] != ' ')
        return fail(bad_col, expected, i, "hex digits of time, then ' CPU:'"), 0;
    while (i < len && s[i] == ' ')
        i++;
    if (!starts(s + i, len - i, "CPU:"))
        return fail(bad_col, expected, i, "'CPU:' and the cpu number"), 0;
    i += 4;
    start = i;
    unsigned cpu = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (i - start == 4)
            return fail(bad_col, expected, i, "a cpu number of at most 4 digits"), 0;
        cpu = cpu * 10 + (unsigned)(s[i] - '0');
    }
    if (i == start || i == len || s[i] != ' ')
        return fail(bad_col, expected, i, "a decimal cpu number, then a space and CLASS:EVENT"), 0;
    h->t = t;
    h->cpu = (uint16_t)cpu;
    return i + 1;
}

static bool set_name(QnxHead *h, const char *cls, size_t cls_len, const char *ev, size_t ev_len)
{
    if (cls_len + 1 + ev_len >= QNX_MAX_NAME)
        return false;
    memcpy(h->name, cls, cls_len);
    h->name[cls_len] = '/';
    memcpy(h->name + cls_len + 1, ev, ev_len);
    h->name_len = cls_len + 1 + ev_len;
    h->name[h->name_len] = '\0';
    return true;
}

/* The key as kev.csv has it: the interrupt lines' classes (INT_ENTR:0x0000001b ...) are events
 * of class INT; a kernel call's number (MSG_SENDV/11) is left out; every USREVENT is
 * USREVENT/USREVENT (its number is the field EVENT). */
static bool name_event(QnxHead *h, const char *s, size_t len, size_t cls, size_t cls_len,
                       size_t ev, size_t *bad_col, const char **expected)
{
    const char *c = s + cls;
    size_t ev_end = ev;
    while (ev_end < len && s[ev_end] != ' ')
        ev_end++;
    if (ev_end == ev)
        return fail(bad_col, expected, ev, "an event name after CLASS:");
    bool ok;
    if (cls_len >= 4 && starts(c, cls_len, "INT_") && !starts(c, cls_len, "INT_CALL")) {
        ok = set_name(h, "INT", 3, c, cls_len);
        h->args = ev;
    } else if (cls_len == 8 && starts(c, cls_len, "USREVENT")) {
        ok = set_name(h, "USREVENT", 8, "USREVENT", 8);
        h->args = ev;
    } else {
        size_t name_end = ev;
        while (name_end < ev_end && s[name_end] != '/')
            name_end++;
        ok = set_name(h, c, cls_len, s + ev, name_end - ev);
        h->args = ev_end;
    }
    if (!ok)
        return fail(bad_col, expected, ev, "a CLASS:EVENT name of fewer than 96 characters");
    while (h->args < len && s[h->args] == ' ')
        h->args++;
    return true;
}

bool qnx_parse_head(const char *s, size_t len, QnxHead *h, size_t *bad_col, const char **expected)
{
    size_t cls = parse_time_cpu(s, len, h, bad_col, expected);
    if (cls == 0)
        return false;
    size_t i = cls;
    while (i < len && is_class_char(s[i]))
        i++;
    size_t cls_len = i - cls;
    while (i < len && s[i] == ' ') /* classes are padded to 8: "THREAD  :" */
        i++;
    if (cls_len == 0 || i == len || s[i] != ':')
        return fail(bad_col, expected, i, "CLASS:EVENT (a class name and a colon)");
    i++;
    while (i < len && s[i] == ' ') /* "CONTROL: BUFFER" */
        i++;
    return name_event(h, s, len, cls, cls_len, i, bad_col, expected);
}

static bool is_label_char(char c)
{
    return is_class_char(c) || c == '(' || c == ')' || c == '[' || c == ']' || c == '.';
}

/* Length of the label at s[i] followed by ':', or 0. A label starts with a letter or '_'. */
static size_t label_at(const char *s, size_t i, size_t len)
{
    if (i >= len || !((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
        return 0;
    size_t j = i;
    while (j < len && is_label_char(s[j]))
        j++;
    return j < len && s[j] == ':' ? j - i : 0;
}

/* Labels whose value is the rest of the line: traceprinter prints a name or path last, as is. */
static bool runs_to_end(const char *label, size_t n)
{
    static const char *const last[] = {"name", "path", "message", "SIGEVENT"};
    for (size_t k = 0; k < sizeof last / sizeof last[0]; k++)
        if (strlen(last[k]) == n && memcmp(last[k], label, n) == 0)
            return true;
    return false;
}

static void trim_value(TraceField *f)
{
    while (f->value_len && (f->value[f->value_len - 1] == ' ' || f->value[f->value_len - 1] == ','))
        f->value_len--;
}

/* "label:value label:value ...": a value runs to the space before the next label, past a
 * quoted string ("ab c:d" (0x...)) whole. */
static size_t split_labels(const char *s, size_t len, TraceField *out, size_t n, size_t cap)
{
    for (size_t i = 0; i < len && n < cap;) {
        size_t label = (i == 0 || s[i - 1] == ' ') ? label_at(s, i, len) : 0;
        if (label == 0) {
            i++;
            continue;
        }
        TraceField *f = &out[n++];
        *f = (TraceField){.name = s + i, .name_len = label, .value = s + i + label + 1};
        size_t j = i + label + 1;
        if (runs_to_end(f->name, label))
            j = len;
        if (j < len && s[j] == '"') {
            const char *close = memchr(s + j + 1, '"', len - j - 1);
            j = close ? (size_t)(close - s) + 1 : len;
        }
        while (j < len && !(s[j] == ' ' && label_at(s, j + 1, len)))
            j++;
        f->value_len = (size_t)(s + j - f->value);
        trim_value(f);
        i = j;
    }
    return n;
}

/* CONTROL: BUFFER "sequence = 33, num_events = 714" */
static size_t split_equals(const char *s, size_t len, TraceField *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < cap;) {
        const char *eq = memchr(s + i, '=', len - i);
        if (!eq)
            break;
        size_t name_end = (size_t)(eq - s);
        while (name_end > i && s[name_end - 1] == ' ')
            name_end--;
        size_t v = (size_t)(eq - s) + 1;
        while (v < len && s[v] == ' ')
            v++;
        const char *comma = memchr(s + v, ',', len - v);
        size_t end = comma ? (size_t)(comma - s) : len;
        out[n] = (TraceField){s + i, s + v, name_end - i, end - v};
        trim_value(&out[n++]);
        i = end + 1;
        while (i < len && s[i] == ' ')
            i++;
    }
    return n;
}

size_t qnx_split_args(const char *name, size_t name_len, const char *s, size_t len,
                      TraceField *out, size_t cap)
{
    if (cap == 0)
        return 0;
    if (name_len == 14 && memcmp(name, "CONTROL/BUFFER", 14) == 0)
        return split_equals(s, len, out, cap);
    size_t n = 0, i = 0;
    if (name_len > 4 && memcmp(name, "INT/", 4) == 0) { /* "0x0000001b (27) ...": the vector */
        while (i < len && s[i] != ' ')
            i++;
        out[n++] = (TraceField){"vector", s, 6, i};
    }
    return split_labels(s + i, len - i, out, n, cap);
}

size_t qnx_run_on(const char *name, size_t name_len, const char *s, size_t len)
{
    if (name_len < 9 || memcmp(name, "KER_EXIT/", 9) != 0)
        return 0;
    for (size_t i = 0; i + 6 <= len; i++) {
        if (memcmp(s + i, "errno:", 6) != 0)
            continue;
        size_t j = i + 6;
        if (j < len && s[j] == '-')
            j++;
        while (j < len && s[j] >= '0' && s[j] <= '9')
            j++;
        return starts(s + j, len - j, "t:0x") ? j : 0;
    }
    return 0;
}
