/*
 * One decode for many studies (see sweep_decode.h).
 *
 * The calling thread reads the trace into a ring of slots, each a batch of records or an event
 * of the trace (a bad record passed over, an error that ends it, its end), numbered in order.
 * Workers take (study, slot) pairs under one lock: any study not being fed whose next slot is
 * posted, the one furthest behind first, so a study is fed its slots in order by one worker at
 * a time while the studies are balanced over the workers.  A slot is read again once every
 * study still running has taken it.  A study whose limit is reached, or that failed, takes no
 * more; when none runs, reading stops.
 *
 * A slot's records are written by the reader before it is posted and read by workers after,
 * both under the lock, so the lock orders every access to them.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sweep_decode.h"

/* Records a slot holds, and slots in the ring: a batch is long enough that taking a slot costs
 * nothing beside feeding it, and the ring lets the reader run a few batches ahead. */
enum { DECODE_BATCH = 16384, DECODE_SLOTS = 4 };

enum slot_kind {
    SLOT_WORDS,   /* n packed requests (trace_next_packed), none of type 3 */
    SLOT_RECORDS, /* n records */
    SLOT_BAD,     /* a bad record, passed over (skip_bad): msg */
    SLOT_ERROR,   /* the trace cannot be read further: msg */
    SLOT_END,     /* the trace's end */
};

struct slot {
    enum slot_kind kind;
    size_t n;
    uint64_t *words;
    struct trace_record *recs;
    char msg[600];
    unsigned pending; /* studies still running that have not taken it */
};

/* A study of the decode. */
struct member {
    struct study *s;
    struct decode_point *pt;
    uint64_t next; /* the number of the next slot it takes */
    bool busy;     /* a worker is feeding it */
    bool finished; /* its limit is reached, or it failed, or the trace ended */
    bool failed;   /* its outcome is already written ("ERR ...") */
};

struct decoder {
    pthread_mutex_t lock;
    pthread_cond_t posted; /* a slot was posted or a study set free: work for a worker */
    pthread_cond_t freed;  /* a slot was taken by every study, or none runs: for the reader */
    struct slot slot[DECODE_SLOTS];
    struct member *m;
    unsigned n;
    uint64_t posted_slots; /* slots numbered 0 .. posted_slots - 1 are posted */
    unsigned running;      /* members not finished */
};

static void fail(struct member *m, const char *why)
{
    snprintf(m->pt->out, m->pt->outlen, "ERR %s\n", why);
    m->failed = true;
}

/* Feeds a slot to a member's study, as study_run meets it; returns whether the study is done
 * with the trace.  A study past its limit never meets a later bad record or error. */
static bool take(struct member *m, const struct slot *sl)
{
    switch (sl->kind) {
    case SLOT_WORDS: {
        long fed = study_feed_packed(m->s, 0, sl->words, sl->n);
        if (fed < 0) {
            fail(m, study_error(m->s));
            return true;
        }
        if ((size_t)fed < sl->n && !study_done(m->s)) { /* read_trace posts no type 3 */
            fail(m, "internal error: a word of type 3 in a batch of packed requests");
            return true;
        }
        return study_done(m->s);
    }
    case SLOT_RECORDS:
        if (study_feed(m->s, 0, sl->recs, sl->n) < 0) {
            fail(m, study_error(m->s));
            return true;
        }
        return study_done(m->s);
    case SLOT_BAD: {
        struct study_result *r = study_result(m->s);
        if (!r->bad_records++)
            snprintf(r->first_bad, sizeof(r->first_bad), "%.*s", (int)sizeof(r->first_bad) - 1,
                     sl->msg);
        return false;
    }
    case SLOT_ERROR:
        fail(m, sl->msg);
        return true;
    case SLOT_END:
        break;
    }
    return true;
}

/* Under the lock: m takes no more slots; those posted that it has not taken are its no more. */
static void finish(struct decoder *d, struct member *m)
{
    m->finished = true;
    for (uint64_t k = m->next; k < d->posted_slots; k++)
        if (--d->slot[k % DECODE_SLOTS].pending == 0)
            pthread_cond_signal(&d->freed);
    if (--d->running == 0) {
        pthread_cond_broadcast(&d->posted);
        pthread_cond_signal(&d->freed);
    }
}

static void *worker(void *arg)
{
    struct decoder *d = arg;
    pthread_mutex_lock(&d->lock);
    while (d->running) {
        struct member *pick = NULL;
        for (unsigned i = 0; i < d->n; i++) {
            struct member *m = &d->m[i];
            if (!m->finished && !m->busy && m->next < d->posted_slots &&
                (!pick || m->next < pick->next))
                pick = m;
        }
        if (!pick) {
            pthread_cond_wait(&d->posted, &d->lock);
            continue;
        }
        pick->busy = true;
        struct slot *sl = &d->slot[pick->next % DECODE_SLOTS];
        pthread_mutex_unlock(&d->lock);
        bool done = take(pick, sl);
        pthread_mutex_lock(&d->lock);
        pick->busy = false;
        pick->next++;
        if (--sl->pending == 0)
            pthread_cond_signal(&d->freed);
        if (done)
            finish(d, pick);
        else
            pthread_cond_signal(&d->posted); /* pick may have its next slot: another worker */
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

/* Reads the trace into the ring until it ends, fails, or no study runs. */
static void read_trace(struct decoder *d, struct trace_reader *tr, bool skip_bad,
                       decode_progress_fn *progress, void *ctx, uint64_t size)
{
    for (bool last = false; !last;) {
        pthread_mutex_lock(&d->lock);
        struct slot *sl = &d->slot[d->posted_slots % DECODE_SLOTS];
        while (d->running && sl->pending)
            pthread_cond_wait(&d->freed, &d->lock);
        bool stop = d->running == 0;
        pthread_mutex_unlock(&d->lock);
        if (stop)
            break;
        /* Packed words when the trace gives them (copied: they are the reader's only until
         * its next call), up to one of type 3, which the record path then reports. */
        const uint64_t *w;
        long k = trace_next_packed(tr, &w, DECODE_BATCH);
        size_t good = 0;
        while (good < (size_t)k && (w[good] >> 61 & 3) != 3) {
            sl->words[good] = w[good];
            good++;
        }
        if (k > 0)
            trace_unread_packed(tr, (size_t)k - good);
        if (good > 0) {
            sl->kind = SLOT_WORDS;
            k = (long)good;
        } else {
            k = trace_next_batch(tr, sl->recs, DECODE_BATCH);
            sl->kind = k > 0 ? SLOT_RECORDS : k == 0 ? SLOT_END : skip_bad ? SLOT_BAD : SLOT_ERROR;
        }
        sl->n = k > 0 ? (size_t)k : 0;
        if (k < 0) {
            snprintf(sl->msg, sizeof(sl->msg), "%s", trace_error(tr));
            /* A bad line is passed over; a corrupt or truncated stream ends the trace all the
             * same, as in study_run (whose count of bad records the error then makes moot). */
            if (skip_bad && trace_recover(tr) != 0) {
                sl->kind = SLOT_ERROR;
                snprintf(sl->msg, sizeof(sl->msg), "%s", trace_error(tr));
            }
        }
        last = sl->kind == SLOT_END || sl->kind == SLOT_ERROR;
        pthread_mutex_lock(&d->lock);
        sl->pending = d->running;
        d->posted_slots++;
        pthread_cond_broadcast(&d->posted);
        pthread_mutex_unlock(&d->lock);
        if (progress && size)
            progress(ctx, (double)trace_bytes_read(tr) / (double)size);
    }
}

/* Writes each member's outcome that is not an error already. */
static void write_results(struct decoder *d)
{
    for (unsigned i = 0; i < d->n; i++) {
        struct member *m = &d->m[i];
        if (!m->failed && study_finish(m->s))
            fail(m, study_error(m->s));
        if (m->failed)
            continue;
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (!f) {
            fail(m, "out of host memory");
            continue;
        }
        fputs("OK ", f);
        study_report_csv(m->pt->o, study_result(m->s), false, f);
        if (fclose(f))
            fail(m, "out of host memory");
        else
            snprintf(m->pt->out, m->pt->outlen, "%s", text);
        free(text);
    }
}

int sweep_decode(const char *trace, struct decode_point *pt, unsigned n, unsigned threads,
                 decode_progress_fn *progress, void *ctx, char *err, size_t errlen)
{
    struct decoder d = {.n = 0};
    struct trace_reader *tr = NULL;
    pthread_t *tid = NULL;
    unsigned started = 0;
    int rc = -1;
    d.m = calloc(n, sizeof(*d.m));
    tid = calloc(threads ? threads : 1, sizeof(*tid));
    for (int i = 0; i < DECODE_SLOTS; i++)
        if (!(d.slot[i].recs = malloc(DECODE_BATCH * sizeof(*d.slot[i].recs))) ||
            !(d.slot[i].words = malloc(DECODE_BATCH * sizeof(*d.slot[i].words))))
            goto oom;
    if (!d.m || !tid)
        goto oom;
    /* As study_run: the study is opened first, then the trace. */
    char why[600];
    for (unsigned i = 0; i < n; i++) {
        struct member *m = &d.m[d.n];
        *m = (struct member){.pt = &pt[i]};
        if (!(m->s = study_open(pt[i].o, 1, why, sizeof(why))))
            fail(m, why);
        else
            d.n++;
    }
    d.running = d.n;
    if (d.n == 0) {
        rc = 0;
        goto out;
    }
    if (!(tr = trace_open(trace, pt[0].o->format, why, sizeof(why)))) {
        for (unsigned i = 0; i < d.n; i++)
            fail(&d.m[i], why);
        rc = 0;
        goto out;
    }
    /* 57-bit addresses when any point walks five levels: a point of 4-level paging then meets
     * an address beyond 48 bits as its MMU does, a non-canonical fault, where its own run
     * would refuse the record. */
    bool la57 = false;
    for (unsigned i = 0; i < n; i++)
        la57 = la57 || pt[i].o->cfg.la57;
    trace_set_va_bits(tr, la57);
    struct stat st;
    uint64_t size = stat(trace, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    pthread_mutex_init(&d.lock, NULL);
    pthread_cond_init(&d.posted, NULL);
    pthread_cond_init(&d.freed, NULL);
    unsigned want = threads < d.n ? threads : d.n;
    while (started < (want ? want : 1) && pthread_create(&tid[started], NULL, worker, &d) == 0)
        started++;
    if (started > 0)
        read_trace(&d, tr, pt[0].o->skip_bad, progress, ctx, size);
    else {
        snprintf(err, errlen, "cannot start a thread to feed the studies");
        d.running = 0;
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_cond_destroy(&d.freed);
    pthread_cond_destroy(&d.posted);
    pthread_mutex_destroy(&d.lock);
    if (started > 0) {
        write_results(&d);
        rc = 0;
    }
    goto out;
oom:
    snprintf(err, errlen, "out of host memory");
out:
    trace_close(tr);
    for (unsigned i = 0; d.m && i < d.n; i++)
        study_close(d.m[i].s);
    for (int i = 0; i < DECODE_SLOTS; i++) {
        free(d.slot[i].recs);
        free(d.slot[i].words);
    }
    free(d.m);
    free(tid);
    return rc;
}
