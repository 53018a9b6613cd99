/*
 * Writing traces: mmusim's binary format (see parse_binary.c for the layout), or ChampSim's
 * instruction records (parse_champsim.c), compressed by the output's name (".xz" through
 * liblzma, ".gz" through zlib, otherwise plain), or to standard output for "-".  A file is
 * written to a temporary file in the same folder, renamed into place only when everything was
 * written, so a failure never leaves a half-written trace nor removes anything.  An address the
 * format cannot hold or a write error stops the writer with the reason.
 *
 * A ChampSim record is one instruction: a fetch starts it, and the loads and stores that follow
 * fill its 4 source and 2 destination addresses.  What the format cannot say is counted and left
 * out (trace_writer_notes): loads beyond 4 and stores beyond 2 in an instruction, accesses before
 * the first fetch, an access at address 0 (ChampSim's "none"), a PCID; access sizes are not
 * recorded, so a page-crossing access loses its second page; and an instruction's loads are
 * read back before its stores, whatever their order.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "reader.h"

#define OUT_BUF         (64 * 1024)
#define CHAMPSIM_RECORD 64

enum out_codec { OUT_PLAIN, OUT_GZIP, OUT_XZ };

/* The instruction a ChampSim writer is filling, and what it left out. */
struct champsim_out {
    bool open; /* rec holds an instruction not yet written */
    unsigned char rec[CHAMPSIM_RECORD];
    unsigned loads, stores;
    uint64_t instructions, extra_loads, extra_stores, orphans, zero, pcids, crossings;
};

struct trace_writer {
    enum trace_format format; /* TRACE_BINARY or TRACE_CHAMPSIM */
    struct champsim_out cs;
    FILE *f;
    bool to_stdout;
    enum out_codec codec;
    z_stream z;
    bool z_init;
    lzma_stream x;
    bool x_init;
    char name[256];
    char tmp[300]; /* the temporary file, renamed to name on success */
    uint64_t records;
    unsigned char buf[OUT_BUF]; /* compressed bytes waiting for fwrite */
    char err[400];
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

static int write_fail(struct trace_writer *w, const char *what)
{
    if (!w->err[0])
        snprintf(w->err, sizeof(w->err), "%s: %s after %llu records", w->name, what,
                 (unsigned long long)w->records);
    return -1;
}

/* Writes n bytes of output (before compression), or with finish set, ends the stream. */
static int writer_put(struct trace_writer *w, const void *data, size_t n, bool finish)
{
    if (w->codec == OUT_PLAIN) {
        if (n && fwrite(data, 1, n, w->f) != n)
            return write_fail(w, "write error");
        return 0;
    }
    if (w->codec == OUT_GZIP) {
        w->z.next_in = (Bytef *)(uintptr_t)data;
        w->z.avail_in = (uInt)n;
        for (;;) {
            w->z.next_out = w->buf;
            w->z.avail_out = OUT_BUF;
            int rc = deflate(&w->z, finish ? Z_FINISH : Z_NO_FLUSH);
            size_t out = OUT_BUF - w->z.avail_out;
            if (rc == Z_STREAM_ERROR)
                return write_fail(w, "gzip compression error");
            if (out && fwrite(w->buf, 1, out, w->f) != out)
                return write_fail(w, "write error");
            if (finish ? rc == Z_STREAM_END : w->z.avail_in == 0 && w->z.avail_out != 0)
                return 0;
        }
    }
    w->x.next_in = data;
    w->x.avail_in = n;
    for (;;) {
        w->x.next_out = w->buf;
        w->x.avail_out = OUT_BUF;
        lzma_ret rc = lzma_code(&w->x, finish ? LZMA_FINISH : LZMA_RUN);
        size_t out = OUT_BUF - w->x.avail_out;
        if (rc != LZMA_OK && rc != LZMA_STREAM_END)
            return write_fail(w, "xz compression error");
        if (out && fwrite(w->buf, 1, out, w->f) != out)
            return write_fail(w, "write error");
        if (finish ? rc == LZMA_STREAM_END : w->x.avail_in == 0 && w->x.avail_out != 0)
            return 0;
    }
}

/* Frees w, removing the temporary file. */
static void writer_discard(struct trace_writer *w)
{
    if (w->z_init)
        deflateEnd(&w->z);
    if (w->x_init)
        lzma_end(&w->x);
    if (w->f && !w->to_stdout)
        fclose(w->f);
    if (w->tmp[0])
        remove(w->tmp);
    free(w);
}

struct trace_writer *trace_writer_open(const char *path, char *err, size_t errlen)
{
    return trace_writer_open_as(path, TRACE_BINARY, err, errlen);
}

struct trace_writer *trace_writer_open_as(const char *path, enum trace_format format, char *err,
                                          size_t errlen)
{
    if (format != TRACE_BINARY && format != TRACE_CHAMPSIM) {
        snprintf(err, errlen, "%s: traces are written in the binary or the champsim format, not %s",
                 path, trace_format_name(format));
        return NULL;
    }
    struct trace_writer *w = calloc(1, sizeof(*w));
    if (!w) {
        snprintf(err, errlen, "%s: out of host memory", path);
        return NULL;
    }
    w->format = format;
    w->to_stdout = strcmp(path, "-") == 0;
    snprintf(w->name, sizeof(w->name), "%s", w->to_stdout ? "<stdout>" : path);
    if (strlen(path) >= sizeof(w->name)) {
        snprintf(err, errlen, "%.200s...: output name too long", path);
        free(w);
        return NULL;
    }
    w->codec = ends_with(path, ".xz") ? OUT_XZ : ends_with(path, ".gz") ? OUT_GZIP : OUT_PLAIN;
    if (w->codec == OUT_GZIP)
        w->z_init =
            deflateInit2(&w->z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    if (w->codec == OUT_XZ) {
        w->x = (lzma_stream)LZMA_STREAM_INIT;
        w->x_init = lzma_easy_encoder(&w->x, 6, LZMA_CHECK_CRC64) == LZMA_OK;
    }
    if ((w->codec == OUT_GZIP && !w->z_init) || (w->codec == OUT_XZ && !w->x_init)) {
        snprintf(err, errlen, "%s: cannot start the compressor", w->name);
        writer_discard(w);
        return NULL;
    }
    if (w->to_stdout) {
        w->f = stdout;
    } else {
        snprintf(w->tmp, sizeof(w->tmp), "%s.tmp-XXXXXX", path);
        int fd = mkstemp(w->tmp);
        if (fd < 0) {
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
            w->tmp[0] = '\0';
            writer_discard(w);
            return NULL;
        }
        mode_t mask = umask(0); /* the mode a file created the ordinary way would have */
        umask(mask);
        if (fchmod(fd, 0666 & ~mask) != 0 || !(w->f = fdopen(fd, "wb"))) {
            close(fd);
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
            writer_discard(w);
            return NULL;
        }
    }
    if (format == TRACE_BINARY &&
        writer_put(w, trace_binary_magic, sizeof(trace_binary_magic), false)) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        writer_discard(w);
        return NULL;
    }
    return w;
}

static void put_le64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

/* Writes the instruction the ChampSim writer is filling, if any. */
static int champsim_flush(struct trace_writer *w)
{
    struct champsim_out *c = &w->cs;
    if (!c->open)
        return 0;
    c->open = false;
    if (writer_put(w, c->rec, sizeof(c->rec), false))
        return -1;
    c->instructions++;
    w->records++;
    return 0;
}

/* Adds r to the instruction being filled: a fetch starts the next one. */
static int champsim_add(struct trace_writer *w, const struct trace_record *r)
{
    struct champsim_out *c = &w->cs;
    c->pcids += r->has_pcid;
    c->crossings += trace_record_crosses_page(r);
    if (r->type == MMU_ACC_FETCH) {
        if (champsim_flush(w))
            return -1;
        memset(c->rec, 0, sizeof(c->rec));
        put_le64(c->rec, r->vaddr); /* ip; no branch, no registers */
        c->open = true;
        c->loads = c->stores = 0;
        return 0;
    }
    if (!c->open)
        c->orphans++;
    else if (r->vaddr == 0)
        c->zero++;
    else if (r->type == MMU_ACC_READ && c->loads < 4)
        put_le64(c->rec + 32 + 8 * c->loads++, r->vaddr); /* source_memory */
    else if (r->type == MMU_ACC_WRITE && c->stores < 2)
        put_le64(c->rec + 16 + 8 * c->stores++, r->vaddr); /* destination_memory */
    else if (r->type == MMU_ACC_READ)
        c->extra_loads++;
    else
        c->extra_stores++;
    return 0;
}

int trace_write(struct trace_writer *w, const struct trace_record *r)
{
    if (w->format == TRACE_CHAMPSIM)
        return champsim_add(w, r);
    uint64_t top = r->vaddr >> 47;
    if (top != 0 && top != (UINT64_MAX >> 47)) {
        snprintf(w->err, sizeof(w->err),
                 "%s: record %llu: address 0x%llx is not canonical; "
                 "the binary format holds 48-bit addresses",
                 w->name, (unsigned long long)w->records + 1, (unsigned long long)r->vaddr);
        return -1;
    }
    uint64_t word = (r->vaddr & ((1ull << 48) - 1)) | (uint64_t)r->type << 61;
    if (r->has_pcid)
        word |= 1ull << 60 | (uint64_t)(r->pcid & 0xfff) << 48;
    if (trace_record_crosses_page(r))
        word |= 1ull << 63;
    unsigned char b[8];
    put_le64(b, word);
    if (writer_put(w, b, sizeof(b), false))
        return -1;
    w->records++;
    return 0;
}

void trace_writer_notes(const struct trace_writer *w, char *buf, size_t len)
{
    const struct champsim_out *c = &w->cs;
    if (w->format != TRACE_CHAMPSIM) {
        snprintf(buf, len, "%s", "");
        return;
    }
    snprintf(buf, len,
             "%llu instructions; left out: %llu loads beyond 4 and %llu stores beyond 2 in an "
             "instruction, %llu accesses before the first fetch, %llu at address 0, %llu PCIDs; "
             "%llu page-crossing accesses keep their first page only",
             (unsigned long long)(c->instructions + c->open), (unsigned long long)c->extra_loads,
             (unsigned long long)c->extra_stores, (unsigned long long)c->orphans,
             (unsigned long long)c->zero, (unsigned long long)c->pcids,
             (unsigned long long)c->crossings);
}

int trace_writer_close(struct trace_writer *w, char *err, size_t errlen)
{
    int rc = w->err[0] ? -1 : 0;
    if (!rc && w->format == TRACE_CHAMPSIM && champsim_flush(w))
        rc = write_fail(w, "write error");
    if (!rc && (writer_put(w, NULL, 0, true) || fflush(w->f) != 0 || ferror(w->f)))
        rc = write_fail(w, "write error");
    if (!rc && !w->to_stdout) {
        FILE *f = w->f;
        w->f = NULL;
        if (fclose(f) != 0)
            rc = write_fail(w, "write error on close");
        else if (rename(w->tmp, w->name) != 0)
            rc = write_fail(w, strerror(errno));
        else
            w->tmp[0] = '\0';
    }
    snprintf(err, errlen, "%s", w->err);
    writer_discard(w);
    return rc;
}

void trace_writer_abort(struct trace_writer *w)
{
    if (w)
        writer_discard(w);
}
