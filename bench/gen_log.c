/* A raw HDFS-style log of any length for the parsing benchmark (bench/parse.sh), the same bytes
 * for the same seed: each line is a line of a sample (loghub's HDFS_2k, read on stdin) drawn at
 * random, with its values renewed, so the sample's templates recur at its frequencies while the
 * values vary as in a real log. The header's date and time advance from the sample's first line;
 * the process id, block ids, IPv4 addresses and ports and every other run of digits are drawn
 * again (the same value twice in a line stays the same value, as a block named twice in a line
 * is one block); block ids come back, three times in four one of the 256 newest, as a block's
 * lines recur in a real log.
 *
 *   gen_log SEED LINES < HDFS_2k.log > out.log */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../samples/gen/rng.h"

enum { MAX_LINES = 100000, MAX_LINE = 4096, MAX_RENEWED = 32, BLOCK_POOL = 256 };

typedef struct Sample {
    char **lines;       /* the sample's lines without the date, time and pid: " LEVEL ..." */
    size_t n;
} Sample;

/* One line's renewed values: an original value and what it became. */
typedef struct Renewed {
    char from[64], to[64];
} Renewed;

typedef struct Generator {
    Rng rng;
    Renewed renewed[MAX_RENEWED];
    size_t n_renewed;
    char blocks[BLOCK_POOL][24];
    size_t n_blocks;    /* blocks made so far; the pool holds the newest BLOCK_POOL */
} Generator;

/* The sample's lines, each from its fourth field on; the first line's date and time in *start. */
static int read_sample(Sample *sample, time_t *start)
{
    static char line[MAX_LINE];
    sample->lines = malloc(MAX_LINES * sizeof *sample->lines);
    sample->n = 0;
    while (sample->lines && sample->n < MAX_LINES && fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        unsigned date, hms;
        int rest;
        if (sscanf(line, "%6u %6u %*u%n", &date, &hms, &rest) != 2)
            continue;   /* not an HDFS line */
        if (sample->n == 0) {
            struct tm tm = {.tm_year = 100 + (int)(date / 10000), .tm_mon = (int)(date / 100 % 100) - 1,
                            .tm_mday = (int)(date % 100), .tm_hour = (int)(hms / 10000),
                            .tm_min = (int)(hms / 100 % 100), .tm_sec = (int)(hms % 100)};
            *start = timegm(&tm);
        }
        sample->lines[sample->n] = strdup(line + rest);
        if (!sample->lines[sample->n])
            return -1;
        sample->n++;
    }
    return sample->lines && sample->n > 0 ? 0 : -1;
}

/* n random decimal digits, the first not 0 unless n is 1 */
static void random_digits(Rng *rng, char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('0' + (i == 0 && n > 1 ? rng_span(rng, 1, 9) : rng_below(rng, 10)));
    out[n] = '\0';
}

/* A block id: three times in four one of the newest BLOCK_POOL, else a new one (signed 64-bit,
 * as HDFS's, negative half the time). */
static void block_id(Generator *g, char *out)
{
    size_t pooled = g->n_blocks < BLOCK_POOL ? g->n_blocks : BLOCK_POOL;
    if (pooled > 0 && rng_below(&g->rng, 4) != 0) {
        strcpy(out, g->blocks[rng_below(&g->rng, pooled)]);
        return;
    }
    uint64_t id = rng_next(&g->rng) >> 1;
    snprintf(out, 24, "%s%" PRIu64, rng_below(&g->rng, 2) ? "-" : "", id);
    strcpy(g->blocks[g->n_blocks++ % BLOCK_POOL], out);
}

/* Length of an IPv4 address at s (four runs of 1-3 digits joined by dots), else 0. */
static size_t ipv4_length(const char *s)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        size_t digits = 0;
        while (isdigit((unsigned char)s[i]) && digits < 4)
            i++, digits++;
        if (digits == 0 || digits > 3 || (part < 3 && s[i] != '.'))
            return 0;
        if (part < 3)
            i++;
    }
    return isdigit((unsigned char)s[i]) ? 0 : i;
}

/* What the value from (its n bytes) becomes in this line: the same as before in the line, else
 * made by kind ('b' a block id, 'i' an address in the sample's 10.250-10.251 networks, 'p' a
 * port, 'd' digits as many as it has). */
static const char *renew(Generator *g, const char *from, size_t n, char kind)
{
    for (size_t i = 0; i < g->n_renewed; i++)
        if (strlen(g->renewed[i].from) == n && memcmp(g->renewed[i].from, from, n) == 0)
            return g->renewed[i].to;
    static Renewed spare;
    Renewed *r = g->n_renewed < MAX_RENEWED ? &g->renewed[g->n_renewed++] : &spare;
    n = n < sizeof r->from - 1 ? n : sizeof r->from - 1;
    memcpy(r->from, from, n);
    r->from[n] = '\0';
    if (kind == 'b')
        block_id(g, r->to);
    else if (kind == 'i')
        snprintf(r->to, sizeof r->to, "10.%u.%u.%u", (unsigned)rng_span(&g->rng, 250, 251),
                 (unsigned)rng_below(&g->rng, 256), (unsigned)rng_span(&g->rng, 1, 254));
    else if (kind == 'p')
        snprintf(r->to, sizeof r->to, "%u", (unsigned)rng_span(&g->rng, 1024, 65535));
    else
        random_digits(&g->rng, r->to, n);
    return r->to;
}

/* One sample line with its values renewed, written to out. */
static void write_renewed(Generator *g, const char *s, FILE *out)
{
    while (*s) {
        size_t n;
        if (strncmp(s, "blk_", 4) == 0 && (isdigit((unsigned char)s[4]) || s[4] == '-')) {
            n = 4 + (s[4] == '-') + strspn(s + 4 + (s[4] == '-'), "0123456789");
            fprintf(out, "blk_%s", renew(g, s + 4, n - 4, 'b'));
        } else if ((n = ipv4_length(s)) > 0) {
            fputs(renew(g, s, n, 'i'), out);
            size_t port = s[n] == ':' ? strspn(s + n + 1, "0123456789") : 0;
            if (port > 0) {
                fprintf(out, ":%s", renew(g, s + n + 1, port, 'p'));
                n += 1 + port;
            }
        } else if (isdigit((unsigned char)*s)) {
            n = strspn(s, "0123456789");
            fputs(renew(g, s, n, 'd'), out);
        } else {
            n = strcspn(s, "0123456789b");
            n = n > 0 ? n : 1;
            fwrite(s, 1, n, out);
        }
        s += n;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_log SEED LINES < HDFS_2k.log > OUT\n");
        return 2;
    }
    Sample sample;
    time_t when;
    if (read_sample(&sample, &when) != 0) {
        fprintf(stderr, "gen_log: no HDFS lines on stdin\n");
        return 2;
    }
    static Generator g;
    rng_seed(&g.rng, strtoull(argv[1], NULL, 10));
    unsigned long long lines = strtoull(argv[2], NULL, 10);
    static char buffer[1 << 20];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    for (unsigned long long i = 0; i < lines; i++) {
        when += (time_t)rng_below(&g.rng, 2);   /* about two lines a second */
        struct tm tm;
        gmtime_r(&when, &tm);
        g.n_renewed = 0;
        char pid[8];
        random_digits(&g.rng, pid, rng_span(&g.rng, 2, 4));
        printf("%02d%02d%02d %02d%02d%02d %s", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
               tm.tm_min, tm.tm_sec, pid);
        write_renewed(&g, sample.lines[rng_below(&g.rng, sample.n)], stdout);
        putchar('\n');
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
