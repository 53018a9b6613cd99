/*
 * The page walk, level by level, as the RTL walker's state machine does
 * it: issue a read, check the entry, write back A (and D) if needed, go
 * down.  Cycle t below is always "the first cycle the walker can act".
 */
#include <stdio.h>

#include "pte.h"
#include "walker.h"

/* One memory access issued at cycle *t; on return *t is the cycle after
 * its response. */
static int mem_access(struct walker *w, uint64_t *t, uint64_t pa, bool write, uint64_t *data)
{
    struct mmu_mem_access acc = {.paddr = pa, .write = write, .data = *data, .issue = *t};
    if (w->port.access(w->port.ctx, &acc)) {
        snprintf(w->err, w->errlen, "walker %s of entry at 0x%llx: memory port failed",
                 write ? "write" : "read", (unsigned long long)pa);
        return -1;
    }
    if (acc.accept < acc.issue || acc.done <= acc.accept) {
        snprintf(w->err, w->errlen,
                 "walker %s of entry at 0x%llx: memory port gave issue %llu, accept %llu, "
                 "done %llu (needs issue <= accept < done)",
                 write ? "write" : "read", (unsigned long long)pa, (unsigned long long)acc.issue,
                 (unsigned long long)acc.accept, (unsigned long long)acc.done);
        return -1;
    }
    if (write)
        w->stats->walk_writes++;
    else
        w->stats->walk_reads++;
    *data = acc.data;
    *t = acc.done + 1;
    return 0;
}

int walk(struct walker *w, const struct walk_req *req, struct walk_result *res)
{
    struct psc_result psc;
    psc_lookup(w->psc, req->va, req->pcid, req->root, &psc);
    for (unsigned i = 0; i < MMU_PSC_COUNT; i++) {
        w->stats->psc_hits[i] += psc.hit[i];
        w->stats->psc_misses[i] += !psc.hit[i];
    }
    w->stats->walks++;
    w->stats->walk_start_level[psc.start_level]++;

    uint64_t t = req->start + 1; /* the first read is issued after the lookup */
    uint64_t table = psc.table;
    struct pte_perm perm = psc.perm;
    *res = (struct walk_result){.fault = MMU_FAULT_NONE};

    for (unsigned level = psc.start_level; level >= 1; level--) {
        uint64_t pa = table + 8ull * pt_index(req->va, level);
        uint64_t e = 0;
        if (mem_access(w, &t, pa, false, &e))
            return -1;
        res->level = level;

        if (!(e & PTE_P)) {
            res->fault = MMU_FAULT_NOT_PRESENT;
            break;
        }
        if (e & pte_reserved_mask(e, level, w->pa_bits, req->nxe)) {
            res->fault = MMU_FAULT_RESERVED;
            break;
        }
        perm = pte_perm_combine(perm, e);
        bool leaf = pte_is_leaf(e, level);
        if (leaf) {
            res->fault = pte_check_access(perm, req->type, req->user, req->wp, req->nxe);
            if (res->fault != MMU_FAULT_NONE)
                break;
        }

        /* The entry is used: set A, and D in a leaf written to. */
        uint64_t set_bits = PTE_A;
        if (leaf && req->type == MMU_ACC_WRITE)
            set_bits |= PTE_D;
        if ((e & set_bits) != set_bits) {
            e |= set_bits;
            if (mem_access(w, &t, pa, true, &e))
                return -1;
        }

        if (leaf) {
            unsigned shift = pt_level_shift(level);
            res->leaf = (struct tlb_entry){.vpn = tlb_vpn(req->va, shift),
                                           .base = pte_addr(e, shift),
                                           .pcid = req->pcid,
                                           .shift = (uint8_t)shift,
                                           .valid = true,
                                           .global = (e & PTE_G) != 0,
                                           .dirty = (e & PTE_D) != 0,
                                           .perm = perm};
            break;
        }
        table = pte_addr(e, PAGE_SHIFT_4K);
        psc_fill(w->psc, level, req->va, req->pcid, table, perm);
    }
    res->done = t;
    w->stats->walk_cycles += t - req->start;
    return 0;
}
