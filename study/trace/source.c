/*
 * Byte sources (see source.h): plain, gzip through zlib, xz through liblzma; from a file,
 * standard input or an open stream.  gzip and xz are decoded on a thread of their own into a
 * ring of blocks; plain input is read on the caller's thread.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

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
    s->in_total += s->in_len;
    if (s->in_len == 0) {
        if (ferror(s->f))
            return fail(s, "read error: %s", strerror(errno));
        s->in_eof = true;
    }
    return 0;
}

/* ---- the codecs: each decodes what s->in holds into the rest of block b ------------------- */

/* Each returns 0 to go on, 1 at the end of the data, or -1 with the reason in s->why; the bytes
 * decoded before a failure stay in b. */
static int inflate_some(struct trace_source *s, struct source_block *b, size_t avail)
{
    if (avail == 0) {
        if (!s->z_end)
            return fail(s, "truncated gzip stream");
        return 1;
    }
    if (s->z_end) { /* another gzip member follows */
        inflateReset(&s->z);
        s->z_end = false;
    }
    size_t room = SOURCE_BLOCK_SIZE - b->len;
    s->z.next_in = s->in + s->in_pos;
    s->z.avail_in = (uInt)avail;
    s->z.next_out = b->data + b->len;
    s->z.avail_out = (uInt)room;
    int rc = inflate(&s->z, Z_NO_FLUSH);
    size_t got = room - s->z.avail_out;
    s->in_pos = s->in_len - s->z.avail_in;
    b->len += got;
    if (rc == Z_STREAM_END)
        s->z_end = true;
    else if (rc != Z_OK && !(rc == Z_BUF_ERROR && got))
        return fail(s, "corrupt gzip stream (%s)", s->z.msg ? s->z.msg : "zlib error");
    return 0;
}

static int unxz_some(struct trace_source *s, struct source_block *b, size_t avail)
{
    lzma_action action = avail == 0 ? LZMA_FINISH : LZMA_RUN;
    if (s->x_end)
        return 1;
    size_t room = SOURCE_BLOCK_SIZE - b->len;
    s->x.next_in = s->in + s->in_pos;
    s->x.avail_in = avail;
    s->x.next_out = b->data + b->len;
    s->x.avail_out = room;
    lzma_ret rc = lzma_code(&s->x, action);
    size_t got = room - s->x.avail_out;
    s->in_pos = s->in_len - s->x.avail_in;
    b->len += got;
    if (rc == LZMA_STREAM_END)
        s->x_end = true;
    else if (rc == LZMA_BUF_ERROR || (action == LZMA_FINISH && rc == LZMA_OK && got == 0))
        return fail(s, "truncated xz stream");
    else if (rc != LZMA_OK)
        return fail(s, "corrupt xz stream (liblzma error %d)", (int)rc);
    return 0;
}

/* Decodes into b until it is full (0), the data ends (1) or decoding fails (-1); b->bytes_in
 * is the compressed bytes read by then. */
static int decode_block(struct trace_source *s, struct source_block *b)
{
    int rc = 0;
    b->len = 0;
    while (rc == 0 && b->len < SOURCE_BLOCK_SIZE) {
        rc = read_in(s);
        if (rc == 0)
            rc = s->codec == CODEC_GZIP ? inflate_some(s, b, s->in_len - s->in_pos)
                                        : unxz_some(s, b, s->in_len - s->in_pos);
    }
    b->bytes_in = s->in_total;
    return rc;
}

/* ---- the decoder thread (gzip, xz) and the caller's side of the ring ------------------------ */

/* Fills the free blocks of the ring in order until the data ends, decoding fails or
 * source_close() sets stop. */
static void *decoder_main(void *arg)
{
    struct trace_source *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        while (s->full == SOURCE_BLOCKS && !s->stop)
            pthread_cond_wait(&s->freed, &s->lock);
        bool stop = s->stop;
        struct source_block *b = &s->ring[(s->head + s->full) % SOURCE_BLOCKS];
        pthread_mutex_unlock(&s->lock);
        if (stop)
            return NULL;
        /* b is outside the full blocks: the caller does not look at it until full counts it. */
        int rc = decode_block(s, b);
        pthread_mutex_lock(&s->lock);
        if (b->len)
            s->full++;
        if (rc) {
            s->end = rc;
            s->end_bytes_in = s->in_total;
        }
        pthread_cond_signal(&s->filled);
        pthread_mutex_unlock(&s->lock);
        if (rc)
            return NULL;
    }
}

/* Gives back the block consumed and takes the next, waiting for the decoder if need be. */
static int take_block(struct trace_source *s)
{
    pthread_mutex_lock(&s->lock);
    if (s->held) {
        s->held = false;
        s->head = (s->head + 1) % SOURCE_BLOCKS;
        s->full--;
        pthread_cond_signal(&s->freed);
    }
    while (s->full == 0 && s->end == 0)
        pthread_cond_wait(&s->filled, &s->lock);
    int end = 0;
    if (s->full) {
        const struct source_block *b = &s->ring[s->head];
        s->held = true;
        s->out = b->data;
        s->out_pos = 0;
        s->out_len = b->len;
        s->bytes_in = b->bytes_in;
    } else {
        end = s->end;
        s->bytes_in = s->end_bytes_in;
    }
    pthread_mutex_unlock(&s->lock);
    if (end < 0) { /* the decoder wrote why before it set end */
        s->failed = true;
        return -1;
    }
    s->out_eof = end > 0;
    return 0;
}

/* ---- plain input, on the caller's thread ---------------------------------------------------- */

/* Reads the next block: what source_start() read and did not show, then the file.  Bytes read
 * before a read error are shown first. */
static int read_plain(struct trace_source *s)
{
    if (s->map) { /* a mapped file: the next chunk of it, in place */
        size_t k =
            s->map_len - s->map_pos < SOURCE_MAP_CHUNK ? s->map_len - s->map_pos : SOURCE_MAP_CHUNK;
        /* A file cut short by someone else since it was mapped: an error, not the signal
         * that reading past its new end would raise. */
        struct stat st;
        if (k && (fstat(fileno(s->f), &st) || (uint64_t)st.st_size < s->map_pos + k)) {
            s->failed = true;
            return fail(s, "read error: the file shrank while it was read");
        }
        /* The chunk before is read: its pages leave the process (the page cache keeps them). */
        if (s->map_pos > s->map_kept) {
            munmap((void *)(s->map + s->map_kept), s->map_pos - s->map_kept);
            s->map_kept = s->map_pos;
        }
        s->out = s->map + s->map_pos;
        s->out_pos = 0;
        s->out_len = k;
        s->map_pos += k;
        s->bytes_in = s->map_pos;
        s->out_eof = k == 0;
        return 0;
    }
    struct source_block *b = &s->ring[0];
    b->len = s->in_len - s->in_pos;
    memcpy(b->data, s->in + s->in_pos, b->len);
    s->in_pos = s->in_len;
    if (!s->in_eof) {
        size_t want = SOURCE_BLOCK_SIZE - b->len;
        size_t got = fread(b->data + b->len, 1, want, s->f);
        s->in_total += got;
        b->len += got;
        bool error = got < want && ferror(s->f);
        if (error && b->len == 0) {
            s->failed = true;
            return fail(s, "read error: %s", strerror(errno));
        }
        s->in_eof = got < want && !error;
    }
    s->bytes_in = s->in_total;
    s->out = b->data;
    s->out_pos = 0;
    s->out_len = b->len;
    s->out_eof = b->len == 0;
    return 0;
}

int source_avail(struct trace_source *s, const unsigned char **p, size_t *n)
{
    static const unsigned char none[1];
    if (s->out_pos == s->out_len) {
        /* Nothing shown until a refill succeeds: after the end or a failure, every call gives
         * the end or the failure again. */
        *p = none;
        *n = 0;
        s->out_pos = s->out_len = 0;
        if (s->out_eof)
            return 0;
        if (s->failed)
            return -1;
        if (s->threaded ? take_block(s) : read_plain(s))
            return -1;
        if (s->out_eof)
            return 0;
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

/* Starts the decoder thread, with every signal blocked in it: signals are the caller's. */
static int start_thread(struct trace_source *s)
{
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->filled, NULL);
    pthread_cond_init(&s->freed, NULL);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&s->thread, NULL, decoder_main, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        pthread_cond_destroy(&s->freed);
        pthread_cond_destroy(&s->filled);
        pthread_mutex_destroy(&s->lock);
        return fail(s, "cannot start the decoder thread: %s", strerror(rc));
    }
    s->threaded = true;
    return 0;
}

/* Maps a large plain file that source_open() opened, to be read in place, from its start, up to
 * its size now; anything else (standard input, a pipe, a stream given open, a failed mapping)
 * is read with read(2). */
static void map_file(struct trace_source *s)
{
    struct stat st;
    if (!s->own_file || fstat(fileno(s->f), &st) || !S_ISREG(st.st_mode) ||
        st.st_size < (off_t)SOURCE_BLOCK_SIZE || (uint64_t)st.st_size > SIZE_MAX)
        return;
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(s->f), 0);
    if (p == MAP_FAILED)
        return;
    posix_madvise(p, (size_t)st.st_size, POSIX_MADV_SEQUENTIAL);
    s->map = p;
    s->map_len = (size_t)st.st_size;
    s->map_pos = 0;
    s->map_kept = 0;
    s->in_pos = s->in_len; /* the first block read is the map's start */
}

int source_start(struct trace_source *s)
{
    s->in = malloc(SOURCE_IN_SIZE);
    if (!s->in)
        return fail(s, "out of host memory");
    if (read_in(s))
        return -1;
    s->bytes_in = s->in_total;
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
    unsigned nblocks = s->codec == CODEC_PLAIN ? 1 : SOURCE_BLOCKS;
    for (unsigned i = 0; i < nblocks; i++)
        if (!(s->ring[i].data = malloc(SOURCE_BLOCK_SIZE)))
            return fail(s, "out of host memory");
    if (s->codec == CODEC_PLAIN)
        map_file(s);
    return s->codec == CODEC_PLAIN ? 0 : start_thread(s);
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
    if (s->map && s->map_len > s->map_kept)
        munmap((void *)(s->map + s->map_kept), s->map_len - s->map_kept);
    if (s->threaded) {
        pthread_mutex_lock(&s->lock);
        s->stop = true;
        pthread_cond_signal(&s->freed);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
        pthread_cond_destroy(&s->freed);
        pthread_cond_destroy(&s->filled);
        pthread_mutex_destroy(&s->lock);
        s->threaded = false;
    }
    for (unsigned i = 0; i < SOURCE_BLOCKS; i++)
        free(s->ring[i].data);
    free(s->in);
    if (s->z_init)
        inflateEnd(&s->z);
    if (s->x_init)
        lzma_end(&s->x);
    if (s->own_file && s->f)
        fclose(s->f);
}
