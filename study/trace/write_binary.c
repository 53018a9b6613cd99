/*
 * Writing mmusim's binary format (see parse_binary.c for the layout): compressed by the output's
 * name (".xz" through liblzma, ".gz" through zlib, otherwise plain), or to standard output for
 * "-".  A file is written to a temporary file in the same folder, renamed into place only when
 * everything was written, so a failure never leaves a half-written trace nor removes anything.
 * An address the format cannot hold (not canonical) or a write error stops the writer with the
 * reason.
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

#define OUT_BUF (64 * 1024)

enum out_codec { OUT_PLAIN, OUT_GZIP, OUT_XZ };

struct trace_writer {
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
    struct trace_writer *w = calloc(1, sizeof(*w));
    if (!w) {
        snprintf(err, errlen, "%s: out of host memory", path);
        return NULL;
    }
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
    if (writer_put(w, trace_binary_magic, sizeof(trace_binary_magic), false)) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        writer_discard(w);
        return NULL;
    }
    return w;
}

int trace_write(struct trace_writer *w, const struct trace_record *r)
{
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
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(word >> (8 * i));
    if (writer_put(w, b, sizeof(b), false))
        return -1;
    w->records++;
    return 0;
}

int trace_writer_close(struct trace_writer *w, char *err, size_t errlen)
{
    int rc = w->err[0] ? -1 : 0;
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
