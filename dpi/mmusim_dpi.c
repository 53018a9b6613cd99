/*
 * The model for SystemVerilog benches through DPI-C (dpi/mmusim_dpi_pkg.sv imports these):
 * mmusim/handle.h in the types DPI-C passes (chandle, string, int, longint, output arguments),
 * with an error that reaches the bench as a return code and a message, never an abort.
 *
 * A handle always exists once made, even when the model could not be configured: the bench
 * then reads why (mmusim_dpi_error) from it, as it would a failed call's reason.  The model's
 * memory is its own (mmusim_dpi_map, mmusim_dpi_mem_write), or the bench's: with
 * mmusim_dpi_use_bench_memory (dpi/mmusim_dpi_bench_memory.c) the model reads and writes
 * through the functions the calling module exports, mmusim_dpi_bench_read and
 * mmusim_dpi_bench_write.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim_dpi_internal.h"

/* (Valid C and C++: some simulators, Verilator among them, compile it as C++; the functions
 * keep C names either way, as DPI-C needs.) */
#ifdef __cplusplus
extern "C" {
#endif

static struct mmusim_dpi *made(struct mmusim *s, const char *err)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)calloc(1, sizeof(*h));
    if (!h) {
        mmusim_free(s);
        return NULL;
    }
    h->s = s;
    snprintf(h->err, sizeof(h->err), "%s", s ? "" : err);
    return h;
}

void *mmusim_dpi_new(const char *config)
{
    char err[600] = "";
    return made(mmusim_new(config, err, sizeof(err)), err);
}

void *mmusim_dpi_new_rtl(const char *params, int mem_latency)
{
    char err[600] = "";
    if (mem_latency < 1)
        snprintf(err, sizeof(err), "mem_latency %d: at least 1", mem_latency);
    return made(mem_latency < 1 ? NULL
                                : mmusim_new_rtl(params, (unsigned)mem_latency, err, sizeof(err)),
                err);
}

void mmusim_dpi_free(void *handle)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    if (h) {
        mmusim_free(h->s);
        free(h->text);
        free(h);
    }
}

/* The handle's model, or NULL with the reason kept. */
struct mmusim *mmusim_dpi_model(struct mmusim_dpi *h)
{
    if (h && !h->s && !h->err[0])
        snprintf(h->err, sizeof(h->err), "no model");
    return h ? h->s : NULL;
}

/* -1 with the model's reason kept, or rc. */
int mmusim_dpi_result(struct mmusim_dpi *h, int rc)
{
    if (rc < 0)
        snprintf(h->err, sizeof(h->err), "%s", mmusim_error(h->s));
    return rc;
}

int mmusim_dpi_ok(void *handle)
{
    return mmusim_dpi_model((struct mmusim_dpi *)handle) != NULL;
}

const char *mmusim_dpi_error(void *handle)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    return h ? h->err : "out of memory";
}

/* ---- memory --------------------------------------------------------------------------------- */

int mmusim_dpi_map(void *handle, long long unsigned va, long long unsigned pa, int page_shift,
                   long long unsigned flags)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    if (!mmusim_dpi_model(h))
        return -1;
    if (page_shift != 12 && page_shift != 21 && page_shift != 30) {
        snprintf(h->err, sizeof(h->err), "map: page shift %d: 12, 21 or 30", page_shift);
        return -1;
    }
    return mmusim_dpi_result(h, mmusim_map(h->s, va, pa, (unsigned)page_shift, flags));
}

long long unsigned mmusim_dpi_root(void *handle)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    return mmusim_dpi_model(h) ? mmusim_root(h->s) : 0;
}

int mmusim_dpi_mem_read(void *handle, long long unsigned paddr, long long unsigned *value)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    uint64_t v = 0;
    if (!mmusim_dpi_model(h))
        return -1;
    int rc = mmusim_dpi_result(h, mmusim_mem_read(h->s, paddr, &v));
    *value = v;
    return rc;
}

int mmusim_dpi_mem_write(void *handle, long long unsigned paddr, long long unsigned value)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    return mmusim_dpi_model(h) ? mmusim_dpi_result(h, mmusim_mem_write(h->s, paddr, value)) : -1;
}

/* ---- requests --------------------------------------------------------------------------------- */

/* A response's words into the output arguments. */
static void put(const uint64_t r[MMUSIM_RESP_WORDS], long long unsigned *paddr, int *page_shift,
                int *fault, int *error_code, int *level, int *source, long long unsigned *accept,
                long long unsigned *cycle, int *id)
{
    *paddr = r[MMUSIM_RESP_PADDR];
    *page_shift = (int)r[MMUSIM_RESP_PAGE_SHIFT];
    *fault = (int)r[MMUSIM_RESP_FAULT];
    *error_code = (int)r[MMUSIM_RESP_ERROR_CODE];
    *level = (int)r[MMUSIM_RESP_LEVEL];
    *source = (int)r[MMUSIM_RESP_SOURCE];
    *accept = r[MMUSIM_RESP_ACCEPT];
    *cycle = r[MMUSIM_RESP_CYCLE];
    *id = (int)r[MMUSIM_RESP_ID];
}

int mmusim_dpi_translate(void *handle, long long unsigned va, int type, int user, int implicit,
                         long long unsigned cycle, long long unsigned *paddr, int *page_shift,
                         int *fault, int *error_code, int *level, int *source,
                         long long unsigned *accept, long long unsigned *resp_cycle, int *id)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    uint64_t r[MMUSIM_RESP_WORDS] = {0};
    int rc = -1;
    if (mmusim_dpi_model(h))
        rc = type < 0 ? -1
                      : mmusim_dpi_result(h, mmusim_translate(h->s, va, (unsigned)type, user,
                                                              implicit, cycle, r));
    if (rc < 0 && h && type < 0)
        snprintf(h->err, sizeof(h->err), "request type %d", type);
    put(r, paddr, page_shift, fault, error_code, level, source, accept, resp_cycle, id);
    return rc;
}

int mmusim_dpi_issue(void *handle, long long unsigned va, int type, int user, int implicit, int id,
                     long long unsigned cycle, long long unsigned *accept)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    uint64_t at = 0;
    int rc = -1;
    if (mmusim_dpi_model(h)) {
        if (type < 0 || id < 0)
            snprintf(h->err, sizeof(h->err), "request type %d, ID %d", type, id);
        else
            rc = mmusim_dpi_result(h, mmusim_issue(h->s, va, (unsigned)type, user, implicit,
                                                   (unsigned)id, cycle, &at));
    }
    *accept = at;
    return rc;
}

int mmusim_dpi_advance(void *handle, long long unsigned cycle)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    return mmusim_dpi_model(h) ? mmusim_dpi_result(h, mmusim_advance(h->s, cycle)) : -1;
}

int mmusim_dpi_poll(void *handle, long long unsigned *paddr, int *page_shift, int *fault,
                    int *error_code, int *level, int *source, long long unsigned *accept,
                    long long unsigned *resp_cycle, int *id)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    uint64_t r[MMUSIM_RESP_WORDS] = {0};
    int rc = mmusim_dpi_model(h) ? mmusim_dpi_result(h, mmusim_poll(h->s, r)) : -1;
    put(r, paddr, page_shift, fault, error_code, level, source, accept, resp_cycle, id);
    return rc;
}

long long unsigned mmusim_dpi_next_event(void *handle)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    return mmusim_dpi_model(h) ? mmusim_next_event(h->s) : UINT64_MAX;
}

long long unsigned mmusim_dpi_next_free_cycle(void *handle)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    return mmusim_dpi_model(h) ? mmusim_next_free_cycle(h->s) : 0;
}

int mmusim_dpi_outstanding(void *handle)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    return mmusim_dpi_model(h) ? (int)mmusim_outstanding(h->s) : 0;
}

int mmusim_dpi_control(void *handle, int op, long long unsigned cycle, long long unsigned value,
                       int invpcid_type, int pcid, int flags, int pkru, long long unsigned *done)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    uint64_t at = 0;
    int rc = -1;
    if (mmusim_dpi_model(h)) {
        if (op < 0 || invpcid_type < 0 || pcid < 0 || flags < 0)
            snprintf(h->err, sizeof(h->err), "control operation %d: a negative operand", op);
        else
            rc = mmusim_dpi_result(h, mmusim_control(h->s, (unsigned)op, cycle, value,
                                                     (unsigned)invpcid_type, (unsigned)pcid,
                                                     (unsigned)flags, (uint32_t)pkru, &at));
    }
    *done = at;
    return rc;
}

/* Keeps t in the handle until the next text (a DPI string belongs to the C side). */
static const char *keep(struct mmusim_dpi *h, char *t)
{
    free(h->text);
    h->text = t;
    return t ? t : "";
}

/* The statistics as JSON (the fields of `mmusim run --json`); "" with the reason on an error. */
const char *mmusim_dpi_stats_json(void *handle)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    if (!mmusim_dpi_model(h))
        return "";
    char *t = mmusim_stats_json(h->s);
    if (!t)
        snprintf(h->err, sizeof(h->err), "%s", mmusim_error(h->s));
    return keep(h, t);
}

/* A study: the trace through the configuration (as mmusim_dpi_new's), its report as `mmusim run
 * --json` writes it, kept in h; "" with the reason in h on an error.  h's own model is not
 * used, so a handle whose configuration was refused serves too. */
const char *mmusim_dpi_run_json(void *handle, const char *configuration, const char *trace)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    if (!h)
        return "";
    char err[600] = "";
    char *t = mmusim_run_json(configuration, &trace, 1, err, sizeof(err));
    if (!t)
        snprintf(h->err, sizeof(h->err), "%s", err);
    return keep(h, t);
}

#ifdef __cplusplus
}
#endif
