/*
 * Trace reader: every format, plain and compressed, the records each line or record gives, and
 * a clear error (file, line or record, reason) for each kind of bad input.
 */
#define _POSIX_C_SOURCE 200809L
#include <lzma.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "mmusim/trace.h"
#include "test_files.h"

static void write_gz(const char *name, const char *text)
{
    gzFile g = gzopen(test_path(name), "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, text, (unsigned)strlen(text)), (int)strlen(text));
    gzclose(g);
}

static size_t xz_encode(const char *text, uint8_t *out, size_t cap)
{
    size_t pos = 0;
    assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)text,
                                             strlen(text), out, &pos, cap),
                     LZMA_OK);
    return pos;
}

/* Reads every record; fails the test on a reader error. */
static unsigned read_all(const char *name, enum trace_format fmt, struct trace_record *recs,
                         unsigned cap, enum trace_format *detected)
{
    char err[512];
    struct trace_reader *t = trace_open(test_path(name), fmt, err, sizeof(err));
    if (!t)
        fail_msg("trace_open: %s", err);
    if (detected)
        *detected = trace_format_of(t);
    unsigned n = 0;
    struct trace_record r;
    int rc;
    while ((rc = trace_next(t, &r)) == 1) {
        if (n < cap)
            recs[n] = r;
        n++;
    }
    if (rc < 0)
        fail_msg("trace_next: %s", trace_error(t));
    trace_close(t);
    return n;
}

/* The error the reader gives for a file, at open or at some record. */
static const char *error_of(const char *name, enum trace_format fmt)
{
    static char err[512];
    struct trace_reader *t = trace_open(test_path(name), fmt, err, sizeof(err));
    if (!t)
        return err;
    struct trace_record r;
    int rc;
    while ((rc = trace_next(t, &r)) == 1)
        ;
    snprintf(err, sizeof(err), "%s", rc < 0 ? trace_error(t) : "");
    trace_close(t);
    return err;
}

static const char lackey[] = "==123== Lackey, an example Valgrind tool\n"
                             "I  004016f8,3\n"
                             " L 7ff000a48,8\n"
                             " S 0421f2b0,4\n"
                             " M 0421f2b8,4\n";

/* (address, type, instructions) the lackey text above gives: M is a load and a store. */
static void check_lackey(const struct trace_record *r, unsigned n)
{
    static const struct {
        uint64_t va;
        enum mmu_access type;
        uint32_t instr;
    } want[] = {{0x4016f8, MMU_ACC_FETCH, 1},
                {0x7ff000a48, MMU_ACC_READ, 0},
                {0x421f2b0, MMU_ACC_WRITE, 0},
                {0x421f2b8, MMU_ACC_READ, 0},
                {0x421f2b8, MMU_ACC_WRITE, 0}};
    assert_int_equal(n, 5);
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(r[i].vaddr, want[i].va);
        assert_int_equal(r[i].type, want[i].type);
        assert_int_equal(r[i].instructions, want[i].instr);
        assert_false(r[i].has_pcid);
    }
}

static void lackey_plain_gzip_xz(void **state)
{
    (void)state;
    struct trace_record r[8];
    enum trace_format f;
    test_write("a.lackey", lackey, strlen(lackey));
    check_lackey(r, read_all("a.lackey", TRACE_AUTO, r, 8, &f));
    assert_int_equal(f, TRACE_LACKEY);
    write_gz("a.lackey.gz", lackey);
    check_lackey(r, read_all("a.lackey.gz", TRACE_AUTO, r, 8, &f));
    assert_int_equal(f, TRACE_LACKEY);
    uint8_t xz[4096];
    size_t n = xz_encode(lackey, xz, sizeof(xz));
    test_write("a.lackey.xz", xz, n);
    check_lackey(r, read_all("a.lackey.xz", TRACE_AUTO, r, 8, &f));
    /* Two gzip members one after the other, as `cat a.gz b.gz` makes. */
    gzFile g = gzopen(test_path("two.gz"), "wb");
    gzwrite(g, lackey, 40);
    gzclose(g);
    FILE *fp = fopen(test_path("two.gz"), "ab");
    gzFile g2 = gzdopen(dup(fileno(fp)), "ab");
    gzwrite(g2, lackey + 40, (unsigned)(strlen(lackey) - 40));
    gzclose(g2);
    fclose(fp);
    check_lackey(r, read_all("two.gz", TRACE_LACKEY, r, 8, NULL));
}

static void text_format(void **state)
{
    (void)state;
    const char *text = "# a comment\n"
                       "R 1000\n"
                       "W 0x7fff0000 5\n"
                       "\n"
                       "X ffffffff81000000   # kernel code\n"
                       "r abc 0x10\n";
    struct trace_record r[8];
    enum trace_format f;
    test_write("t.txt", text, strlen(text));
    assert_int_equal(read_all("t.txt", TRACE_AUTO, r, 8, &f), 4);
    assert_int_equal(f, TRACE_TEXT);
    assert_int_equal(r[0].vaddr, 0x1000);
    assert_int_equal(r[0].type, MMU_ACC_READ);
    assert_int_equal(r[1].type, MMU_ACC_WRITE);
    assert_true(r[1].has_pcid);
    assert_int_equal(r[1].pcid, 5);
    assert_int_equal(r[2].vaddr, 0xffffffff81000000ull);
    assert_int_equal(r[2].type, MMU_ACC_FETCH);
    assert_int_equal(r[2].instructions, 1);
    assert_int_equal(r[3].pcid, 16);
}

static void put64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

/* Two ChampSim records: the first loads from two addresses and stores to one. */
static void champsim(void **state)
{
    (void)state;
    unsigned char rec[128] = {0};
    put64(rec + 0, 0x401000);    /* ip */
    put64(rec + 16, 0x7ffe0010); /* destination_memory[0] */
    put64(rec + 32, 0x601040);   /* source_memory[0] */
    put64(rec + 48, 0x601080);   /* source_memory[2] */
    put64(rec + 64, 0x401004);   /* second record: ip only */
    test_write("x.champsim", rec, sizeof(rec));
    struct trace_record r[8];
    enum trace_format f;
    assert_int_equal(read_all("x.champsim", TRACE_AUTO, r, 8, &f), 5);
    assert_int_equal(f, TRACE_CHAMPSIM);
    assert_int_equal(r[0].vaddr, 0x401000);
    assert_int_equal(r[0].type, MMU_ACC_FETCH);
    assert_int_equal(r[0].instructions, 1);
    assert_int_equal(r[1].vaddr, 0x601040);
    assert_int_equal(r[1].type, MMU_ACC_READ);
    assert_int_equal(r[2].vaddr, 0x601080);
    assert_int_equal(r[3].vaddr, 0x7ffe0010);
    assert_int_equal(r[3].type, MMU_ACC_WRITE);
    assert_int_equal(r[4].vaddr, 0x401004);
    /* The same, xz-compressed, with the format named. */
    uint8_t xz[4096];
    size_t pos = 0;
    assert_int_equal(
        lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, rec, sizeof(rec), xz, &pos, sizeof(xz)),
        LZMA_OK);
    test_write("y.xz", xz, pos);
    assert_int_equal(read_all("y.xz", TRACE_CHAMPSIM, r, 8, NULL), 5);
}

/* Bad input: each gives the file, the line or record, and what was wrong. */
static void bad_input(void **state)
{
    (void)state;
    struct {
        const char *name, *content;
        enum trace_format fmt;
        const char *expect;
    } cases[] = {
        {"b1.lackey", "I  1000,4\n Q 1234,8\n", TRACE_LACKEY, "b1.lackey:2: not a lackey record"},
        {"b2.lackey", " L 12zz,8\n", TRACE_LACKEY, "b2.lackey:1: expected \",size\""},
        {"b3.lackey", " L ,8\n", TRACE_LACKEY, "b3.lackey:1: address is not a hexadecimal"},
        {"b4.lackey", " L 11112222333344445,8\n", TRACE_LACKEY, "1 to 16 digits"},
        {"b5.txt", "R 1000\nR xyz\n", TRACE_TEXT, "b5.txt:2: address is not a hexadecimal"},
        {"b6.txt", "Q 1000\n", TRACE_TEXT, "b6.txt:1: expected R, W or X"},
        {"b7.txt", "W 1000 5000\n", TRACE_TEXT, "b7.txt:1: PCID is not a number from 0 to 4095"},
        {"b8.txt", "W 1000 5 junk\n", TRACE_TEXT, "unexpected text after the PCID"},
        {"b9.data", "hello world\n", TRACE_AUTO, "cannot tell the trace format"},
        {"nc.lackey", " L 1000,8\n L 800000000000,8\n", TRACE_AUTO,
         "nc.lackey:2: address 0x800000000000 is not canonical"},
        {"nc.txt", "R ffff800000000000\nR 8000000000000000\n", TRACE_AUTO,
         "nc.txt:2: address 0x8000000000000000 is not canonical"},
        {"sz1.lackey", " L 0ffc,99999999999999999999\n", TRACE_AUTO,
         "sz1.lackey:1: size is not a number from 1 to 4096"},
        {"sz2.lackey", " L 0ffc,4097\n", TRACE_AUTO, "sz2.lackey:1: size is not a number"},
        {"sz3.lackey", " L 0ffc,0\n", TRACE_AUTO, "sz3.lackey:1: size is not a number"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        test_write(cases[i].name, cases[i].content, strlen(cases[i].content));
        const char *e = error_of(cases[i].name, cases[i].fmt);
        if (!strstr(e, cases[i].expect))
            fail_msg("%s: error \"%s\" lacks \"%s\"", cases[i].name, e, cases[i].expect);
    }
    /* A truncated ChampSim record. */
    unsigned char rec[100] = {1};
    test_write("c.champsim", rec, sizeof(rec));
    assert_non_null(strstr(error_of("c.champsim", TRACE_AUTO),
                           "c.champsim: record 2: truncated: 36 of 64 bytes"));
    /* A line too long to be a record. */
    char *big = malloc(10000);
    memset(big, 'R', 9999);
    big[9999] = '\0';
    test_write("long.txt", big, 9999);
    free(big);
    assert_non_null(strstr(error_of("long.txt", TRACE_TEXT), "long.txt:1: line longer than"));
    /* A corrupt gzip stream: bytes in the middle overwritten. */
    char text[4000];
    size_t n = 0;
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "R %x\n", i * 4096 + 17 * i);
    write_gz("c.txt.gz", text);
    FILE *f = fopen(test_path("c.txt.gz"), "r+b");
    fseek(f, 30, SEEK_SET);
    fwrite("\xff\xff\xff\xff\xff\xff\xff\xff", 1, 8, f);
    fclose(f);
    assert_non_null(strstr(error_of("c.txt.gz", TRACE_TEXT), "corrupt gzip stream"));
    /* A truncated gzip stream, and a truncated xz stream. */
    write_gz("t.txt.gz", text);
    f = fopen(test_path("t.txt.gz"), "r+b");
    assert_int_equal(ftruncate(fileno(f), 200), 0);
    fclose(f);
    assert_non_null(strstr(error_of("t.txt.gz", TRACE_TEXT), "truncated gzip stream"));
    uint8_t xz[8192];
    size_t xn = xz_encode(text, xz, sizeof(xz));
    test_write("t.txt.xz", xz, xn / 2);
    const char *e = error_of("t.txt.xz", TRACE_TEXT);
    assert_true(strstr(e, "truncated xz stream") || strstr(e, "corrupt xz stream"));
    /* No such file. */
    assert_non_null(strstr(error_of("missing.lackey", TRACE_AUTO), "cannot open"));
}

/* Hostile input: NUL bytes, empty files, cut-off compressed files, a name that contradicts the
 * content, non-canonical addresses, absurd sizes and raw binary bytes each give a clear error
 * that says where, never silently blank or cut lines. */
static void hostile_input(void **state)
{
    (void)state;
    /* A NUL in line 2: a bad record with its line and column; line 3 is read after it. */
    static const char nul[] = "R 1000\nR 20\0000\nW 3000\n";
    test_write("nul.txt", nul, sizeof(nul) - 1);
    char err[512];
    struct trace_reader *t = trace_open(test_path("nul.txt"), TRACE_AUTO, err, sizeof(err));
    assert_non_null(t);
    struct trace_record r;
    assert_int_equal(trace_next(t, &r), 1);
    assert_int_equal(trace_next(t, &r), -1);
    assert_non_null(strstr(trace_error(t), "nul.txt:2: NUL byte in column 5"));
    assert_int_equal(trace_recover(t), 0);
    assert_int_equal(trace_next(t, &r), 1);
    assert_int_equal(r.vaddr, 0x3000);
    assert_int_equal(r.type, MMU_ACC_WRITE);
    assert_int_equal(trace_next(t, &r), 0);
    trace_close(t);
    /* A file of only NULs is no trace, and as text it is a bad line 1. */
    static const char zeros[64];
    test_write("zeros", zeros, sizeof(zeros));
    assert_non_null(strstr(error_of("zeros", TRACE_AUTO), "cannot tell the trace format"));
    assert_non_null(strstr(error_of("zeros", TRACE_TEXT), "zeros:1: NUL byte in column 1"));
    assert_non_null(strstr(error_of("zeros", TRACE_LACKEY), "zeros:1: NUL byte in column 1"));
    /* Empty input, in any format. */
    test_write("empty.lackey", "", 0);
    assert_non_null(strstr(error_of("empty.lackey", TRACE_AUTO), "empty.lackey: empty trace"));
    assert_non_null(strstr(error_of("empty.lackey", TRACE_LACKEY), "empty trace"));
    write_gz("empty.gz", "");
    assert_non_null(strstr(error_of("empty.gz", TRACE_AUTO), "empty.gz: empty trace"));
    /* The first 5 bytes of an xz file, and the first byte of a gzip file. */
    test_write("cut.xz",
               "\xfd"
               "7zXZ",
               5);
    assert_non_null(strstr(error_of("cut.xz", TRACE_AUTO), "cut.xz: truncated xz stream"));
    test_write("cut.gz", "\x1f", 1);
    assert_non_null(strstr(error_of("cut.gz", TRACE_AUTO), "cut.gz: truncated gzip stream"));
    /* "champsim" in the name does not override content that is clearly lackey. */
    test_write_text("x.champsim.lackey", " L 1000,8\n");
    const char *e = error_of("x.champsim.lackey", TRACE_AUTO);
    assert_non_null(strstr(e, "the name says champsim but the content is lackey"));
    enum trace_format f;
    assert_int_equal(read_all("x.champsim.lackey", TRACE_LACKEY, &r, 1, &f), 1);
    /* Sizes: a number from 1 to 4096 (bad_input has the rest), kept with the record. */
    test_write_text("sz.lackey", " L 0ffc,8\n S 1000,4096\n");
    struct trace_record rs[4];
    assert_int_equal(read_all("sz.lackey", TRACE_AUTO, rs, 4, NULL), 2);
    assert_int_equal(rs[0].size, 8);
    assert_true(trace_record_crosses_page(&rs[0]));
    assert_false(trace_record_crosses_page(&rs[1]));
    /* Raw bytes are shown escaped, never as they are. */
    test_write_text("raw.txt", "R 1000\nR \x1b[2J\xff\n");
    e = error_of("raw.txt", TRACE_AUTO);
    assert_non_null(strstr(e, "raw.txt:2: address is not a hexadecimal number of 1 to 16 digits: "
                              "\"R \\x1b[2J\\xff\""));
    for (const char *c = e; *c; c++)
        assert_true(*c >= 0x20 && *c < 0x7f);
}

/* A long trace is read in constant memory: 300,000 gzip-compressed lines. */
static void long_stream(void **state)
{
    (void)state;
    gzFile g = gzopen(test_path("long.txt.gz"), "wb");
    for (unsigned i = 0; i < 300000; i++)
        gzprintf(g, "%c %x\n", "RWX"[i % 3], i * 64);
    gzclose(g);
    char err[512];
    struct trace_reader *t = trace_open(test_path("long.txt.gz"), TRACE_AUTO, err, sizeof(err));
    assert_non_null(t);
    struct trace_record r;
    uint64_t n = 0, instr = 0, sum = 0;
    while (trace_next(t, &r) == 1) {
        n++;
        instr += r.instructions;
        sum += r.vaddr;
    }
    assert_string_equal(trace_error(t), "");
    assert_int_equal(n, 300000);
    assert_int_equal(instr, 100000);
    assert_int_equal(sum, 64ull * 299999 * 300000 / 2);
    assert_true(trace_bytes_read(t) > 0);
    trace_close(t);
}

/* ---- the decoder thread: many blocks, several members or streams, late errors, early close - */

/* A lackey trace of several MiB (several of the decoder's 1 MiB blocks), pseudo-random so that
 * it compresses only to about a third: its text, to be freed, in *n bytes, and its records in
 * *nrec. */
static char *big_lackey(size_t *n, uint64_t *nrec)
{
    enum { LINES = 400000 };
    char *text = malloc((size_t)LINES * 24);
    assert_non_null(text);
    uint64_t x = 12345;
    size_t o = 0;
    *nrec = 0;
    for (unsigned i = 0; i < LINES; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        unsigned long long va = 0x7ff000000ull + ((x >> 40) & 0xfffff) * 8;
        unsigned size = 1 + (unsigned)(x >> 61);
        char kind = i % 4 == 0 ? 'I' : "LSM"[i % 3];
        if (kind == 'I')
            o += (size_t)sprintf(text + o, "I  %08llx,%u\n", va & 0xffffffffull, size);
        else
            o += (size_t)sprintf(text + o, " %c %09llx,%u\n", kind, va, size);
        *nrec += kind == 'M' ? 2 : 1; /* M is a load and a store */
    }
    assert_true(o > 5 * 1024 * 1024);
    *n = o;
    return text;
}

/* The end of part k of n bytes cut in parts: uneven, in the middle of a line. */
static size_t part_end(size_t n, unsigned parts, unsigned k)
{
    return k + 1 == parts ? n : n / parts * (k + 1) + 7;
}

/* text as a gzip file of parts members, as `cat a.gz b.gz ...` makes. */
static void write_gz_members(const char *name, const char *text, size_t n, unsigned parts)
{
    size_t at = 0;
    for (unsigned k = 0; k < parts; k++) {
        size_t end = part_end(n, parts, k);
        gzFile g = gzopen(test_path(name), k ? "ab1" : "wb1");
        assert_non_null(g);
        assert_int_equal(gzwrite(g, text + at, (unsigned)(end - at)), (int)(end - at));
        assert_int_equal(gzclose(g), Z_OK);
        at = end;
    }
}

/* text as an xz file of parts streams, as `cat a.xz b.xz ...` makes. */
static void write_xz_streams(const char *name, const char *text, size_t n, unsigned parts)
{
    FILE *f = fopen(test_path(name), "wb");
    assert_non_null(f);
    size_t at = 0;
    for (unsigned k = 0; k < parts; k++) {
        size_t end = part_end(n, parts, k), cap = lzma_stream_buffer_bound(end - at), pos = 0;
        uint8_t *buf = malloc(cap);
        assert_non_null(buf);
        assert_int_equal(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, NULL,
                                                 (const uint8_t *)text + at, end - at, buf, &pos,
                                                 cap),
                         LZMA_OK);
        assert_int_equal(fwrite(buf, 1, pos, f), pos);
        free(buf);
        at = end;
    }
    fclose(f);
}

/* Records and, at the end, the error; the records are counted in *n. */
static const char *count_to_error(const char *name, uint64_t *n)
{
    static char err[512];
    struct trace_reader *t = trace_open(test_path(name), TRACE_AUTO, err, sizeof(err));
    if (!t)
        fail_msg("trace_open: %s", err);
    struct trace_record r;
    int rc;
    *n = 0;
    while ((rc = trace_next(t, &r)) == 1)
        ++*n;
    snprintf(err, sizeof(err), "%s", rc < 0 ? trace_error(t) : "");
    trace_close(t);
    return err;
}

/* big.lackey from big_lackey(), big.lackey.gz of 3 gzip members and big.lackey.xz of 3 xz
 * streams, each part cut mid-line, written once for the tests that read them; returns the
 * records. */
static uint64_t big_files(void)
{
    static uint64_t nrec;
    if (nrec)
        return nrec;
    size_t n;
    char *text = big_lackey(&n, &nrec);
    test_write("big.lackey", text, n);
    write_gz_members("big.lackey.gz", text, n, 3);
    write_xz_streams("big.lackey.xz", text, n, 3);
    free(text);
    return nrec;
}

/* A copy of the file from, as to, with n bytes appended. */
static void copy_append(const char *from, const char *to, const void *data, size_t n)
{
    FILE *f = fopen(test_path(from), "rb");
    assert_non_null(f);
    FILE *g = fopen(test_path(to), "wb");
    assert_non_null(g);
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
        assert_int_equal(fwrite(buf, 1, k, g), k);
    assert_int_equal(fwrite(data, 1, n, g), n);
    fclose(f);
    fclose(g);
}

/* A trace of several blocks in 3 gzip members and in 3 xz streams, each cut mid-line, reads
 * record for record as its plain form does; at the end the compressed bytes read are the file's. */
static void many_blocks(void **state)
{
    (void)state;
    uint64_t nrec = big_files();
    static const char *const names[3] = {"big.lackey", "big.lackey.gz", "big.lackey.xz"};
    struct trace_reader *t[3];
    for (int i = 0; i < 3; i++) {
        char err[512];
        t[i] = trace_open(test_path(names[i]), TRACE_AUTO, err, sizeof(err));
        if (!t[i])
            fail_msg("trace_open: %s", err);
    }
    uint64_t count = 0;
    for (;;) {
        struct trace_record r[3];
        int rc[3];
        for (int i = 0; i < 3; i++)
            rc[i] = trace_next(t[i], &r[i]);
        for (int i = 1; i < 3; i++) {
            if (rc[i] != rc[0])
                fail_msg("record %llu: %s gives %d, %s %d (%s%s)", (unsigned long long)count,
                         names[i], rc[i], names[0], rc[0], trace_error(t[i]), trace_error(t[0]));
            if (rc[0] == 1 && (r[i].vaddr != r[0].vaddr || r[i].type != r[0].type ||
                               r[i].size != r[0].size || r[i].instructions != r[0].instructions))
                fail_msg("record %llu: %s has 0x%llx, %s 0x%llx", (unsigned long long)count,
                         names[i], (unsigned long long)r[i].vaddr, names[0],
                         (unsigned long long)r[0].vaddr);
        }
        if (rc[0] != 1)
            break;
        count++;
    }
    assert_int_equal(count, nrec);
    for (int i = 0; i < 3; i++) {
        struct trace_record r;
        assert_int_equal(trace_next(t[i], &r), 0); /* the end stays the end */
        assert_string_equal(trace_error(t[i]), "");
        struct stat st;
        assert_int_equal(stat(test_path(names[i]), &st), 0);
        assert_int_equal(trace_bytes_read(t[i]), (uint64_t)st.st_size);
        trace_close(t[i]);
    }
}

/* A large plain file is read in place (mapped); one that another program cuts short while it is
 * read gives an error at the next chunk, after the records before it, and no signal. */
static void mapped_file_shrinks(void **state)
{
    (void)state;
    size_t cap = 6u << 20, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    unsigned lines = 0;
    while (n + 32 < cap)
        n += (size_t)sprintf(text + n, "I  %08x,4\n", 0x400000u + 4 * lines++);
    const char *path = test_write("shrink.lackey", text, n);
    free(text);
    char err[512];
    struct trace_reader *t = trace_open(path, TRACE_LACKEY, err, sizeof(err));
    if (!t)
        fail_msg("trace_open: %s", err);
    struct trace_record r;
    assert_int_equal(trace_next(t, &r), 1);
    assert_int_equal(r.vaddr, 0x400000);
    /* The first 4 MiB are handed out; the file is cut within the rest. */
    assert_int_equal(truncate(path, (off_t)(4.5 * 1024 * 1024)), 0);
    unsigned got = 1;
    int rc;
    while ((rc = trace_next(t, &r)) == 1) {
        assert_int_equal(r.vaddr, 0x400000u + 4 * got);
        got++;
    }
    assert_int_equal(rc, -1);
    assert_non_null(strstr(trace_error(t), "the file shrank while it was read"));
    assert_true(got >= (4u << 20) / 14 - 1 && got < lines);
    trace_close(t);
}

/* The pages of this process in memory now (Linux's /proc/self/statm), or 0 if not known. */
static unsigned long resident_pages(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident;
}

/* A mapped file's pages leave the process once read: reading a 48 MiB binary trace in place
 * (trace_next_packed) leaves the resident memory within a few chunks of where it started. */
static void mapped_file_memory_flat(void **state)
{
    (void)state;
    size_t words = 6u << 20; /* 48 MiB */
    uint64_t *w = malloc(8 * (words + 1));
    assert_non_null(w);
    memcpy(w, "MMUTRC01", 8);
    for (size_t i = 1; i <= words; i++)
        w[i] = 0x400000 + 64 * i;
    const char *path = test_write("flat.bin", w, 8 * (words + 1));
    free(w);
    char err[512];
    struct trace_reader *t = trace_open(path, TRACE_AUTO, err, sizeof(err));
    if (!t)
        fail_msg("trace_open: %s", err);
    unsigned long before = resident_pages(), most = before;
    const uint64_t *p;
    long n;
    size_t got = 0;
    while ((n = trace_next_packed(t, &p, 4096)) > 0) {
        assert_int_equal(p[0], 0x400000 + 64 * (got + 1));
        got += (size_t)n;
        unsigned long now = resident_pages();
        most = now > most ? now : most;
    }
    assert_int_equal(got, words);
    trace_close(t);
    if (before == 0)
        skip(); /* no /proc here */
    long page = sysconf(_SC_PAGESIZE);
    unsigned long grew_mib = (most - before) * (unsigned long)page >> 20;
    if (grew_mib > 16)
        fail_msg("resident memory grew by %lu MiB reading a 48 MiB file", grew_mib);
}

/* A stream that goes bad after several blocks of good data: every record before the failure is
 * read, then the error.  The bad part decodes to nothing, so the count is exact. */
static void late_error(void **state)
{
    (void)state;
    uint64_t nrec = big_files(), got;
    /* gzip: good members, then bytes that are no gzip member. */
    copy_append("big.lackey.gz", "late.lackey.gz", "this is not gzip\n", 17);
    const char *e = count_to_error("late.lackey.gz", &got);
    assert_non_null(strstr(e, "corrupt gzip stream"));
    assert_int_equal(got, nrec);
    /* gzip: good members, then only the header of the next. */
    copy_append("big.lackey.gz", "cut.lackey.gz", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
    e = count_to_error("cut.lackey.gz", &got);
    assert_non_null(strstr(e, "truncated gzip stream"));
    assert_int_equal(got, nrec);
    /* xz: good streams, then one whose header's CRC32 is wrong. */
    static const char few[] = " L 1000,8\n";
    uint8_t bad[256];
    size_t pos = 0;
    assert_int_equal(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, NULL, (const uint8_t *)few,
                                             sizeof(few) - 1, bad, &pos, sizeof(bad)),
                     LZMA_OK);
    bad[8] ^= 0xff;
    copy_append("big.lackey.xz", "late.lackey.xz", bad, pos);
    e = count_to_error("late.lackey.xz", &got);
    assert_non_null(strstr(e, "corrupt xz stream"));
    assert_int_equal(got, nrec);
}

/* Closing a reader of a large compressed trace early, at once, after a few records or with the
 * decoder waiting for a free block, returns promptly (and leaks nothing: the sanitizer build and
 * valgrind check that). */
static void early_close(void **state)
{
    (void)state;
    big_files();
    static const char *const names[2] = {"big.lackey.gz", "big.lackey.xz"};
    for (int i = 0; i < 2; i++)
        for (int round = 0; round < 3; round++) {
            char err[512];
            struct trace_reader *t = trace_open(test_path(names[i]), TRACE_AUTO, err, sizeof(err));
            if (!t)
                fail_msg("trace_open: %s", err);
            struct trace_record r;
            for (int k = 0; k < 5 * round; k++)
                assert_int_equal(trace_next(t, &r), 1);
            if (round == 2) { /* the decoder fills its ring and waits */
                struct timespec nap = {0, 50 * 1000 * 1000};
                nanosleep(&nap, NULL);
            }
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            trace_close(t);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
            if (s > 2.0)
                fail_msg("%s: closing after %d records took %.2f s", names[i], 5 * round, s);
        }
}

/* The bundled traces: every line is a record (M two), counted independently with
 * zcat | awk: chase 70,039 records and 55,790 instructions, ls 60,072 and 48,388. */
static void bundled_traces(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        uint64_t records, instructions;
    } want[] = {{"chase.lackey.gz", 70039, 55790}, {"ls.lackey.gz", 60072, 48388}};
    for (unsigned i = 0; i < 2; i++) {
        char path[512], err[512];
        snprintf(path, sizeof(path), "%s/tb/traces/%s", MMUSIM_SOURCE_DIR, want[i].file);
        struct trace_reader *t = trace_open(path, TRACE_AUTO, err, sizeof(err));
        if (!t)
            fail_msg("%s", err);
        assert_int_equal(trace_format_of(t), TRACE_LACKEY);
        struct trace_record r;
        uint64_t n = 0, instr = 0;
        while (trace_next(t, &r) == 1) {
            n++;
            instr += r.instructions;
        }
        assert_string_equal(trace_error(t), "");
        assert_int_equal(n, want[i].records);
        assert_int_equal(instr, want[i].instructions);
        trace_close(t);
    }
}

/* The binary format: a round trip keeps address (sign-extended), type, PCID, instruction counts
 * and whether an access crosses a page; a truncated record, a bad header and a non-canonical
 * address are errors, and a failed write leaves no file behind. */
static void binary_format(void **state)
{
    (void)state;
    char err[512];
    const char *path = test_path("r.bin");
    struct trace_writer *w = trace_writer_open(path, err, sizeof(err));
    assert_non_null(w);
    struct trace_record in[4] = {
        {.vaddr = 0x7ffff000abcull, .type = MMU_ACC_WRITE},
        {.vaddr = 0xffffffff81000010ull, .type = MMU_ACC_FETCH, .instructions = 1},
        {.vaddr = 0x1000, .type = MMU_ACC_READ, .has_pcid = true, .pcid = 0xabc},
        {.vaddr = 0x2ffc, .type = MMU_ACC_READ, .size = 8},
    };
    for (int i = 0; i < 4; i++)
        assert_int_equal(trace_write(w, &in[i]), 0);
    struct trace_record bad = {.vaddr = 0x0000800000000000ull};
    assert_int_equal(trace_write(w, &bad), -1);
    assert_int_equal(trace_writer_close(w, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "record 5: address 0x800000000000 is not canonical"));
    assert_int_equal(access(path, F_OK), -1); /* nothing half-written left behind */
    w = trace_writer_open(path, err, sizeof(err));
    assert_non_null(w);
    for (int i = 0; i < 4; i++)
        assert_int_equal(trace_write(w, &in[i]), 0);
    assert_int_equal(trace_writer_close(w, err, sizeof(err)), 0);
    struct trace_record r[5];
    enum trace_format f;
    assert_int_equal(read_all("r.bin", TRACE_AUTO, r, 5, &f), 4);
    assert_int_equal(f, TRACE_BINARY);
    assert_true(trace_record_crosses_page(&r[3]));
    assert_false(trace_record_crosses_page(&r[0]));
    for (int i = 0; i < 4; i++) {
        assert_int_equal(r[i].vaddr, in[i].vaddr);
        assert_int_equal(r[i].type, in[i].type);
        assert_int_equal(r[i].instructions, in[i].instructions);
        assert_int_equal(r[i].has_pcid, in[i].has_pcid);
        assert_int_equal(r[i].pcid, in[i].pcid);
    }
    static const unsigned char trunc[] = {'M', 'M', 'U', 'T', 'R', 'C', '0', '1', 1, 2, 3};
    test_write("t.bin", trunc, sizeof(trunc));
    assert_non_null(strstr(error_of("t.bin", TRACE_AUTO), "t.bin: record 1: truncated: 3 of 8"));
    test_write("h.bin", "NOTATRACE", 9);
    assert_non_null(strstr(error_of("h.bin", TRACE_BINARY), "no MMUTRC01 header"));
}

/* Writing ChampSim records: a store before the first fetch, an instruction with 6 loads and 3
 * stores (in an order that interleaves them), one with a load at address 0, a PCID and a
 * page-crossing access.  The bytes are ChampSim's layout, and reading them back gives each
 * instruction's fetch, its first 4 loads and first 2 stores; the notes count what was lost. */
static void champsim_writer(void **state)
{
    (void)state;
    char err[512];
    const char *path = test_path("w.champsim");
    struct trace_writer *w = trace_writer_open_as(path, TRACE_CHAMPSIM, err, sizeof(err));
    assert_non_null(w);
    const struct trace_record in[] = {
        {.vaddr = 0x9000, .type = MMU_ACC_WRITE}, /* before any fetch: lost */
        {.vaddr = 0x401000, .type = MMU_ACC_FETCH, .instructions = 1},
        {.vaddr = 0x5000, .type = MMU_ACC_WRITE},
        {.vaddr = 0x6000, .type = MMU_ACC_READ},
        {.vaddr = 0x6008, .type = MMU_ACC_READ},
        {.vaddr = 0x5008, .type = MMU_ACC_WRITE},
        {.vaddr = 0x6010, .type = MMU_ACC_READ},
        {.vaddr = 0x6018, .type = MMU_ACC_READ},
        {.vaddr = 0x6020, .type = MMU_ACC_READ},  /* a fifth load: lost */
        {.vaddr = 0x5010, .type = MMU_ACC_WRITE}, /* a third store: lost */
        {.vaddr = 0x6028, .type = MMU_ACC_READ},  /* a sixth load: lost */
        {.vaddr = 0x401004, .type = MMU_ACC_FETCH, .instructions = 1, .has_pcid = true, .pcid = 7},
        {.vaddr = 0, .type = MMU_ACC_READ},                 /* address 0: lost */
        {.vaddr = 0x7ffc, .type = MMU_ACC_READ, .size = 8}, /* crosses into 0x8000 */
    };
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
        assert_int_equal(trace_write(w, &in[i]), 0);
    char notes[400];
    trace_writer_notes(w, notes, sizeof(notes));
    assert_string_equal(notes, "2 instructions; left out: 2 loads beyond 4 and 1 stores beyond 2 "
                               "in an instruction, 1 accesses before the first fetch, 1 at "
                               "address 0, 1 PCIDs; 1 page-crossing accesses keep their first "
                               "page only");
    assert_int_equal(trace_writer_close(w, err, sizeof(err)), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char rec[129];
    assert_int_equal(fread(rec, 1, sizeof(rec), f), 128); /* two records */
    fclose(f);
    unsigned char want[128] = {0};
    put64(want + 0, 0x401000);
    put64(want + 16, 0x5000); /* destination_memory */
    put64(want + 24, 0x5008);
    put64(want + 32, 0x6000); /* source_memory */
    put64(want + 40, 0x6008);
    put64(want + 48, 0x6010);
    put64(want + 56, 0x6018);
    put64(want + 64, 0x401004);
    put64(want + 96, 0x7ffc);
    assert_memory_equal(rec, want, sizeof(want));
    struct trace_record r[12];
    assert_int_equal(read_all("w.champsim", TRACE_CHAMPSIM, r, 12, NULL), 9);
    static const uint64_t order[] = {0x401000, 0x6000, 0x6008,   0x6010, 0x6018,
                                     0x5000,   0x5008, 0x401004, 0x7ffc};
    for (int i = 0; i < 9; i++)
        assert_int_equal(r[i].vaddr, order[i]);
    /* Only the binary and ChampSim formats are written. */
    assert_null(trace_writer_open_as(path, TRACE_LACKEY, err, sizeof(err)));
    assert_non_null(strstr(err, "binary or the champsim format, not lackey"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lackey_plain_gzip_xz),
        cmocka_unit_test(text_format),
        cmocka_unit_test(champsim),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(hostile_input),
        cmocka_unit_test(long_stream),
        cmocka_unit_test(bundled_traces),
        cmocka_unit_test(binary_format),
        cmocka_unit_test(champsim_writer),
        cmocka_unit_test(many_blocks),
        cmocka_unit_test(mapped_file_shrinks),
        cmocka_unit_test(mapped_file_memory_flat),
        cmocka_unit_test(late_error),
        cmocka_unit_test(early_close),
    };
    return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
