/*
 * The MMU: its creation, the pieces of a lookup that every lane shares
 * (the lookup of one TLB, a fill, a fault's invalidation, the counters of a
 * response), and the fast path of trace-driven runs, which answers a run of
 * remembered L1 hits without the cycle model.  The pipeline that serves
 * requests cycle by cycle is model/pipeline.c; control operations are
 * model/control.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu_internal.h"
#include "pte.h"

void mmu_set_error(struct mmu *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->err, sizeof(m->err), fmt, ap);
    va_end(ap);
}

struct mmu *mmu_create(const struct mmu_config *cfg, const struct mmu_mem_port *port, char *err,
                       size_t errlen)
{
    if (mmu_config_check(cfg, err, errlen))
        return NULL;
    if (!port || !port->access) {
        if (err)
            snprintf(err, errlen, "memory port: no access function given");
        return NULL;
    }
    struct mmu *m = calloc(1, sizeof(*m));
    if (!m) {
        if (err)
            snprintf(err, errlen, "mmu: out of host memory");
        return NULL;
    }
    m->cfg = *cfg;
    m->mode = (struct pte_mode){.wp = cfg->wp,
                                .nxe = cfg->nxe,
                                .smep = cfg->smep,
                                .smap = cfg->smap,
                                .pke = cfg->pke,
                                .pkru = cfg->pkru};
    if (tlb_init_split(&m->tlb[MMU_TLB_ITLB], &cfg->itlb_4k, &cfg->itlb_2m, &cfg->itlb_1g,
                       cfg->lfsr_seed) ||
        tlb_init_split(&m->tlb[MMU_TLB_DTLB], &cfg->dtlb_4k, &cfg->dtlb_2m, &cfg->dtlb_1g,
                       cfg->lfsr_seed) ||
        tlb_init_unified(&m->tlb[MMU_TLB_STLB], &cfg->stlb, &cfg->stlb_1g, cfg->lfsr_seed) ||
        psc_init(&m->psc, cfg->psc, cfg->lfsr_seed)) {
        mmu_destroy(m);
        if (err)
            snprintf(err, errlen, "mmu: out of host memory for the arrays");
        return NULL;
    }
    if (cfg->smep || cfg->smap || cfg->pke) /* the arrays' start assumed all three off */
        for (unsigned t = 0; t < MMU_TLB_COUNT; t++)
            tlb_set_mode(&m->tlb[t], &m->mode);
    m->walker = (struct walker){.port = *port,
                                .pa_bits = cfg->pa_bits,
                                .levels = cfg->la57 ? PT_LEVELS_MAX : PT_LEVELS,
                                .pdpe1gb = cfg->pdpe1gb,
                                .set_bits = cfg->walkers > 1,
                                .psc = &m->psc,
                                .stats = &m->stats,
                                .err = m->err,
                                .errlen = sizeof(m->err)};
    return m;
}

void mmu_destroy(struct mmu *m)
{
    if (!m)
        return;
    for (unsigned t = 0; t < MMU_TLB_COUNT; t++)
        tlb_free(&m->tlb[t]);
    psc_free(&m->psc);
    pipeline_free(m);
    free(m);
}

const char *mmu_error(const struct mmu *m)
{
    return m->err;
}

uint64_t mmu_next_free_cycle(const struct mmu *m)
{
    return pipeline_first_accept(m, m->free_cycle);
}

uint16_t mmu_current_pcid(const struct mmu *m)
{
    return m->pcid;
}

/* Requests and control operations must come in order of their cycles. */
int mmu_accept_at(struct mmu *m, uint64_t cycle, uint64_t *accept)
{
    if (cycle < m->last_arrival) {
        mmu_set_error(m, "cycle %llu is earlier than the previous request's cycle %llu",
                      (unsigned long long)cycle, (unsigned long long)m->last_arrival);
        return -1;
    }
    m->last_arrival = cycle;
    *accept = cycle > m->free_cycle ? cycle : m->free_cycle;
    return 0;
}

/* A page fault removes what the faulting lookups matched: the entries for
 * the address under the current PCID (and global ones) in the TLBs that
 * were looked up, and, after a walk, in the paging-structure caches. */
void mmu_fault_invalidate(struct mmu *m, uint64_t va, enum mmu_tlb_id l1, bool stlb, bool psc)
{
    struct tlb_inval inv = {.by_addr = true, .va = va, .by_pcid = true, .pcid = m->pcid};
    tlb_invalidate(&m->tlb[l1], &inv);
    if (stlb)
        tlb_invalidate(&m->tlb[MMU_TLB_STLB], &inv);
    if (psc)
        psc_invalidate(&m->psc, &inv);
}

void mmu_fill(struct mmu *m, enum mmu_tlb_id t, const struct tlb_entry *e, uint64_t va)
{
    enum mmu_size_id size = size_of_shift(e->shift);
    struct tlb_entry fraction;
    if (size == MMU_SIZE_1G && !tlb_has_size(&m->tlb[t], MMU_SIZE_1G)) {
        /* A TLB without 1 GiB entries holds the 2 MiB of the page that va lies in (section 4). */
        uint64_t offset = va & (PAGE_SIZE_1G - 1) & ~(PAGE_SIZE_2M - 1);
        fraction = *e;
        fraction.shift = PAGE_SHIFT_2M;
        fraction.vpn = tlb_vpn(va, PAGE_SHIFT_2M);
        fraction.base = e->base + offset;
        e = &fraction;
        size = MMU_SIZE_2M;
    }
    if (!tlb_has_size(&m->tlb[t], size))
        return; /* no array of this size: nothing is filled (nor counted) */
    m->stats.tlb[t].fills[size]++;
    if (tlb_fill(&m->tlb[t], e))
        m->stats.tlb[t].evictions[size]++;
}

/* A miss at a TLB level, counted once the outcome is known. */
void mmu_count_miss(struct mmu *m, enum mmu_tlb_id t, enum mmu_access type,
                    const struct mmu_response *r)
{
    if (r->fault != MMU_FAULT_NONE)
        m->stats.tlb[t].misses_faulted[type]++;
    else
        m->stats.tlb[t].misses[type][size_of_shift(r->page_shift)]++;
}

/* Looks req up in TLB t.  A matching entry whose rights forbid the access
 * answers with a fault; a write matching an entry with D = 0 (CLEAN) goes
 * on as a miss, so that the walk sets D; any other match is a hit. */
enum lookup_outcome mmu_lookup(struct mmu *m, enum mmu_tlb_id t, const struct mmu_request *req,
                               struct tlb_hit *h, struct mmu_response *resp)
{
    if (!tlb_find(&m->tlb[t], req->vaddr, m->pcid, h))
        return LOOKUP_MISS;
    const struct tlb_entry *e = h->e;
    enum mmu_fault f = pte_check_access(e->perm, req->type, req->user, req->implicit, &m->mode);
    unsigned level = pt_level_of_shift(e->page_shift);
    if (f != MMU_FAULT_NONE) {
        m->stats.tlb[t].hits[req->type][h->size]++;
        resp->fault = f;
        resp->level = level;
        resp->error_code =
            pte_pkey_forbids(e->perm, req->type, req->user, &m->mode) ? PF_ERR_PK : 0;
        return LOOKUP_FAULT;
    }
    if (req->type == MMU_ACC_WRITE && !e->dirty)
        return LOOKUP_CLEAN;
    m->stats.tlb[t].hits[req->type][h->size]++;
    tlb_touch(&m->tlb[t], h);
    resp->paddr = e->base | (req->vaddr & ((1ull << e->shift) - 1));
    resp->page_shift = e->page_shift;
    resp->level = level;
    return LOOKUP_HIT;
}

void mmu_count_response(struct mmu *m, const struct mmu_request *req, struct mmu_response *resp)
{
    resp->id = req->id;
    resp->error_code = resp->fault == MMU_FAULT_NONE
                           ? 0
                           : pte_error_code(resp->fault, req->type, req->user, m->mode.nxe,
                                            resp->error_code & PF_ERR_PK);
    m->stats.faults[resp->fault]++;
    uint64_t latency = resp->resp_cycle - resp->accept_cycle;
    m->stats.total_latency += latency;
    m->stats.latency_hist[latency_bucket(latency)]++;
    m->stats.total_wait += resp->accept_cycle - req->cycle;
    if (resp->resp_cycle > m->stats.last_cycle)
        m->stats.last_cycle = resp->resp_cycle;
}

/* The loop of mmu_translate_hits and mmu_translate_hits_packed: reqs, or, when reqs is NULL,
 * words with user.  Inlined into each with reqs known, so each gets a loop of its own. */
static inline __attribute__((always_inline)) size_t translate_hits(struct mmu *m,
                                                                   const struct mmu_request *reqs,
                                                                   const uint64_t *words, bool user,
                                                                   size_t n, uint64_t *cycle)
{
    uint64_t first = *cycle;
    if (n == 0 || first < m->last_arrival)
        return 0;
    if (n > UINT32_MAX)
        n = UINT32_MAX; /* the loop's counters are 32 bits wide */
    /* The first one's accept cycle; with nothing in flight every configuration is ready, and
     * with requests in flight the hits go until the model's next event. */
    uint64_t t0 = pipeline_first_accept(m, first > m->free_cycle ? first : m->free_cycle);
    if (!pipeline_idle(m)) {
        uint64_t room = pipeline_hit_room(m, t0);
        if (room == 0)
            return 0;
        n = room < n ? (size_t)room : n;
    }
    /* Counted here and added at the end: no store to m in the loop, so that the compiler
     * keeps the PCID and mode in registers. */
    /* By type (3 is never a hit) and size; 4 sizes a row, so that a row is a shift away. */
    _Static_assert(MMU_SIZE_COUNT <= 4, "a row of hits holds every page size");
    uint32_t hits[4][4] = {{0}};
    const struct tlb *itlb = &m->tlb[MMU_TLB_ITLB], *dtlb = &m->tlb[MMU_TLB_DTLB];
    const uint16_t pcid = m->pcid;
    const unsigned mode = tlb_memo_mode(m->mode.wp, m->mode.nxe),
                   mode_user = tlb_memo_bit(mode, 0, user);
    const unsigned bits = va_bits(m->cfg.la57);
    size_t i;
    for (i = 0; i < n; i++) {
        const struct tlb_memo *memo;
        unsigned type;
        if (reqs) {
            type = reqs[i].type;
            memo = memo_hit(type == MMU_ACC_FETCH ? itlb : dtlb, pcid, mode, bits, &reqs[i]);
        } else {
            /* A packed request's address is canonical by its layout, and type 3 has no bit
             * set in any memo's allows. */
            uint64_t w = words[i];
            if (w & MMU_PACKED_NOT_A_REQUEST)
                break;
            type = (unsigned)(w >> 61);
            memo =
                memo_answers(type == MMU_ACC_FETCH ? itlb : dtlb, w, pcid, mode_user | type << 1);
        }
        if (!memo)
            break;
        tlb_touch_memo(memo);
        hits[type][memo->size]++;
    }
    if (i == 0)
        return 0;
    mmu_count_accept(m, t0);
    m->stats.latency_hist[0] += i;
    for (unsigned type = 0; type < MMU_ACC_COUNT; type++) {
        enum mmu_tlb_id l1 = type == MMU_ACC_FETCH ? MMU_TLB_ITLB : MMU_TLB_DTLB;
        for (unsigned size = 0; size < MMU_SIZE_COUNT; size++) {
            m->stats.requests[type] += hits[type][size];
            m->stats.tlb[l1].hits[type][size] += hits[type][size];
        }
    }
    /* Request j is accepted in cycle t0 + j and answers in t0 + j + 1, when j + 1 comes. */
    m->stats.faults[MMU_FAULT_NONE] += i;
    m->stats.total_latency += i;
    m->stats.total_wait += t0 - first;
    m->last_arrival = i == 1 ? first : t0 + i - 1;
    m->free_cycle = t0 + i;
    if (t0 + i > m->stats.last_cycle)
        m->stats.last_cycle = t0 + i;
    pipeline_accepted(m, t0 + i - 1);
    *cycle = t0 + i;
    return i;
}

size_t mmu_translate_hits(struct mmu *m, const struct mmu_request *reqs, size_t n, uint64_t *cycle)
{
    return translate_hits(m, reqs, NULL, false, n, cycle);
}

size_t mmu_translate_hits_packed(struct mmu *m, const uint64_t *words, size_t n, bool user,
                                 uint64_t *cycle)
{
    return translate_hits(m, NULL, words, user, n, cycle);
}
