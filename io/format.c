#include "format.h"

#include <stdio.h>
#include <string.h>

const char *format_count(char *buf, size_t size, uint64_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *format_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

const char *format_shorten(char *buf, size_t size, const char *text, size_t width)
{
    size_t len = strlen(text);
    if (size == 0)
        return buf;
    if (width >= size)
        width = size - 1;
    if (len <= width || width < 5) {
        snprintf(buf, size, "%.*s", (int)width, text);
        return buf;
    }
    size_t tail = (width - 3) / 2, head = width - 3 - tail;
    /* cut between UTF-8 characters, never inside one */
    while (head > 0 && ((unsigned char)text[head] & 0xC0) == 0x80)
        head--;
    while (tail > 0 && ((unsigned char)text[len - tail] & 0xC0) == 0x80)
        tail--;
    snprintf(buf, size, "%.*s...%s", (int)head, text, text + len - tail);
    return buf;
}
