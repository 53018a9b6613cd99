/*
 * Byte sources (see source.h): plain, gzip through zlib, xz through liblzma; from a file,
 * standard input or an open stream.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "source.h"

__attribute__((format(printf, 2, 3))) static int fail(struct trace_source *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why, sizeof(s->why), fmt, ap);
    va_end(ap);
    return -1;
}

/* Refills s->in with compressed bytes if it is used up; sets in_eof at the end of the file. */
static int read_in(struct trace_source *s)
{
    if (s->in_pos < s->in_len || s->in_eof)
        return 0;
    s->in_pos = 0;
    s->in_len = fread(s->in, 1, SOURCE_IN_SIZE, s->f);
    s->bytes_in += s->in_len;
    if (s->in_len == 0) {
        if (ferror(s->f))
            return fail(s, "read error: %s", strerror(errno));
        s->in_eof = true;
    }
    return 0;
}

/* ---- the codecs: each decodes what s->in holds into s->out, or sets out_eof ---------------- */

static int fill_plain(struct trace_source *s, size_t avail)
{
    if (avail == 0) {
        s->out_eof = true;
        return 0;
    }
    memcpy(s->out, s->in + s->in_pos, avail);
    s->out_len = avail;
    s->in_pos += avail;
    return 0;
}

static int fill_gzip(struct trace_source *s, size_t avail)
{
    if (avail == 0) {
        if (!s->z_end)
            return fail(s, "truncated gzip stream");
        s->out_eof = true;
        return 0;
    }
    if (s->z_end) { /* another gzip member follows */
        inflateReset(&s->z);
        s->z_end = false;
    }
    s->z.next_in = s->in + s->in_pos;
    s->z.avail_in = (uInt)avail;
    s->z.next_out = s->out;
    s->z.avail_out = SOURCE_OUT_SIZE;
    int rc = inflate(&s->z, Z_NO_FLUSH);
    s->in_pos = s->in_len - s->z.avail_in;
    s->out_len = SOURCE_OUT_SIZE - s->z.avail_out;
    if (rc == Z_STREAM_END)
        s->z_end = true;
    else if (rc != Z_OK && !(rc == Z_BUF_ERROR && s->out_len))
        return fail(s, "corrupt gzip stream (%s)", s->z.msg ? s->z.msg : "zlib error");
    return 0;
}

static int fill_xz(struct trace_source *s, size_t avail)
{
    lzma_action action = avail == 0 ? LZMA_FINISH : LZMA_RUN;
    if (s->x_end) {
        s->out_eof = true;
        return 0;
    }
    s->x.next_in = s->in + s->in_pos;
    s->x.avail_in = avail;
    s->x.next_out = s->out;
    s->x.avail_out = SOURCE_OUT_SIZE;
    lzma_ret rc = lzma_code(&s->x, action);
    s->in_pos = s->in_len - s->x.avail_in;
    s->out_len = SOURCE_OUT_SIZE - s->x.avail_out;
    if (rc == LZMA_STREAM_END)
        s->x_end = true;
    else if (rc == LZMA_BUF_ERROR || (action == LZMA_FINISH && rc == LZMA_OK && s->out_len == 0))
        return fail(s, "truncated xz stream");
    else if (rc != LZMA_OK)
        return fail(s, "corrupt xz stream (liblzma error %d)", (int)rc);
    return 0;
}

/* Refills s->out with decompressed bytes; sets out_eof at the end of the data. */
static int fill_out(struct trace_source *s)
{
    s->out_pos = 0;
    s->out_len = 0;
    while (s->out_len == 0 && !s->out_eof) {
        if (read_in(s))
            return -1;
        size_t avail = s->in_len - s->in_pos;
        int rc = s->codec == CODEC_GZIP ? fill_gzip(s, avail)
                 : s->codec == CODEC_XZ ? fill_xz(s, avail)
                                        : fill_plain(s, avail);
        if (rc)
            return -1;
    }
    return 0;
}

int source_avail(struct trace_source *s, const unsigned char **p, size_t *n)
{
    if (s->out_pos == s->out_len) {
        *n = 0;
        if (s->out_eof)
            return 0;
        if (fill_out(s))
            return -1;
    }
    *p = s->out + s->out_pos;
    *n = s->out_len - s->out_pos;
    return 0;
}

long source_read(struct trace_source *s, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        const unsigned char *p;
        size_t k;
        if (source_avail(s, &p, &k))
            return -1;
        if (k == 0)
            break;
        if (k > n - got)
            k = n - got;
        memcpy(buf + got, p, k);
        source_consume(s, k);
        got += k;
    }
    return (long)got;
}

/* ---- opening -------------------------------------------------------------------------------- */

const char *source_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int source_start(struct trace_source *s)
{
    if (read_in(s))
        return -1;
    static const unsigned char gz_magic[2] = {0x1f, 0x8b};
    static const unsigned char xz_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
    if (s->in_len >= 2 && memcmp(s->in, gz_magic, 2) == 0) {
        s->codec = CODEC_GZIP;
        s->z_init = inflateInit2(&s->z, 16 + MAX_WBITS) == Z_OK;
    } else if (s->in_len >= 6 && memcmp(s->in, xz_magic, 6) == 0) {
        s->codec = CODEC_XZ;
        s->x = (lzma_stream)LZMA_STREAM_INIT;
        s->x_init = lzma_stream_decoder(&s->x, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
    }
    /* A file shorter than a magic number it starts like is a stream cut short. */
    if (s->in_len > 0 && s->in_len < 2 && memcmp(s->in, gz_magic, s->in_len) == 0)
        return fail(s, "truncated gzip stream (%zu bytes)", s->in_len);
    if (s->in_len > 0 && s->in_len < 6 && memcmp(s->in, xz_magic, s->in_len) == 0)
        return fail(s, "truncated xz stream (%zu bytes)", s->in_len);
    if ((s->codec == CODEC_GZIP && !s->z_init) || (s->codec == CODEC_XZ && !s->x_init))
        return fail(s, "cannot start the decompressor");
    return 0;
}

int source_open(struct trace_source *s, const char *path)
{
    if (strcmp(path, "-") == 0) {
        source_attach(s, stdin);
        return 0;
    }
    s->f = fopen(path, "rb");
    if (!s->f)
        return fail(s, "cannot open: %s", strerror(errno));
    s->own_file = true;
    return 0;
}

void source_attach(struct trace_source *s, FILE *f)
{
    s->f = f;
}

void source_close(struct trace_source *s)
{
    if (s->z_init)
        inflateEnd(&s->z);
    if (s->x_init)
        lzma_end(&s->x);
    if (s->own_file && s->f)
        fclose(s->f);
}
