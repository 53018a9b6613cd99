/*
 * The model behind one handle (mmusim/handle.h): an MMU configured by study keys, with its
 * machine (a sparse physical memory and page tables) or a memory served by the caller, reached
 * through scalar arguments.
 */
#define _GNU_SOURCE /* open_memstream */
#include "mmusim/handle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/aspace.h"
#include "mmusim/study.h"

struct mmusim {
    struct study_options o;
    struct phys_mem *pm;
    struct aspace *as;
    struct mmu_fixed_mem fixed; /* the handle's own memory */
    struct mmu *m;
    /* The caller's memory, when it serves one (mmusim_set_memory). */
    mmusim_read_fn read;
    mmusim_write_fn write;
    void *ctx;
    uint64_t translations; /* requests given, for the statistics' references */
    char err[600];
};

static int fail(struct mmusim *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof(s->err), fmt, ap);
    va_end(ap);
    return -1;
}

/* The model's last error on s. */
static int fail_mmu(struct mmusim *s)
{
    return fail(s, "%s", mmu_error(s->m));
}

/* A handle on options o (checked), or NULL with the reason in err. */
static struct mmusim *handle_open(const struct study_options *o, char *err, size_t errlen)
{
    struct mmusim *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->o = *o;
    if (study_check(&s->o, err, errlen))
        goto bad;
    s->pm = phys_mem_create(s->o.cfg.pa_bits, err, errlen);
    if (!s->pm)
        goto bad;
    s->as = aspace_create_levels(s->pm, s->o.cfg.la57 ? 5 : 4, err, errlen);
    if (!s->as)
        goto bad;
    s->fixed = (struct mmu_fixed_mem){.pm = s->pm, .latency = s->o.mem_latency};
    struct mmu_mem_port port = mmu_fixed_mem_port(&s->fixed);
    s->m = mmu_create(&s->o.cfg, &port, err, errlen);
    if (!s->m)
        goto bad;
    return s;
bad:
    mmusim_free(s);
    return NULL;
}

struct mmusim *mmusim_new(const char *config, char *err, size_t errlen)
{
    struct study_options o;
    study_defaults(&o);
    if (study_configure(&o, config, err, errlen))
        return NULL;
    return handle_open(&o, err, errlen);
}

struct mmusim *mmusim_new_rtl(const char *params, unsigned mem_latency, char *err, size_t errlen)
{
    struct study_options o;
    study_defaults(&o);
    if (mmu_config_from_rtl_params(&o.cfg, params ? params : "", err, errlen))
        return NULL;
    char text[32];
    snprintf(text, sizeof(text), "%u", mem_latency);
    if (study_set(&o, "mem_latency", text, err, errlen)) /* (its range, as the key's) */
        return NULL;
    return handle_open(&o, err, errlen);
}

void mmusim_free(struct mmusim *s)
{
    if (!s)
        return;
    mmu_destroy(s->m);
    aspace_destroy(s->as);
    phys_mem_destroy(s->pm);
    free(s);
}

const char *mmusim_error(const struct mmusim *s)
{
    return s ? s->err : "no handle";
}

/* ---- memory ----------------------------------------------------------------------------- */

/* A walker access on the caller's memory, with the fixed memory's timing. */
static int caller_access(void *ctx, struct mmu_mem_access *acc)
{
    struct mmusim *s = ctx;
    acc->accept = acc->issue;
    acc->done = acc->accept + s->o.mem_latency;
    if (!acc->write)
        return s->read(s->ctx, acc->paddr, &acc->data) ? -1 : 0;
    uint64_t value = acc->data;
    if (acc->set_bits) {
        uint64_t e;
        if (s->read(s->ctx, acc->paddr, &e))
            return -1;
        value |= e;
    }
    return s->write(s->ctx, acc->paddr, value) ? -1 : 0;
}

int mmusim_set_memory(struct mmusim *s, mmusim_read_fn read, mmusim_write_fn write, void *ctx)
{
    if (!read || !write)
        return fail(s, "set_memory: give both a read and a write function");
    if (mmu_outstanding(s->m))
        return fail(s, "set_memory: %u requests are outstanding", mmu_outstanding(s->m));
    /* A new MMU on the new memory, configured alike; the old one goes only once it exists. */
    char why[512];
    struct mmu_mem_port port = {.access = caller_access, .ctx = s};
    struct mmu *m = mmu_create(&s->o.cfg, &port, why, sizeof(why));
    if (!m)
        return fail(s, "set_memory: %s", why);
    mmu_destroy(s->m);
    s->m = m;
    s->translations = 0;
    s->read = read;
    s->write = write;
    s->ctx = ctx;
    return 0;
}

int mmusim_mem_read(struct mmusim *s, uint64_t paddr, uint64_t *value)
{
    return phys_mem_read64(s->pm, paddr, value) ? fail(s, "%s", phys_mem_error(s->pm)) : 0;
}

int mmusim_mem_write(struct mmusim *s, uint64_t paddr, uint64_t value)
{
    return phys_mem_write64(s->pm, paddr, value) ? fail(s, "%s", phys_mem_error(s->pm)) : 0;
}

int mmusim_alloc_frame(struct mmusim *s, uint64_t *paddr)
{
    return phys_mem_alloc_frame(s->pm, paddr) ? fail(s, "%s", phys_mem_error(s->pm)) : 0;
}

uint64_t mmusim_root(const struct mmusim *s)
{
    return aspace_pml4(s->as);
}

int mmusim_map(struct mmusim *s, uint64_t va, uint64_t pa, unsigned page_shift, uint64_t flags)
{
    return aspace_map(s->as, va, pa, page_shift, flags) ? fail(s, "%s", aspace_error(s->as)) : 0;
}

int mmusim_unmap(struct mmusim *s, uint64_t va, unsigned page_shift)
{
    return aspace_unmap(s->as, va, page_shift) ? fail(s, "%s", aspace_error(s->as)) : 0;
}

int mmusim_protect(struct mmusim *s, uint64_t va, unsigned page_shift, uint64_t flags)
{
    return aspace_protect(s->as, va, page_shift, flags) ? fail(s, "%s", aspace_error(s->as)) : 0;
}

/* ---- requests --------------------------------------------------------------------------- */

static void put_response(const struct mmu_response *r, uint64_t resp[MMUSIM_RESP_WORDS])
{
    resp[MMUSIM_RESP_PADDR] = r->paddr;
    resp[MMUSIM_RESP_PAGE_SHIFT] = r->page_shift;
    resp[MMUSIM_RESP_FAULT] = r->fault;
    resp[MMUSIM_RESP_ERROR_CODE] = r->error_code;
    resp[MMUSIM_RESP_LEVEL] = r->level;
    resp[MMUSIM_RESP_SOURCE] = r->source;
    resp[MMUSIM_RESP_ACCEPT] = r->accept_cycle;
    resp[MMUSIM_RESP_CYCLE] = r->resp_cycle;
    resp[MMUSIM_RESP_ID] = r->id;
}

/* The request of the scalar arguments, or -1 (checked here: an enum takes no bad value). */
static int request(struct mmusim *s, struct mmu_request *req, uint64_t va, unsigned type, int user,
                   int implicit, unsigned id, uint64_t cycle)
{
    if (type >= MMU_ACC_COUNT)
        return fail(s, "request type %u: 0 (read), 1 (write) or 2 (fetch)", type);
    *req = (struct mmu_request){.vaddr = va,
                                .type = (enum mmu_access)type,
                                .user = user != 0,
                                .implicit = implicit != 0,
                                .id = id,
                                .cycle = cycle};
    return 0;
}

int mmusim_translate(struct mmusim *s, uint64_t va, unsigned type, int user, int implicit,
                     uint64_t cycle, uint64_t resp[MMUSIM_RESP_WORDS])
{
    struct mmu_request req;
    struct mmu_response r;
    if (request(s, &req, va, type, user, implicit, 0, cycle))
        return -1;
    if (mmu_translate(s->m, &req, &r))
        return fail_mmu(s);
    s->translations++;
    put_response(&r, resp);
    return 0;
}

int mmusim_issue(struct mmusim *s, uint64_t va, unsigned type, int user, int implicit, unsigned id,
                 uint64_t cycle, uint64_t *accept)
{
    struct mmu_request req;
    uint64_t at;
    if (request(s, &req, va, type, user, implicit, id, cycle))
        return -1;
    if (mmu_issue(s->m, &req, &at))
        return fail_mmu(s);
    s->translations++;
    if (accept)
        *accept = at;
    return 0;
}

int mmusim_advance(struct mmusim *s, uint64_t cycle)
{
    return mmu_advance(s->m, cycle) ? fail_mmu(s) : 0;
}

int mmusim_poll(struct mmusim *s, uint64_t resp[MMUSIM_RESP_WORDS])
{
    struct mmu_response r;
    if (!mmu_poll(s->m, &r))
        return 0;
    put_response(&r, resp);
    return 1;
}

uint64_t mmusim_next_event(struct mmusim *s)
{
    return mmu_next_event(s->m);
}

uint64_t mmusim_next_free_cycle(const struct mmusim *s)
{
    return mmu_next_free_cycle(s->m);
}

unsigned mmusim_outstanding(const struct mmusim *s)
{
    return mmu_outstanding(s->m);
}

int mmusim_control(struct mmusim *s, unsigned op, uint64_t cycle, uint64_t value,
                   unsigned invpcid_type, unsigned pcid, unsigned flags, uint32_t pkru,
                   uint64_t *done)
{
    if (op >= MMU_CTRL_COUNT)
        return fail(s, "control operation %u: 0..%u (enum mmu_ctrl_op)", op, MMU_CTRL_COUNT - 1);
    if (pcid > 4095)
        return fail(s, "control operation %s: PCID %u is over 4095",
                    mmu_ctrl_name((enum mmu_ctrl_op)op), pcid);
    struct mmu_ctrl c = {
        .op = (enum mmu_ctrl_op)op,
        .value = value,
        .invpcid_type = invpcid_type,
        .pcid = (uint16_t)pcid,
        .wp = flags & MMUSIM_CTRL_WP,
        .nxe = flags & MMUSIM_CTRL_NXE,
        .cycle = cycle,
        .smep = flags & MMUSIM_CTRL_SMEP,
        .smap = flags & MMUSIM_CTRL_SMAP,
        .pke = flags & MMUSIM_CTRL_PKE,
        .ac = flags & MMUSIM_CTRL_AC,
        .pkru = pkru,
    };
    if (op == MMU_CTRL_LOAD_CR3 && (flags & MMUSIM_CTRL_NOFLUSH))
        c.value |= 1ull << 63;
    uint64_t at;
    if (mmu_control(s->m, &c, &at))
        return fail_mmu(s);
    if (done)
        *done = at;
    return 0;
}

/* ---- text ------------------------------------------------------------------------------- */

/* What write() writes to a stream, as a string; NULL if out of memory. */
static char *capture(void (*write)(const void *arg, FILE *out), const void *arg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    write(arg, f);
    if (fclose(f)) {
        free(text);
        return NULL;
    }
    return text;
}

static void write_stats(const void *arg, FILE *out)
{
    const struct mmusim *s = arg;
    struct study_result r = {
        .stats = *mmu_stats(s->m), .references = s->translations, .walkers = s->o.cfg.walkers};
    study_report_json(&s->o, &r, out);
}

static void write_config(const void *arg, FILE *out)
{
    study_dump_json(arg, out);
}

char *mmusim_stats_json(struct mmusim *s)
{
    char *t = capture(write_stats, s);
    if (!t)
        fail(s, "out of memory");
    return t;
}

char *mmusim_config_json(struct mmusim *s)
{
    char *t = capture(write_config, &s->o);
    if (!t)
        fail(s, "out of memory");
    return t;
}

void mmusim_free_text(char *text)
{
    free(text);
}

void mmusim_stats_reset(struct mmusim *s)
{
    mmu_stats_reset(s->m);
    s->translations = 0;
}

struct run_report {
    const struct study_options *o;
    const struct study_result *r;
};

static void write_run_json(const void *arg, FILE *out)
{
    const struct run_report *rr = arg;
    study_report_json(rr->o, rr->r, out);
}

static void write_run_csv(const void *arg, FILE *out)
{
    const struct run_report *rr = arg;
    study_report_csv(rr->o, rr->r, true, out);
}

/* Runs the study; its report as write() writes it, or NULL with the reason in err. */
static char *run_study(const char *config, const char *const *traces, unsigned ntraces,
                       void (*write)(const void *arg, FILE *out), char *err, size_t errlen)
{
    struct study_options o;
    study_defaults(&o);
    if (study_configure(&o, config, err, errlen) || study_check(&o, err, errlen))
        return NULL;
    if (!ntraces) {
        snprintf(err, errlen, "give at least one trace");
        return NULL;
    }
    struct study_result *r = malloc(sizeof(*r));
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char *text = NULL;
    if (!study_run(&o, traces, ntraces, r, err, errlen)) {
        struct run_report rr = {.o = &o, .r = r};
        text = capture(write, &rr);
        if (!text)
            snprintf(err, errlen, "out of memory");
    }
    free(r);
    return text;
}

char *mmusim_run_json(const char *config, const char *const *traces, unsigned ntraces, char *err,
                      size_t errlen)
{
    return run_study(config, traces, ntraces, write_run_json, err, errlen);
}

char *mmusim_run_csv(const char *config, const char *const *traces, unsigned ntraces, char *err,
                     size_t errlen)
{
    return run_study(config, traces, ntraces, write_run_csv, err, errlen);
}
