/*
 * mmusim's binary format (the header "MMUTRC01", checked when the trace is opened, then one
 * little-endian 64-bit word a reference): bits 47:0 the address (bit 47 sign-extended), 59:48
 * the PCID, 60 set if there is a PCID, 62:61 the type (0 read, 1 write, 2 fetch), 63 set if the
 * access continues onto the next 4 KiB page (read back as a size that reaches its first byte).
 * A fetch counts one instruction.  A short last word or type 3 is an error.
 */
#include "reader.h"

const char trace_binary_magic[8] = {'M', 'M', 'U', 'T', 'R', 'C', '0', '1'};

int trace_parse_binary(struct trace_reader *t)
{
    unsigned char b[8];
    int rc = trace_read_record(t, b, sizeof(b));
    if (rc <= 0)
        return rc;
    uint64_t w = trace_le64(b);
    unsigned type = (unsigned)(w >> 61) & 3;
    if (type > 2)
        return trace_fail(t, "bad record 0x%016llx: type 3 is not an access type",
                          (unsigned long long)w);
    uint64_t va = w & ((1ull << 48) - 1);
    if (va >> 47)
        va |= ~((1ull << 48) - 1);
    trace_push(t, va, (enum mmu_access)type, type == MMU_ACC_FETCH);
    if (w >> 60 & 1) {
        t->pending[t->npending - 1].has_pcid = true;
        t->pending[t->npending - 1].pcid = (uint16_t)(w >> 48 & 0xfff);
    }
    if (w >> 63)
        t->pending[t->npending - 1].size = (uint32_t)(0x1000 - (va & 0xfff) + 1);
    return 1;
}
