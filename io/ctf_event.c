/* One CTF event message as a TraceEvent. The fields are the event's specific context then its
 * payload, flattened into "name=value" text separated by spaces:
 *   - a structure's members are named with its name before them: "a.b=1";
 *   - an array is "name=[1, 2, 3]", its first CTF_MAX_ELEMENTS elements then "... N items";
 *     a structure inside an array is "{x: 1, y: 2}";
 *   - a string is written as is, or in double quotes with \" \\ \n \t \xNN escapes when it is
 *     empty or holds a space, a quote, a backslash or a control character;
 *   - an enumeration is its label (labels joined by '|' when several match), else its integer;
 *   - an integer whose preferred base is 16 is written 0x..., others in decimal; booleans 0/1;
 *   - an empty structure (padding) is left out, a variant is its selected option, an absent
 *     option is left out.
 * The common context gives the ids: tid (else vtid), pid (else vpid), procname; the packet
 * context gives the cpu (cpu_id). */
#include "ctf_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(CtfConverter *c, const char *s, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 256;
        while (c->len + n + 1 > cap)
            cap *= 2;
        char *grown = realloc(c->text, cap);
        if (!grown) {
            c->out_of_memory = true;
            return;
        }
        c->text = grown;
        c->cap = cap;
    }
    memcpy(c->text + c->len, s, n);
    c->len += n;
    c->text[c->len] = '\0';
}

static void puts_(CtfConverter *c, const char *s) { put(c, s, strlen(s)); }

static void putf(CtfConverter *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(CtfConverter *c, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(c, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static bool needs_quotes(const char *s, size_t len)
{
    if (len == 0)
        return true;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch <= ' ' || ch == '"' || ch == '\\' || ch == 0x7f)
            return true;
    }
    return false;
}

static void put_string(CtfConverter *c, const char *s, size_t len)
{
    if (!needs_quotes(s, len)) {
        put(c, s, len);
        return;
    }
    put(c, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            char esc[2] = {'\\', (char)ch};
            put(c, esc, 2);
        } else if (ch == '\n') {
            put(c, "\\n", 2);
        } else if (ch == '\t') {
            put(c, "\\t", 2);
        } else if (ch < ' ' || ch == 0x7f) {
            putf(c, "\\x%02x", ch);
        } else {
            put(c, s + i, 1);
        }
    }
    put(c, "\"", 1);
}

static bool is_hex(const bt_field *f)
{
    return bt_field_class_integer_get_preferred_display_base(bt_field_borrow_class_const(f)) ==
           BT_FIELD_CLASS_INTEGER_PREFERRED_DISPLAY_BASE_HEXADECIMAL;
}

static void put_enum(CtfConverter *c, const bt_field *f, bool is_signed)
{
    bt_field_class_enumeration_mapping_label_array labels = NULL;
    uint64_t n = 0;
    bt_field_enumeration_get_mapping_labels_status st =
        is_signed ? bt_field_enumeration_signed_get_mapping_labels(f, &labels, &n)
                  : bt_field_enumeration_unsigned_get_mapping_labels(f, &labels, &n);
    if (st != BT_FIELD_ENUMERATION_GET_MAPPING_LABELS_STATUS_OK || n == 0) {
        if (is_signed)
            putf(c, "%" PRId64, bt_field_integer_signed_get_value(f));
        else
            putf(c, "%" PRIu64, bt_field_integer_unsigned_get_value(f));
        return;
    }
    /* several labels: joined by '|' and quoted as one when any holds a space */
    size_t start = c->len;
    for (uint64_t i = 0; i < n; i++) {
        if (i)
            put(c, "|", 1);
        puts_(c, labels[i]);
    }
    if (!c->out_of_memory && needs_quotes(c->text + start, c->len - start)) {
        size_t len = c->len - start;
        char *copy = malloc(len + 1);
        if (!copy) {
            c->out_of_memory = true;
            return;
        }
        memcpy(copy, c->text + start, len);
        c->len = start;
        put_string(c, copy, len);
        free(copy);
    }
}

static void put_compound(CtfConverter *c, const bt_field *f);

/* In hexadecimal a negative value is written as its two's complement in the field's width,
 * as babeltrace2 does. */
static void put_signed(CtfConverter *c, const bt_field *f)
{
    int64_t v = bt_field_integer_signed_get_value(f);
    if (!is_hex(f)) {
        putf(c, "%" PRId64, v);
        return;
    }
    uint64_t bits = bt_field_class_integer_get_field_value_range(bt_field_borrow_class_const(f));
    uint64_t mask = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    putf(c, "0x%" PRIx64, (uint64_t)v & mask);
}

/* A value that stands alone: scalars, arrays, and structures inside arrays. */
static void put_value(CtfConverter *c, const bt_field *f)
{
    bt_field_class_type type = bt_field_get_class_type(f);
    if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_SIGNED_ENUMERATION))
        put_enum(c, f, true);
    else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_UNSIGNED_ENUMERATION))
        put_enum(c, f, false);
    else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
        put_signed(c, f);
    else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
        putf(c, is_hex(f) ? "0x%" PRIx64 : "%" PRIu64, bt_field_integer_unsigned_get_value(f));
    else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_BOOL))
        putf(c, "%d", bt_field_bool_get_value(f) ? 1 : 0);
    else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_BIT_ARRAY))
        putf(c, "0x%" PRIx64, bt_field_bit_array_get_value_as_integer(f));
    else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_REAL))
        putf(c, "%.17g", bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_DOUBLE_PRECISION_REAL)
                             ? bt_field_real_double_precision_get_value(f)
                             : (double)bt_field_real_single_precision_get_value(f));
    else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_STRING))
        put_string(c, bt_field_string_get_value(f), (size_t)bt_field_string_get_length(f));
    else
        put_compound(c, f);
}

static void put_compound(CtfConverter *c, const bt_field *f)
{
    bt_field_class_type type = bt_field_get_class_type(f);
    if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_ARRAY)) {
        uint64_t n = bt_field_array_get_length(f);
        put(c, "[", 1);
        for (uint64_t i = 0; i < n && i < CTF_MAX_ELEMENTS; i++) {
            if (i)
                put(c, ", ", 2);
            put_value(c, bt_field_array_borrow_element_field_by_index_const(f, i));
        }
        if (n > CTF_MAX_ELEMENTS)
            putf(c, ", ... %" PRIu64 " items", n);
        put(c, "]", 1);
    } else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_STRUCTURE)) {
        const bt_field_class *cls = bt_field_borrow_class_const(f);
        uint64_t n = bt_field_class_structure_get_member_count(cls);
        put(c, "{", 1);
        for (uint64_t i = 0; i < n; i++) {
            const bt_field_class_structure_member *m =
                bt_field_class_structure_borrow_member_by_index_const(cls, i);
            if (i)
                put(c, ", ", 2);
            puts_(c, bt_field_class_structure_member_get_name(m));
            put(c, ": ", 2);
            put_value(c, bt_field_structure_borrow_member_field_by_index_const(f, i));
        }
        put(c, "}", 1);
    } else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_VARIANT)) {
        put_value(c, bt_field_variant_borrow_selected_option_field_const(f));
    } else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_OPTION)) {
        const bt_field *inner = bt_field_option_borrow_field_const(f);
        if (inner)
            put_value(c, inner);
    } else {
        put(c, "?", 1);
    }
}

static void add_member(CtfConverter *c, const char *name, const bt_field *f);

/* A structure's members as name=value pairs, named "prefix.member". */
static void add_members(CtfConverter *c, const bt_field *f)
{
    const bt_field_class *cls = bt_field_borrow_class_const(f);
    uint64_t n = bt_field_class_structure_get_member_count(cls);
    for (uint64_t i = 0; i < n; i++) {
        const bt_field_class_structure_member *m =
            bt_field_class_structure_borrow_member_by_index_const(cls, i);
        add_member(c, bt_field_class_structure_member_get_name(m),
                   bt_field_structure_borrow_member_field_by_index_const(f, i));
    }
}

static void add_member(CtfConverter *c, const char *name, const bt_field *f)
{
    bt_field_class_type type = bt_field_get_class_type(f);
    if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_VARIANT)) {
        add_member(c, name, bt_field_variant_borrow_selected_option_field_const(f));
        return;
    }
    if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_OPTION)) {
        const bt_field *inner = bt_field_option_borrow_field_const(f);
        if (inner)
            add_member(c, name, inner);
        return;
    }
    if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_STRUCTURE)) {
        size_t saved = c->prefix_len;
        int n = snprintf(c->prefix + saved, sizeof c->prefix - saved, "%s.", name);
        if (n > 0 && (size_t)n < sizeof c->prefix - saved) {
            c->prefix_len += (size_t)n;
            add_members(c, f);
        }
        c->prefix_len = saved;
        c->prefix[saved] = '\0';
        return;
    }
    if (c->n_fields == CTF_MAX_FIELDS)
        return; /* more fields than that: the rest are left out */
    CtfField *out = &c->field[c->n_fields++];
    if (c->len)
        put(c, " ", 1);
    out->name_off = c->len;
    put(c, c->prefix, c->prefix_len);
    puts_(c, name);
    out->name_len = c->len - out->name_off;
    put(c, "=", 1);
    out->value_off = c->len;
    put_value(c, f);
    out->value_len = c->len - out->value_off;
}

/* The first of the structure's members named so that is an integer. */
static bool find_int(const bt_field *scope, const char *name, int64_t *value)
{
    if (!scope || !bt_field_class_type_is(bt_field_get_class_type(scope), BT_FIELD_CLASS_TYPE_STRUCTURE))
        return false;
    const bt_field *f = bt_field_structure_borrow_member_field_by_name_const(scope, name);
    if (!f)
        return false;
    bt_field_class_type type = bt_field_get_class_type(f);
    if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
        *value = bt_field_integer_signed_get_value(f);
    else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
        *value = (int64_t)bt_field_integer_unsigned_get_value(f);
    else
        return false;
    return true;
}

static int32_t find_id(const bt_field *scope, const char *name, const char *virtual_name)
{
    int64_t v;
    if ((find_int(scope, name, &v) || find_int(scope, virtual_name, &v)) && v >= 0 && v <= INT32_MAX)
        return (int32_t)v;
    return TRACE_NO_ID;
}

static void find_ids(CtfConverter *c, const bt_event *event, TraceEvent *ev)
{
    const bt_field *common = bt_event_borrow_common_context_field_const(event);
    ev->tid = find_id(common, "tid", "vtid");
    ev->pid = find_id(common, "pid", "vpid");
    ev->comm = "";
    ev->comm_len = 0;
    if (common && bt_field_class_type_is(bt_field_get_class_type(common), BT_FIELD_CLASS_TYPE_STRUCTURE)) {
        const bt_field *name = bt_field_structure_borrow_member_field_by_name_const(common, "procname");
        if (name && bt_field_class_type_is(bt_field_get_class_type(name), BT_FIELD_CLASS_TYPE_STRING)) {
            size_t len = (size_t)bt_field_string_get_length(name);
            if (len >= sizeof c->comm)
                len = sizeof c->comm - 1;
            memcpy(c->comm, bt_field_string_get_value(name), len);
            c->comm[len] = '\0';
            ev->comm = c->comm;
            ev->comm_len = len;
        }
    }
    ev->cpu = TRACE_NO_CPU;
    const bt_packet *packet = bt_event_borrow_packet_const(event);
    int64_t cpu;
    if (packet && find_int(bt_packet_borrow_context_field_const(packet), "cpu_id", &cpu) &&
        cpu >= 0 && cpu < TRACE_NO_CPU)
        ev->cpu = (uint16_t)cpu;
}

static void add_scope(CtfConverter *c, const bt_field *scope)
{
    if (scope && bt_field_class_type_is(bt_field_get_class_type(scope), BT_FIELD_CLASS_TYPE_STRUCTURE))
        add_members(c, scope);
}

bool ctf_convert_event(CtfConverter *c, const bt_message *msg, TraceEvent *ev, bool *has_time,
                       Error *err)
{
    const bt_event *event = bt_message_event_borrow_event_const(msg);
    *has_time = false;
    ev->time = 0;
    if (bt_message_event_borrow_stream_class_default_clock_class_const(msg)) {
        const bt_clock_snapshot *snap = bt_message_event_borrow_default_clock_snapshot_const(msg);
        int64_t ns;
        if (bt_clock_snapshot_get_ns_from_origin(snap, &ns) != BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
            return error_set(err, "an event's timestamp does not fit in 64-bit nanoseconds");
        ev->time = ns;
        *has_time = true;
    }
    const char *name = bt_event_class_get_name(bt_event_borrow_class_const(event));
    ev->name = name ? name : "";
    ev->name_len = strlen(ev->name);
    find_ids(c, event, ev);
    c->len = 0;
    c->n_fields = 0;
    c->prefix_len = 0;
    c->prefix[0] = '\0';
    if (c->text)
        c->text[0] = '\0';
    add_scope(c, bt_event_borrow_specific_context_field_const(event));
    add_scope(c, bt_event_borrow_payload_field_const(event));
    if (c->out_of_memory)
        return error_nomem(err);
    for (size_t i = 0; i < c->n_fields; i++)
        c->pairs[i] = (TraceField){c->text + c->field[i].name_off, c->text + c->field[i].value_off,
                                   c->field[i].name_len, c->field[i].value_len};
    ev->text = c->text ? c->text : "";
    ev->text_len = c->len;
    ev->fields = c->pairs;
    ev->n_fields = c->n_fields;
    return true;
}

void ctf_converter_free(CtfConverter *c)
{
    free(c->text);
    c->text = NULL;
    c->len = c->cap = 0;
}
