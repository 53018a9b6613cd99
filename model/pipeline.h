/*
 * The MMU's pipeline (docs/ARCHITECTURE.md section 16): the request port,
 * the L1 lookup (the hit lane), the miss queue with its merged misses, the
 * STLB's one read port, the walkers sharing the paging-structure caches and
 * the memory port, and the miss lane that answers from the queue.  Every
 * configuration runs it; `blocking` (one walker, one entry, no hit under
 * miss) is the configuration in which it is section 8 cycle for cycle.
 * model/pipeline.c runs it cycle by cycle; this is its state, part of
 * struct mmu.
 */
#ifndef MODEL_PIPELINE_H
#define MODEL_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmusim/mmu.h"
#include "walker.h"

/* The request accepted in the last cycle: its L1 lookup comes in the next (16.3). */
struct l1_slot {
    bool valid;
    struct mmu_request req;
    uint64_t accept;
};

/* A miss-queue entry's state (16.4).  A primary is an entry in PROBE_WAIT, PROBING, WAITING or
 * WALKING; a secondary is MERGED into one, or READY with its primary's result. */
enum mq_state {
    MQ_FREE,
    MQ_PROBE_WAIT, /* waits for the STLB's read port */
    MQ_PROBING,    /* its STLB probe is under way: answers in from + stlb_latency - 1 */
    MQ_MERGED,     /* waits for its primary's result */
    MQ_WAITING,    /* waits for a walker, from `from` */
    MQ_WALKING,
    MQ_READY /* its result is known; the miss lane may answer it from `from` */
};

struct mq_entry {
    enum mq_state state;
    uint64_t age; /* the cycle it was taken: one a cycle, so it orders the entries */
    struct mmu_request req;
    uint64_t accept;
    bool clean;          /* a write whose own L1 or STLB lookup found its entry with D = 0 */
    bool secondary;      /* READY: the result is its primary's (it fills only its L1) */
    unsigned primary;    /* MERGED: the entry whose result it waits for */
    uint64_t from;       /* PROBING: the probe's first read; WAITING, READY: as above */
    enum mmu_source src; /* READY: MMU_SRC_STLB or MMU_SRC_WALK */
    struct walk_result res;
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

#define MMU_MAX_IDS 256 /* 2^8, the widest id_bits */

struct pipeline {
    uint64_t now; /* the next cycle to run: every earlier one has run */
    struct l1_slot l1;
    struct mq_entry mq[MMU_MAX_MISS_ENTRIES];
    unsigned mq_used;
    uint32_t mq_busy;                /* bit i: mq[i] is not free */
    uint32_t in_state[MQ_READY + 1]; /* [st] bit i: mq[i] is in state st (not kept for FREE) */
    uint64_t probe_start; /* the cycle the last STLB probe began (its 2 MiB read is the next) */
    bool probed;          /* probe_start is set */
    struct walk_slot w[MMU_MAX_WALKERS];
    unsigned walking;   /* walkers busy */
    uint64_t port_free; /* first cycle the memory port can take the next access */
    bool event_known;   /* event holds the next event's cycle (next_event in pipeline.c) */
    uint64_t event;
    bool slow_hits; /* tests: every hit through the hit lane, none at acceptance */
    bool accepted_any;
    uint64_t last_accept; /* the cycle of the last request accepted */
    /* IDs: accepted and not answered (a bit each), and each one's last answer cycle: an ID is
     * outstanding until its answer cycle (16.2). */
    uint64_t ids[MMU_MAX_IDS / 64];
    uint64_t id_answer[MMU_MAX_IDS];
    unsigned outstanding;
    uint64_t last_resp; /* the latest response cycle so far */
    /* The start of the last cycle run, for ready (16.2). */
    uint64_t snap_cycle;
    unsigned snap_free, snap_pipe;
    /* Responses not yet polled. */
    struct mmu_response *out;
    size_t out_head, out_n, out_cap;
};

struct mmu;
void pipeline_free(struct mmu *m);
/* Runs every outstanding request to its answer; *last gets the last response cycle (or is
 * left alone when none was outstanding). */
int pipeline_drain(struct mmu *m, uint64_t *last);
bool pipeline_idle(const struct mmu *m);
/* With nothing in flight: the cycle a request presented in `cycle` is accepted (not before the
 * last cycle run, nor in the cycle of the last acceptance). */
uint64_t pipeline_first_accept(const struct mmu *m, uint64_t cycle);
/* With requests in flight: how many requests, one a cycle from cycle t on (t not before
 * pipeline_first_accept's), the MMU can accept and answer at acceptance as L1 hits that a memo
 * answers, with nothing else happening in the model meanwhile: up to the next event, while
 * ready is high (0: none). */
uint64_t pipeline_hit_room(struct mmu *m, uint64_t t);
/* Requests accepted and answered without the cycle model (L1 hits, mmu_translate_hits), the
 * last accepted in `last`: the model goes on after them. */
void pipeline_accepted(struct mmu *m, uint64_t last);

#endif
