/*
 * The model behind a handle (mmusim/handle.h): configuration text in both forms and its
 * errors, translations against the handle's own page tables, a caller's memory (its accesses,
 * and an error it reports), requests in flight, control operations, and the texts it returns.
 * Run under the sanitizers too: every failed call must leave no leak and change nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include "mmusim/handle.h"
#include "mmusim/study.h"
#include "test_util.h"

static struct mmusim *open_ok(const char *config)
{
    char err[600];
    struct mmusim *s = mmusim_new(config, err, sizeof(err));
    if (!s)
        fail_msg("mmusim_new(\"%s\"): %s", config ? config : "(null)", err);
    return s;
}

/* mmusim_new(config) fails with an error that contains `word`. */
static void open_fails(const char *config, const char *word)
{
    char err[600] = "";
    struct mmusim *s = mmusim_new(config, err, sizeof(err));
    if (s)
        fail_msg("mmusim_new(\"%s\") accepted it", config);
    if (!strstr(err, word))
        fail_msg("mmusim_new(\"%s\"): \"%s\" does not name \"%s\"", config, err, word);
}

static void configuration(void **state)
{
    (void)state;
    const char *forms[] = {
        "preset=embedded stlb.entries=64 walkers=1", "walkers=1;stlb.entries=64,\npreset=embedded",
        "{\"walkers\": 1, \"stlb\": {\"entries\": 64}, \"preset\": \"embedded\"}"};
    struct study_options want;
    char err[300];
    study_defaults(&want);
    assert_int_equal(study_preset(&want, "embedded", err, sizeof(err)), 0);
    assert_int_equal(study_set_kv(&want, "stlb.entries=64", err, sizeof(err)), 0);
    assert_int_equal(study_set_kv(&want, "walkers=1", err, sizeof(err)), 0);
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        struct study_options o;
        study_defaults(&o);
        if (study_configure(&o, forms[i], err, sizeof(err)))
            fail_msg("%s: %s", forms[i], err);
        assert_memory_equal(&o.cfg, &want.cfg, sizeof(o.cfg));
        struct mmusim *s = open_ok(forms[i]);
        char *text = mmusim_config_json(s);
        assert_non_null(strstr(text, "\"stlb.entries\": 64"));
        mmusim_free_text(text);
        mmusim_free(s);
    }
    mmusim_free(open_ok(""));
    mmusim_free(open_ok(NULL));
    open_fails("stlb.entriez=4", "stlb.entriez");
    open_fails("walkers=0", "walkers");
    open_fails("walkers", "key=value");
    open_fails("preset=nosuch", "nosuch");
    open_fails("{\"walkers\": [1]}", "walkers");
    open_fails("{\"walkers\": 1", "configuration:1:");
    open_fails("[1, 2]", "key=value");
    char long_item[700];
    memset(long_item, 'x', sizeof(long_item) - 1);
    long_item[sizeof(long_item) - 1] = '\0';
    open_fails(long_item, "characters");
}

/* An RTL build's configuration: its parameters, the rest at their defaults. */
static void rtl_parameters(void **state)
{
    (void)state;
    char err[600];
    struct mmusim *s = mmusim_new_rtl("StlbEntries=16 StlbWays=2,Walkers=1", 7, err, sizeof(err));
    if (!s)
        fail_msg("%s", err);
    char *text = mmusim_config_json(s);
    assert_non_null(strstr(text, "\"stlb.entries\": 16"));
    assert_non_null(strstr(text, "\"walkers\": 1"));
    assert_non_null(strstr(text, "\"mem_latency\": 7"));
    mmusim_free_text(text);
    mmusim_free(s);
    assert_null(mmusim_new_rtl("NoSuchParam=1", 20, err, sizeof(err)));
    assert_non_null(strstr(err, "NoSuchParam"));
    assert_null(mmusim_new_rtl("", 0, err, sizeof(err)));
    assert_non_null(strstr(err, "mem_latency"));
    assert_null(mmusim_new_rtl("StlbEntries=15", 20, err, sizeof(err)));
    assert_non_null(strstr(err, "stlb"));
}

static void translations(void **state)
{
    (void)state;
    struct mmusim *s = open_ok("walkers=1 miss_entries=1 hit_under_miss=off");
    uint64_t pa, r[MMUSIM_RESP_WORDS], done;
    assert_int_equal(mmusim_alloc_frame(s, &pa), 0);
    assert_int_equal(mmusim_map(s, 0x400000, pa, 12, PTE_RW), 0);
    assert_int_equal(mmusim_map(s, 0x40000000, 0x80000000, 30, 0), 0);
    assert_int_equal(mmusim_control(s, MMU_CTRL_LOAD_CR3, 0, mmusim_root(s), 0, 0, 0, 0, &done), 0);
    assert_int_equal(mmusim_translate(s, 0x400abc, MMU_ACC_WRITE, 0, 0, done, r), 0);
    assert_int_equal(r[MMUSIM_RESP_PADDR], pa + 0xabc);
    assert_int_equal(r[MMUSIM_RESP_SOURCE], MMU_SRC_WALK);
    assert_int_equal(r[MMUSIM_RESP_LEVEL], 1);
    assert_int_equal(
        mmusim_translate(s, 0x400000, MMU_ACC_READ, 0, 0, mmusim_next_free_cycle(s), r), 0);
    assert_int_equal(r[MMUSIM_RESP_SOURCE], MMU_SRC_L1);
    assert_int_equal(mmusim_translate(s, 0x40000000 + 0x1234567, MMU_ACC_WRITE, 0, 0,
                                      mmusim_next_free_cycle(s), r),
                     0);
    assert_int_equal(r[MMUSIM_RESP_FAULT], MMU_FAULT_WRITE);
    assert_int_equal(r[MMUSIM_RESP_ERROR_CODE], PF_ERR_P | PF_ERR_W);
    assert_int_equal(r[MMUSIM_RESP_PAGE_SHIFT], 0);
    assert_int_equal(mmusim_translate(s, 0x40000000 + 0x1234567, MMU_ACC_READ, 0, 0,
                                      mmusim_next_free_cycle(s), r),
                     0);
    assert_int_equal(r[MMUSIM_RESP_PADDR], 0x81234567);
    assert_int_equal(r[MMUSIM_RESP_PAGE_SHIFT], 30);
    /* Bad requests and operations: -1 and the reason, nothing changed. */
    assert_int_equal(mmusim_translate(s, 0x400000, 3, 0, 0, 0, r), -1);
    assert_non_null(strstr(mmusim_error(s), "type 3"));
    assert_int_equal(mmusim_control(s, MMU_CTRL_COUNT, 0, 0, 0, 0, 0, 0, NULL), -1);
    assert_int_equal(mmusim_control(s, MMU_CTRL_INVPCID, 0, 0, 0, 4096, 0, 0, NULL), -1);
    assert_non_null(strstr(mmusim_error(s), "4096"));
    assert_int_equal(mmusim_control(s, MMU_CTRL_INVPCID, 0, 0, 9, 0, 0, 0, NULL), -1);
    assert_int_equal(mmusim_map(s, 0x400001, pa, 12, 0), -1);
    assert_int_equal(mmusim_mem_read(s, 1ull << 60, &pa), -1);
    char *stats = mmusim_stats_json(s);
    assert_non_null(strstr(stats, "\"references\": 4"));
    /* (The fault's walk filled nothing: the read after it walked again.) */
    assert_non_null(strstr(stats, "\"walks\": 3"));
    mmusim_free_text(stats);
    mmusim_stats_reset(s);
    stats = mmusim_stats_json(s);
    assert_non_null(strstr(stats, "\"references\": 0"));
    mmusim_free_text(stats);
    mmusim_free(s);
}

/* A caller's memory: a few entries in a table, and an address that answers with an error. */
struct caller_mem {
    uint64_t pa[8], value[8];
    unsigned n, reads, writes;
    uint64_t bad;
};

static int caller_read(void *ctx, uint64_t paddr, uint64_t *value)
{
    struct caller_mem *c = ctx;
    c->reads++;
    if (paddr == c->bad)
        return -1;
    *value = 0;
    for (unsigned i = 0; i < c->n; i++)
        if (c->pa[i] == paddr)
            *value = c->value[i];
    return 0;
}

static int caller_write(void *ctx, uint64_t paddr, uint64_t value)
{
    struct caller_mem *c = ctx;
    c->writes++;
    for (unsigned i = 0; i < c->n; i++)
        if (c->pa[i] == paddr)
            c->value[i] = value;
    return 0;
}

static void caller_memory(void **state)
{
    (void)state;
    struct mmusim *s = open_ok("");
    /* 0x1000 PML4 -> 0x2000 PDPT -> 0x3000 PD -> 0x4000 PT -> frame 0x9000 for VA 0. */
    struct caller_mem c = {.pa = {0x1000, 0x2000, 0x3000, 0x4000},
                           .value = {0x2007, 0x3007, 0x4007, 0x9007},
                           .n = 4,
                           .bad = 0x3000 + 8};
    assert_int_equal(mmusim_set_memory(s, NULL, caller_write, &c), -1);
    assert_int_equal(mmusim_set_memory(s, caller_read, caller_write, &c), 0);
    uint64_t r[MMUSIM_RESP_WORDS], done;
    assert_int_equal(mmusim_control(s, MMU_CTRL_LOAD_CR3, 0, 0x1000, 0, 0, 0, 0, &done), 0);
    assert_int_equal(mmusim_translate(s, 0x123, MMU_ACC_WRITE, 1, 0, done, r), 0);
    assert_int_equal(r[MMUSIM_RESP_FAULT], MMU_FAULT_NONE);
    assert_int_equal(r[MMUSIM_RESP_PADDR], 0x9123);
    assert_int_equal(c.reads >= 4, 1);
    assert_int_equal(c.value[3] & (PTE_A | PTE_D), PTE_A | PTE_D);
    /* VA 2 MiB: the PD's entry 1 answers with an error: the fault bus-error. */
    assert_int_equal(
        mmusim_translate(s, 0x200000, MMU_ACC_READ, 0, 0, mmusim_next_free_cycle(s), r), 0);
    assert_int_equal(r[MMUSIM_RESP_FAULT], MMU_FAULT_BUS_ERROR);
    mmusim_free(s);
}

static void in_flight(void **state)
{
    (void)state;
    struct mmusim *s = open_ok("preset=skylake");
    uint64_t pa[16], r[MMUSIM_RESP_WORDS], done, accept;
    for (unsigned i = 0; i < 16; i++) {
        assert_int_equal(mmusim_alloc_frame(s, &pa[i]), 0);
        assert_int_equal(mmusim_map(s, 0x10000000 + i * 0x1000ull, pa[i], 12, 0), 0);
    }
    assert_int_equal(mmusim_control(s, MMU_CTRL_LOAD_CR3, 0, mmusim_root(s), 0, 0, 0, 0, &done), 0);
    unsigned answered = 0;
    for (unsigned i = 0; i < 16; i++) {
        if (mmusim_issue(s, 0x10000000 + i * 0x1000ull + 8 * i, MMU_ACC_READ, 0, 0, i, done,
                         &accept))
            fail_msg("issue %u: %s", i, mmusim_error(s));
        done = accept + 1;
    }
    while (mmusim_outstanding(s)) {
        assert_int_equal(mmusim_advance(s, mmusim_next_event(s)), 0);
        while (mmusim_poll(s, r) == 1) {
            unsigned id = (unsigned)r[MMUSIM_RESP_ID];
            assert_true(id < 16);
            assert_int_equal(r[MMUSIM_RESP_PADDR], pa[id] + 8 * id);
            answered |= 1u << id;
        }
    }
    assert_int_equal(answered, 0xffff);
    assert_int_equal(mmusim_poll(s, r), 0);
    mmusim_free(s);
}

static void studies(void **state)
{
    (void)state;
    char err[600];
    const char *trace = MMUSIM_SOURCE_DIR "/traces/sort.lackey.xz";
    char *text = mmusim_run_json("preset=champsim limit=100000", &trace, 1, err, sizeof(err));
    if (!text)
        fail_msg("%s", err);
    assert_non_null(strstr(text, "\"references\": 100000"));
    mmusim_free_text(text);
    const char *missing = "/nonexistent/trace.lackey";
    assert_null(mmusim_run_json("", &missing, 1, err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/trace.lackey"));
    assert_null(mmusim_run_json("", &trace, 0, err, sizeof(err)));
    assert_null(mmusim_run_json("walkers=99", &trace, 1, err, sizeof(err)));
    assert_non_null(strstr(err, "walkers"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(configuration), cmocka_unit_test(rtl_parameters),
        cmocka_unit_test(translations),  cmocka_unit_test(caller_memory),
        cmocka_unit_test(in_flight),     cmocka_unit_test(studies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
