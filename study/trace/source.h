/*
 * Byte sources: the bytes of a trace, decompressed, from a file, standard input or an open
 * stream.  The codec comes from the first bytes: gzip (zlib; concatenated members are read as
 * one stream), xz (liblzma; concatenated streams likewise), or plain.  Buffers are fixed in size,
 * so memory stays flat whatever the trace's length.
 *
 * Decompression runs on a thread of its own, overlapped with the caller's parsing and
 * simulation: the decoder fills a ring of SOURCE_BLOCKS blocks of SOURCE_BLOCK_SIZE bytes, and
 * source_avail() hands them out whole, in order (only the last may be short).  Plain input is
 * read on the caller's thread, a block at a time: there is no decoding to overlap.  A plain
 * file opened by path and at least a block long is mapped instead and handed out in place,
 * SOURCE_MAP_CHUNK bytes at a time, without the copy read(2) makes (a quarter of a binary-format
 * run's time): it is read up to its size when it was opened, and a file that another program
 * cuts short while it is read gives a read error at the next chunk.  (Cut within the chunk
 * being read, the system would stop mmusim with SIGBUS: a race with another program's
 * truncate, not something the trace's content can cause.)
 *
 * Contract: source_avail() shows the next decompressed bytes without consuming them (they stay
 * where they are until a source_avail() or source_read() that finds them all consumed),
 * source_consume() consumes some of them, source_read() copies and consumes.  A failure (a read
 * error, a truncated or corrupt stream) returns -1 with the reason in why, without the name or
 * the position: the record parser above adds those; every byte decoded before the failure is
 * shown first.  Nothing here knows about records or lines.  One thread uses a source.
 */
#ifndef STUDY_TRACE_SOURCE_H
#define STUDY_TRACE_SOURCE_H

#include <lzma.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <zlib.h>

#define SOURCE_IN_SIZE    (128 * 1024)      /* compressed bytes read at a time */
#define SOURCE_BLOCK_SIZE (1024 * 1024)     /* decompressed bytes handed out at a time */
#define SOURCE_BLOCKS     4                 /* blocks in the decoder's ring */
#define SOURCE_MAP_CHUNK  (4 * 1024 * 1024) /* a mapped plain file: bytes handed out at a time */

enum source_codec { CODEC_PLAIN, CODEC_GZIP, CODEC_XZ };

/* A block of decompressed bytes, and the compressed bytes read when it was done. */
struct source_block {
    unsigned char *data; /* SOURCE_BLOCK_SIZE bytes */
    size_t len;
    uint64_t bytes_in;
};

struct trace_source {
    /* The caller's side: the block being consumed. */
    const unsigned char *out;
    size_t out_pos, out_len;
    bool out_eof, failed;
    uint64_t bytes_in; /* compressed bytes read, as of the block being consumed */
    char why[300];     /* the reason of the last failure (the decoder's, once it has failed) */

    /* Reading and decoding: the caller's, except for gzip and xz once source_start() has
     * started the decoder thread, whose they are until source_close() has joined it. */
    FILE *f;
    bool own_file;
    const unsigned char *map; /* a plain file mapped whole, or NULL */
    size_t map_len, map_pos;  /* its size, and the bytes handed out */
    size_t map_kept;          /* [map_kept, map_len) is still mapped: chunks read are unmapped,
                                 so that the process's memory stays flat in the file's size */
    enum source_codec codec;
    z_stream z;
    bool z_init, z_end;
    lzma_stream x;
    bool x_init, x_end;
    unsigned char *in; /* SOURCE_IN_SIZE compressed bytes */
    size_t in_pos, in_len;
    bool in_eof;
    uint64_t in_total; /* compressed bytes read so far */

    /* The ring (one block for plain input): ring[head] and the full - 1 blocks after it
     * (mod SOURCE_BLOCKS) are decoded; held: the caller is consuming ring[head].  Under lock
     * when threaded, as are end (1: the data ended after the full blocks, -1: the decoder
     * failed after them), end_bytes_in and stop (source_close() asks the thread to end). */
    struct source_block ring[SOURCE_BLOCKS];
    unsigned head, full;
    bool held;
    int end;
    uint64_t end_bytes_in;
    bool stop;
    bool threaded;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t filled, freed; /* a block was filled; a block was freed or stop was set */
};

/* The name a path is shown under: "<stdin>" for "-", otherwise the path. */
const char *source_name(const char *path);

/* Opens the file at path ("-": standard input, which source_close leaves open), or takes the
 * open stream f, to be read from its current position (left open).  s must be zeroed.
 * source_open returns 0, or -1 with the reason in s->why. */
int source_open(struct trace_source *s, const char *path);
void source_attach(struct trace_source *s, FILE *f);

/* Reads the first block, starts the decoder its magic number calls for and, for gzip and xz,
 * the decoder thread.  Returns 0, or -1 with the reason in s->why. */
int source_start(struct trace_source *s);

/* The next decompressed bytes, refilling if none are left: *n is 0 only at the end.  Returns
 * 0, or -1 with the reason in s->why. */
int source_avail(struct trace_source *s, const unsigned char **p, size_t *n);

/* Consumes n bytes of those source_avail() showed. */
static inline void source_consume(struct trace_source *s, size_t n)
{
    s->out_pos += n;
}

/* Up to n decompressed bytes into buf: returns how many (fewer only at the end), or -1 with the
 * reason in s->why. */
long source_read(struct trace_source *s, unsigned char *buf, size_t n);

/* Stops and joins the decoder thread (whether or not everything was read), ends the decoders,
 * frees the buffers and closes the file if source_open opened it. */
void source_close(struct trace_source *s);

#endif
