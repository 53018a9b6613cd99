/*
 * The MMU: configuration, translation, control operations, statistics.
 *
 * One struct mmu is one MMU: its TLBs, paging-structure caches, walker,
 * control registers and counters.  It holds no global state, so any number
 * can live in one process.  Its behaviour and timing, cycle by cycle, are
 * specified in docs/ARCHITECTURE.md; the RTL implements the same contract.
 *
 * Time is counted in cycles.  Requests and control operations are given in
 * non-decreasing order of the cycle they arrive; the MMU serves one at a
 * time, in order, and reports when it accepted and answered each.
 */
#ifndef MMUSIM_MMU_H
#define MMUSIM_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmusim/phys_mem.h"
#include "mmusim/pte.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- configuration ------------------------------------------------------ */

enum mmu_repl {
    MMU_REPL_LRU,    /* true LRU */
    MMU_REPL_PLRU,   /* tree pseudo-LRU; ways must be a power of two */
    MMU_REPL_FIFO,   /* round robin over a per-set pointer */
    MMU_REPL_RANDOM, /* from a 16-bit LFSR, one per array */
    MMU_REPL_COUNT
};

/* One set-associative array.  entries == 0 disables it. */
struct mmu_array_config {
    uint32_t entries;
    uint32_t ways; /* entries / ways sets, which must be a power of two */
    enum mmu_repl repl;
};

struct mmu_config {
    unsigned pa_bits;                /* physical-address width, 32..52; default 46 */
    struct mmu_array_config itlb_4k; /* 128 entries, 8-way, LRU */
    struct mmu_array_config itlb_2m; /* 8 entries, fully associative, LRU */
    struct mmu_array_config dtlb_4k; /* 64 entries, 4-way, LRU */
    struct mmu_array_config dtlb_2m; /* 32 entries, 4-way, LRU */
    struct mmu_array_config itlb_1g; /* 0 entries: none (a 1 GiB page fills 2 MiB fractions) */
    struct mmu_array_config dtlb_1g; /* 4 entries, fully associative, LRU */
    struct mmu_array_config stlb;    /* 1536 entries, 12-way, LRU; 4 KiB and 2 MiB pages */
    struct mmu_array_config stlb_1g; /* 16 entries, 4-way, LRU: the STLB's 1 GiB pages */
    struct mmu_array_config psc[4];  /* [0] PDE, [1] PDPTE, [2] PML4E, [3] PML5E cache: 32, 4,
                                           2, 2 entries, fully associative (ways < entries:
                                           sets), LRU; the PML5E cache serves la57 only */
    unsigned stlb_latency;           /* accept to STLB-hit response, >= 3; default 9 */
    /* Several requests in flight (docs/ARCHITECTURE.md section 16).  The default has 2 walkers,
     * 8 entries and hit under miss; mmu_config_blocking() gives section 8's MMU: walkers 1,
     * miss_entries 1, hit_under_miss off. */
    unsigned walkers;      /* page walkers, 1..MMU_MAX_WALKERS */
    unsigned miss_entries; /* miss-queue entries, 1..MMU_MAX_MISS_ENTRIES */
    bool hit_under_miss;   /* accept requests while others are outstanding; needs
                                        miss_entries >= 2 */
    unsigned id_bits;      /* width of a request's ID, 1..8; default 8 */
    uint16_t lfsr_seed;    /* reset value of every LFSR, non-zero; 0xACE1 */
    bool wp;               /* CR0.WP at reset; default 1 */
    bool nxe;              /* EFER.NXE at reset; default 1 */
    bool la57;             /* CR4.LA57: 5-level paging, 57-bit virtual addresses; default 0 */
    bool pdpe1gb;          /* 1 GiB pages (CPUID Page1GB): a PDPTE with PS = 1 is a leaf, not a
                                        reserved-bit fault; default 1 */
    bool smep, smap, pke;  /* CR4.SMEP, CR4.SMAP, CR4.PKE at reset; default 0 */
    uint32_t pkru;         /* PKRU at reset; default 0 (every key allows every access) */
};

/* 16: ChampSim's walks are bounded by its STLB's 16 miss registers (the `champsim` preset). */
#define MMU_MAX_WALKERS      16
#define MMU_MAX_MISS_ENTRIES 32

/* Index of each paging-structure cache in mmu_config.psc and the stats:
 * the cache of entries at walk level L is psc[L - 2].  The PML5E cache is looked up and filled
 * only with la57; mmu_top (rtl/) has the first three. */
enum mmu_psc_id {
    MMU_PSC_PDE = 0,
    MMU_PSC_PDPTE = 1,
    MMU_PSC_PML4E = 2,
    MMU_PSC_PML5E = 3,
    MMU_PSC_COUNT = 4
};
/* The paging-structure caches of a mode: 3 in 4-level paging, 4 with la57. */
static inline unsigned mmu_psc_count(bool la57)
{
    return la57 ? MMU_PSC_COUNT : MMU_PSC_PML5E;
}

/* The default configuration: the sizes of docs/ARCHITECTURE.md section 12, 2 walkers, 8
 * miss-queue entries, hit under miss (mmu_top's parameter defaults, the studies' skylake). */
void mmu_config_default(struct mmu_config *cfg);
/* The same arrays serving one request at a time (section 8; rtl/configs.txt's `blocking`). */
void mmu_config_blocking(struct mmu_config *cfg);

/* Returns 0 if cfg is valid; otherwise -1 and a message naming the
 * parameter and the reason, e.g. "dtlb_4k.ways: 0 ways". */
int mmu_config_check(const struct mmu_config *cfg, char *err, size_t errlen);

/* The configuration of an RTL build: mmu_top's parameters as "Name=Value"
 * items separated by commas or blanks (an entry of rtl/configs.txt), the rest
 * at their defaults; values are decimal, 0x hex or Verilog literals
 * (16'h1234).  Returns 0, or -1 with a message naming the item and why. */
int mmu_config_from_rtl_params(struct mmu_config *cfg, const char *params, char *err,
                               size_t errlen);
/* Sets the field of one mmu_top parameter ("StlbEntries", "LfsrSeed", ...);
 * returns -1 for a name mmu_top does not have.  No check: see above. */
int mmu_config_set_rtl_param(struct mmu_config *cfg, const char *name, uint64_t value);

/* The contract's bound on a request's latency (docs/ARCHITECTURE.md 16.9): every request accepted
 * in cycle t answers by t + mmu_latency_bound(cfg, S, M) when the memory accepts every walker
 * access within S cycles of its presentation to the memory and answers it within M cycles of
 * accepting it.  In `blocking` it is section 8's bound, stlb_latency + 8 (1 + S + M) + 1. */
uint64_t mmu_latency_bound(const struct mmu_config *cfg, unsigned max_stall, unsigned max_latency);

const char *mmu_repl_name(enum mmu_repl repl);
/* Parses "lru", "plru", "fifo", "random"; returns -1 if unknown. */
int mmu_repl_parse(const char *name, enum mmu_repl *repl);

/* ---- the memory the walker reads and writes ----------------------------- */

/* One walker access of a 64-bit entry.  The walker presents it in cycle
 * `issue`; the memory says in which cycle it accepted it (>= issue: the
 * cycles in between are stalls) and in which cycle its response (read data
 * or write acknowledgement) is valid (> accept). */
struct mmu_mem_access {
    uint64_t paddr;
    bool write;
    bool set_bits;   /* write: OR data into the entry as it is when the write is performed (the
                      atomic A/D set of docs/ARCHITECTURE.md 16.5, used with walkers > 1)
                      instead of storing data; a port used with walkers > 1 must honour it */
    uint64_t data;   /* write: the value to store, or the bits to set; read: filled by the memory */
    unsigned walker; /* the walker that presents it: the memory port's tag (16.5) */
    uint64_t issue;
    uint64_t accept;
    uint64_t done;
};

struct mmu_mem_port {
    /* Performs the access and fills its timing.  Returns 0, or -1 for an access the memory
     * answers with an error (a bus error, docs/ARCHITECTURE.md 16.5): with its timing filled,
     * the walk ends with the fault bus-error; without a valid timing the translation fails. */
    int (*access)(void *ctx, struct mmu_mem_access *acc);
    void *ctx;
};

/* The default memory: always ready, every response `latency` cycles after
 * the request is accepted.  Keep *fm alive as long as the port is used. */
struct mmu_fixed_mem {
    struct phys_mem *pm;
    unsigned latency; /* >= 1; the spec's default is 20 */
};
struct mmu_mem_port mmu_fixed_mem_port(struct mmu_fixed_mem *fm);

/* A memory with a seeded random timing, for benches of several walkers: each access waits
 * before it is accepted (with stall_percent percent chance, 1..max_stall cycles) and answers
 * min_latency..max_latency cycles after, at most one response a cycle; so responses to
 * accesses of different walkers come out of order.  The same seed and the same accesses give
 * the same timing.  Keep *rm alive as long as the port is used. */
struct mmu_random_mem {
    struct phys_mem *pm;
    unsigned min_latency, max_latency; /* 1 <= min_latency <= max_latency */
    unsigned stall_percent, max_stall;
    uint64_t seed;       /* non-zero; it advances with each access */
    uint64_t recent[16]; /* response cycles of the last 16 accesses (kept by the port) */
    unsigned nrecent, next;
};
/* Returns the port, or a port with no access function when *rm's fields are out of range. */
struct mmu_mem_port mmu_random_mem_port(struct mmu_random_mem *rm);

/* Performs an access's read, write or set of bits on pm, without timing: for memory ports
 * built on a struct phys_mem.  Returns 0, or -1 if pm refuses the address. */
int mmu_mem_perform(struct phys_mem *pm, struct mmu_mem_access *acc);

/* ---- translation -------------------------------------------------------- */

enum mmu_access { MMU_ACC_READ, MMU_ACC_WRITE, MMU_ACC_FETCH, MMU_ACC_COUNT };

struct mmu_request {
    uint64_t vaddr;
    enum mmu_access type;
    bool user;      /* CPL 3 */
    uint64_t cycle; /* first cycle the request is presented */
    unsigned id;    /* mmu_issue: the request's ID, < 2^id_bits, not outstanding */
    bool implicit;  /* an implicit supervisor-mode access (a descriptor table, say): SMAP
                       forbids it user-mode addresses whatever EFLAGS.AC; user must be 0 */
};

enum mmu_fault {
    MMU_FAULT_NONE,
    MMU_FAULT_NOT_PRESENT,   /* P = 0 in some entry */
    MMU_FAULT_RESERVED,      /* a reserved bit set in some entry */
    MMU_FAULT_WRITE,         /* write to a read-only page */
    MMU_FAULT_USER,          /* user access to a supervisor page */
    MMU_FAULT_NX,            /* fetch from an execute-disabled page */
    MMU_FAULT_NON_CANONICAL, /* bits 63:47 (la57: 63:56) of the address not all equal (#GP) */
    MMU_FAULT_BUS_ERROR,     /* the memory answered a walker access with an error (not a #PF) */
    MMU_FAULT_SMEP,          /* a supervisor fetch from a user-mode address, CR4.SMEP = 1 */
    MMU_FAULT_SMAP, /* a supervisor data access to a user-mode address, CR4.SMAP = 1, not allowed
                       by EFLAGS.AC (or implicit) */
    MMU_FAULT_PK,   /* a data access to a user-mode address its protection key forbids (PKRU) */
    MMU_FAULT_COUNT
};

/* Where a translation was found. */
enum mmu_source { MMU_SRC_L1, MMU_SRC_STLB, MMU_SRC_WALK, MMU_SRC_NONE, MMU_SRC_COUNT };

struct mmu_response {
    uint64_t paddr;      /* valid when fault == MMU_FAULT_NONE */
    unsigned page_shift; /* 12, 21 or 30; 0 on a fault */
    enum mmu_fault fault;
    uint32_t error_code; /* #PF error code (PF_ERR_*); 0 if no fault */
    unsigned level;      /* level where the walk stopped (5..1), or the
                              cached leaf's level on a TLB hit; 0 if none */
    enum mmu_source source;
    uint64_t accept_cycle; /* the cycle the request was accepted */
    uint64_t resp_cycle;   /* the cycle the response was valid */
    unsigned id;           /* the request's ID */
};

struct mmu;

/* Creates an MMU with configuration cfg, walking through port.  Returns
 * NULL with the reason in err on a bad configuration or no memory.  The
 * MMU starts with CR3 = 0 (PML4 at 0, PCID 0) and every array empty. */
struct mmu *mmu_create(const struct mmu_config *cfg, const struct mmu_mem_port *port, char *err,
                       size_t errlen);
void mmu_destroy(struct mmu *m);

/* Translates one request: mmu_issue, then runs the MMU to its response (the blocking convenience
 * over the pipeline; with other requests in flight their responses wait for mmu_poll).  Returns 0
 * with *resp filled (a walker access the memory answers with an error is the fault bus-error),
 * or -1 if the request itself is bad (unknown type, ID too wide or outstanding, cycle earlier
 * than the last one) or the memory port failed; mmu_error() says which. */
int mmu_translate(struct mmu *m, const struct mmu_request *req, struct mmu_response *resp);

/* Translates requests back to back for as long as each is an L1 TLB hit that the MMU answers
 * without a search (it remembers its recent hits): reqs[0] is presented in cycle *cycle, each
 * next one in the cycle the previous one answers (their own cycle and ID fields are ignored).
 * Returns how many were translated, with *cycle set to the cycle the last one answered; the
 * counters and every state are those that mmu_translate of each would leave, or, with
 * requests in flight, mmu_issue of each with a free ID.  With requests in flight it goes
 * only as far as nothing else happens in the MMU (a walk's step, a response) and the MMU is
 * ready; their responses are not among mmu_poll's.  The caller gives the next request, if
 * any, to mmu_translate or mmu_issue: a miss, a fault, a write to a clean entry, a bad
 * request, a hit not remembered, or one that would come after another event.  For
 * trace-driven studies, which need no responses: it is several times faster than
 * mmu_translate on a run of hits. */
size_t mmu_translate_hits(struct mmu *m, const struct mmu_request *reqs, size_t n, uint64_t *cycle);

/* A request packed in one 64-bit word, for trace-driven runs: bits 47:0 the virtual address
 * (bit 47 taken as sign-extended), 62:61 the access type, 59:48 ignored.  A word with bit 63
 * or 60 set is not a packed request.  The layout is the word of mmusim's binary trace format
 * (where those two bits mark a page-crossing access and a PCID), so such a trace is translated
 * where it lies, without decoding. */
#define MMU_PACKED_NOT_A_REQUEST ((1ull << 63) | (1ull << 60))

static inline uint64_t mmu_pack(uint64_t vaddr, enum mmu_access type)
{
    return (vaddr & 0xffffffffffffull) | (uint64_t)type << 61;
}

/* mmu_translate_hits of packed requests, all of one privilege (user: CPL 3).  It stops at the
 * first word that is not an L1 hit the MMU remembers, or not a packed request, or of type 3. */
size_t mmu_translate_hits_packed(struct mmu *m, const uint64_t *words, size_t n, bool user,
                                 uint64_t *cycle);

/* ---- several requests in flight (docs/ARCHITECTURE.md section 16) ----------- */

/* Presents req in cycle req->cycle with ID req->id.  It is accepted in the first cycle from
 * req->cycle on in which the MMU is ready (section 16.2: back-pressure), running the MMU up to
 * that cycle; *accept (may be NULL) gets the cycle.  Responses that leave meanwhile wait for
 * mmu_poll.  Returns 0, or -1 for a bad request (unknown type, ID too wide or outstanding,
 * cycle earlier than the last one) or a memory-port failure; mmu_error() says which.
 * Works in every configuration; in `blocking` it is mmu_translate's timing. */
int mmu_issue(struct mmu *m, const struct mmu_request *req, uint64_t *accept);

/* mmu_issue without waiting: accepts req only in cycle c (>= req->cycle, the cycle it was
 * first presented in, which its wait is counted from), running the MMU up to c.  Returns 0 if
 * it was accepted; 1 if it was not (the MMU was not ready in c, or had taken a request in c, or
 * had run past it), with *retry the first later cycle in which it could be as things stand (a
 * request taken meanwhile can move it); -1 as mmu_issue.  For callers that keep their own time,
 * such as a SystemC module, and must not run the MMU ahead of it: requesters that wait may
 * then be accepted in another order than they were presented in. */
int mmu_try_issue(struct mmu *m, const struct mmu_request *req, uint64_t c, uint64_t *retry);

/* Runs the MMU through cycle `cycle` (every response that leaves by then is ready for
 * mmu_poll).  Returns 0, or -1 if the memory port failed. */
int mmu_advance(struct mmu *m, uint64_t cycle);

/* The first cycle, from the next one to run, in which something can happen (a response, a
 * walker step, a memory access): a caller waiting for responses may jump to it.  UINT64_MAX
 * when nothing is outstanding. */
uint64_t mmu_next_event(struct mmu *m); /* not const: it keeps its answer until a change */

/* Takes the oldest response not yet taken (in the order they left: by cycle, then the hit lane
 * before the miss lane).  Returns true with *resp, or false if there is none. */
bool mmu_poll(struct mmu *m, struct mmu_response *resp);

/* Requests accepted and not yet answered. */
unsigned mmu_outstanding(const struct mmu *m);

/* ---- control operations ------------------------------------------------- */

enum mmu_ctrl_op {
    MMU_CTRL_LOAD_CR3,  /* value = CR3: bits 51:12 PML4 base (la57: PML5), 11:0 PCID, 63
                             no-flush */
    MMU_CTRL_INVLPG,    /* value = virtual address; current PCID */
    MMU_CTRL_INVPCID,   /* type 0..3, pcid, value = virtual address (type 0) */
    MMU_CTRL_FLUSH_ALL, /* every TLB and paging-structure-cache entry */
    MMU_CTRL_SET_MODE,  /* wp, nxe */
    MMU_CTRL_SET_PROT,  /* smep, smap, pke (CR4), ac (EFLAGS.AC), pkru: no flush */
    MMU_CTRL_COUNT
};

struct mmu_ctrl {
    enum mmu_ctrl_op op;
    uint64_t value;
    unsigned invpcid_type;
    uint16_t pcid;
    bool wp, nxe;
    uint64_t cycle;           /* first cycle the operation is presented */
    bool smep, smap, pke, ac; /* MMU_CTRL_SET_PROT */
    uint32_t pkru;
};

/* Performs a control operation.  Returns 0 and the cycle it completed in
 * *done (may be NULL), or -1 for an operation x86 would reject with #GP
 * (reserved CR3 bits, INVPCID type > 3, PCID > 4095, non-canonical type-0
 * address); the MMU is then unchanged. */
int mmu_control(struct mmu *m, const struct mmu_ctrl *c, uint64_t *done);

/* Convenience forms of mmu_control(). */
int mmu_load_cr3(struct mmu *m, uint64_t cycle, uint64_t pml4, uint16_t pcid, bool noflush);
int mmu_invlpg(struct mmu *m, uint64_t cycle, uint64_t vaddr);
int mmu_invpcid(struct mmu *m, uint64_t cycle, unsigned type, uint16_t pcid, uint64_t vaddr);
int mmu_flush_all(struct mmu *m, uint64_t cycle);
int mmu_set_mode(struct mmu *m, uint64_t cycle, bool wp, bool nxe);
int mmu_set_protection(struct mmu *m, uint64_t cycle, bool smep, bool smap, bool pke, bool ac,
                       uint32_t pkru);

/* The first cycle in which the MMU can accept a request: after the last request accepted (one a
 * cycle), its response in `blocking`, and any control operation.  With requests in flight a full
 * miss queue may still hold a request back from then on (section 16.2). */
uint64_t mmu_next_free_cycle(const struct mmu *m);
uint16_t mmu_current_pcid(const struct mmu *m);

/* Reason for the last failed call on m. */
const char *mmu_error(const struct mmu *m);

/* ---- statistics --------------------------------------------------------- */

enum mmu_tlb_id { MMU_TLB_ITLB, MMU_TLB_DTLB, MMU_TLB_STLB, MMU_TLB_COUNT };
enum mmu_size_id { MMU_SIZE_4K, MMU_SIZE_2M, MMU_SIZE_1G, MMU_SIZE_COUNT };

struct mmu_tlb_stats {
    /* A lookup that finds a usable entry is a hit, counted by the size of
     * the entry.  A miss is counted by the size of the translation the
     * request finally got, or as a faulting miss. */
    uint64_t hits[MMU_ACC_COUNT][MMU_SIZE_COUNT];
    uint64_t misses[MMU_ACC_COUNT][MMU_SIZE_COUNT];
    uint64_t misses_faulted[MMU_ACC_COUNT];
    /* Misses that took the result of another miss to the same page already in flight
     * (docs/ARCHITECTURE.md 16.4).  ITLB, DTLB: the L1 misses that merged; each is also one
     * of the misses above (as hardware counts L1 misses) and made no STLB lookup.  Most would
     * have hit the L1 one request at a time, after the first miss's fill.  STLB: the merged
     * misses whose primary walked, which waited for that walk instead of starting one; they
     * are not among the STLB's misses above, which are those that started a walk. */
    uint64_t merged;
    uint64_t fills[MMU_SIZE_COUNT];
    uint64_t evictions[MMU_SIZE_COUNT]; /* fills that replaced a valid entry */
};

#define MMU_LATENCY_BUCKETS 16 /* the last also counts every longer latency */

/* A merged miss's primary, by its state in the cycle the miss merged (16.4). */
enum mmu_merge_into {
    MMU_MERGE_PROBE_WAIT, /* waiting for the STLB's read port */
    MMU_MERGE_PROBING,    /* its STLB probe under way */
    MMU_MERGE_WAITING,    /* waiting for a walker */
    MMU_MERGE_WALKING,
    MMU_MERGE_COUNT
};

struct mmu_stats {
    uint64_t requests[MMU_ACC_COUNT];
    struct mmu_tlb_stats tlb[MMU_TLB_COUNT];
    uint64_t dirty_rewalks; /* writes whose TLB entry had D = 0 */
    uint64_t walks;
    uint64_t walk_reads;  /* entry reads issued by the walker */
    uint64_t walk_writes; /* A/D write-backs */
    uint64_t walk_cycles; /* from walk start to walk end, summed */
    uint64_t psc_hits[MMU_PSC_COUNT];
    uint64_t psc_misses[MMU_PSC_COUNT];
    uint64_t psc_fills[MMU_PSC_COUNT];     /* entries written (walks that went down a level) */
    uint64_t psc_evictions[MMU_PSC_COUNT]; /* fills that replaced a valid entry */
    uint64_t walk_start_level[PT_LEVELS_MAX + 1]; /* level of the first read */
    uint64_t faults[MMU_FAULT_COUNT];
    uint64_t ctrl_ops[MMU_CTRL_COUNT];
    uint64_t cr3_noflush;     /* CR3 loads with bit 63 set (subset of ctrl_ops) */
    uint64_t invpcid_type[4]; /* INVPCID by type (subset of ctrl_ops) */
    uint64_t total_latency;   /* sum of resp_cycle - accept_cycle */
    uint64_t total_wait;      /* sum of accept_cycle - request cycle */
    uint64_t last_cycle;      /* latest response or control completion */
    /* Several requests in flight (docs/ARCHITECTURE.md 16.8); also counted when blocking. */
    uint64_t merged_misses;                       /* L1 misses merged into another (16.4) */
    uint64_t miss_queue_full_cycles;              /* ready low: free entries <= pipe */
    uint64_t walker_busy_cycles[MMU_MAX_WALKERS]; /* walk start to completion, inclusive */
    uint64_t walks_peak;                          /* most walks in progress in one cycle */
    uint64_t first_accept;                        /* of the first request counted */
    uint64_t latency_hist[MMU_LATENCY_BUCKETS];   /* [k]: latency in [2^k, 2^(k+1)) */
    uint64_t merged_into[MMU_MERGE_COUNT];        /* merged_misses by their primary's state */
    uint64_t secondaries_failed; /* secondaries their primary's result did not serve (16.4) */
};

/* The average of walks in progress per cycle, from the first acceptance to the last response. */
double mmu_walks_average(const struct mmu_stats *s);

const struct mmu_stats *mmu_stats(const struct mmu *m);
/* A TLB's hits and misses over every access type and page size (faulting misses included). */
void mmu_tlb_totals(const struct mmu_stats *s, enum mmu_tlb_id t, uint64_t *hits, uint64_t *misses);
/* Sets every counter to zero and changes nothing else (TLBs, caches, the MMU's cycle): a
 * warm-up can be left out of the figures. */
void mmu_stats_reset(struct mmu *m);
/* Writes the counters as readable text. */
void mmu_stats_print(const struct mmu_stats *s, FILE *out);

const char *mmu_access_name(enum mmu_access a);
const char *mmu_fault_name(enum mmu_fault f);
const char *mmu_source_name(enum mmu_source s);
const char *mmu_tlb_name(enum mmu_tlb_id t);
const char *mmu_ctrl_name(enum mmu_ctrl_op op);

/* ---- inspection, without side effects ---------------------------------- */

/* Whether the TLB holds an entry that a lookup of vaddr with pcid would
 * match (PCID equal, or global), of either page size. */
bool mmu_tlb_holds(const struct mmu *m, enum mmu_tlb_id t, uint64_t vaddr, uint16_t pcid);
/* Whether the paging-structure cache holds an entry for vaddr and pcid. */
bool mmu_psc_holds(const struct mmu *m, enum mmu_psc_id c, uint64_t vaddr, uint16_t pcid);
/* Number of valid entries in a TLB (both arrays of an L1) or a PSC. */
unsigned mmu_tlb_valid_count(const struct mmu *m, enum mmu_tlb_id t);
unsigned mmu_psc_valid_count(const struct mmu *m, enum mmu_psc_id c);

/* The valid entries of an array by what an invalidation would do with them: global ones, and
 * non-global ones of `pcid` and of other PCIDs.  With by_addr, only the entries that translate
 * vaddr (of either page size) are counted. */
struct mmu_census {
    unsigned global, pcid, other;
};
struct mmu_census mmu_tlb_census(const struct mmu *m, enum mmu_tlb_id t, uint16_t pcid,
                                 bool by_addr, uint64_t vaddr);
struct mmu_census mmu_psc_census(const struct mmu *m, enum mmu_psc_id c, uint16_t pcid,
                                 bool by_addr, uint64_t vaddr);

#ifdef __cplusplus
}
#endif

#endif
