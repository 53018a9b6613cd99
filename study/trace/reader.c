/*
 * The streaming trace reader (mmusim/trace.h): a byte source (source.c) under a record parser
 * (parse_*.c).  This file opens a trace, tells its format from the content or the name, reads
 * lines for the text formats, hands out the parsers' records one at a time, and words errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

static const char *const format_names[TRACE_FORMAT_COUNT] = {"auto", "lackey", "champsim", "text",
                                                             "binary"};

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
    return t->src.bytes_in;
}

int trace_fail(struct trace_reader *t, const char *fmt, ...)
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
        snprintf(t->err, sizeof(t->err), "%s:%llu: %s", t->name, (unsigned long long)t->line, what);
    else
        snprintf(t->err, sizeof(t->err), "%s: %s", t->name, what);
    return -1;
}

/* ---- reading ------------------------------------------------------------------------------- */

const char *trace_shown(struct trace_reader *t)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    const unsigned char *l = (const unsigned char *)t->linebuf;
    t->shown[o++] = '"';
    for (size_t i = 0; l[i] && i < 40; i++) {
        unsigned c = l[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            t->shown[o++] = (char)c;
        } else {
            t->shown[o++] = '\\';
            t->shown[o++] = 'x';
            t->shown[o++] = hex[c >> 4];
            t->shown[o++] = hex[c & 15];
        }
    }
    if (strlen(t->linebuf) > 40) {
        memcpy(t->shown + o, "...", 3);
        o += 3;
    }
    t->shown[o++] = '"';
    t->shown[o] = '\0';
    return t->shown;
}

int trace_read_record(struct trace_reader *t, unsigned char *buf, size_t size)
{
    long n = source_read(&t->src, buf, size);
    if (n < 0)
        return trace_fail(t, "%s", t->src.why);
    if (n == 0)
        return 0;
    t->line++;
    if ((size_t)n < size)
        return trace_fail(t, "truncated: %ld of %zu bytes", n, size);
    return 1;
}

int trace_read_line(struct trace_reader *t)
{
    size_t n = 0;
    size_t nul_col = 0; /* the column of the line's first NUL byte, 1-based; 0: none */
    bool ended = false;
    for (;;) {
        const unsigned char *start;
        size_t avail;
        if (source_avail(&t->src, &start, &avail))
            return trace_fail(t, "%s", t->src.why);
        if (avail == 0)
            break;
        const unsigned char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        const unsigned char *nul = nul_col ? NULL : memchr(start, '\0', take);
        if (nul)
            nul_col = n + (size_t)(nul - start) + 1;
        if (!nul_col && n + take > LINE_MAX_LEN) {
            t->line++;
            return trace_fail(t, "line longer than %d characters", LINE_MAX_LEN);
        }
        if (!nul_col)
            memcpy(t->linebuf + n, start, take);
        n += take;
        source_consume(&t->src, take + (nl != NULL));
        if (nl) {
            ended = true;
            break;
        }
    }
    if (n == 0 && !ended)
        return 0;
    t->line++;
    if (nul_col) { /* the whole line is consumed: reading can go on with the next */
        t->linebuf[0] = '\0';
        return LINE_FAIL("NUL byte in column %zu: a text line holds no NUL bytes", nul_col);
    }
    t->linebuf[n] = '\0';
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

#define H(c) [c] = (unsigned char)(((c) <= '9' ? (c) - '0' : ((c) | 0x20) - 'a' + 10) + 1)
const unsigned char trace_hex_digit[256] = {
    H('0'), H('1'), H('2'), H('3'), H('4'), H('5'), H('6'), H('7'), H('8'), H('9'), H('a'),
    H('b'), H('c'), H('d'), H('e'), H('f'), H('A'), H('B'), H('C'), H('D'), H('E'), H('F')};
#undef H

/* The next record the line or record parser gives, one at a time. */
static int next_parsed(struct trace_reader *t, struct trace_record *rec)
{
    while (t->next_pending == t->npending) {
        t->npending = 0;
        t->next_pending = 0;
        int rc;
        switch (t->format) {
        case TRACE_LACKEY:
            rc = trace_parse_lackey(t);
            break;
        case TRACE_TEXT:
            rc = trace_parse_text(t);
            break;
        case TRACE_BINARY:
            rc = trace_parse_binary(t);
            break;
        default:
            rc = trace_parse_champsim(t);
            break;
        }
        if (rc <= 0)
            return rc;
    }
    *rec = t->pending[t->next_pending++];
    unsigned b = t->va_bits - 1;
    uint64_t top = rec->vaddr >> b;
    if (top != 0 && top != UINT64_MAX >> b) { /* a bad record for a study and for convert */
        t->npending = t->next_pending = 0;
        return LINE_FAIL("address 0x%llx is not canonical (bits 63:%u not all equal)",
                         (unsigned long long)rec->vaddr, b);
    }
    return 1;
}

void trace_set_va_bits(struct trace_reader *t, bool la57)
{
    t->va_bits = la57 ? 57 : 48;
}

int trace_next(struct trace_reader *t, struct trace_record *rec)
{
    if (t->err[0])
        return -1;
    if (t->packed_pos < t->packed_len) /* words parsed for trace_next_packed come first */
        return trace_decode_word(t->packed[t->packed_pos++], rec), 1;
    return next_parsed(t, rec);
}

long trace_next_batch(struct trace_reader *t, struct trace_record *recs, size_t max)
{
    if (t->err[0])
        return -1;
    size_t n = 0;
    while (n < max && t->packed_pos < t->packed_len) /* words parsed for trace_next_packed */
        trace_decode_word(t->packed[t->packed_pos++], &recs[n++]);
    while (n < max) {
        /* The fast path, when nothing is pending from a parser and there is room. */
        if (t->next_pending == t->npending && max - n >= MAX_PENDING) {
            size_t k = t->format == TRACE_LACKEY   ? trace_scan_lackey(t, recs + n, max - n)
                       : t->format == TRACE_BINARY ? trace_scan_binary(t, recs + n, max - n)
                                                   : 0;
            n += k;
            if (t->err[0]) /* the byte source failed */
                return n ? (long)n : -1;
            if (k)
                continue;
        }
        int rc = next_parsed(t, &recs[n]);
        if (rc < 0)
            return n ? (long)n : -1; /* the error (kept in t->err) comes next time */
        if (rc == 0)
            break;
        n++;
    }
    return (long)n;
}

long trace_next_packed(struct trace_reader *t, const uint64_t **words, size_t max)
{
    if (t->err[0] || t->next_pending != t->npending)
        return 0;
    if (t->format == TRACE_BINARY && t->packed_pos == t->packed_len)
        return (long)trace_scan_binary_packed(t, words, max);
    if (t->format != TRACE_LACKEY)
        return 0;
    if (t->packed_pos == t->packed_len) {
        t->packed_pos = 0;
        t->packed_len = trace_scan_lackey_packed(t, t->packed, PACKED_MAX);
    }
    size_t n = t->packed_len - t->packed_pos < max ? t->packed_len - t->packed_pos : max;
    *words = t->packed + t->packed_pos;
    t->packed_pos += n;
    return (long)n;
}

void trace_unread_packed(struct trace_reader *t, size_t n)
{
    if (t->format == TRACE_LACKEY) {
        t->packed_pos -= n;
        return;
    }
    t->line -= n;
    t->src.out_pos -= 8 * n;
}

/* ---- opening ------------------------------------------------------------------------------- */

/* The format the first decompressed bytes show, or TRACE_AUTO. */
static enum trace_format sniff_content(const unsigned char *out, size_t n)
{
    if (n >= 8 && memcmp(out, trace_binary_magic, 8) == 0)
        return TRACE_BINARY;
    /* The first line that is not valgrind's banner decides. */
    const char *s = (const char *)out;
    size_t i = 0;
    while (i < n) {
        const char *l = s + i;
        size_t rest = n - i;
        if (rest >= 2 && l[0] == '=' && l[1] == '=') {
            return TRACE_LACKEY;
        }
        if (rest >= 3 && ((l[0] == 'I' && l[1] == ' ' && l[2] == ' ') ||
                          (l[0] == ' ' && l[1] && strchr("LSM", l[1]) && l[2] == ' ')))
            return TRACE_LACKEY;
        if (rest >= 2 && l[0] && strchr("RWXrwx", l[0]) && (l[1] == ' ' || l[1] == '\t'))
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

/* The format of the trace from its content, or, for content no text format or header shows,
 * ChampSim if its name says so; TRACE_AUTO with t->err set if neither tells, the trace is empty,
 * or the name says ChampSim of content that is clearly another format. */
static enum trace_format sniff(struct trace_reader *t)
{
    const char *base = strrchr(t->name, '/');
    base = base ? base + 1 : t->name;
    bool champsim_name = strstr(base, "champsim") || strstr(base, ".trace");
    const unsigned char *out;
    size_t n;
    if (source_avail(&t->src, &out, &n)) {
        trace_fail(t, "%s", t->src.why);
        return TRACE_AUTO;
    }
    enum trace_format f = sniff_content(out, n);
    if (f != TRACE_AUTO && champsim_name) {
        trace_fail(t,
                   "the name says champsim but the content is %s; name the format with "
                   "--format",
                   trace_format_name(f));
        return TRACE_AUTO;
    }
    if (f == TRACE_AUTO && champsim_name)
        return TRACE_CHAMPSIM;
    if (f == TRACE_AUTO)
        trace_fail(t, "cannot tell the trace format from its name or first line; name it "
                      "(lackey, champsim, text)");
    return f;
}

/* Opens path, or the stream f if path is NULL, as a trace of the given format. */
static struct trace_reader *open_common(const char *path, FILE *f, const char *name,
                                        enum trace_format format, char *err, size_t errlen)
{
    struct trace_reader *t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(err, errlen, "%s: out of host memory", name);
        return NULL;
    }
    snprintf(t->name, sizeof(t->name), "%s", name);
    t->va_bits = 48;
    if (path && source_open(&t->src, path)) {
        snprintf(err, errlen, "%s: %s", path, t->src.why);
        trace_close(t);
        return NULL;
    }
    if (!path)
        source_attach(&t->src, f);
    if ((unsigned)format >= TRACE_FORMAT_COUNT) {
        snprintf(err, errlen, "%s: unknown trace format %d", t->name, (int)format);
        trace_close(t);
        return NULL;
    }
    if (source_start(&t->src)) {
        snprintf(err, errlen, "%s: %s", t->name, t->src.why);
        trace_close(t);
        return NULL;
    }
    const unsigned char *first;
    size_t nfirst = 0;
    int bad = source_avail(&t->src, &first, &nfirst);
    if (bad || nfirst == 0) {
        snprintf(err, errlen, "%s: %s", t->name, bad ? t->src.why : "empty trace");
        trace_close(t);
        return NULL;
    }
    t->format = format;
    if (format == TRACE_AUTO) {
        t->format = sniff(t);
        if (t->format == TRACE_AUTO) {
            snprintf(err, errlen, "%s", t->err);
            trace_close(t);
            return NULL;
        }
    }
    if (t->format == TRACE_BINARY) {
        unsigned char magic[8];
        long n = source_read(&t->src, magic, sizeof(magic));
        if (n != 8 || memcmp(magic, trace_binary_magic, 8) != 0) {
            snprintf(err, errlen, "%s: not an mmusim binary trace (no MMUTRC01 header)", t->name);
            trace_close(t);
            return NULL;
        }
    }
    return t;
}

struct trace_reader *trace_open(const char *path, enum trace_format format, char *err,
                                size_t errlen)
{
    return open_common(path, NULL, source_name(path), format, err, errlen);
}

struct trace_reader *trace_open_stream(FILE *f, const char *name, enum trace_format format,
                                       char *err, size_t errlen)
{
    return open_common(NULL, f, name, format, err, errlen);
}

void trace_close(struct trace_reader *t)
{
    if (!t)
        return;
    source_close(&t->src);
    free(t);
}
