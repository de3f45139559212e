/* A log template's id: the first 8 hex digits of the MD5 of its text, as loghub's Drain names
 * EventIds (hashlib.md5(template.encode('utf-8')).hexdigest()[0:8]), so the same template has the
 * same key whether it was mined here, read back from `parse`, or read from a structured CSV. */
#include "drain.h"

#include <nettle/md5.h>

void template_id(const char *text, size_t len, char id[DRAIN_ID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t digest[MD5_DIGEST_SIZE];
    struct md5_ctx ctx;
    md5_init(&ctx);
    md5_update(&ctx, len, (const uint8_t *)text);
    md5_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < DRAIN_ID_LEN / 2; i++) {
        id[2 * i] = hex[digest[i] >> 4];
        id[2 * i + 1] = hex[digest[i] & 15];
    }
    id[DRAIN_ID_LEN] = '\0';
}
