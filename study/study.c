/*
 * A trace study: traces run through one MMU, each trace a process with its own address space
 * (or, in text traces, each PCID named by the records), pages mapped on first touch with the
 * page-size policy, processes switched round robin every `quantum` references.
 *
 * Requests go back to back: each is presented in the cycle the previous one answered, so the
 * total cycles are the MMU's own latency, with no core around it.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mmusim/aspace.h"
#include "mmusim/pte.h"
#include "mmusim/study.h"

#define MAX_SPACES 4096 /* address spaces: traces, and PCIDs named in text traces */

/* The pages a process has mapped: an open-addressing set of keys, growing with the footprint
 * (never with the trace's length).  Keys: 4 KiB page p -> 4p+3; 2 MiB region r mapped with a
 * 2 MiB page -> 4r+1, or decided to hold 4 KiB pages -> 4r+2. */
struct pageset {
    uint64_t *slot; /* 0 = empty */
    size_t n, used;
};

/* Keeps the 1 GiB regions' choice of the mixed policy apart from the 2 MiB regions' (a 1 GiB
 * region's number and a 2 MiB region's can be equal). */
#define MIX_1G 0x9e3779b97f4a7c15ull

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ull;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dull;
    return x ^ (x >> 33);
}

static bool set_has(const struct pageset *s, uint64_t key)
{
    if (!s->n)
        return false;
    for (size_t i = mix(key) & (s->n - 1);; i = (i + 1) & (s->n - 1)) {
        if (s->slot[i] == key)
            return true;
        if (s->slot[i] == 0)
            return false;
    }
}

static int set_add(struct pageset *s, uint64_t key)
{
    if (2 * (s->used + 1) > s->n) {
        size_t n = s->n ? 2 * s->n : 1024;
        uint64_t *slot = calloc(n, sizeof(*slot));
        if (!slot)
            return -1;
        for (size_t i = 0; i < s->n; i++)
            if (s->slot[i]) {
                size_t j = mix(s->slot[i]) & (n - 1);
                while (slot[j])
                    j = (j + 1) & (n - 1);
                slot[j] = s->slot[i];
            }
        free(s->slot);
        s->slot = slot;
        s->n = n;
    }
    size_t i = mix(key) & (s->n - 1);
    while (s->slot[i])
        i = (i + 1) & (s->n - 1);
    s->slot[i] = key;
    s->used++;
    return 0;
}

struct space {
    struct aspace *as;
    uint16_t pcid;
    struct pageset pages;
    uint64_t recent[64]; /* 4 KiB pages found mapped, +1, direct-mapped by page number */
};

/* A page-size map: address ranges, sorted, not overlapping, each with its page size. */
struct range {
    uint64_t start, end; /* [start, end) */
    unsigned shift;      /* its pages': PAGE_SHIFT_4K, _2M or _1G */
    unsigned line;       /* in the map file */
};

struct study {
    const struct study_options *o;
    struct range *map;
    size_t nmap;
    struct phys_mem *pm;
    struct mmu *m;
    struct mmu_fixed_mem mem;
    struct space spaces[MAX_SPACES];
    unsigned nspaces;
    int cur; /* the space CR3 holds, or -1 */
    uint64_t cycle;
    /* With several requests in flight (translate_window): the requests outstanding, by ID. */
    bool window;     /* the configuration is not `blocking` */
    uint64_t ids[4]; /* IDs outstanding, a bit each */
    unsigned outstanding;
    int fetch_id;        /* the last fetch, while outstanding; else -1 */
    uint64_t fetch_done; /* the cycle the last fetch answered */
    struct study_result *res;
    struct study_result result;
    char *err;
    size_t errlen;
    char errbuf[600];
};

static int new_space(struct study *s, uint16_t pcid)
{
    if (s->nspaces == MAX_SPACES) {
        snprintf(s->err, s->errlen, "more than %d address spaces", MAX_SPACES);
        return -1;
    }
    struct space *sp = &s->spaces[s->nspaces];
    *sp = (struct space){.pcid = pcid};
    sp->as =
        aspace_create_levels(s->pm, s->o->cfg.la57 ? PT_LEVELS_MAX : PT_LEVELS, s->err, s->errlen);
    if (!sp->as)
        return -1;
    return (int)s->nspaces++;
}

/* Takes the responses that left: their IDs are free again, and a fetch's answer lets the next
 * fetch go. */
static void take_responses(struct study *s)
{
    struct mmu_response r;
    while (mmu_poll(s->m, &r)) {
        s->ids[r.id / 64] &= ~(1ull << (r.id % 64));
        s->outstanding--;
        if ((int)r.id == s->fetch_id) {
            s->fetch_id = -1;
            s->fetch_done = r.resp_cycle;
        }
    }
}

/* Makes space i current: a CR3 load, without a flush when PCIDs are on. */
static int switch_to(struct study *s, int i)
{
    if (s->cur == i)
        return 0;
    uint16_t pcid = s->o->pcid ? s->spaces[i].pcid : 0;
    if (mmu_load_cr3(s->m, s->cycle, aspace_pml4(s->spaces[i].as), pcid, s->o->pcid)) {
        snprintf(s->err, s->errlen, "%s", mmu_error(s->m));
        return -1;
    }
    s->cycle = mmu_next_free_cycle(s->m);
    take_responses(s); /* the load waited for them */
    if (s->cur >= 0)
        s->res->switches++;
    s->cur = i;
    return 0;
}

/* Whether the whole region of 2^shift bytes at base lies in a range the map gives pages of that
 * size. */
static bool in_range_of(const struct study *s, uint64_t base, unsigned shift)
{
    size_t lo = 0, hi = s->nmap;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->map[mid].end <= base)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nmap && s->map[lo].shift == shift && s->map[lo].start <= base &&
           base + (1ull << shift) <= s->map[lo].end;
}

static int cmp_range(const void *a, const void *b)
{
    const struct range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* A hexadecimal address of 1 to 16 digits at *p (no sign, no "0x"), which is advanced. */
static int map_hex(char **p, uint64_t *v)
{
    if (!isxdigit((unsigned char)**p))
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(*p, &end, 16);
    if (errno || end - *p > 16)
        return -1;
    *v = x;
    *p = end;
    return 0;
}

/* Whether the word at p is a /proc/PID/maps permission field ("r-xp"). */
static bool is_perms(const char *p)
{
    return (p[0] == 'r' || p[0] == '-') && (p[1] == 'w' || p[1] == '-') &&
           (p[2] == 'x' || p[2] == '-') && (p[3] == 'p' || p[3] == 's') &&
           (p[4] == ' ' || p[4] == '\t');
}

/* One line of the page-size map into *r: 1 for a range, 0 for a blank or comment line, -1 with
 * the reason in why.  "START-END 4k|2m|1g" (a '#' comment may follow), or a /proc/PID/maps line
 * "START-END PERMS ...", whose range is taken with 4 KiB pages and the rest ignored. */
static int map_line(char *p, struct range *r, char *why, size_t whylen)
{
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '#' || *p == '\n' || *p == '\0')
        return 0;
    if (map_hex(&p, &r->start) || *p++ != '-' || map_hex(&p, &r->end) ||
        (*p != ' ' && *p != '\t')) {
        snprintf(why, whylen,
                 "expected \"START-END 4k|2m|1g\" with hex addresses, or a /proc/PID/maps line");
        return -1;
    }
    if (r->start >= r->end) {
        snprintf(why, whylen, "START %llx is not below END %llx", (unsigned long long)r->start,
                 (unsigned long long)r->end);
        return -1;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    r->shift = PAGE_SHIFT_4K;
    if (is_perms(p))
        return 1;
    if (p[0] == '2' && p[1] == 'm')
        r->shift = PAGE_SHIFT_2M;
    else if (p[0] == '1' && p[1] == 'g')
        r->shift = PAGE_SHIFT_1G;
    else if (p[0] != '4' || p[1] != 'k') {
        snprintf(why, whylen, "the page size after the range is 4k, 2m or 1g");
        return -1;
    }
    for (p += 2; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';)
        p++;
    if (*p && *p != '#') {
        snprintf(why, whylen, "unexpected text after the page size");
        return -1;
    }
    if (r->shift != PAGE_SHIFT_4K && ((r->start | r->end) & ((1ull << r->shift) - 1))) {
        snprintf(why, whylen, "%s range %llx-%llx is not %s aligned",
                 r->shift == PAGE_SHIFT_2M ? "2m" : "1g", (unsigned long long)r->start,
                 (unsigned long long)r->end, r->shift == PAGE_SHIFT_2M ? "2 MiB" : "1 GiB");
        return -1;
    }
    return 1;
}

/* Reads the page-size map: every line checked, no two ranges overlapping. */
static int load_map(struct study *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(s->err, s->errlen, "page_map %s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL, why[160];
    size_t linecap = 0, cap = 0;
    unsigned n = 0;
    int rc = 0;
    ssize_t len;
    while ((len = getline(&line, &linecap, f)) > 0) {
        n++;
        struct range r = {.line = n};
        if ((size_t)len != strlen(line)) {
            snprintf(s->err, s->errlen, "page_map %s:%u: NUL byte in the line", path, n);
            rc = -1;
            break;
        }
        int got = map_line(line, &r, why, sizeof(why));
        if (got < 0) {
            snprintf(s->err, s->errlen, "page_map %s:%u: %s", path, n, why);
            rc = -1;
            break;
        }
        if (got == 0)
            continue;
        if (s->nmap == cap) {
            cap = cap ? 2 * cap : 64;
            struct range *m = realloc(s->map, cap * sizeof(*m));
            if (!m) {
                snprintf(s->err, s->errlen, "page_map: out of host memory");
                rc = -1;
                break;
            }
            s->map = m;
        }
        s->map[s->nmap++] = r;
    }
    if (!rc && ferror(f)) {
        snprintf(s->err, s->errlen, "page_map %s: read error", path);
        rc = -1;
    }
    free(line);
    fclose(f);
    if (rc)
        return rc;
    qsort(s->map, s->nmap, sizeof(*s->map), cmp_range);
    for (size_t i = 1; i < s->nmap; i++)
        if (s->map[i].start < s->map[i - 1].end) {
            const struct range *a = &s->map[i - 1], *b = &s->map[i];
            snprintf(s->err, s->errlen,
                     "page_map %s: ranges %llx-%llx (line %u) and %llx-%llx (line %u) overlap",
                     path, (unsigned long long)a->start, (unsigned long long)a->end, a->line,
                     (unsigned long long)b->start, (unsigned long long)b->end, b->line);
            return -1;
        }
    return 0;
}

/* Maps the page holding va in space sp, if it is not mapped yet. */
static int demand_map(struct study *s, struct space *sp, uint64_t va)
{
    const unsigned bits = va_bits(s->o->cfg.la57);
    uint64_t page = (va & ((1ull << bits) - 1)) >> PAGE_SHIFT_4K;
    uint64_t *recent = &sp->recent[page % 64];
    if (*recent == page + 1)
        return 0;
    /* The page set's keys: 4 page + 3, a 4 KiB page mapped; 4 region + 1, a 2 MiB region mapped
     * with a 2 MiB page; 4 region + 2, a 2 MiB region of 4 KiB pages; 4 (giant + 1), a 1 GiB
     * region mapped with a 1 GiB page (never 0, the empty key). */
    const struct study_options *o = s->o;
    const bool may_1g = o->pages == PAGES_1G || o->pages == PAGES_MAP ||
                        (o->pages == PAGES_MIXED && o->mixed_1g_percent);
    uint64_t region = page >> 9, giant = page >> 18;
    if (set_has(&sp->pages, 4 * page + 3) || set_has(&sp->pages, 4 * region + 1) ||
        (may_1g && set_has(&sp->pages, 4 * (giant + 1)))) {
        *recent = page + 1;
        return 0;
    }
    if (!va_is_canonical_bits(va, bits))
        return 0; /* the MMU reports it */
    enum mmu_size_id size = MMU_SIZE_4K;
    if (may_1g &&
        (o->pages == PAGES_1G ||
         (o->pages == PAGES_MIXED &&
          mix(o->seed ^ mix(giant ^ MIX_1G)) % 100 < o->mixed_1g_percent) ||
         (o->pages == PAGES_MAP && in_range_of(s, va & ~(PAGE_SIZE_1G - 1), PAGE_SHIFT_1G)))) {
        size = MMU_SIZE_1G;
        if (set_add(&sp->pages, 4 * (giant + 1)))
            goto oom;
    } else if (set_has(&sp->pages, 4 * region + 2)) {
        size = MMU_SIZE_4K;
    } else {
        bool big =
            o->pages == PAGES_2M ||
            (o->pages == PAGES_MIXED && mix(o->seed ^ mix(region)) % 100 < o->mixed_percent) ||
            (o->pages == PAGES_MAP && in_range_of(s, va & ~(PAGE_SIZE_2M - 1), PAGE_SHIFT_2M));
        size = big ? MMU_SIZE_2M : MMU_SIZE_4K;
        if (set_add(&sp->pages, 4 * region + (big ? 1 : 2)))
            goto oom;
    }
    unsigned shift = PAGE_SHIFT_4K + 9 * (unsigned)size;
    uint64_t pa;
    if (phys_mem_reserve(s->pm, 1ull << shift, &pa)) {
        snprintf(s->err, s->errlen, "%s", phys_mem_error(s->pm));
        return -1;
    }
    uint64_t base = va & ~((1ull << shift) - 1);
    if (aspace_map(sp->as, base, pa, shift, PTE_RW | PTE_US)) {
        snprintf(s->err, s->errlen, "%s", aspace_error(sp->as));
        return -1;
    }
    if (size == MMU_SIZE_4K && set_add(&sp->pages, 4 * page + 3))
        goto oom;
    s->res->pages_mapped[size]++;
    *recent = page + 1;
    return 0;
oom:
    snprintf(s->err, s->errlen, "out of host memory for the page set");
    return -1;
}

/* Translates requests of one space back to back from the current cycle: runs of L1 hits
 * without a call each (mmu_translate_hits), anything else through mmu_translate, after its
 * page is mapped.  A hit needs no mapping: its page was translated, so mapped, before. */
static int translate_run(struct study *s, int space, const struct mmu_request *reqs, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        k += mmu_translate_hits(s->m, reqs + k, n - k, &s->cycle);
        if (k == n)
            break;
        if (demand_map(s, &s->spaces[space], reqs[k].vaddr))
            return -1;
        struct mmu_request req = reqs[k];
        req.cycle = s->cycle;
        req.id = 0; /* one request at a time */
        struct mmu_response resp;
        if (mmu_translate(s->m, &req, &resp)) {
            snprintf(s->err, s->errlen, "%s", mmu_error(s->m));
            return -1;
        }
        s->cycle = resp.resp_cycle;
    }
    return 0;
}

/* How many of the next n requests (reqs, or packed words) a run of hits may take
 * (mmu_translate_hits*, which answers each in the cycle after it): with nothing in flight, all;
 * with requests in flight, none while the window is full, and while the last fetch has not
 * answered, those before the next fetch (which waits for it). */
static size_t hits_may_take(const struct study *s, const struct mmu_request *reqs,
                            const uint64_t *words, size_t n)
{
    if (s->outstanding && s->outstanding >= s->o->window)
        return 0;
    if (s->fetch_id < 0 && s->fetch_done <= s->cycle)
        return n;
    size_t i = 0;
    if (reqs)
        while (i < n && reqs[i].type != MMU_ACC_FETCH)
            i++;
    else
        while (i < n && words[i] >> 61 != MMU_ACC_FETCH)
            i++;
    return i;
}

/* Translates the longest run of hits from reqs, or from packed words (mmu_translate_hits*),
 * from the current cycle.  With requests in flight it goes on past each cycle in which they
 * have something to do: that cycle is run, its responses taken, and the run goes on.  Returns
 * the requests translated, or -1. */
static long hits_run(struct study *s, const struct mmu_request *reqs, const uint64_t *words,
                     size_t n)
{
    for (size_t k = 0;;) {
        size_t may = hits_may_take(s, reqs ? reqs + k : NULL, reqs ? NULL : words + k, n - k);
        k += reqs ? mmu_translate_hits(s->m, reqs + k, may, &s->cycle)
                  : mmu_translate_hits_packed(s->m, words + k, may, true, &s->cycle);
        if (k == n || !s->window || mmu_next_event(s->m) != s->cycle)
            return (long)k;
        if (mmu_advance(s->m, s->cycle)) {
            snprintf(s->err, s->errlen, "%s", mmu_error(s->m));
            return -1;
        }
        take_responses(s);
    }
}

/* The core of a study with several requests in flight (docs/ARCHITECTURE.md 16): requests
 * presented in trace order, at most one a cycle; at most `window` outstanding; a fetch not
 * before the previous fetch has answered (instructions in order).  Runs of L1 hits go without
 * a call each, as in translate_run, between the events of the requests in flight. */
static int translate_window(struct study *s, int space, const struct mmu_request *reqs, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        long h = hits_run(s, reqs + k, NULL, n - k);
        if (h < 0)
            return -1;
        k += (size_t)h;
        if (k == n)
            break;
        const struct mmu_request *q = &reqs[k];
        if (q->type == MMU_ACC_FETCH && s->cycle < s->fetch_done)
            s->cycle = s->fetch_done;
        /* Waiting for a place in the window, or for the last fetch: a response in cycle c lets
         * the request go in c. */
        while (s->outstanding >= s->o->window || (q->type == MMU_ACC_FETCH && s->fetch_id >= 0)) {
            if (mmu_advance(s->m, s->cycle)) {
                snprintf(s->err, s->errlen, "%s", mmu_error(s->m));
                return -1;
            }
            take_responses(s);
            if (s->outstanding < s->o->window && !(q->type == MMU_ACC_FETCH && s->fetch_id >= 0))
                break;
            /* nothing answers before the MMU's next event */
            uint64_t e = mmu_next_event(s->m);
            s->cycle = e != UINT64_MAX && e > s->cycle + 1 ? e : s->cycle + 1;
        }
        if (q->type == MMU_ACC_FETCH && s->cycle < s->fetch_done)
            s->cycle = s->fetch_done;
        if (demand_map(s, &s->spaces[space], q->vaddr))
            return -1;
        struct mmu_request req = *q;
        req.cycle = s->cycle;
        unsigned w = 0;
        while (s->ids[w] == UINT64_MAX)
            w++; /* a free ID exists: at most window <= 256 are outstanding */
        req.id = 64 * w + (unsigned)__builtin_ctzll(~s->ids[w]);
        uint64_t accept;
        if (mmu_issue(s->m, &req, &accept)) {
            snprintf(s->err, s->errlen, "%s", mmu_error(s->m));
            return -1;
        }
        s->ids[w] |= 1ull << (req.id % 64);
        s->outstanding++;
        if (req.type == MMU_ACC_FETCH)
            s->fetch_id = (int)req.id;
        s->cycle = accept + 1;
        take_responses(s);
    }
    return 0;
}

/* Runs until every request answered (the end of a study). */
static int drain_window(struct study *s)
{
    while (s->outstanding) {
        if (mmu_advance(s->m, s->cycle)) {
            snprintf(s->err, s->errlen, "%s", mmu_error(s->m));
            return -1;
        }
        take_responses(s);
        uint64_t e = mmu_next_event(s->m);
        s->cycle = e != UINT64_MAX && e > s->cycle + 1 ? e : s->cycle + 1;
    }
    return 0;
}

/* The space of a text record naming a PCID: one per PCID, made on first use. */
static int space_of_pcid(struct study *s, uint16_t pcid)
{
    for (unsigned i = 0; i < s->nspaces; i++)
        if (s->spaces[i].pcid == pcid)
            return (int)i;
    return new_space(s, pcid);
}

struct study *study_open(const struct study_options *o, unsigned nprocs, char *err, size_t errlen)
{
    if (nprocs == 0 || nprocs > 1024) {
        snprintf(err, errlen, "give 1 to 1024 traces, not %u", nprocs);
        return NULL;
    }
    struct study *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    *s = (struct study){
        .o = o, .cur = -1, .fetch_id = -1, .err = s->errbuf, .errlen = sizeof(s->errbuf)};
    s->window = o->cfg.walkers > 1 || o->cfg.miss_entries > 1 || o->cfg.hit_under_miss;
    if (s->window && (o->window < 1 || o->window > 256 || o->window > 1u << o->cfg.id_bits)) {
        snprintf(s->err, s->errlen, "window=%u: must be 1..256 and fit in id_bits=%u", o->window,
                 o->cfg.id_bits);
        goto fail;
    }
    s->res = &s->result;
    if (o->pages != PAGES_MAP && o->page_map[0]) {
        snprintf(s->err, s->errlen, "page_map=%s is used only with pages=map (pages is %s)",
                 o->page_map, page_policy_name(o->pages));
        goto fail;
    }
    if (o->pages == PAGES_MAP) {
        if (!o->page_map[0]) {
            snprintf(s->err, s->errlen, "pages=map needs page_map=FILE");
            goto fail;
        }
        if (load_map(s, o->page_map))
            goto fail;
    }
    bool wants_1g = o->pages == PAGES_1G || (o->pages == PAGES_MIXED && o->mixed_1g_percent);
    for (size_t i = 0; i < s->nmap; i++)
        wants_1g = wants_1g || s->map[i].shift == PAGE_SHIFT_1G;
    if (wants_1g && !o->cfg.pdpe1gb) {
        snprintf(s->err, s->errlen,
                 "%s asks for 1 GiB pages, which pdpe1gb=off leaves out (its PDPTEs' PS bit "
                 "is reserved)",
                 o->pages == PAGES_1G      ? "pages=1g"
                 : o->pages == PAGES_MIXED ? "mixed_1g_percent"
                                           : "page_map");
        goto fail;
    }
    s->pm = phys_mem_create(o->cfg.pa_bits, s->err, s->errlen);
    if (!s->pm)
        goto fail;
    s->mem = (struct mmu_fixed_mem){.pm = s->pm, .latency = o->mem_latency};
    struct mmu_mem_port port = mmu_fixed_mem_port(&s->mem);
    s->m = mmu_create(&o->cfg, &port, s->err, s->errlen);
    if (!s->m)
        goto fail;
    /* Process i has PCID i + 1; a PCID a text record names is the address space of that PCID
     * (the same as process i's if it is i + 1). */
    for (unsigned i = 0; i < nprocs; i++)
        if (new_space(s, (uint16_t)((i + 1) & 0xfff)) < 0)
            goto fail;
    return s;
fail:
    snprintf(err, errlen, "%s", s->err);
    study_close(s);
    return NULL;
}

#define RUN 512 /* records turned into requests at a time */

/* How many of n records a feed of process proc runs: n, or fewer to stop at the limit; -1 with
 * the reason in s->err for a process the study does not have. */
static long feed_count(struct study *s, unsigned proc, size_t n)
{
    if (proc >= s->nspaces) {
        snprintf(s->err, s->errlen, "no process %u", proc);
        return -1;
    }
    const struct study_options *o = s->o;
    if (o->limit && n > o->limit - s->res->references)
        n = (size_t)(o->limit - s->res->references);
    return (long)n;
}

long study_feed(struct study *s, unsigned proc, const struct trace_record *recs, size_t n)
{
    long count = feed_count(s, proc, n);
    if (count < 0)
        return -1;
    n = (size_t)count;
    struct mmu_request reqs[2 * RUN];
    for (size_t i = 0; i < n;) {
        /* A run of records of one address space, as requests: a record's first byte's page,
         * and, as in hardware, the next 4 KiB page too when the access crosses into it (with a
         * 2 MiB page that is the same page, an L1 hit). */
        int space = (int)proc;
        if (recs[i].has_pcid && (space = space_of_pcid(s, recs[i].pcid)) < 0)
            return -1;
        size_t nreq = 0, j, end = n - i < RUN ? n : i + RUN;
        uint64_t instructions = 0, crossings = 0;
        for (j = i; j < end; j++) {
            const struct trace_record *r = &recs[j];
            if (j > i && (r->has_pcid || recs[j - 1].has_pcid)) {
                int sp = r->has_pcid ? space_of_pcid(s, r->pcid) : (int)proc;
                if (sp < 0)
                    return -1;
                if (sp != space)
                    break;
            }
            reqs[nreq++] = (struct mmu_request){.vaddr = r->vaddr, .type = r->type, .user = true};
            if (trace_record_crosses_page(r)) {
                reqs[nreq++] =
                    (struct mmu_request){.vaddr = (r->vaddr + r->size - 1) & ~(uint64_t)0xfff,
                                         .type = r->type,
                                         .user = true};
                crossings++;
            }
            instructions += r->instructions;
        }
        if (switch_to(s, space) ||
            (s->window ? translate_window : translate_run)(s, space, reqs, nreq))
            return -1;
        s->res->references += j - i;
        s->res->instructions += instructions;
        s->res->page_crossings += crossings;
        i = j;
    }
    return (long)n;
}

long study_feed_packed(struct study *s, unsigned proc, const uint64_t *words, size_t n)
{
    long count = feed_count(s, proc, n);
    if (count < 0)
        return -1;
    n = (size_t)count;
    for (size_t i = 0; i < n;) {
        if (switch_to(s, (int)proc))
            return -1;
        /* Each word of a run is one request, and in this format a fetch is an instruction. */
        uint64_t fetches = mmu_stats(s->m)->requests[MMU_ACC_FETCH];
        long h = hits_run(s, NULL, words + i, n - i);
        if (h < 0)
            return -1;
        size_t k = (size_t)h;
        s->res->references += k;
        s->res->instructions += mmu_stats(s->m)->requests[MMU_ACC_FETCH] - fetches;
        i += k;
        if (i < n) { /* not a hit the MMU remembers, or not a packed request */
            struct trace_record r;
            if (!trace_decode_word(words[i], &r))
                return (long)i; /* type 3: the reader says so */
            if (study_feed(s, proc, &r, 1) < 0)
                return -1;
            i++;
        }
    }
    return (long)n;
}

bool study_done(const struct study *s)
{
    return s->o->limit && s->res->references >= s->o->limit;
}

int study_finish(struct study *s)
{
    return drain_window(s);
}

struct study_result *study_result(struct study *s)
{
    s->res->walkers = s->o->cfg.walkers;
    s->res->stats = *mmu_stats(s->m);
    return s->res;
}

const char *study_error(const struct study *s)
{
    return s->errbuf;
}

void study_close(struct study *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->nspaces; i++) {
        aspace_destroy(s->spaces[i].as);
        free(s->spaces[i].pages.slot);
    }
    mmu_destroy(s->m);
    phys_mem_destroy(s->pm);
    free(s->map);
    free(s);
}

#define BATCH 4096 /* records read at a time */

int study_run(const struct study_options *o, const char *const *traces, unsigned ntraces,
              struct study_result *res, char *err, size_t errlen)
{
    *res = (struct study_result){0};
    struct study *s = study_open(o, ntraces, err, errlen);
    if (!s)
        return -1;
    struct trace_reader **tr = calloc(ntraces, sizeof(*tr));
    struct trace_record *batch = malloc(BATCH * sizeof(*batch));
    int rc = -1;
    if (!tr || !batch) {
        snprintf(err, errlen, "out of host memory");
        goto out;
    }
    struct study_result *r = study_result(s);
    for (unsigned i = 0; i < ntraces; i++) {
        tr[i] = trace_open(traces[i], o->format, err, errlen);
        if (!tr[i])
            goto out;
        trace_set_va_bits(tr[i], o->cfg.la57);
    }

    uint64_t total_bytes = 0;
    for (unsigned i = 0; i < ntraces; i++) {
        struct stat st;
        if (strcmp(traces[i], "-") != 0 && stat(traces[i], &st) == 0 && S_ISREG(st.st_mode))
            total_bytes += (uint64_t)st.st_size;
    }
    uint64_t bytes_done = 0; /* of traces already closed */
    unsigned live = ntraces, p = 0;
    while (live && !study_done(s)) {
        if (!tr[p]) {
            p = (p + 1) % ntraces;
            continue;
        }
        /* Process p's quantum of references, in batches. */
        for (uint64_t q = 0; q < o->quantum && !study_done(s);) {
            size_t want = o->quantum - q < BATCH ? (size_t)(o->quantum - q) : BATCH;
            uint64_t before = r->references;
            const uint64_t *words;
            long n = trace_next_packed(tr[p], &words, want);
            long fed = 0;
            if (n > 0) {
                if ((fed = study_feed_packed(s, p, words, (size_t)n)) < 0) {
                    snprintf(err, errlen, "%s", study_error(s));
                    goto out;
                }
                trace_unread_packed(tr[p], (size_t)(n - fed));
            }
            if (fed > 0)
                n = fed;
            else if ((n = trace_next_batch(tr[p], batch, want)) < 0) {
                if (!o->skip_bad) {
                    snprintf(err, errlen, "%s", trace_error(tr[p]));
                    goto out;
                }
                if (!r->bad_records++)
                    snprintf(r->first_bad, sizeof(r->first_bad), "%s", trace_error(tr[p]));
                /* A bad line is skipped; a corrupt or truncated stream is an error all the
                 * same: skipping must never hide that the rest of a trace was lost. */
                if (trace_recover(tr[p]) != 0) {
                    snprintf(err, errlen, "%s", trace_error(tr[p]));
                    goto out;
                }
                continue;
            } else if (n == 0) {
                bytes_done += trace_bytes_read(tr[p]);
                trace_close(tr[p]);
                tr[p] = NULL;
                live--;
                break;
            } else if (study_feed(s, p, batch, (size_t)n) < 0) {
                snprintf(err, errlen, "%s", study_error(s));
                goto out;
            }
            q += (uint64_t)n;
            if (o->progress && before >> 20 != r->references >> 20) {
                uint64_t now = bytes_done;
                for (unsigned i = 0; i < ntraces; i++)
                    now += tr[i] ? trace_bytes_read(tr[i]) : 0;
                o->progress(o->progress_ctx, r->references, now, total_bytes);
            }
        }
        p = (p + 1) % ntraces;
    }
    if (study_finish(s)) {
        snprintf(err, errlen, "%s", study_error(s));
        goto out;
    }
    *res = *study_result(s);
    rc = 0;
out:
    for (unsigned i = 0; tr && i < ntraces; i++)
        trace_close(tr[i]);
    study_close(s);
    free(tr);
    free(batch);
    return rc;
}
