/*
 * The page walk, level by level, as the RTL walker's state machine does
 * it: present a read, check the entry, write back A (and D) if needed, go
 * down.  walk_begin and walk_step are the machine, which the pipeline's
 * walkers (model/pipeline.c) step through the shared memory port.
 */
#include <stdio.h>

#include "pte.h"
#include "walker.h"

static void present_read(struct walk *k)
{
    k->writing = false;
    k->acc = (struct mmu_mem_access){.paddr = k->table + 8ull * pt_index(k->req.va, k->level)};
}

void walk_begin(struct walker *w, const struct walk_req *req, struct walk *k)
{
    struct psc_result psc;
    psc_lookup(w->psc, w->levels, req->va, req->pcid, req->root, &psc);
    for (unsigned i = 0; i < w->levels - 1; i++) { /* the caches of levels 2 to levels */
        w->stats->psc_hits[i] += psc.hit[i];
        w->stats->psc_misses[i] += !psc.hit[i];
    }
    w->stats->walks++;
    w->stats->walk_start_level[psc.start_level]++;
    *k = (struct walk){.req = *req, .level = psc.start_level, .table = psc.table, .perm = psc.perm};
    present_read(k);
}

void walk_accepted(struct walker *w, struct walk *k)
{
    if (k->acc.write)
        w->stats->walk_writes++;
    else
        w->stats->walk_reads++;
    if (k->fill_pending && !k->writing) {
        bool evicted;
        if (psc_fill(w->psc, k->level + 1, k->req.va, k->req.pcid, k->fill_table, k->fill_perm,
                     &evicted)) {
            w->stats->psc_fills[psc_of_level(k->level + 1)]++;
            w->stats->psc_evictions[psc_of_level(k->level + 1)] += evicted;
        }
        k->fill_pending = false;
    }
}

/* The entry at k->level, read and written back as needed, is used: the leaf's translation, or
 * the read of the next level. */
static bool go_on(struct walk *k, struct walk_result *res)
{
    uint64_t e = k->entry;
    if (pte_is_leaf(e, k->level)) {
        unsigned shift = pt_level_shift(k->level); /* 12, 21 or 30 */
        res->leaf = (struct tlb_entry){.vpn = tlb_vpn(k->req.va, shift),
                                       .base = pte_addr(e, shift),
                                       .pcid = k->req.pcid,
                                       .shift = (uint8_t)shift,
                                       .page_shift = (uint8_t)shift,
                                       .valid = true,
                                       .global = (e & PTE_G) != 0,
                                       .dirty = (e & PTE_D) != 0,
                                       .perm = k->perm};
        return false;
    }
    k->fill_pending = true;
    k->fill_table = pte_addr(e, PAGE_SHIFT_4K);
    k->fill_perm = k->perm;
    k->table = k->fill_table;
    k->level--;
    present_read(k);
    return true;
}

bool walk_step(struct walker *w, struct walk *k, uint64_t data, bool error, struct walk_result *res)
{
    *res = (struct walk_result){.fault = MMU_FAULT_NONE, .level = k->level};
    if (error) {
        res->fault = MMU_FAULT_BUS_ERROR;
        return false;
    }
    if (k->writing) /* the write-back answered: go on as if the read had answered now */
        return go_on(k, res);

    uint64_t e = data;
    if (!(e & PTE_P)) {
        res->fault = MMU_FAULT_NOT_PRESENT;
        return false;
    }
    if (e & pte_reserved_mask(e, k->level, w->pa_bits, k->req.mode->nxe, w->pdpe1gb)) {
        res->fault = MMU_FAULT_RESERVED;
        return false;
    }
    k->perm = pte_perm_combine(k->perm, e);
    bool leaf = pte_is_leaf(e, k->level);
    if (leaf) {
        k->perm.pkey = (uint8_t)((e & PTE_PKEY_MASK) >> PTE_PKEY_SHIFT);
        res->fault =
            pte_check_access(k->perm, k->req.type, k->req.user, k->req.implicit, k->req.mode);
        if (res->fault != MMU_FAULT_NONE) {
            res->pk = pte_pkey_forbids(k->perm, k->req.type, k->req.user, k->req.mode);
            return false;
        }
    }

    /* The entry is used: set A, and D in a leaf written to. */
    uint64_t set_bits = PTE_A;
    if (leaf && k->req.type == MMU_ACC_WRITE)
        set_bits |= PTE_D;
    k->entry = e | set_bits;
    if ((e & set_bits) != set_bits) {
        k->writing = true;
        k->acc = (struct mmu_mem_access){.paddr = k->acc.paddr,
                                         .write = true,
                                         .set_bits = w->set_bits,
                                         .data = w->set_bits ? set_bits : k->entry};
        return true;
    }
    return go_on(k, res);
}

int walk_present(struct walker *w, struct walk *k, uint64_t issue)
{
    struct mmu_mem_access *acc = &k->acc;
    acc->issue = issue;
    acc->accept = acc->done = 0;
    int rc = w->port.access(w->port.ctx, acc);
    if (acc->accept < acc->issue || acc->done <= acc->accept) {
        snprintf(w->err, w->errlen,
                 "walker %s of entry at 0x%llx: memory port %sgave issue %llu, accept %llu, "
                 "done %llu (needs issue <= accept < done)",
                 acc->write ? "write" : "read", (unsigned long long)acc->paddr,
                 rc ? "failed and " : "", (unsigned long long)acc->issue,
                 (unsigned long long)acc->accept, (unsigned long long)acc->done);
        return -1;
    }
    return rc ? 1 : 0;
}
