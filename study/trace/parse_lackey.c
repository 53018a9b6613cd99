/*
 * valgrind lackey records (valgrind --tool=lackey --trace-mem=yes), one a line:
 * "I  addr,size" (a fetch, one instruction), " L addr,size" (a load), " S addr,size" (a store),
 * " M addr,size" (a load then a store).  Lines starting "==" (valgrind's own) or "--", and empty
 * lines, are skipped.  The size, a decimal number from 1 to 4096, goes with each record: a study
 * translates the next page too when the access crosses a 4 KiB boundary.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "reader.h"

#define LACKEY_MAX_SIZE 4096 /* larger than any access; at most two pages */
#define LACKEY_LONGEST  26   /* "I  " or " M ", 16 digits, ",4096", "\r\n" */

int trace_parse_lackey(struct trace_reader *t)
{
    for (;;) {
        int rc = trace_read_line(t);
        if (rc <= 0)
            return rc;
        const char *l = t->linebuf;
        if (l[0] == '\0' || strncmp(l, "==", 2) == 0 || strncmp(l, "--", 2) == 0)
            continue;
        char kind = l[0] == 'I' ? 'I' : (l[0] == ' ' ? l[1] : '?');
        if (!strchr("ILSM", kind) || kind == '\0' || (kind != 'I' && l[2] != ' ') ||
            (kind == 'I' && (l[1] != ' ' || l[2] != ' ')))
            return LINE_FAIL("not a lackey record (expected \"I  addr,size\" or \" L|S|M "
                             "addr,size\"): %s",
                             trace_shown(t));
        const char *p = l + 3;
        uint64_t va;
        if (trace_parse_hex(&p, &va))
            return LINE_FAIL("address is not a hexadecimal number of 1 to 16 digits: %s",
                             trace_shown(t));
        if (*p++ != ',' || *p < '0' || *p > '9')
            return LINE_FAIL("expected \",size\" after the address: %s", trace_shown(t));
        uint32_t size = 0;
        while (*p >= '0' && *p <= '9' && size <= LACKEY_MAX_SIZE)
            size = size * 10 + (uint32_t)(*p++ - '0');
        if (size == 0 || size > LACKEY_MAX_SIZE)
            return LINE_FAIL("size is not a number from 1 to %d: %s", LACKEY_MAX_SIZE,
                             trace_shown(t));
        if (*p != '\0' && *p != '\r')
            return LINE_FAIL("unexpected text after the size: %s", trace_shown(t));
        if (kind == 'I')
            trace_push(t, va, MMU_ACC_FETCH, 1);
        if (kind == 'L' || kind == 'M')
            trace_push(t, va, MMU_ACC_READ, 0);
        if (kind == 'S' || kind == 'M')
            trace_push(t, va, MMU_ACC_WRITE, 0);
        for (unsigned i = 0; i < t->npending; i++)
            t->pending[i].size = size;
        return 1;
    }
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Hexadecimal numbers a word at a time: the digits found and converted eight bytes at once. */
#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
/* Per byte of x, each below 0x80: the high bit set if the byte is at least m (adding 0x80 - m
 * to a byte below 0x80 carries into no other byte). */
#define AT_LEAST(x, m) ((x) + ONES * (0x80 - (m)))

static inline uint64_t load8(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof(w));
    return w;
}

/* The high bit of each byte of w set if the byte is a hexadecimal digit. */
static inline uint64_t hex_bytes(uint64_t w)
{
    uint64_t low = w & ONES * 0x7f, folded = low | ONES * 0x20; /* 'A'-'F' -> 'a'-'f' */
    uint64_t digit = AT_LEAST(low, '0') & ~AT_LEAST(low, '9' + 1);
    uint64_t letter = AT_LEAST(folded, 'a') & ~AT_LEAST(folded, 'f' + 1);
    return (digit | letter) & ~w & HIGHS; /* bytes from 0x80 up are none */
}

/* The value of eight hexadecimal digits (or zero bytes before them), the first byte the most
 * significant: each byte's value, then pairs, fours, and the bytes in order. */
static inline uint32_t hex8(uint64_t w)
{
    uint64_t v = (w & ONES * 0x0f) + ((w >> 6) & ONES) * 9;
    v = ((v << 4) | (v >> 8)) & 0x00ff00ff00ff00ffull;
    v = (v | v >> 8) & 0x0000ffff0000ffffull;
    v = (v | v >> 16) & 0xffffffffull;
    return __builtin_bswap32((uint32_t)v);
}

#ifdef __SSE2__
/* How many of the 16 bytes at q, from the first, are hexadecimal digits: 16 bytes compared at
 * once (SSE2, in every x86-64).  Signed compares: bytes from 0x80 up are below '0'. */
static inline unsigned hex_run16(const unsigned char *q)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
    __m128i folded = _mm_or_si128(x, _mm_set1_epi8(0x20)); /* 'A'-'F' -> 'a'-'f' */
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(folded, _mm_set1_epi8('f' + 1)));
    unsigned hex = (unsigned)_mm_movemask_epi8(_mm_or_si128(digit, letter));
    return (unsigned)__builtin_ctz(~hex); /* bit 16 of ~hex is set */
}
#else
static inline unsigned hex_run16(const unsigned char *q)
{
    uint64_t not_hex = ~hex_bytes(load8(q)) & HIGHS;
    if (not_hex)
        return (unsigned)__builtin_ctzll(not_hex) / 8;
    not_hex = ~hex_bytes(load8(q + 8)) & HIGHS;
    return not_hex ? 8 + (unsigned)__builtin_ctzll(not_hex) / 8 : 16;
}
#endif

/* The hexadecimal number of 1 to 16 digits at q into *v: returns how many digits, or 0 (none,
 * or more than 16).  Reads 17 bytes at q whatever the number's length. */
static inline __attribute__((always_inline)) unsigned scan_hex(const unsigned char *q, uint64_t *v)
{
    unsigned digits = hex_run16(q);
    if (digits == 0 || (digits == 16 && trace_hex_digit[q[16]]))
        return 0; /* none, or more than 16 */
    if (digits <= 8)
        *v = hex8(load8(q) << (8 * (8 - digits)));
    else
        *v = (uint64_t)hex8(load8(q) << (8 * (16 - digits))) << 32 | hex8(load8(q + digits - 8));
    return digits;
}
#else
static inline __attribute__((always_inline)) unsigned scan_hex(const unsigned char *q, uint64_t *v)
{
    const char *p = (const char *)q;
    return trace_parse_hex(&p, v) ? 0 : (unsigned)(p - (const char *)q);
}
#endif

/* The fast path's loop, into records, or, when recs is NULL, into packed words (mmu_pack, bit 63
 * for an access that crosses onto the next page).  Inlined into each with recs known. */
static inline __attribute__((always_inline)) size_t
scan_lackey(struct trace_reader *t, struct trace_record *recs, uint64_t *words, size_t max)
{
    const unsigned char *start;
    size_t avail;
    if (source_avail(&t->src, &start, &avail)) {
        trace_fail(t, "%s", t->src.why);
        return 0;
    }
    /* Every test below stops at the first byte a well-formed line does not have, so with
     * LACKEY_LONGEST bytes left no read goes past the buffer. */
    const unsigned char *p = start, *end = start + avail;
    size_t n = 0;
    while (max - n >= 2 && end - p > LACKEY_LONGEST) {
        const unsigned char *q = p + 3;
        enum mmu_access type;
        if (p[0] == 'I' && p[1] == ' ' && p[2] == ' ')
            type = MMU_ACC_FETCH;
        else if (p[0] == ' ' && p[2] == ' ' && (p[1] == 'L' || p[1] == 'M'))
            type = MMU_ACC_READ;
        else if (p[0] == ' ' && p[2] == ' ' && p[1] == 'S')
            type = MMU_ACC_WRITE;
        else
            break;
        uint64_t va;
        unsigned digits = scan_hex(q, &va);
        q += digits;
        if (digits == 0 || *q++ != ',')
            break;
        uint32_t size = (uint32_t)*q - '0';
        if (size - 1 < 9 && q[1] == '\n') /* the common case: one digit, then the line's end */
            q++;
        else {
            unsigned sdigits = 0;
            for (size = 0; *q >= '0' && *q <= '9' && sdigits < 4; sdigits++)
                size = size * 10 + (uint32_t)(*q++ - '0');
            q += *q == '\r';
            if (*q != '\n' || size == 0 || size > LACKEY_MAX_SIZE)
                break;
        }
        uint64_t top = va >> 47;
        if (top != 0 && top != 0x1ffff)
            break;
        if (recs) {
            recs[n++] = (struct trace_record){
                .vaddr = va, .type = type, .instructions = type == MMU_ACC_FETCH, .size = size};
            if (p[1] == 'M')
                recs[n++] = (struct trace_record){.vaddr = va, .type = MMU_ACC_WRITE, .size = size};
        } else {
            uint64_t crosses = ((va ^ (va + size - 1)) >> 12 != 0) ? 1ull << 63 : 0;
            words[n++] = mmu_pack(va, type) | crosses;
            if (p[1] == 'M')
                words[n++] = mmu_pack(va, MMU_ACC_WRITE) | crosses;
        }
        t->line++;
        p = q + 1;
    }
    source_consume(&t->src, (size_t)(p - start));
    return n;
}

size_t trace_scan_lackey(struct trace_reader *t, struct trace_record *recs, size_t max)
{
    return scan_lackey(t, recs, NULL, max);
}

size_t trace_scan_lackey_packed(struct trace_reader *t, uint64_t *words, size_t max)
{
    return scan_lackey(t, NULL, words, max);
}
