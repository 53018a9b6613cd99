/*
 * The model behind one handle, in scalar arguments: for callers that cannot share C structs
 * with it, such as Python (ctypes, the `mmusim` package in python/) and SystemVerilog benches
 * (DPI-C).  A handle is one MMU configured by the keys of `mmusim run`, with its own sparse
 * physical memory and page tables (the machine of mmusim/aspace.h), or a memory the caller
 * serves through callbacks.  Every call that can fail returns -1 (or NULL) and leaves the
 * reason in mmusim_error(); nothing aborts, and a failed call changes nothing.
 *
 * Responses are arrays of MMUSIM_RESP_WORDS 64-bit words, indexed by enum mmusim_resp_word.
 */
#ifndef MMUSIM_HANDLE_H
#define MMUSIM_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum mmusim_resp_word {
    MMUSIM_RESP_PADDR,      /* the physical address (0 on a fault) */
    MMUSIM_RESP_PAGE_SHIFT, /* 12, 21 or 30; 0 on a fault */
    MMUSIM_RESP_FAULT,      /* enum mmu_fault */
    MMUSIM_RESP_ERROR_CODE, /* the #PF error code */
    MMUSIM_RESP_LEVEL,      /* the leaf's level, or where the walk stopped; 0 if none */
    MMUSIM_RESP_SOURCE,     /* enum mmu_source */
    MMUSIM_RESP_ACCEPT,     /* the cycle the request was accepted */
    MMUSIM_RESP_CYCLE,      /* the cycle its response was valid */
    MMUSIM_RESP_ID,         /* the request's ID */
    MMUSIM_RESP_WORDS
};

/* Bits of mmusim_control's flags: the operands of set-mode (wp, nxe) and set-protection (smep,
 * smap, pke, ac). */
enum mmusim_ctrl_flag {
    MMUSIM_CTRL_WP = 1u << 0,
    MMUSIM_CTRL_NXE = 1u << 1,
    MMUSIM_CTRL_SMEP = 1u << 2,
    MMUSIM_CTRL_SMAP = 1u << 3,
    MMUSIM_CTRL_PKE = 1u << 4,
    MMUSIM_CTRL_AC = 1u << 5,
    MMUSIM_CTRL_NOFLUSH = 1u << 6 /* load-cr3: keep the new PCID's entries */
};

struct mmusim;

/* Creates a handle.  config is empty (the defaults, preset "skylake"), a JSON object of keys
 * (as `mmusim run --config`), or key=value items separated by spaces, commas, semicolons or
 * new lines (as --set); a "preset" key is applied before the others in both forms.  Returns
 * NULL with the reason in err. */
struct mmusim *mmusim_new(const char *config, char *err, size_t errlen);
/* The same for an RTL build: mmu_top's parameters as "Name=Value" items (an entry of
 * rtl/configs.txt; mmu_config_from_rtl_params), the memory answering each walker access
 * mem_latency cycles after it is issued; the study keys at their defaults. */
struct mmusim *mmusim_new_rtl(const char *params, unsigned mem_latency, char *err, size_t errlen);
void mmusim_free(struct mmusim *s);
/* The reason for the last failed call on s. */
const char *mmusim_error(const struct mmusim *s);

/* The memory the walker reads and writes: by default the handle's own, which the calls below
 * fill.  mmusim_set_memory gives it to the caller instead: read and write are called for every
 * walker access (return 0, or -1 for a bus error), each answered `mem_latency` cycles after it
 * is issued.  A walker's A/D update is a read, then a write of the entry with the bits set.
 * The MMU starts afresh on it, as mmusim_new's: CR3 0, every array empty, counters 0; it
 * refuses while requests are outstanding. */
typedef int (*mmusim_read_fn)(void *ctx, uint64_t paddr, uint64_t *value);
typedef int (*mmusim_write_fn)(void *ctx, uint64_t paddr, uint64_t value);
int mmusim_set_memory(struct mmusim *s, mmusim_read_fn read, mmusim_write_fn write, void *ctx);

/* The handle's own memory and its page tables. */
int mmusim_mem_read(struct mmusim *s, uint64_t paddr, uint64_t *value);
int mmusim_mem_write(struct mmusim *s, uint64_t paddr, uint64_t value);
int mmusim_alloc_frame(struct mmusim *s, uint64_t *paddr);
/* The page tables' top table (the value of CR3 without its PCID). */
uint64_t mmusim_root(const struct mmusim *s);
/* Maps, unmaps or changes the flags (PTE_* of mmusim/pte.h) of the page of size 2^page_shift
 * (12, 21 or 30) at va; as aspace_map and friends. */
int mmusim_map(struct mmusim *s, uint64_t va, uint64_t pa, unsigned page_shift, uint64_t flags);
int mmusim_unmap(struct mmusim *s, uint64_t va, unsigned page_shift);
int mmusim_protect(struct mmusim *s, uint64_t va, unsigned page_shift, uint64_t flags);

/* Translates one request (type: enum mmu_access) presented in `cycle`, to its response:
 * mmu_translate.  Returns 0 with resp filled, or -1 for a bad request. */
int mmusim_translate(struct mmusim *s, uint64_t va, unsigned type, int user, int implicit,
                     uint64_t cycle, uint64_t resp[MMUSIM_RESP_WORDS]);
/* Requests in flight (docs/ARCHITECTURE.md section 16): mmu_issue, mmu_advance, mmu_poll.
 * mmusim_poll returns 1 with resp filled, 0 when no response is waiting, -1 on an error. */
int mmusim_issue(struct mmusim *s, uint64_t va, unsigned type, int user, int implicit, unsigned id,
                 uint64_t cycle, uint64_t *accept);
int mmusim_advance(struct mmusim *s, uint64_t cycle);
int mmusim_poll(struct mmusim *s, uint64_t resp[MMUSIM_RESP_WORDS]);
uint64_t mmusim_next_event(struct mmusim *s);
uint64_t mmusim_next_free_cycle(const struct mmusim *s);
unsigned mmusim_outstanding(const struct mmusim *s);

/* A control operation (op: enum mmu_ctrl_op) presented in `cycle`: value is CR3's (load-cr3,
 * with the PCID in its bits 11:0) or the address (invlpg, invpcid); flags are mmusim_ctrl_flag
 * bits.  Returns 0 with the completion cycle in *done (may be NULL), or -1. */
int mmusim_control(struct mmusim *s, unsigned op, uint64_t cycle, uint64_t value,
                   unsigned invpcid_type, unsigned pcid, unsigned flags, uint32_t pkru,
                   uint64_t *done);

/* Text the caller frees with mmusim_free_text: the statistics as JSON (the fields of `mmusim
 * run --json`, references being the translations requested), and the effective configuration
 * (`mmusim config --dump`).  NULL with the reason in mmusim_error. */
char *mmusim_stats_json(struct mmusim *s);
char *mmusim_config_json(struct mmusim *s);
void mmusim_free_text(char *text);
void mmusim_stats_reset(struct mmusim *s);

/* A study: the traces (ntraces file names) through the configuration config (as mmusim_new's),
 * as `mmusim run --json`.  Returns the JSON text (free it with mmusim_free_text), or NULL with
 * the reason in err. */
char *mmusim_run_json(const char *config, const char *const *traces, unsigned ntraces, char *err,
                      size_t errlen);
/* The same as `mmusim run --csv` writes it: a header line and one row (the columns of a sweep's
 * sweep.csv after its trace and point). */
char *mmusim_run_csv(const char *config, const char *const *traces, unsigned ntraces, char *err,
                     size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
