#include "text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool text_stat_fd(const char *path, int fd, uint64_t *size, Error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return error_set(err, "%s: cannot stat: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return error_set(err, "%s: is a directory, not a trace file", path);
    *size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    return true;
}

bool text_open_fd(const char *path, int *fd, uint64_t *size, Error *err)
{
    /* "-" is standard input wherever a file is read; a copy, so the caller may close it */
    *fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY);
    if (*fd < 0)
        return error_set(err, "%s: cannot open: %s", path, strerror(errno));
    if (!text_stat_fd(path, *fd, size, err)) {
        close(*fd);
        *fd = -1;
        return false;
    }
    return true;
}

bool text_open(const char *path, FILE **fp, Error *err)
{
    int fd;
    uint64_t size;
    if (!text_open_fd(path, &fd, &size, err))
        return false;
    *fp = fdopen(fd, "rb");
    if (!*fp) {
        close(fd);
        return error_set(err, "%s: cannot open: %s", path, strerror(errno));
    }
    return true;
}

size_t text_skip_bom(char *s, size_t len)
{
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        memmove(s, s + 3, len - 3 + 1);
        return len - 3;
    }
    return len;
}

size_t text_trim_newline(const char *s, size_t len)
{
    if (len > 0 && s[len - 1] == '\n')
        len--;
    if (len > 0 && s[len - 1] == '\r')
        len--;
    return len;
}

bool text_cr_line_ends(const char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len && s[i] != '\n'; i++) {
        if (s[i] == '\0')
            return false; /* binary data, whatever its bytes 13 are: the readers say so */
        if (s[i] == '\r' && s[i + 1] != '\n')
            return true;
    }
    return false;
}

static size_t utf8_sequence_length(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (n > left)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
    bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    return (overlong || surrogate || cp > 0x10FFFF) ? 0 : n;
}

size_t text_invalid_utf8(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_sequence_length(u + i, len - i);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

size_t text_repair_utf8(const char *s, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t good = text_invalid_utf8(s + i, len - i);
        memcpy(out + o, s + i, good);
        o += good;
        i += good;
        if (i < len) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    return o;
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

bool text_parse_int64(const char *s, size_t len, int64_t *value)
{
    while (len > 0 && is_space(*s))
        s++, len--;
    while (len > 0 && is_space(s[len - 1]))
        len--;
    bool negative = len > 0 && *s == '-';
    if (len > 0 && (*s == '-' || *s == '+'))
        s++, len--;
    if (len == 0)
        return false;
    uint64_t magnitude = 0, limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    bool hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    unsigned base = hex ? 16 : 10;
    for (size_t i = hex ? 2 : 0; i < len; i++) {
        unsigned digit;
        char c = s[i];
        if (c >= '0' && c <= '9')
            digit = (unsigned)(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            digit = (unsigned)(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F')
            digit = (unsigned)(c - 'A' + 10);
        else
            return false;
        if (magnitude > (limit - digit) / base)
            return false;
        magnitude = magnitude * base + digit;
    }
    *value = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
    return true;
}

const char *text_excerpt(char *out, size_t out_size, const char *s, size_t len)
{
    size_t o = 0, shown = 0;
    for (size_t i = 0; i < len && o + 8 < out_size; i++) {
        if (shown == 40) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, out_size - o, "\\x%02X", c);
        shown++;
    }
    out[o] = '\0';
    return out;
}

bool text_parse_seconds_ns(const char *s, size_t len, int64_t *ns)
{
    size_t i = 0;
    int64_t seconds = 0, fraction = 0;
    if (len == 0 || s[0] < '0' || s[0] > '9')
        return false;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (seconds > (INT64_MAX / 1000000000 - 9) / 10)
            return false;
        seconds = seconds * 10 + (s[i] - '0');
    }
    int digits = 0;
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9' && digits < 9; i++, digits++)
            fraction = fraction * 10 + (s[i] - '0');
        if (digits == 0)
            return false;
    }
    if (i != len)
        return false;
    for (; digits < 9; digits++)
        fraction *= 10;
    *ns = seconds * 1000000000 + fraction;
    return true;
}

void text_append(char *out, size_t size, const char *fmt, ...)
{
    size_t len = strlen(out);
    if (len + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + len, size - len, fmt, ap);
    va_end(ap);
}
