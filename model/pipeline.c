/*
 * The MMU's pipeline: docs/ARCHITECTURE.md section 16, cycle by cycle, in
 * every configuration.  A request goes from the request port (mmu_issue)
 * to its L1 lookup (the hit lane); a miss takes a miss-queue entry, where
 * it merges with an earlier miss of its page or becomes a primary: the
 * STLB's one read port probes it, and a walker walks it (model/walker.c)
 * through the shared memory port.  The miss lane answers the oldest entry
 * whose result is known.  In `blocking` one request is in flight and this
 * is section 8's timing.
 *
 * A cycle runs in two halves, as a clocked design does.  First every
 * decision of the cycle, from the state at its start: the STLB's read port,
 * the hit lane and the new miss, the STLB's answer, the walkers' responses,
 * the miss lane, the walk start, the memory port.  Then the end of the
 * cycle, in the contract's order (16.3): fault invalidations, the caches'
 * fills, the TLB fills, and the answered entry freed.  Cycles in which
 * nothing can happen are skipped.
 *
 * The STLB's match vectors of 16.6 are not kept: a lookup made in the
 * answer cycle finds exactly the ways they would hold (a way's match bit
 * is set by every fill of a matching entry and cleared by every other
 * change of the way), and a fill finds its matching way itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu_internal.h"
#include "pte.h"

/* A fault's invalidation, made at the end of its cycle. */
struct inval {
    uint64_t va;
    enum mmu_tlb_id l1;
    bool stlb, psc; /* also the STLB, the paging-structure caches */
};

/* What a cycle changes at its end. */
struct cycle_end {
    struct inval inval[2]; /* the hit lane's and the miss lane's */
    unsigned ninval;
    bool fill_l1, fill_stlb; /* the miss lane fills */
    enum mmu_tlb_id l1;
    struct tlb_entry entry;
    uint64_t va;  /* the address the entry translated */
    int answered; /* the miss-queue entry the miss lane answered, or -1 */
};

static enum mmu_tlb_id l1_of(const struct mmu_request *req)
{
    return req->type == MMU_ACC_FETCH ? MMU_TLB_ITLB : MMU_TLB_DTLB;
}

static bool same_page(uint64_t a, uint64_t b)
{
    return ((a ^ b) & 0x1fffffffffff000ull) == 0; /* VA[56:12] */
}

static uint64_t at_least(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

void pipeline_free(struct mmu *m)
{
    free(m->nb.out);
}

bool pipeline_idle(const struct mmu *m)
{
    return m->nb.outstanding == 0;
}

uint64_t pipeline_first_accept(const struct mmu *m, uint64_t cycle)
{
    const struct pipeline *f = &m->nb;
    if (f->now && cycle < f->now - 1)
        cycle = f->now - 1;
    if (f->accepted_any && cycle <= f->last_accept)
        cycle = f->last_accept + 1;
    return cycle;
}

void pipeline_accepted(struct mmu *m, uint64_t last)
{
    struct pipeline *f = &m->nb;
    f->accepted_any = true;
    f->last_accept = last;
    if (f->now < last + 1)
        f->now = last + 1; /* nothing was in flight: the cycles up to it had nothing to run */
}

unsigned mmu_outstanding(const struct mmu *m)
{
    return m->nb.outstanding;
}

/* A response leaves: counted, and kept for mmu_poll. */
static int emit(struct mmu *m, const struct mmu_request *req, struct mmu_response *r)
{
    struct pipeline *f = &m->nb;
    mmu_count_response(m, req, r);
    if (f->out_head + f->out_n == f->out_cap) {
        if (f->out_head > 0) {
            memmove(f->out, f->out + f->out_head, f->out_n * sizeof(*f->out));
            f->out_head = 0;
        } else {
            size_t cap = f->out_cap ? 2 * f->out_cap : 64;
            struct mmu_response *o = realloc(f->out, cap * sizeof(*o));
            if (!o) {
                mmu_set_error(m, "mmu: out of host memory for %zu responses not polled", cap);
                return -1;
            }
            f->out = o;
            f->out_cap = cap;
        }
    }
    f->out[f->out_head + f->out_n++] = *r;
    f->ids[req->id / 64] &= ~(1ull << (req->id % 64));
    f->id_answer[req->id] = r->resp_cycle;
    f->outstanding--;
    if (r->resp_cycle > f->last_resp)
        f->last_resp = r->resp_cycle;
    if (!m->cfg.hit_under_miss && r->resp_cycle > m->free_cycle)
        m->free_cycle = r->resp_cycle;
    return 0;
}

bool mmu_poll(struct mmu *m, struct mmu_response *resp)
{
    struct pipeline *f = &m->nb;
    if (f->out_n == 0)
        return false;
    *resp = f->out[f->out_head++];
    if (--f->out_n == 0)
        f->out_head = 0;
    return true;
}

/* Takes the response of the request with id accepted in cycle accept, if it left. */
static bool take(struct pipeline *f, unsigned id, uint64_t accept, struct mmu_response *resp)
{
    for (size_t i = 0; i < f->out_n; i++) {
        struct mmu_response *r = &f->out[f->out_head + i];
        if (r->id == id && r->accept_cycle == accept) {
            *resp = *r;
            memmove(r, r + 1, (f->out_n - i - 1) * sizeof(*r));
            if (--f->out_n == 0)
                f->out_head = 0;
            return true;
        }
    }
    return false;
}

/* ---- the miss queue (16.4) ---- */

/* The entries that are primaries (waiting for the port, probing, waiting for a walker or
 * walking), a bit each. */
static uint32_t primaries(const struct pipeline *f)
{
    return f->in_state[MQ_PROBE_WAIT] | f->in_state[MQ_PROBING] | f->in_state[MQ_WAITING] |
           f->in_state[MQ_WALKING];
}

/* Entry i goes to state st (every change of an entry's state but its taking and freeing). */
static void set_state(struct pipeline *f, unsigned i, enum mq_state st)
{
    f->in_state[f->mq[i].state] &= ~(1u << i);
    f->in_state[st] |= 1u << i;
    f->mq[i].state = st;
}

/* The statistics' kind of a merge into a primary in state `st`. */
static enum mmu_merge_into merge_kind(enum mq_state st)
{
    switch (st) {
    case MQ_PROBE_WAIT:
        return MMU_MERGE_PROBE_WAIT;
    case MQ_PROBING:
        return MMU_MERGE_PROBING;
    case MQ_WAITING:
        return MMU_MERGE_WAITING;
    default:
        return MMU_MERGE_WALKING;
    }
}

/* The oldest entry in state st that may go on in cycle c (from <= c; an entry waiting for the
 * STLB's port has from 0), or -1: the one selection the STLB's port, the walkers and the miss
 * lane make. */
static int oldest_in(const struct mmu *m, enum mq_state st, uint64_t c)
{
    const struct pipeline *f = &m->nb;
    int oldest = -1;
    for (uint32_t in = f->in_state[st]; in; in &= in - 1) {
        int i = __builtin_ctz(in);
        const struct mq_entry *x = &f->mq[i];
        if (x->from <= c && (oldest < 0 || x->age < f->mq[oldest].age))
            oldest = i;
    }
    return oldest;
}

/* Whether a result serves req as a hit would: no fault, and D set for a write. */
static bool result_serves(const struct mmu *m, const struct mmu_request *req,
                          const struct walk_result *res)
{
    return res->fault == MMU_FAULT_NONE &&
           pte_check_access(res->leaf.perm, req->type, req->user, req->implicit, &m->mode) ==
               MMU_FAULT_NONE &&
           (req->type != MMU_ACC_WRITE || res->leaf.dirty);
}

/* Primary p's result is known in cycle c (it is ready from c): each of its secondaries that the
 * result serves is ready from c + 1; of those it does not, the oldest becomes a waiting primary
 * from c + 1, keeping its age, and the others its secondaries. */
static void resolve(struct mmu *m, unsigned p, uint64_t c)
{
    struct pipeline *f = &m->nb;
    const struct mq_entry *pe = &f->mq[p];
    int heir = -1;
    for (uint32_t in = f->in_state[MQ_MERGED]; in; in &= in - 1) {
        unsigned i = (unsigned)__builtin_ctz(in);
        struct mq_entry *x = &f->mq[i];
        if (x->primary != p)
            continue;
        if (result_serves(m, &x->req, &pe->res)) {
            set_state(f, i, MQ_READY);
            x->secondary = true;
            x->src = pe->src;
            x->res = pe->res;
            x->from = c + 1;
        } else {
            m->stats.secondaries_failed++;
            if (heir < 0 || x->age < f->mq[heir].age)
                heir = (int)i;
        }
    }
    if (heir < 0)
        return;
    for (uint32_t in = f->in_state[MQ_MERGED]; in; in &= in - 1) {
        struct mq_entry *x = &f->mq[__builtin_ctz(in)];
        if (x->primary == p)
            x->primary = (unsigned)heir;
    }
    set_state(f, (unsigned)heir, MQ_WAITING);
    f->mq[heir].from = c + 1;
}

/* Entry i's result, from its STLB probe or its walk, is known in cycle c. */
static void result_known(struct mmu *m, unsigned i, enum mmu_source src, uint64_t c)
{
    struct mq_entry *e = &m->nb.mq[i];
    set_state(&m->nb, i, MQ_READY);
    e->secondary = false;
    e->src = src;
    e->from = c;
    resolve(m, i, c);
}

/* ---- the STLB's read port and answer (16.3) ---- */

/* Whether the STLB's read port is free in cycle c for a new probe: no probe reads its 2 MiB set
 * in c. */
static bool port_free_in(const struct pipeline *f, uint64_t c)
{
    return !f->probed || f->probe_start + 1 != c;
}

static void probe_begin(struct pipeline *f, unsigned i, uint64_t c)
{
    set_state(f, i, MQ_PROBING);
    f->mq[i].from = c;
    f->probe_start = c;
    f->probed = true;
}

/* Cycle c, first: the oldest entry waiting for the port begins its probe. */
static void stlb_port(struct mmu *m, uint64_t c)
{
    struct pipeline *f = &m->nb;
    if (!port_free_in(f, c))
        return;
    int oldest = oldest_in(m, MQ_PROBE_WAIT, c);
    if (oldest >= 0)
        probe_begin(f, (unsigned)oldest, c);
}

/* The STLB's answer to the probe that began in c - stlb_latency + 1, if any. */
static void stlb_answer(struct mmu *m, uint64_t c)
{
    struct pipeline *f = &m->nb;
    for (uint32_t in = f->in_state[MQ_PROBING]; in; in &= in - 1) {
        unsigned i = (unsigned)__builtin_ctz(in);
        struct mq_entry *e = &f->mq[i];
        if (e->from + m->cfg.stlb_latency - 1 != c)
            continue;
        struct mmu_response r = {0};
        struct tlb_hit h;
        enum lookup_outcome o = mmu_lookup(m, MMU_TLB_STLB, &e->req, &h, &r);
        if (o == LOOKUP_MISS || o == LOOKUP_CLEAN) {
            e->clean = e->clean || o == LOOKUP_CLEAN;
            set_state(f, i, MQ_WAITING);
            e->from = c;
            return;
        }
        e->res = (struct walk_result){
            .fault = r.fault, .pk = (r.error_code & PF_ERR_PK) != 0, .level = r.level};
        if (o == LOOKUP_HIT) {
            e->res.leaf = *h.e;
            e->res.leaf.pcid = m->pcid; /* every fill is tagged with the current PCID */
        }
        result_known(m, i, MMU_SRC_STLB, c);
        return; /* probes begin two cycles apart: one answer a cycle */
    }
}

/* ---- the hit lane and the new miss (16.2, 16.4) ---- */

/* Cycle accept + 1: the address check's answer and the L1 lookup; a miss takes an entry, as a
 * secondary of the primary of its page or as a primary.  Returns 1 when it took an entry, 0
 * when the hit lane answered, -1 on a failure. */
/* The hit lane's answer to req, accepted in `accept`, in cycle accept + 1: the address check's
 * fault or the L1's hit or fault, emitted, with a fault's invalidation in *inv.  Returns 1 when
 * it answered, 0 when it did not (*o says whether the L1 missed or found a clean entry; nothing
 * was changed), -1 on a failure. */
static int l1_answer(struct mmu *m, const struct mmu_request *req, uint64_t accept,
                     enum lookup_outcome *o, struct inval *inv)
{
    struct mmu_response r = {
        .accept_cycle = accept, .resp_cycle = accept + 1, .source = MMU_SRC_NONE};
    enum mmu_tlb_id l1 = l1_of(req);
    if (!va_is_canonical_bits(req->vaddr, va_bits(m->cfg.la57))) {
        r.fault = MMU_FAULT_NON_CANONICAL;
        return emit(m, req, &r) ? -1 : 1;
    }
    struct tlb_hit h;
    *o = mmu_lookup(m, l1, req, &h, &r);
    if (*o == LOOKUP_MISS || *o == LOOKUP_CLEAN)
        return 0;
    r.source = MMU_SRC_L1;
    if (*o == LOOKUP_FAULT)
        *inv = (struct inval){req->vaddr, l1, false, false};
    return emit(m, req, &r) ? -1 : 1;
}

static int hit_lane(struct mmu *m, uint64_t c, struct cycle_end *end)
{
    struct pipeline *f = &m->nb;
    struct l1_slot *s = &f->l1;
    s->valid = false;
    enum lookup_outcome o = LOOKUP_MISS;
    struct inval inv = {.va = 0};
    int rc = l1_answer(m, &s->req, s->accept, &o, &inv);
    if (rc != 0) {
        if (o == LOOKUP_FAULT)
            end->inval[end->ninval++] = inv;
        return rc < 0 ? -1 : 0;
    }
    /* A miss, or a write that found a clean entry: an entry, the lowest free one. */
    uint32_t all = m->cfg.miss_entries >= 32 ? ~0u : (1u << m->cfg.miss_entries) - 1;
    uint32_t free_entries = all & ~f->mq_busy;
    int idx = free_entries ? __builtin_ctz(free_entries) : -1, primary = -1;
    for (uint32_t in = primaries(f); in; in &= in - 1) {
        unsigned i = (unsigned)__builtin_ctz(in);
        if (same_page(f->mq[i].req.vaddr, s->req.vaddr)) {
            if (primary >= 0) {
                mmu_set_error(m,
                              "cycle %llu: entries %d and %u are both primaries of page 0x%llx "
                              "(a bug in the model)",
                              (unsigned long long)c, primary, i,
                              (unsigned long long)(s->req.vaddr & ~0xfffull));
                return -1;
            }
            primary = (int)i;
        }
    }
    if (idx < 0) {
        mmu_set_error(m,
                      "cycle %llu: no free miss-queue entry for the request accepted at %llu "
                      "(the rule of ready in section 16.2 was broken: a bug in the model)",
                      (unsigned long long)c, (unsigned long long)s->accept);
        return -1;
    }
    struct mq_entry *e = &f->mq[idx];
    *e = (struct mq_entry){.state = MQ_PROBE_WAIT,
                           .age = c,
                           .req = s->req,
                           .accept = s->accept,
                           .clean = o == LOOKUP_CLEAN};
    f->mq_used++;
    f->mq_busy |= 1u << idx;
    f->in_state[MQ_PROBE_WAIT] |= 1u << idx;
    if (primary >= 0) {
        m->stats.merged_misses++;
        m->stats.tlb[l1_of(&s->req)].merged++;
        m->stats.merged_into[merge_kind(f->mq[primary].state)]++;
        set_state(f, (unsigned)idx, MQ_MERGED);
        e->primary = (unsigned)primary;
    } else if (port_free_in(f, c) && !(f->probed && f->probe_start == c)) {
        probe_begin(f, (unsigned)idx, c); /* the 4 KiB set read in c, beside the L1 lookup */
    }
    return 1;
}

/* ---- the walkers (16.5) ---- */

/* Walker w's walk is over in cycle c with res. */
static void complete(struct mmu *m, unsigned w, struct walk_result *res, uint64_t c)
{
    struct pipeline *f = &m->nb;
    struct walk_slot *ws = &f->w[w];
    ws->busy = false;
    ws->port = PORT_NONE;
    ws->free_from = c + 1;
    f->walking--;
    res->done = c;
    m->stats.walk_cycles += c - ws->start;
    m->stats.walker_busy_cycles[w] += c - ws->start + 1;
    f->mq[ws->entry].res = *res;
    result_known(m, ws->entry, MMU_SRC_WALK, c);
}

/* The walkers whose access answered in c - 1 go on. */
static int walkers_step(struct mmu *m, uint64_t c)
{
    struct pipeline *f = &m->nb;
    for (unsigned w = 0; w < m->cfg.walkers; w++) {
        struct walk_slot *ws = &f->w[w];
        if (ws->port != PORT_SENT || ws->act != c)
            continue;
        struct walk_result res;
        if (walk_step(&m->walker, &ws->k, ws->k.acc.data, ws->error, &res)) {
            ws->port = PORT_PRESENTED;
            ws->presented = c;
        } else {
            complete(m, w, &res, c);
        }
    }
    return 0;
}

/* At most one walk starts a cycle: the lowest free walker takes the oldest waiting entry. */
static void start_walk(struct mmu *m, uint64_t c)
{
    struct pipeline *f = &m->nb;
    unsigned w;
    for (w = 0; w < m->cfg.walkers; w++)
        if (!f->w[w].busy && f->w[w].free_from <= c)
            break;
    if (w == m->cfg.walkers)
        return;
    int oldest = oldest_in(m, MQ_WAITING, c);
    if (oldest < 0)
        return;
    struct mq_entry *e = &f->mq[oldest];
    struct walk_slot *ws = &f->w[w];
    struct walk_req wr = {.va = e->req.vaddr,
                          .type = e->req.type,
                          .user = e->req.user,
                          .implicit = e->req.implicit,
                          .mode = &m->mode,
                          .pcid = m->pcid,
                          .root = m->cr3_base,
                          .start = c};
    walk_begin(&m->walker, &wr, &ws->k);
    ws->busy = true;
    ws->entry = (unsigned)oldest;
    ws->start = c;
    ws->port = PORT_PRESENTED;
    ws->presented = c + 1; /* the first read, after the lookup of the caches */
    set_state(f, (unsigned)oldest, MQ_WALKING);
    if (++f->walking > m->stats.walks_peak)
        m->stats.walks_peak = f->walking;
}

/* The memory port takes the access presented earliest, ties to the lower walker.  Responses that
 * come in one cycle (which the RTL's port does not take, 16.5) each step their own walker. */
static int memory_port(struct mmu *m, uint64_t c)
{
    struct pipeline *f = &m->nb;
    if (f->port_free > c)
        return 0;
    int best = -1;
    for (unsigned w = 0; w < m->cfg.walkers; w++) {
        const struct walk_slot *ws = &f->w[w];
        if (ws->port == PORT_PRESENTED && ws->presented <= c &&
            (best < 0 || ws->presented < f->w[best].presented))
            best = (int)w;
    }
    if (best < 0)
        return 0;
    struct walk_slot *ws = &f->w[best];
    ws->k.acc.walker = (unsigned)best;
    int rc = walk_present(&m->walker, &ws->k, c);
    if (rc < 0)
        return -1;
    ws->port = PORT_SENT;
    ws->error = rc > 0;
    ws->accept = ws->k.acc.accept;
    ws->accepted = false;
    ws->act = ws->k.acc.done + 1;
    f->port_free = ws->accept + 1;
    return 0;
}

/* ---- the miss lane (16.5) ---- */

/* The oldest ready entry answers; at the end of the cycle it fills its L1 (and the STLB, for a
 * primary's walk) or applies its fault's invalidation, and is freed. */
static int miss_lane(struct mmu *m, uint64_t c, struct cycle_end *end)
{
    struct pipeline *f = &m->nb;
    int best = oldest_in(m, MQ_READY, c);
    if (best < 0)
        return 0;
    struct mq_entry *e = &f->mq[best];
    enum mmu_tlb_id l1 = l1_of(&e->req);
    bool walked = e->src == MMU_SRC_WALK && !e->secondary;
    struct mmu_response r = {.accept_cycle = e->accept,
                             .resp_cycle = c,
                             .source = e->src,
                             .level = e->res.level,
                             .fault = e->res.fault,
                             .error_code = e->res.pk ? PF_ERR_PK : 0};
    if (e->res.fault == MMU_FAULT_NONE) {
        const struct tlb_entry *leaf = &e->res.leaf;
        r.page_shift = leaf->page_shift;
        r.paddr = leaf->base | (e->req.vaddr & ((1ull << leaf->shift) - 1));
        end->fill_l1 = true;
        end->fill_stlb = walked;
        end->l1 = l1;
        end->entry = *leaf;
        end->va = e->req.vaddr;
    } else {
        end->inval[end->ninval++] = (struct inval){e->req.vaddr, l1, true, walked};
    }
    mmu_count_miss(m, l1, e->req.type, &r);
    if (walked) {
        m->stats.dirty_rewalks += e->clean;
        mmu_count_miss(m, MMU_TLB_STLB, e->req.type, &r);
    } else if (e->secondary && e->src == MMU_SRC_WALK) {
        m->stats.tlb[MMU_TLB_STLB].merged++; /* it waited for its primary's walk */
    } /* an STLB hit or fault was counted by its lookup; a secondary made none */
    end->answered = best;
    return emit(m, &e->req, &r);
}

/* ---- the cycle ---- */

static int run_cycle(struct mmu *m, uint64_t c)
{
    struct pipeline *f = &m->nb;
    /* (Only its flags and counts are set here: each of the rest is written before the flag that
     * makes it read, and zeroing the whole, a TLB entry and two invalidations, every cycle run
     * cost a miss-heavy study 1% of its instructions.) */
    struct cycle_end end;
    end.ninval = 0;
    end.fill_l1 = end.fill_stlb = false;
    end.answered = -1;
    f->event_known = false;
    unsigned used_at_start = f->mq_used;

    stlb_port(m, c);
    /* The hit lane: the request accepted in c - 1.  A miss takes its entry now, before the
     * results of c are known, so that a result of its primary in c resolves it too. */
    int took = 0;
    if (f->l1.valid && f->l1.accept + 1 == c) {
        took = hit_lane(m, c, &end);
        if (took < 0)
            return -1;
    }
    /* ready in c (16.2): free entries at the start of c, and the request the L1 did not answer. */
    f->snap_cycle = c + 1;
    f->snap_free = m->cfg.miss_entries - used_at_start;
    f->snap_pipe = (unsigned)took;
    if (m->cfg.hit_under_miss && f->snap_free <= f->snap_pipe)
        m->stats.miss_queue_full_cycles++;
    stlb_answer(m, c);
    if (walkers_step(m, c))
        return -1;
    if (miss_lane(m, c, &end))
        return -1;
    start_walk(m, c);
    if (memory_port(m, c))
        return -1;

    /* The end of the cycle (16.3): invalidations, the caches' fills, the TLB fills. */
    for (unsigned i = 0; i < end.ninval; i++)
        mmu_fault_invalidate(m, end.inval[i].va, end.inval[i].l1, end.inval[i].stlb,
                             end.inval[i].psc);
    for (unsigned w = 0; w < m->cfg.walkers; w++) {
        struct walk_slot *ws = &f->w[w];
        if (ws->port == PORT_SENT && !ws->accepted && ws->accept == c) {
            walk_accepted(&m->walker, &ws->k);
            ws->accepted = true;
        }
    }
    if (end.fill_stlb)
        mmu_fill(m, MMU_TLB_STLB, &end.entry, end.va);
    if (end.fill_l1)
        mmu_fill(m, end.l1, &end.entry, end.va);
    if (end.answered >= 0) {
        f->in_state[f->mq[end.answered].state] &= ~(1u << end.answered);
        f->mq[end.answered] = (struct mq_entry){.state = MQ_FREE};
        f->mq_used--;
        f->mq_busy &= ~(1u << end.answered);
    }
    return 0;
}

/* The first cycle from f->now on in which something can happen (UINT64_MAX: nothing is
 * outstanding). */
static uint64_t next_event_search(const struct mmu *m)
{
    const struct pipeline *f = &m->nb;
    uint64_t n = UINT64_MAX;
#define SOONER(x) (n = (x) < n ? (x) : n)
    if (f->l1.valid)
        SOONER(f->l1.accept + 1);
    uint64_t walker_free = UINT64_MAX;
    for (unsigned w = 0; w < m->cfg.walkers; w++) {
        const struct walk_slot *ws = &f->w[w];
        if (!ws->busy)
            walker_free = ws->free_from < walker_free ? ws->free_from : walker_free;
        else if (ws->port == PORT_PRESENTED)
            SOONER(at_least(ws->presented, f->port_free));
        else if (ws->port == PORT_SENT)
            SOONER(ws->accepted ? ws->act : ws->accept);
    }
    for (uint32_t in = f->in_state[MQ_READY]; in; in &= in - 1)
        SOONER(f->mq[__builtin_ctz(in)].from);
    for (uint32_t in = f->in_state[MQ_PROBING]; in; in &= in - 1)
        SOONER(f->mq[__builtin_ctz(in)].from + m->cfg.stlb_latency - 1);
    if (f->in_state[MQ_PROBE_WAIT])
        SOONER(f->probed ? f->probe_start + 2 : 0);
    if (walker_free != UINT64_MAX)
        for (uint32_t in = f->in_state[MQ_WAITING]; in; in &= in - 1)
            SOONER(at_least(f->mq[__builtin_ctz(in)].from, walker_free));
#undef SOONER
    return n;
}

/* next_event_search's answer is kept until the state changes (a cycle run, a request taken
 * into the pipeline): most calls come between two such changes. */
static uint64_t next_event(struct mmu *m)
{
    struct pipeline *f = &m->nb;
    if (!f->event_known) {
        f->event = next_event_search(m);
        f->event_known = true;
    }
    return f->event == UINT64_MAX ? UINT64_MAX : at_least(f->event, f->now);
}

/* Runs cycles up to `until` (inclusive), skipping those in which nothing happens. */
static int run_until(struct mmu *m, uint64_t until)
{
    struct pipeline *f = &m->nb;
    if (!f->outstanding) { /* nothing can happen */
        if (until != UINT64_MAX && until + 1 > f->now)
            f->now = until + 1;
        return 0;
    }
    while (f->now <= until) {
        uint64_t e = next_event(m);
        if (e == UINT64_MAX && f->outstanding) {
            mmu_set_error(m,
                          "cycle %llu: %u requests outstanding and nothing left to happen "
                          "(a bug in the model)",
                          (unsigned long long)f->now, f->outstanding);
            return -1;
        }
        if (e > f->now) {
            uint64_t to = e <= until ? e : until + 1;
            if (m->cfg.hit_under_miss && m->cfg.miss_entries == f->mq_used)
                m->stats.miss_queue_full_cycles += to - f->now;
            f->now = to;
            continue;
        }
        if (run_cycle(m, f->now))
            return -1;
        f->now++;
    }
    return 0;
}

uint64_t mmu_next_event(struct mmu *m)
{
    return next_event(m);
}

int mmu_advance(struct mmu *m, uint64_t cycle)
{
    return run_until(m, cycle);
}

int pipeline_drain(struct mmu *m, uint64_t *last)
{
    struct pipeline *f = &m->nb;
    if (!f->outstanding)
        return 0;
    while (f->outstanding)
        if (run_until(m, next_event(m)))
            return -1;
    *last = f->now - 1;
    return 0;
}

/* ---- the request port (16.2) ---- */

/* Whether a request can be accepted in cycle c, which has run (or had nothing to run). */
static bool ready(const struct mmu *m, uint64_t c)
{
    const struct pipeline *f = &m->nb;
    if (c < m->free_cycle)
        return false; /* a control operation runs */
    if (!m->cfg.hit_under_miss)
        return f->outstanding == 0;
    unsigned free_entries = m->cfg.miss_entries - f->mq_used, pipe = 0;
    if (f->snap_cycle == c + 1) { /* c ran: its start */
        free_entries = f->snap_free;
        pipe = f->snap_pipe;
    }
    return free_entries > pipe;
}

/* Refuses, with the reason, a request the MMU may not take: its type, its ID's width, a cycle
 * earlier than the last presentation. */
static int check_request(struct mmu *m, const struct mmu_request *req, uint64_t cycle)
{
    if ((unsigned)req->type >= MMU_ACC_COUNT) {
        mmu_set_error(m, "request for 0x%llx: unknown access type %d",
                      (unsigned long long)req->vaddr, (int)req->type);
        return -1;
    }
    if (req->implicit && req->user) {
        mmu_set_error(m,
                      "request for 0x%llx: an implicit supervisor-mode access cannot be a user "
                      "access",
                      (unsigned long long)req->vaddr);
        return -1;
    }
    if (req->id >> m->cfg.id_bits) {
        mmu_set_error(m, "request for 0x%llx: ID %u is wider than id_bits = %u",
                      (unsigned long long)req->vaddr, req->id, m->cfg.id_bits);
        return -1;
    }
    if (cycle < m->last_arrival) {
        mmu_set_error(m, "cycle %llu is earlier than the previous request's cycle %llu",
                      (unsigned long long)cycle, (unsigned long long)m->last_arrival);
        return -1;
    }
    return 0;
}

/* Refuses a request whose ID is outstanding in cycle c, which has run: accepted and not
 * answered by c (an ID is free again in its answer cycle). */
static int check_id(struct mmu *m, const struct mmu_request *req, uint64_t c)
{
    const struct pipeline *f = &m->nb;
    if ((f->ids[req->id / 64] >> (req->id % 64) & 1) || f->id_answer[req->id] > c) {
        mmu_set_error(m,
                      "request for 0x%llx in cycle %llu: ID %u is outstanding (accepted, not "
                      "answered)",
                      (unsigned long long)req->vaddr, (unsigned long long)c, req->id);
        return -1;
    }
    return 0;
}

/* The first cycle from c + 1 on in which ready may differ from ready in c (c has run). */
static uint64_t next_try(struct mmu *m, uint64_t c)
{
    c++;
    uint64_t e = next_event(m);
    if (e > c && !ready(m, c))
        c = e != UINT64_MAX ? e : c; /* nothing outstanding: ready from c on */
    return c;
}

uint64_t pipeline_hit_room(struct mmu *m, uint64_t t)
{
    struct pipeline *f = &m->nb;
    if (f->slow_hits || f->l1.valid)
        return 0;
    /* Request j, accepted in t + j, looks up in t + j + 1 what cycle t + j left: so cycles up
     * to t + j must have run or have nothing to run (next_event is the first that has), and the
     * lookup is the first to touch the arrays in t + j + 1, even if that cycle has more to do. */
    uint64_t e = next_event(m);
    if (e <= t || !ready(m, t))
        return 0;
    /* And ready stays high until e: ready in t may be that of t's start (t having run), but
     * the entries free after t are at least those free at its start less those the requests
     * then in the pipe took, and nothing changes them before e. */
    return e - t;
}

/* Takes req, presented in cycle `arrival`, in cycle c, which has run and in which the MMU is
 * ready. */
static int accept(struct mmu *m, const struct mmu_request *req, uint64_t arrival, uint64_t c)
{
    struct pipeline *f = &m->nb;
    m->last_arrival = arrival;
    f->ids[req->id / 64] |= 1ull << (req->id % 64);
    f->outstanding++;
    f->accepted_any = true;
    f->last_accept = c;
    m->stats.requests[req->type]++;
    mmu_count_accept(m, c);
    /* An L1 hit a memo answers: its lookup in c + 1 reads the arrays as they are now, cycle c
     * having run, and is the first to touch them in c + 1; so it answers now, as the hit lane
     * would (it takes no entry, so it does not count in ready's pipe). */
    struct mmu_response r = {.accept_cycle = c, .resp_cycle = c + 1};
    if (!f->slow_hits && mmu_memo_hit(m, req, l1_of(req), &r))
        return emit(m, req, &r);
    /* Any other answer of the hit lane, when nothing else is in flight: nothing else acts in
     * c + 1, so the lookup made now finds what the hit lane's would, and a fault's
     * invalidation made now is seen first by a lookup in c + 2, as at the end of c + 1. */
    if (!f->slow_hits && f->outstanding == 1) {
        enum lookup_outcome o = LOOKUP_MISS;
        struct inval inv = {.va = 0};
        int rc = l1_answer(m, req, c, &o, &inv);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            if (o == LOOKUP_FAULT)
                mmu_fault_invalidate(m, inv.va, inv.l1, inv.stlb, inv.psc);
            return 0;
        }
    }
    f->l1 = (struct l1_slot){.valid = true, .req = *req, .accept = c};
    f->event_known = false;
    return 0;
}

int mmu_issue(struct mmu *m, const struct mmu_request *req, uint64_t *accept_cycle)
{
    if (check_request(m, req, req->cycle))
        return -1;
    /* Cycles before the last one run are past: a request presented then is presented now; and
     * one request is accepted a cycle. */
    uint64_t c = pipeline_first_accept(m, at_least(req->cycle, m->free_cycle));
    for (;;) {
        if (run_until(m, c))
            return -1;
        if (ready(m, c))
            break;
        /* Not ready: nothing changes before the next event, so neither does ready. */
        c = next_try(m, c);
    }
    if (check_id(m, req, c))
        return -1;
    if (accept_cycle)
        *accept_cycle = c;
    return accept(m, req, req->cycle, c);
}

int mmu_try_issue(struct mmu *m, const struct mmu_request *req, uint64_t c, uint64_t *retry)
{
    if (check_request(m, req, c))
        return -1;
    if (req->cycle > c) {
        mmu_set_error(m, "request for 0x%llx: tried in cycle %llu, before its cycle %llu",
                      (unsigned long long)req->vaddr, (unsigned long long)c,
                      (unsigned long long)req->cycle);
        return -1;
    }
    uint64_t first = pipeline_first_accept(m, at_least(c, m->free_cycle));
    if (first > c) {
        *retry = first;
        return 1;
    }
    if (run_until(m, c))
        return -1;
    if (check_id(m, req, c))
        return -1;
    if (!ready(m, c)) {
        *retry = next_try(m, c);
        return 1;
    }
    return accept(m, req, c, c);
}

int mmu_translate(struct mmu *m, const struct mmu_request *req, struct mmu_response *resp)
{
    struct pipeline *f = &m->nb;
    uint64_t accept;
    if (mmu_issue(m, req, &accept))
        return -1;
    while (!take(f, req->id, accept, resp)) {
        if (!f->outstanding) {
            mmu_set_error(m,
                          "request for 0x%llx: answered, but its response is not there "
                          "(a bug in the model)",
                          (unsigned long long)req->vaddr);
            return -1;
        }
        if (run_until(m, next_event(m)))
            return -1;
    }
    return 0;
}
