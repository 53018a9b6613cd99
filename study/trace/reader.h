/*
 * Inside the trace reader: the reader's state, shared by reader.c (opening, format detection,
 * lines, errors) and the record parsers (parse_*.c), each of which turns one line or one record
 * into at most MAX_PENDING trace records.
 *
 * A parser's contract: return 1 with records pushed, 0 at the end of the trace, or -1 through
 * trace_fail() (LINE_FAIL for an error in one line's content, which trace_recover() may pass
 * over).  Parsers read through trace_read_line() or trace_read_record(), which count lines or
 * records and report the byte source's failures with the name and position.
 */
#ifndef STUDY_TRACE_READER_H
#define STUDY_TRACE_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mmusim/trace.h"
#include "source.h"

#define LINE_MAX_LEN 4096
#define MAX_PENDING  8
#define PACKED_MAX   4096

struct trace_reader {
    struct trace_source src;
    char name[256];
    enum trace_format format;
    uint64_t line;    /* lines (or records) read */
    unsigned va_bits; /* canonical addresses: 48 bits, or 57 (trace_set_va_bits) */
    char linebuf[LINE_MAX_LEN + 1];
    bool line_error; /* the error is in one line's content: reading can go on */
    struct trace_record pending[MAX_PENDING];
    unsigned npending, next_pending;
    /* Lackey's words for trace_next_packed: packed[packed_pos, packed_len) are parsed and not
     * yet given out (or given back), and come before anything after them. */
    uint64_t packed[PACKED_MAX];
    size_t packed_pos, packed_len;
    char err[256 + 64 + 384];
    char shown[200]; /* the current line, escaped, for messages (trace_shown) */
};

/* The 8 bytes that start a binary trace: "MMUTRC01". */
extern const char trace_binary_magic[8];

/* Sets the error, "NAME:LINE: what" (text formats), "NAME: record N: what" (record formats) or
 * "NAME: what" (before the first line); returns -1. */
__attribute__((format(printf, 2, 3))) int trace_fail(struct trace_reader *t, const char *fmt, ...);

/* An error in the content of one line: the next line can still be read. */
#define LINE_FAIL(...) (t->line_error = true, trace_fail(t, __VA_ARGS__))

/* The start of the current line, quoted, with bytes that are not printable ASCII escaped
 * (\xNN), so that no raw binary reaches a terminal: for messages. */
const char *trace_shown(struct trace_reader *t);

/* The next line into t->linebuf, without its newline; 1, 0 at the end, or -1. */
int trace_read_line(struct trace_reader *t);

/* The next record of size bytes into buf (the record formats); 1, 0 at the end, or -1 (a short
 * last record is "truncated"). */
int trace_read_record(struct trace_reader *t, unsigned char *buf, size_t size);

/* The record parsers, one per format. */
int trace_parse_lackey(struct trace_reader *t);
int trace_parse_text(struct trace_reader *t);
int trace_parse_champsim(struct trace_reader *t);
int trace_parse_binary(struct trace_reader *t);

/* The fast paths: as many records as they can into recs (room for max, max >= MAX_PENDING),
 * parsed in place from the source's buffer; they stop, leaving the source at the start of a
 * line or record, at anything but a well-formed record (a comment, a bad record, a line that
 * runs past the buffer), which the parser above then reads. */
size_t trace_scan_lackey(struct trace_reader *t, struct trace_record *recs, size_t max);
size_t trace_scan_binary(struct trace_reader *t, struct trace_record *recs, size_t max);
/* trace_scan_lackey into packed words (mmusim/mmu.h's mmu_pack; bit 63 for an access that
 * crosses onto the next page, as in the binary format). */
size_t trace_scan_lackey_packed(struct trace_reader *t, uint64_t *words, size_t max);
/* Up to max binary words where they lie in the source's buffer (*words), if aligned and the
 * first is not of type 3; consumed. */
size_t trace_scan_binary_packed(struct trace_reader *t, const uint64_t **words, size_t max);

/* For each byte: its value as a hexadecimal digit plus one, or 0 if it is not one. */
extern const unsigned char trace_hex_digit[256];

static inline void trace_push(struct trace_reader *t, uint64_t va, enum mmu_access type,
                              uint32_t instr)
{
    t->pending[t->npending++] =
        (struct trace_record){.vaddr = va, .type = type, .instructions = instr};
}

/* A hexadecimal number of 1 to 16 digits at *p, which is advanced past it. */
static inline int trace_parse_hex(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    unsigned digits = 0;
    for (;; s++, digits++) {
        unsigned d = trace_hex_digit[(unsigned char)*s];
        if (d == 0)
            break;
        if (digits == 16)
            return -1;
        x = x << 4 | (d - 1);
    }
    if (digits == 0)
        return -1;
    *v = x;
    *p = s;
    return 0;
}

/* A little-endian 64-bit word. */
static inline uint64_t trace_le64(const unsigned char *b)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, b, sizeof(v));
    return v;
#else
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
#endif
}

#endif
