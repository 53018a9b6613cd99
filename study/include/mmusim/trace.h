/*
 * Memory-reference traces: a streaming reader of valgrind lackey output, ChampSim instruction
 * traces and a plain text format, plain or compressed (gzip, xz), from a file or standard
 * input.  Memory use is constant, whatever the trace's length.
 *
 * Formats:
 *   lackey    valgrind --tool=lackey --trace-mem=yes: "I  addr,size", " L addr,size",
 *             " S addr,size", " M addr,size" (a load and a store); lines starting "==" are
 *             valgrind's own and are skipped.  Each I record is one instruction.
 *   champsim  64-byte little-endian records: ip, is_branch, branch_taken, 2 destination and
 *             4 source register numbers, 2 destination and 4 source memory addresses (0 for
 *             none).  Each record is one instruction: a fetch of ip, then its loads, then its
 *             stores.
 *   text      "R|W|X <hex address> [pcid]" per line; '#' starts a comment.  X is a fetch and
 *             counts one instruction.
 *   binary    mmusim's own: the 8 bytes "MMUTRC01", then one little-endian 64-bit word per
 *             reference: bits 47:0 the address (bit 47 sign-extended), 59:48 the PCID, 60 set
 *             if there is a PCID, 62:61 the type (0 read, 1 write, 2 fetch), 63 set if the
 *             access continues onto the next 4 KiB page.  A fetch
 *             counts one instruction.  `mmusim convert` writes it from the other formats.
 *
 * Errors name the file, the line (or record) and what was wrong.
 */
#ifndef MMUSIM_TRACE_H
#define MMUSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmusim/mmu.h"

#ifdef __cplusplus
extern "C" {
#endif

enum trace_format {
    TRACE_AUTO,
    TRACE_LACKEY,
    TRACE_CHAMPSIM,
    TRACE_TEXT,
    TRACE_BINARY,
    TRACE_FORMAT_COUNT
};

struct trace_record {
    uint64_t vaddr;
    enum mmu_access type;
    bool has_pcid; /* text format only */
    uint16_t pcid;
    uint32_t instructions; /* instructions this record completes (0 or 1) */
    uint32_t size;         /* bytes accessed (lackey's size; 0: not known, taken as 1) */
};

/* Whether the access's last byte lies on the next 4 KiB page: hardware then translates that page
 * too, and so does a study (a second translation, counted as a page-crossing access). */
static inline bool trace_record_crosses_page(const struct trace_record *r)
{
    return r->size > 1 && ((r->vaddr ^ (r->vaddr + r->size - 1)) >> 12) != 0;
}

struct trace_reader;

/* Opens path ("-" for standard input).  TRACE_AUTO detects the format from the content, or,
 * when the content shows none, from the name for ChampSim ("champsim" or ".trace" in it); a
 * ChampSim name on content of another format is an error.  Returns NULL with the reason in err
 * (also for an empty trace). */
struct trace_reader *trace_open(const char *path, enum trace_format format, char *err,
                                size_t errlen);
/* The same on an open stream (read from its current position; not closed by trace_close). name
 * is used in messages and, for TRACE_AUTO, in detecting ChampSim traces. */
struct trace_reader *trace_open_stream(FILE *f, const char *name, enum trace_format format,
                                       char *err, size_t errlen);
void trace_close(struct trace_reader *t);

/* Which addresses are canonical: 48-bit ones (the default), or, with la57, 57-bit ones (5-level
 * paging: bits 63:56 equal). */
void trace_set_va_bits(struct trace_reader *t, bool la57);

/* The next record: returns 1, or 0 at the end, or -1 on bad input (trace_error() says
 * "FILE:LINE: reason", or "FILE: record N: reason").  A non-canonical address is a bad record
 * in every format.  (The binary format and the fast paths hold 48-bit addresses; a 57-bit one
 * comes from a text format, record by record.) */
int trace_next(struct trace_reader *t, struct trace_record *rec);

/* Up to max records into recs, the fast way to read a trace: returns how many (at least one),
 * 0 at the end, or -1 on bad input as trace_next.  An error found after some records comes
 * from the next call, so every record before a bad one is delivered first. */
long trace_next_batch(struct trace_reader *t, struct trace_record *recs, size_t max);

/* The fastest way, for a trace in mmusim's binary format or lackey's: up to max of its next
 * records as packed requests (mmusim/mmu.h's mmu_pack) at *words, valid until the next call on
 * t.  A word with bit 63 or 60 set is a record with more to it (an access that crosses onto
 * the next page, a PCID): trace_decode_word gives the record.  A binary trace's words are
 * where they lie in the reader's buffer, lackey's are parsed into the reader's own.  Returns
 * how many, or 0 when there are none to give this way: the trace is in another format, at its
 * end, at a line or record that is not a plain access (a comment, a bad record) or an error,
 * or a binary trace's words are not aligned in memory.  The caller then reads a batch with
 * trace_next_batch, which says which.  Only the first word is known to be good: the caller
 * stops at a word of type 3 (not an access) and gives it and the words after it back with
 * trace_unread_packed. */
long trace_next_packed(struct trace_reader *t, const uint64_t **words, size_t max);
/* Gives back the last n words the last trace_next_packed gave, to be read again by any of the
 * reading calls. */
void trace_unread_packed(struct trace_reader *t, size_t n);
/* The record of a word trace_next_packed gives (a binary-format word); false if its type is 3
 * (not an access).  An access that crosses a page gets the size that reaches the next page's
 * first byte. */
bool trace_decode_word(uint64_t w, struct trace_record *r);

const char *trace_error(const struct trace_reader *t);
/* After an error in one line's or record's content, forgets it so that reading goes on with
 * the next: returns 0.  Returns -1 if the error cannot be passed over (a corrupt or truncated
 * stream or record, a read error). */
int trace_recover(struct trace_reader *t);
enum trace_format trace_format_of(const struct trace_reader *t);
const char *trace_format_name(enum trace_format f);
/* Parses "auto", "lackey", "champsim", "text"; -1 if unknown. */
int trace_format_parse(const char *name, enum trace_format *f);
/* Compressed bytes read so far, for progress against the file size. */
uint64_t trace_bytes_read(const struct trace_reader *t);

/* Writing the binary format: to path, xz- or gzip-compressed if it ends in ".xz" or ".gz", or
 * to standard output for "-".  A file is written under a temporary name in the same folder. */
struct trace_writer;
struct trace_writer *trace_writer_open(const char *path, char *err, size_t errlen);
/* The same in a format: TRACE_BINARY, or TRACE_CHAMPSIM (one 64-byte record an instruction: a
 * fetch starts it, the loads and stores after it fill its 4 source and 2 destination
 * addresses; what the format cannot hold is left out and counted, see trace_writer_notes). */
struct trace_writer *trace_writer_open_as(const char *path, enum trace_format format, char *err,
                                          size_t errlen);
/* Returns 0, or -1 (a non-canonical address, which the binary format cannot hold, or a write
 * error). */
int trace_write(struct trace_writer *w, const struct trace_record *rec);
/* What the output format could not hold, as a sentence ("" for the binary format). */
void trace_writer_notes(const struct trace_writer *w, char *buf, size_t len);
/* Flushes, closes and renames the temporary file into place; returns -1 if anything failed
 * (nothing is then left at path).  err says what. */
int trace_writer_close(struct trace_writer *w, char *err, size_t errlen);
/* Closes without writing anything at path (after the input failed). */
void trace_writer_abort(struct trace_writer *w);

#ifdef __cplusplus
}
#endif

#endif
