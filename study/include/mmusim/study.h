/*
 * Trace-driven TLB studies: memory-reference traces run through one MMU configuration, each
 * trace as its own process with its own address space, pages mapped on first touch.
 *
 * A study's parameters (MMU configuration, page-size policy, context switches, memory latency)
 * are all named by keys such as "stlb.entries", "dtlb_4k.repl" or "pages", set from presets,
 * JSON files or "key=value" strings alike, and dumped as JSON.
 */
#ifndef MMUSIM_STUDY_H
#define MMUSIM_STUDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmusim/mmu.h"
#include "mmusim/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

enum page_policy { PAGES_4K, PAGES_2M, PAGES_MIXED, PAGES_MAP, PAGES_1G, PAGES_COUNT };

struct study_options {
    struct mmu_config cfg;
    enum page_policy pages;
    unsigned mixed_percent;    /* PAGES_MIXED: share of 2 MiB regions mapped with a 2 MiB page */
    unsigned mixed_1g_percent; /* PAGES_MIXED: share of 1 GiB regions mapped with a 1 GiB page
                                  (the others' 2 MiB regions then by mixed_percent); default 0 */
    uint64_t seed;             /* which regions get 2 MiB pages */
    char page_map[256];        /* PAGES_MAP: a file of "START-END 4k|2m|1g" lines (hex addresses,
                                 as in /proc/PID/maps); other addresses get 4 KiB pages */
    bool pcid;                 /* each process its own PCID (no-flush switches), or all PCID 0 */
    uint64_t quantum;          /* references per process before a switch */
    unsigned mem_latency;      /* cycles per walker memory access */
    enum trace_format format;  /* of every trace */
    bool skip_bad;             /* count bad records and go on, instead of stopping */
    uint64_t limit;            /* stop after this many references (0: all) */
    unsigned window;           /* with several requests in flight (cfg not `blocking`): the most
                                 translations outstanding, standing for the load/store queue */
    /* Called every 2^20 references if set: references so far, and the input bytes read so far
     * out of the total (0 if unknown: standard input, or a trace not yet opened). */
    void (*progress)(void *ctx, uint64_t references, uint64_t bytes_read, uint64_t bytes_total);
    void *progress_ctx;
};

struct study_result {
    struct mmu_stats stats;
    uint64_t references;
    uint64_t page_crossings; /* references that crossed a 4 KiB boundary: a second translation */
    uint64_t instructions;
    uint64_t bad_records;
    uint64_t switches;
    uint64_t pages_mapped[MMU_SIZE_COUNT];
    unsigned walkers;    /* of the configuration, for the walkers' utilization */
    char first_bad[512]; /* the first bad record, with --skip-bad */
};

/* The defaults: preset "skylake", 4 KiB pages, PCIDs on, quantum 100000, 20-cycle memory. */
void study_defaults(struct study_options *o);

/* Applies a preset: "skylake", "champsim", "embedded". */
int study_preset(struct study_options *o, const char *name, char *err, size_t errlen);

/* Sets one key (see study_keys()) from its text form. */
int study_set(struct study_options *o, const char *key, const char *value, char *err,
              size_t errlen);

/* Applies a "key=value" string. */
int study_set_kv(struct study_options *o, const char *kv, char *err, size_t errlen);

/* Applies a JSON file: an object of keys (nested objects join with '.'), and optionally
 * "preset" first.  Errors name the file, the key and the reason. */
int study_load_json(struct study_options *o, const char *path, char *err, size_t errlen);

/* Applies a configuration given as text: a JSON object (as study_load_json's file), or
 * key=value items separated by spaces, commas, semicolons or new lines; in both, a "preset" key
 * is applied before the others.  Errors name the key and the reason. */
int study_configure(struct study_options *o, const char *text, char *err, size_t errlen);

/* Checks the options as a whole (the MMU configuration; pages=map has a page_map): 0, or -1
 * with the reason. */
int study_check(const struct study_options *o, char *err, size_t errlen);

/* Writes the effective options as JSON (every key). */
void study_dump_json(const struct study_options *o, FILE *out);

/* Writes the keys, one per line with their meaning, for --help. */
void study_print_keys(FILE *out);

/* Writes a study's result: a readable table, JSON, or CSV (a header and one row). */
void study_report_table(const struct study_options *o, const struct study_result *r, FILE *out);
void study_report_json(const struct study_options *o, const struct study_result *r, FILE *out);
void study_report_csv(const struct study_options *o, const struct study_result *r, bool header,
                      FILE *out);

const char *page_policy_name(enum page_policy p);

/* A study fed by its caller: one MMU and nprocs processes, process i with its own address
 * space and PCID i + 1, records fed a batch at a time.  study_run is its trace loop; a sweep
 * that decodes a trace once feeds the same records to many studies.  study_open returns NULL
 * with the reason in err. */
struct study;
struct study *study_open(const struct study_options *o, unsigned nprocs, char *err, size_t errlen);
/* Runs n records of process proc (a record naming a PCID runs in that PCID's space).  Returns
 * how many were run, fewer than n once the study's limit is reached, or -1 with the reason in
 * study_error(). */
long study_feed(struct study *s, unsigned proc, const struct trace_record *recs, size_t n);
/* The same for n words of a binary-format trace (trace_next_packed), translated where they
 * lie: runs of L1 hits straight from the words, anything else as its record.  It stops before
 * a word of type 3 (not an access), which the caller gives back to the reader to report. */
long study_feed_packed(struct study *s, unsigned proc, const uint64_t *words, size_t n);
/* Whether the limit of references is reached. */
bool study_done(const struct study *s);
/* The result so far (the MMU's counters copied in); the caller may add to bad_records. */
/* Once the last records are fed: runs the MMU until every request has answered (with several
 * in flight, section 16 of docs/ARCHITECTURE.md; nothing to do when blocking).  Returns 0, or -1
 * with the reason in study_error. */
int study_finish(struct study *s);
struct study_result *study_result(struct study *s);
const char *study_error(const struct study *s);
void study_close(struct study *s);

/* Runs the traces.  Returns 0, or -1 with the reason in err (a bad record names its file and
 * line or record). */
int study_run(const struct study_options *o, const char *const *traces, unsigned ntraces,
              struct study_result *res, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
