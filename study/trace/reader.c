/*
 * Streaming trace reader: a byte source (plain, gzip through zlib, xz through liblzma) under a
 * record parser (lackey, ChampSim, text).  Buffers are fixed in size, so memory stays flat.
 *
 * Not handled: ChampSim's cloudsuite variant (records with a CPU field), lackey's size field
 * (an access is translated at its first byte).
 */
#include <errno.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "mmusim/trace.h"

#define IN_SIZE (64 * 1024)
#define OUT_SIZE (64 * 1024)
#define LINE_MAX_LEN 4096
#define CHAMPSIM_RECORD 64
#define MAX_PENDING 8

enum codec { CODEC_PLAIN, CODEC_GZIP, CODEC_XZ };

struct trace_reader {
    FILE *f;
    bool own_file;
    char name[256];
    enum codec codec;
    enum trace_format format;
    z_stream z;
    bool z_init, z_end;
    lzma_stream x;
    bool x_init, x_end;
    unsigned char in[IN_SIZE];
    size_t in_pos, in_len;
    bool in_eof;
    unsigned char out[OUT_SIZE];
    size_t out_pos, out_len;
    bool out_eof;
    uint64_t bytes_in;
    uint64_t line;       /* lines (or records) read */
    char linebuf[LINE_MAX_LEN + 1];
    bool line_error; /* the error is in one line's content: reading can go on */
    struct trace_record pending[MAX_PENDING];
    unsigned npending, next_pending;
    char err[256 + 64 + 384];
};

static const char *const format_names[TRACE_FORMAT_COUNT] = {"auto", "lackey", "champsim",
                                                             "text", "binary"};
static const char binary_magic[8] = {'M', 'M', 'U', 'T', 'R', 'C', '0', '1'};

const char *trace_format_name(enum trace_format f)
{
    return (unsigned)f < TRACE_FORMAT_COUNT ? format_names[f] : "?";
}

int trace_format_parse(const char *name, enum trace_format *f)
{
    for (unsigned i = 0; i < TRACE_FORMAT_COUNT; i++)
        if (strcmp(name, format_names[i]) == 0) {
            *f = (enum trace_format)i;
            return 0;
        }
    return -1;
}

const char *trace_error(const struct trace_reader *t)
{
    return t->err;
}

enum trace_format trace_format_of(const struct trace_reader *t)
{
    return t->format;
}

uint64_t trace_bytes_read(const struct trace_reader *t)
{
    return t->bytes_in;
}

__attribute__((format(printf, 2, 3))) static int fail(struct trace_reader *t, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (t->format == TRACE_CHAMPSIM || t->format == TRACE_BINARY)
        snprintf(t->err, sizeof(t->err), "%s: record %llu: %s", t->name,
                 (unsigned long long)t->line, what);
    else if (t->line)
        snprintf(t->err, sizeof(t->err), "%s:%llu: %s", t->name, (unsigned long long)t->line,
                 what);
    else
        snprintf(t->err, sizeof(t->err), "%s: %s", t->name, what);
    return -1;
}

/* ---- compressed input -------------------------------------------------------------------- */

static int read_in(struct trace_reader *t)
{
    if (t->in_pos < t->in_len || t->in_eof)
        return 0;
    t->in_pos = 0;
    t->in_len = fread(t->in, 1, IN_SIZE, t->f);
    t->bytes_in += t->in_len;
    if (t->in_len == 0) {
        if (ferror(t->f))
            return fail(t, "read error: %s", strerror(errno));
        t->in_eof = true;
    }
    return 0;
}

/* Refills t->out with decompressed bytes; sets out_eof at the end of the data. */
static int fill_out(struct trace_reader *t)
{
    t->out_pos = 0;
    t->out_len = 0;
    while (t->out_len == 0 && !t->out_eof) {
        if (read_in(t))
            return -1;
        size_t avail = t->in_len - t->in_pos;
        switch (t->codec) {
        case CODEC_PLAIN:
            if (avail == 0) {
                t->out_eof = true;
                break;
            }
            memcpy(t->out, t->in + t->in_pos, avail);
            t->out_len = avail;
            t->in_pos += avail;
            break;
        case CODEC_GZIP: {
            if (avail == 0) {
                if (!t->z_end)
                    return fail(t, "truncated gzip stream");
                t->out_eof = true;
                break;
            }
            if (t->z_end) { /* another gzip member follows */
                inflateReset(&t->z);
                t->z_end = false;
            }
            t->z.next_in = t->in + t->in_pos;
            t->z.avail_in = (uInt)avail;
            t->z.next_out = t->out;
            t->z.avail_out = OUT_SIZE;
            int rc = inflate(&t->z, Z_NO_FLUSH);
            t->in_pos = t->in_len - t->z.avail_in;
            t->out_len = OUT_SIZE - t->z.avail_out;
            if (rc == Z_STREAM_END)
                t->z_end = true;
            else if (rc != Z_OK && !(rc == Z_BUF_ERROR && t->out_len))
                return fail(t, "corrupt gzip stream (%s)", t->z.msg ? t->z.msg : "zlib error");
            break;
        }
        case CODEC_XZ: {
            lzma_action action = avail == 0 ? LZMA_FINISH : LZMA_RUN;
            if (t->x_end) {
                t->out_eof = true;
                break;
            }
            t->x.next_in = t->in + t->in_pos;
            t->x.avail_in = avail;
            t->x.next_out = t->out;
            t->x.avail_out = OUT_SIZE;
            lzma_ret rc = lzma_code(&t->x, action);
            t->in_pos = t->in_len - t->x.avail_in;
            t->out_len = OUT_SIZE - t->x.avail_out;
            if (rc == LZMA_STREAM_END)
                t->x_end = true;
            else if (rc == LZMA_BUF_ERROR || (action == LZMA_FINISH && rc == LZMA_OK &&
                                              t->out_len == 0))
                return fail(t, "truncated xz stream");
            else if (rc != LZMA_OK)
                return fail(t, "corrupt xz stream (liblzma error %d)", (int)rc);
            break;
        }
        }
    }
    return 0;
}

/* Up to n decompressed bytes into buf; returns how many (fewer only at the end), or -1. */
static long read_bytes(struct trace_reader *t, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        if (t->out_pos == t->out_len) {
            if (t->out_eof || fill_out(t))
                break;
            if (t->out_len == 0)
                break;
        }
        size_t k = t->out_len - t->out_pos;
        if (k > n - got)
            k = n - got;
        memcpy(buf + got, t->out + t->out_pos, k);
        t->out_pos += k;
        got += k;
    }
    return t->err[0] ? -1 : (long)got;
}

/* The next line, without its newline; 1, 0 at the end, or -1. */
static int read_line(struct trace_reader *t)
{
    size_t n = 0;
    for (;;) {
        if (t->out_pos == t->out_len) {
            if (t->out_eof || fill_out(t))
                break;
            if (t->out_len == 0)
                break;
        }
        const unsigned char *start = t->out + t->out_pos;
        size_t avail = t->out_len - t->out_pos;
        const unsigned char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        if (n + take > LINE_MAX_LEN) {
            t->line++;
            return fail(t, "line longer than %d characters", LINE_MAX_LEN);
        }
        memcpy(t->linebuf + n, start, take);
        n += take;
        t->out_pos += take + (nl != NULL);
        if (nl) {
            t->line++;
            t->linebuf[n] = '\0';
            return 1;
        }
    }
    if (t->err[0])
        return -1;
    if (n == 0)
        return 0;
    t->line++;
    t->linebuf[n] = '\0';
    return 1;
}

/* ---- parsers ------------------------------------------------------------------------------ */

/* A hexadecimal number of 1 to 16 digits at *p, which is advanced past it. */
static int parse_hex(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    unsigned digits = 0;
    for (;; s++, digits++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (*s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (*s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            break;
        if (digits == 16)
            return -1;
        x = x << 4 | d;
    }
    if (digits == 0)
        return -1;
    *v = x;
    *p = s;
    return 0;
}

static void push(struct trace_reader *t, uint64_t va, enum mmu_access type, uint32_t instr)
{
    t->pending[t->npending++] = (struct trace_record){.vaddr = va, .type = type,
                                                      .instructions = instr};
}

/* An error in the content of one line: the next line can still be read. */
#define LINE_FAIL(...) (t->line_error = true, fail(t, __VA_ARGS__))

static int parse_lackey(struct trace_reader *t)
{
    for (;;) {
        int rc = read_line(t);
        if (rc <= 0)
            return rc;
        const char *l = t->linebuf;
        if (l[0] == '\0' || strncmp(l, "==", 2) == 0 || strncmp(l, "--", 2) == 0)
            continue;
        char kind = l[0] == 'I' ? 'I' : (l[0] == ' ' ? l[1] : '?');
        if (!strchr("ILSM", kind) || kind == '\0' || (kind != 'I' && l[2] != ' ') ||
            (kind == 'I' && (l[1] != ' ' || l[2] != ' ')))
            return LINE_FAIL("not a lackey record (expected \"I  addr,size\" or \" L|S|M "
                           "addr,size\"): \"%.40s\"", l);
        const char *p = l + 3;
        uint64_t va;
        if (parse_hex(&p, &va))
            return LINE_FAIL("address is not a hexadecimal number of 1 to 16 digits: \"%.40s\"", l);
        if (*p++ != ',' || *p < '0' || *p > '9')
            return LINE_FAIL("expected \",size\" after the address: \"%.40s\"", l);
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p != '\0' && *p != '\r')
            return LINE_FAIL("unexpected text after the size: \"%.40s\"", l);
        if (kind == 'I')
            push(t, va, MMU_ACC_FETCH, 1);
        if (kind == 'L' || kind == 'M')
            push(t, va, MMU_ACC_READ, 0);
        if (kind == 'S' || kind == 'M')
            push(t, va, MMU_ACC_WRITE, 0);
        return 1;
    }
}

static int parse_text(struct trace_reader *t)
{
    for (;;) {
        int rc = read_line(t);
        if (rc <= 0)
            return rc;
        const char *p = t->linebuf;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#' || *p == '\r')
            continue;
        enum mmu_access type;
        if (*p == 'R' || *p == 'r')
            type = MMU_ACC_READ;
        else if (*p == 'W' || *p == 'w')
            type = MMU_ACC_WRITE;
        else if (*p == 'X' || *p == 'x')
            type = MMU_ACC_FETCH;
        else
            return LINE_FAIL("expected R, W or X, got \"%.40s\"", t->linebuf);
        p++;
        if (*p != ' ' && *p != '\t')
            return LINE_FAIL("expected a space after the access type: \"%.40s\"", t->linebuf);
        while (*p == ' ' || *p == '\t')
            p++;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
            p += 2;
        uint64_t va;
        if (parse_hex(&p, &va) || !(*p == '\0' || *p == ' ' || *p == '\t' || *p == '#' ||
                                    *p == '\r'))
            return LINE_FAIL("address is not a hexadecimal number of 1 to 16 digits: \"%.40s\"",
                             t->linebuf);
        push(t, va, type, type == MMU_ACC_FETCH);
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p && *p != '#' && *p != '\r') {
            char *end;
            errno = 0;
            unsigned long pcid = strtoul(p, &end, 0);
            if (errno || end == p || pcid > 0xfff)
                return LINE_FAIL("PCID is not a number from 0 to 4095: \"%.40s\"", t->linebuf);
            t->pending[0].has_pcid = true;
            t->pending[0].pcid = (uint16_t)pcid;
            p = end;
            while (*p == ' ' || *p == '\t' || *p == '\r')
                p++;
            if (*p && *p != '#')
                return LINE_FAIL("unexpected text after the PCID: \"%.40s\"", t->linebuf);
        }
        return 1;
    }
}

static uint64_t le64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

static int parse_champsim(struct trace_reader *t)
{
    unsigned char r[CHAMPSIM_RECORD];
    long n = read_bytes(t, r, sizeof(r));
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;
    t->line++;
    if (n < CHAMPSIM_RECORD)
        return fail(t, "truncated: %ld of %d bytes", n, CHAMPSIM_RECORD);
    push(t, le64(r), MMU_ACC_FETCH, 1);
    for (int i = 0; i < 4; i++) {
        uint64_t a = le64(r + 32 + 8 * i);
        if (a)
            push(t, a, MMU_ACC_READ, 0);
    }
    for (int i = 0; i < 2; i++) {
        uint64_t a = le64(r + 16 + 8 * i);
        if (a)
            push(t, a, MMU_ACC_WRITE, 0);
    }
    return 1;
}

static int parse_binary(struct trace_reader *t)
{
    unsigned char b[8];
    long n = read_bytes(t, b, sizeof(b));
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;
    t->line++;
    if (n < 8)
        return fail(t, "truncated: %ld of 8 bytes", n);
    uint64_t w = le64(b);
    unsigned type = (unsigned)(w >> 61) & 3;
    if (type > 2 || (w >> 63))
        return fail(t, "bad record 0x%016llx: type or top bit out of range",
                    (unsigned long long)w);
    uint64_t va = w & ((1ull << 48) - 1);
    if (va >> 47)
        va |= ~((1ull << 48) - 1);
    push(t, va, (enum mmu_access)type, type == MMU_ACC_FETCH);
    if (w >> 60 & 1) {
        t->pending[t->npending - 1].has_pcid = true;
        t->pending[t->npending - 1].pcid = (uint16_t)(w >> 48 & 0xfff);
    }
    return 1;
}

int trace_recover(struct trace_reader *t)
{
    if (!t->line_error)
        return -1;
    t->line_error = false;
    t->err[0] = '\0';
    t->npending = 0;
    t->next_pending = 0;
    return 0;
}

int trace_next(struct trace_reader *t, struct trace_record *rec)
{
    if (t->err[0])
        return -1;
    while (t->next_pending == t->npending) {
        t->npending = 0;
        t->next_pending = 0;
        int rc = t->format == TRACE_LACKEY  ? parse_lackey(t)
                 : t->format == TRACE_TEXT  ? parse_text(t)
                 : t->format == TRACE_BINARY ? parse_binary(t)
                                             : parse_champsim(t);
        if (rc <= 0)
            return rc;
    }
    *rec = t->pending[t->next_pending++];
    return 1;
}

/* ---- opening ------------------------------------------------------------------------------- */

static enum trace_format sniff(struct trace_reader *t)
{
    const char *base = strrchr(t->name, '/');
    base = base ? base + 1 : t->name;
    if (fill_out(t) || t->out_len == 0)
        return TRACE_AUTO;
    if (t->out_len >= 8 && memcmp(t->out, binary_magic, 8) == 0)
        return TRACE_BINARY;
    if (strstr(base, "champsim") || strstr(base, ".trace"))
        return TRACE_CHAMPSIM;
    /* The first line that is not valgrind's banner decides. */
    const char *s = (const char *)t->out;
    size_t n = t->out_len;
    size_t i = 0;
    while (i < n) {
        const char *l = s + i;
        size_t rest = n - i;
        if (rest >= 2 && l[0] == '=' && l[1] == '=') {
            return TRACE_LACKEY;
        }
        if (rest >= 3 && ((l[0] == 'I' && l[1] == ' ' && l[2] == ' ') ||
                          (l[0] == ' ' && strchr("LSM", l[1]) && l[2] == ' ')))
            return TRACE_LACKEY;
        if (rest >= 2 && strchr("RWXrwx", l[0]) && (l[1] == ' ' || l[1] == '\t'))
            return TRACE_TEXT;
        if (l[0] == '#' || l[0] == '\n') {
            const char *nl = memchr(l, '\n', rest);
            if (!nl)
                break;
            i = (size_t)(nl - s) + 1;
            continue;
        }
        break;
    }
    return TRACE_AUTO;
}

static struct trace_reader *open_common(FILE *f, bool own, const char *name,
                                        enum trace_format format, char *err, size_t errlen);

struct trace_reader *trace_open(const char *path, enum trace_format format, char *err,
                                size_t errlen)
{
    if (strcmp(path, "-") == 0)
        return open_common(stdin, false, "<stdin>", format, err, errlen);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    return open_common(f, true, path, format, err, errlen);
}

struct trace_reader *trace_open_stream(FILE *f, const char *name, enum trace_format format,
                                       char *err, size_t errlen)
{
    return open_common(f, false, name, format, err, errlen);
}

static struct trace_reader *open_common(FILE *f, bool own, const char *name,
                                        enum trace_format format, char *err, size_t errlen)
{
    struct trace_reader *t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(err, errlen, "%s: out of host memory", name);
        if (own)
            fclose(f);
        return NULL;
    }
    snprintf(t->name, sizeof(t->name), "%s", name);
    t->f = f;
    t->own_file = own;
    if ((unsigned)format >= TRACE_FORMAT_COUNT) {
        snprintf(err, errlen, "%s: unknown trace format %d", t->name, (int)format);
        trace_close(t);
        return NULL;
    }
    if (read_in(t)) {
        snprintf(err, errlen, "%s", t->err);
        trace_close(t);
        return NULL;
    }
    static const unsigned char gz_magic[2] = {0x1f, 0x8b};
    static const unsigned char xz_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
    if (t->in_len >= 2 && memcmp(t->in, gz_magic, 2) == 0) {
        t->codec = CODEC_GZIP;
        t->z_init = inflateInit2(&t->z, 16 + MAX_WBITS) == Z_OK;
    } else if (t->in_len >= 6 && memcmp(t->in, xz_magic, 6) == 0) {
        t->codec = CODEC_XZ;
        t->x = (lzma_stream)LZMA_STREAM_INIT;
        t->x_init = lzma_stream_decoder(&t->x, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
    }
    if ((t->codec == CODEC_GZIP && !t->z_init) || (t->codec == CODEC_XZ && !t->x_init)) {
        snprintf(err, errlen, "%s: cannot start the decompressor", t->name);
        trace_close(t);
        return NULL;
    }
    t->format = format;
    if (format == TRACE_AUTO) {
        t->format = sniff(t);
        if (t->err[0]) {
            snprintf(err, errlen, "%s", t->err);
            trace_close(t);
            return NULL;
        }
        if (t->format == TRACE_AUTO) {
            snprintf(err, errlen, "%s: cannot tell the trace format from its name or first "
                     "line; name it (lackey, champsim, text)", t->name);
            trace_close(t);
            return NULL;
        }
    }
    if (t->format == TRACE_BINARY) {
        unsigned char magic[8];
        long n = read_bytes(t, magic, sizeof(magic));
        if (n != 8 || memcmp(magic, binary_magic, 8) != 0) {
            snprintf(err, errlen, "%s: not an mmusim binary trace (no MMUTRC01 header)", t->name);
            trace_close(t);
            return NULL;
        }
    }
    return t;
}

void trace_close(struct trace_reader *t)
{
    if (!t)
        return;
    if (t->z_init)
        inflateEnd(&t->z);
    if (t->x_init)
        lzma_end(&t->x);
    if (t->own_file && t->f)
        fclose(t->f);
    free(t);
}

/* ---- writing the binary format ------------------------------------------------------------- */

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
    if ((!w->gz && !w->f) || writer_put(w, binary_magic, sizeof(binary_magic))) {
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
        snprintf(w->err, sizeof(w->err), "%s: record %llu: address 0x%llx is not canonical; "
                 "the binary format holds 48-bit addresses", w->name,
                 (unsigned long long)w->records + 1, (unsigned long long)r->vaddr);
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
