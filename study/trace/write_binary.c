/*
 * Writing mmusim's binary format (see parse_binary.c for the layout): to a file, through zlib's
 * gzip writer if the name ends in ".gz".  An address the format cannot hold (not canonical) or a
 * write error stops the writer with the reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "reader.h"

struct trace_writer {
    FILE *f;
    gzFile gz;
    char name[256];
    uint64_t records;
    char err[400];
};

static int writer_put(struct trace_writer *w, const void *buf, size_t n)
{
    if (w->gz ? gzwrite(w->gz, buf, (unsigned)n) != (int)n : fwrite(buf, 1, n, w->f) != n) {
        snprintf(w->err, sizeof(w->err), "%s: write error after %llu records", w->name,
                 (unsigned long long)w->records);
        return -1;
    }
    return 0;
}

struct trace_writer *trace_writer_open(const char *path, char *err, size_t errlen)
{
    struct trace_writer *w = calloc(1, sizeof(*w));
    if (!w) {
        snprintf(err, errlen, "%s: out of host memory", path);
        return NULL;
    }
    snprintf(w->name, sizeof(w->name), "%s", path);
    size_t len = strlen(path);
    if (len > 3 && strcmp(path + len - 3, ".gz") == 0)
        w->gz = gzopen(path, "wb6");
    else
        w->f = fopen(path, "wb");
    if ((!w->gz && !w->f) || writer_put(w, trace_binary_magic, sizeof(trace_binary_magic))) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        if (w->gz)
            gzclose(w->gz);
        if (w->f)
            fclose(w->f);
        free(w);
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
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(word >> (8 * i));
    if (writer_put(w, b, sizeof(b)))
        return -1;
    w->records++;
    return 0;
}

int trace_writer_close(struct trace_writer *w, char *err, size_t errlen)
{
    int rc = w->err[0] ? -1 : 0;
    if (w->gz && gzclose(w->gz) != Z_OK)
        rc = -1;
    if (w->f && fclose(w->f) != 0)
        rc = -1;
    snprintf(err, errlen, "%s", w->err[0] ? w->err : rc ? "write error on close" : "");
    free(w);
    return rc;
}
