/*
 * Several requests in flight (docs/ARCHITECTURE.md section 16): the STLB
 * stage, the miss queue with its merged misses, the walkers sharing the
 * paging-structure caches and the one memory port, and the three response
 * lanes.  model/inflight.c runs them cycle by cycle; this is its state,
 * part of struct mmu.
 */
#ifndef MODEL_INFLIGHT_H
#define MODEL_INFLIGHT_H

#include <stdbool.h>
#include <stdint.h>

#include "mmusim/mmu.h"
#include "walker.h"

/* A request in the STLB stage: accepted, not answered by the hit or the stlb lane. */
struct stage_slot {
    struct mmu_request req;
    uint64_t accept;
    bool looked; /* the L1 lookup (cycle accept + 1) missed */
    bool clean;  /* a write that found a clean entry: a dirty re-walk */
};

enum mq_state { MQ_FREE, MQ_WAITING, MQ_WALKING, MQ_MERGED, MQ_READY };

/* A miss-queue entry (16.4). */
struct mq_entry {
    enum mq_state state;
    uint64_t age; /* the cycle it was taken: one a cycle, so it orders the entries */
    struct mmu_request req;
    uint64_t accept;
    bool clean;
    bool secondary;         /* answers from its primary's walk: fills only its L1 */
    bool answering;         /* answered in this cycle; freed at its end */
    unsigned primary;       /* MQ_MERGED: the entry whose walk it waits for */
    uint64_t from;          /* MQ_WAITING: first cycle its walk may start; MQ_READY: may answer */
    struct walk_result res; /* MQ_READY: the outcome */
};

enum port_state { PORT_NONE, PORT_PRESENTED, PORT_SENT };

/* A walker (16.5) and its one memory access. */
struct walk_slot {
    bool busy;
    uint64_t free_from; /* first cycle it may start a walk */
    unsigned entry;     /* the miss-queue entry it walks for */
    uint64_t start;
    struct walk k;
    enum port_state port;
    uint64_t presented; /* PORT_PRESENTED: the cycle k.acc was presented */
    uint64_t accept;    /* PORT_SENT: the cycle the memory accepts it */
    bool accepted;      /* walk_accepted done (at the end of cycle accept) */
    uint64_t act;       /* PORT_SENT: the cycle after its response */
    bool error;         /* the response is an error */
};

struct inflight {
    uint64_t now;             /* the next cycle to run: every earlier one has run */
    struct stage_slot *stage; /* a ring of stage_cap (a power of two) */
    unsigned stage_cap, stage_head, stage_n;
    struct mq_entry mq[MMU_MAX_MISS_ENTRIES];
    unsigned mq_used;
    struct walk_slot w[MMU_MAX_WALKERS];
    unsigned walking;   /* walkers busy */
    uint64_t port_free; /* first cycle the memory port can take the next access */
    bool event_known;   /* event holds the next event's cycle (next_event in inflight.c) */
    uint64_t event;
    bool slow_hits; /* tests: every hit through the hit lane, none at acceptance */
    bool accepted_any;
    uint64_t last_accept; /* the cycle of the last request accepted */
    uint64_t ids[4];      /* outstanding IDs, a bit each */
    unsigned outstanding;
    /* The start of the last cycle run, for ready (16.2). */
    uint64_t snap_cycle;
    unsigned snap_free, snap_pipe;
    /* Responses not yet polled. */
    struct mmu_response *out;
    size_t out_head, out_n, out_cap;
};

struct mmu;
int inflight_init(struct mmu *m);
void inflight_free(struct mmu *m);
/* Runs every outstanding request to its answer; *last gets the last response cycle (or is
 * left alone when none was outstanding). */
int inflight_drain(struct mmu *m, uint64_t *last);
bool inflight_idle(const struct mmu *m);
/* With nothing in flight: the cycle a request presented in `cycle` is accepted (not before the
 * last cycle run, nor in the cycle of the last acceptance). */
uint64_t inflight_first_accept(const struct mmu *m, uint64_t cycle);
/* Requests accepted and answered without the cycle model (L1 hits, mmu_translate_hits), the
 * last accepted in `last`: the model goes on after them. */
void inflight_accepted(struct mmu *m, uint64_t last);

#endif
