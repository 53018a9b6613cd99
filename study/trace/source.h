/*
 * Byte sources: the bytes of a trace, decompressed, from a file, standard input or an open
 * stream.  The codec comes from the first bytes: gzip (zlib; concatenated members are read as
 * one stream), xz (liblzma; concatenated streams likewise), or plain.  Buffers are fixed in size,
 * so memory stays flat whatever the trace's length.
 *
 * Contract: source_avail() shows the next decompressed bytes without consuming them,
 * source_consume() consumes some of them, source_read() copies and consumes.  A failure (a read
 * error, a truncated or corrupt stream) returns -1 with the reason in why, without the name or
 * the position: the record parser above adds those.  Nothing here knows about records or lines.
 */
#ifndef STUDY_TRACE_SOURCE_H
#define STUDY_TRACE_SOURCE_H

#include <lzma.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <zlib.h>

#define SOURCE_IN_SIZE  (64 * 1024)
#define SOURCE_OUT_SIZE (64 * 1024)

enum source_codec { CODEC_PLAIN, CODEC_GZIP, CODEC_XZ };

struct trace_source {
    FILE *f;
    bool own_file;
    enum source_codec codec;
    z_stream z;
    bool z_init, z_end;
    lzma_stream x;
    bool x_init, x_end;
    unsigned char in[SOURCE_IN_SIZE]; /* compressed bytes */
    size_t in_pos, in_len;
    bool in_eof;
    unsigned char out[SOURCE_OUT_SIZE]; /* decompressed bytes */
    size_t out_pos, out_len;
    bool out_eof;
    uint64_t bytes_in; /* compressed bytes read so far */
    char why[300];     /* the reason of the last failure */
};

/* The name a path is shown under: "<stdin>" for "-", otherwise the path. */
const char *source_name(const char *path);

/* Opens the file at path ("-": standard input, which source_close leaves open), or takes the
 * open stream f, to be read from its current position (left open).  s must be zeroed.
 * source_open returns 0, or -1 with the reason in s->why. */
int source_open(struct trace_source *s, const char *path);
void source_attach(struct trace_source *s, FILE *f);

/* Reads the first block and starts the decoder its magic number calls for.  Returns 0, or -1
 * with the reason in s->why. */
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

/* Ends the decoders and closes the file if source_open opened it. */
void source_close(struct trace_source *s);

#endif
