/*
 * mmusim's binary format (the header "MMUTRC01", checked when the trace is opened, then one
 * little-endian 64-bit word a reference): bits 47:0 the address (bit 47 sign-extended), 59:48
 * the PCID, 60 set if there is a PCID, 62:61 the type (0 read, 1 write, 2 fetch), 63 set if the
 * access continues onto the next 4 KiB page (read back as a size that reaches its first byte).
 * A fetch counts one instruction.  A short last word or type 3 is an error.
 */
#include "reader.h"

const char trace_binary_magic[8] = {'M', 'M', 'U', 'T', 'R', 'C', '0', '1'};

/* The record of word w into *r; false if its type is 3.  Without branches on the fields, for
 * the batch reader's loop. */
static inline bool decode(uint64_t w, struct trace_record *r)
{
    unsigned type = (unsigned)(w >> 61) & 3;
    uint64_t va = (uint64_t)((int64_t)(w << 16) >> 16); /* bit 47 sign-extended */
    uint64_t has_pcid = w >> 60 & 1;
    uint32_t crosses = (uint32_t)(w >> 63);
    *r = (struct trace_record){
        .vaddr = va,
        .type = (enum mmu_access)type,
        .has_pcid = has_pcid,
        .pcid = (uint16_t)(w >> 48 & 0xfff & -has_pcid),
        .instructions = type == MMU_ACC_FETCH,
        .size = -crosses & (uint32_t)(0x1000 - (va & 0xfff) + 1),
    };
    return type != 3;
}

int trace_parse_binary(struct trace_reader *t)
{
    unsigned char b[8];
    int rc = trace_read_record(t, b, sizeof(b));
    if (rc <= 0)
        return rc;
    uint64_t w = trace_le64(b);
    if (!decode(w, &t->pending[t->npending]))
        return trace_fail(t, "bad record 0x%016llx: type 3 is not an access type",
                          (unsigned long long)w);
    t->npending++;
    return 1;
}

size_t trace_scan_binary(struct trace_reader *t, struct trace_record *recs, size_t max)
{
    const unsigned char *p;
    size_t avail;
    if (source_avail(&t->src, &p, &avail)) {
        trace_fail(t, "%s", t->src.why);
        return 0;
    }
    size_t n = 0, whole = avail / 8 < max ? avail / 8 : max;
    while (n < whole && decode(trace_le64(p + 8 * n), &recs[n]))
        n++;
    t->line += n;
    source_consume(&t->src, 8 * n);
    return n;
}

bool trace_decode_word(uint64_t w, struct trace_record *r)
{
    return decode(w, r);
}

size_t trace_scan_binary_packed(struct trace_reader *t, const uint64_t **words, size_t max)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const unsigned char *p;
    size_t avail;
    if (source_avail(&t->src, &p, &avail)) {
        trace_fail(t, "%s", t->src.why); /* trace_next_batch reports it */
        return 0;
    }
    size_t n = avail / 8 < max ? avail / 8 : max;
    const uint64_t *w = (const void *)p;
    if ((uintptr_t)p % _Alignof(uint64_t) || n == 0 || (w[0] >> 61 & 3) == 3)
        return 0; /* a bad record first: the record path says so */
    t->line += n;
    source_consume(&t->src, 8 * n);
    *words = w;
    return n;
#else
    (void)t, (void)words, (void)max;
    return 0;
#endif
}
