/*
 * ChampSim instruction traces: 64-byte little-endian records of ip, is_branch, branch_taken,
 * 2 destination and 4 source register numbers, 2 destination and 4 source memory addresses
 * (0 for none).  Each record is one instruction: a fetch of ip, then its loads (the source
 * addresses), then its stores (the destination addresses).  A short last record is an error.
 * Not handled: the cloudsuite variant (records with a CPU field).
 */
#include "reader.h"

#define CHAMPSIM_RECORD 64

int trace_parse_champsim(struct trace_reader *t)
{
    unsigned char r[CHAMPSIM_RECORD];
    int rc = trace_read_record(t, r, sizeof(r));
    if (rc <= 0)
        return rc;
    trace_push(t, trace_le64(r), MMU_ACC_FETCH, 1);
    for (int i = 0; i < 4; i++) {
        uint64_t a = trace_le64(r + 32 + 8 * i);
        if (a)
            trace_push(t, a, MMU_ACC_READ, 0);
    }
    for (int i = 0; i < 2; i++) {
        uint64_t a = trace_le64(r + 16 + 8 * i);
        if (a)
            trace_push(t, a, MMU_ACC_WRITE, 0);
    }
    return 1;
}
