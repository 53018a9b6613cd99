/*
 * Configuration: the defaults are the spec's, and every bad parameter is
 * refused with a message that names it and says why; the RTL's parameters
 * (rtl/configs.txt) map to the model's fields.
 */
#include "test_util.h"

static void defaults(void **state)
{
    (void)state;
    struct mmu_config c;
    mmu_config_default(&c);
    assert_int_equal(mmu_config_check(&c, NULL, 0), 0);
    assert_int_equal(c.pa_bits, 46);
    assert_int_equal(c.dtlb_4k.entries, 64);
    assert_int_equal(c.dtlb_4k.ways, 4);
    assert_int_equal(c.dtlb_2m.entries, 32);
    assert_int_equal(c.dtlb_2m.ways, 4);
    assert_int_equal(c.itlb_4k.entries, 128);
    assert_int_equal(c.itlb_4k.ways, 8);
    assert_int_equal(c.itlb_2m.entries, 8);
    assert_int_equal(c.itlb_2m.ways, 8);
    assert_int_equal(c.stlb.entries, 1536);
    assert_int_equal(c.stlb.ways, 12);
    assert_int_equal(c.psc[MMU_PSC_PML4E].entries, 2);
    assert_int_equal(c.psc[MMU_PSC_PDPTE].entries, 4);
    assert_int_equal(c.psc[MMU_PSC_PDE].entries, 32);
    assert_int_equal(c.stlb_latency, 9);
    assert_int_equal(c.dtlb_4k.repl, MMU_REPL_LRU);
}

#define CHECK_BAD(stmt, fragment)                                              \
    do {                                                                       \
        struct mmu_config c;                                                   \
        char err[256] = "";                                                    \
        mmu_config_default(&c);                                                \
        stmt;                                                                  \
        assert_int_equal(mmu_config_check(&c, err, sizeof(err)), -1);          \
        if (!strstr(err, fragment))                                            \
            fail_msg("%s: message \"%s\" lacks \"%s\"", #stmt, err, fragment); \
        struct mmu_mem_port port = {.access = NULL};                           \
        assert_null(mmu_create(&c, &port, err, sizeof(err)));                  \
        assert_non_null(strstr(err, fragment));                                \
    } while (0)

static void refused(void **state)
{
    (void)state;
    CHECK_BAD(c.dtlb_4k.ways = 0, "dtlb_4k.ways: 0 ways");
    CHECK_BAD(c.stlb.entries = 1200, "stlb: 1200 entries / 12 ways = 100 sets, not a power of two");
    CHECK_BAD(c.stlb.entries = 1000, "stlb.entries: 1000 entries is not a multiple of 12 ways");
    CHECK_BAD(c.itlb_4k.entries = 100, "itlb_4k.entries: 100 entries is not a multiple of 8 ways");
    CHECK_BAD(c.dtlb_2m.repl = (enum mmu_repl)7, "dtlb_2m.repl: unknown replacement policy 7");
    CHECK_BAD(c.stlb.repl = MMU_REPL_PLRU, "stlb.repl: tree-PLRU needs a power-of-two");
    CHECK_BAD(c.pa_bits = 31, "pa_bits: 31 is outside 32..52");
    CHECK_BAD(c.pa_bits = 53, "pa_bits: 53");
    CHECK_BAD(c.stlb_latency = 2, "stlb_latency: 2 cycles; an STLB hit takes at least 3");
    CHECK_BAD(c.lfsr_seed = 0, "lfsr_seed");
    CHECK_BAD(c.psc[MMU_PSC_PDE].ways = 10,
              "psc_pde.entries: 32 entries is not a multiple of 10 ways");
    CHECK_BAD(c.psc[MMU_PSC_PDPTE] = ((struct mmu_array_config){12, 4, MMU_REPL_LRU}),
              "psc_pdpte: 12 entries / 4 ways = 3 sets, not a power of two");
    CHECK_BAD(c.itlb_2m.ways = 2000, "itlb_2m.ways: 2000 ways");
}

static void accepted_edges(void **state)
{
    (void)state;
    struct mmu_config c;
    mmu_config_default(&c);
    c.dtlb_2m.entries = 0; /* disabled arrays */
    c.psc[MMU_PSC_PML4E].entries = 0;
    c.stlb.repl = MMU_REPL_RANDOM; /* 12 ways: fine for all but PLRU */
    c.itlb_4k = (struct mmu_array_config){1, 1, MMU_REPL_FIFO};
    c.psc[MMU_PSC_PDE] = (struct mmu_array_config){32, 8, MMU_REPL_LRU}; /* 4 sets */
    c.pa_bits = 52;
    assert_int_equal(mmu_config_check(&c, NULL, 0), 0);
    enum mmu_repl r;
    assert_int_equal(mmu_repl_parse("plru", &r), 0);
    assert_int_equal(r, MMU_REPL_PLRU);
    assert_int_equal(mmu_repl_parse("mru", &r), -1);
    assert_string_equal(mmu_repl_name(MMU_REPL_RANDOM), "random");
}

/* A missing memory port is refused, not dereferenced. */
static void no_port(void **state)
{
    (void)state;
    struct mmu_config c;
    char err[128];
    mmu_config_default(&c);
    assert_null(mmu_create(&c, NULL, err, sizeof(err)));
    assert_non_null(strstr(err, "memory port"));
}

/* The tiny configuration, field by field: each RTL name sets its own field; a
 * PSC's entries set its ways (fully associative); the rest keep the defaults. */
static void rtl_params_tiny(void **state)
{
    (void)state;
    struct mmu_config c;
    char err[200];
    assert_int_equal(mmu_config_from_rtl_params(&c,
                                                "Itlb4kEntries=4 Itlb4kWays=2 Dtlb2mRepl=2,"
                                                "PscPdpteEntries=1 StlbLatency=3 LfsrSeed=16'h1234 "
                                                "NxeReset=0 PaBits=0x30",
                                                err, sizeof err),
                     0);
    assert_int_equal(c.itlb_4k.entries, 4);
    assert_int_equal(c.itlb_4k.ways, 2);
    assert_int_equal(c.itlb_4k.repl, MMU_REPL_LRU);
    assert_int_equal(c.dtlb_2m.repl, MMU_REPL_FIFO);
    assert_int_equal(c.dtlb_2m.entries, 32); /* default */
    assert_int_equal(c.psc[MMU_PSC_PDPTE].entries, 1);
    assert_int_equal(c.psc[MMU_PSC_PDPTE].ways, 1);
    assert_int_equal(c.psc[MMU_PSC_PDE].ways, 32); /* PscPdeWays 0: fully associative */
    assert_int_equal(c.stlb_latency, 3);
    assert_int_equal(c.lfsr_seed, 0x1234);
    assert_false(c.nxe);
    assert_true(c.wp);
    assert_int_equal(c.pa_bits, 48);
    assert_false(c.la57); /* 4-level paging unless La57 says otherwise */
}

/* 5-level paging: La57 sets la57, and the PML5E cache takes its entries, ways and policy as
 * the other caches do. */
static void rtl_params_la57(void **state)
{
    (void)state;
    struct mmu_config c;
    char err[200] = "";
    if (mmu_config_from_rtl_params(&c, "La57=1'b1 PscPml5eWays=2 PscPml5eEntries=4 PscPml5eRepl=1",
                                   err, sizeof err))
        fail_msg("%s", err);
    assert_true(c.la57);
    assert_int_equal(c.psc[MMU_PSC_PML5E].entries, 4);
    assert_int_equal(c.psc[MMU_PSC_PML5E].ways, 2);
    assert_int_equal(c.psc[MMU_PSC_PML5E].repl, MMU_REPL_PLRU);
    assert_int_equal(c.psc[MMU_PSC_PML4E].entries, 2); /* the others keep their defaults */
    assert_true(c.pdpe1gb);
}

/* 1 GiB pages: Pdpe1gb and the three 1 GiB arrays, with mmu_top's defaults those of the model
 * (Skylake's: none in the ITLB, 4 in the DTLB, 16 in the STLB, each 4-way). */
static void rtl_params_1g(void **state)
{
    (void)state;
    struct mmu_config c;
    char err[200] = "";
    if (mmu_config_from_rtl_params(&c, "StlbEntries=48", err, sizeof err))
        fail_msg("%s", err);
    assert_true(c.pdpe1gb);
    assert_int_equal(c.itlb_1g.entries, 0);
    assert_int_equal(c.dtlb_1g.entries, 4);
    assert_int_equal(c.dtlb_1g.ways, 4);
    assert_int_equal(c.stlb_1g.entries, 16);
    assert_int_equal(c.stlb_1g.ways, 4);
    assert_int_equal(c.stlb.entries, 48); /* Stlb1g is not Stlb's array */
    if (mmu_config_from_rtl_params(&c,
                                   "Pdpe1gb=1'b0 Itlb1gEntries=2 Itlb1gWays=2 Itlb1gRepl=1 "
                                   "Dtlb1gEntries=0 Stlb1gEntries=8 Stlb1gWays=8 Stlb1gRepl=2",
                                   err, sizeof err))
        fail_msg("%s", err);
    assert_false(c.pdpe1gb);
    assert_int_equal(c.itlb_1g.entries, 2);
    assert_int_equal(c.itlb_1g.ways, 2);
    assert_int_equal(c.itlb_1g.repl, MMU_REPL_PLRU);
    assert_int_equal(c.dtlb_1g.entries, 0);
    assert_int_equal(c.stlb_1g.entries, 8);
    assert_int_equal(c.stlb_1g.ways, 8);
    assert_int_equal(c.stlb_1g.repl, MMU_REPL_FIFO);
    assert_int_equal(c.stlb.entries, 1536);
}

/* A paging-structure cache's Ways, before or after its Entries, as mmu_psc takes it: fewer
 * than its entries make sets, 0 or its entries or more make it fully associative. */
static void rtl_params_psc_ways(void **state)
{
    (void)state;
    const struct {
        const char *params;
        unsigned entries, ways;
    } cases[] = {
        {"PscPdeWays=8", 32, 8},
        {"PscPdeWays=8 PscPdeEntries=16", 16, 8},
        {"PscPdeEntries=16 PscPdeWays=8", 16, 8},
        {"PscPdeWays=32 PscPdeEntries=64", 64, 32},
        {"PscPdeWays=64 PscPdeEntries=16", 16, 16},
        {"PscPdeEntries=8 PscPdeWays=0", 8, 8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mmu_config c;
        char err[200] = "";
        if (mmu_config_from_rtl_params(&c, cases[i].params, err, sizeof err))
            fail_msg("%s: %s", cases[i].params, err);
        if (c.psc[MMU_PSC_PDE].entries != cases[i].entries ||
            c.psc[MMU_PSC_PDE].ways != cases[i].ways)
            fail_msg("%s: %u entries, %u ways; want %u, %u", cases[i].params,
                     c.psc[MMU_PSC_PDE].entries, c.psc[MMU_PSC_PDE].ways, cases[i].entries,
                     cases[i].ways);
    }
}

/* Bad items name themselves: unknown parameter, no value, a bad literal, a
 * value the model refuses (through mmu_config_check). */
static void rtl_params_refused(void **state)
{
    (void)state;
    const struct {
        const char *params, *msg;
    } cases[] = {
        {"StlbEntrys=16", "'StlbEntrys=16': no such parameter"},
        {"StlbEntries", "'StlbEntries' is not NAME=VALUE"},
        {"StlbEntries=", "'StlbEntries=' is not NAME=VALUE"},
        {"StlbEntries=1x", "'StlbEntries=1x' is not NAME=VALUE"},
        {"LfsrSeed=16'q12", "is not NAME=VALUE"},
        {"StlbRepl=7", "stlb.repl"},
        {"WpReset=2", "'WpReset=2': no such parameter"},
        {"StlbWays=5", "stlb"},
        {"LfsrSeed=0", "lfsr_seed"},
        {"PscPdeWays=12", "psc_pde"},
        {"La57=2", "'La57=2': no such parameter"},
        {"PscPml5eEntries=8 PscPml5eWays=3", "psc_pml5e"},
        {"Pdpe1gb=2", "'Pdpe1gb=2': no such parameter"},
        {"Stlb1gEntries=12", "stlb_1g"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mmu_config c;
        char err[200] = "";
        assert_int_equal(mmu_config_from_rtl_params(&c, cases[i].params, err, sizeof err), -1);
        if (!strstr(err, cases[i].msg))
            fail_msg("%s: got '%s', want '%s'", cases[i].params, err, cases[i].msg);
    }
}

/* Every named configuration of rtl/configs.txt is one the model takes. */
static void rtl_configs_file(void **state)
{
    (void)state;
    FILE *f = fopen(MMUSIM_SOURCE_DIR "/rtl/configs.txt", "r");
    assert_non_null(f);
    char line[2048];
    int entries = 0;
    while (fgets(line, sizeof line, f)) {
        char name[64], uses[64];
        int n = 0;
        if (line[0] == '#' || sscanf(line, "%63s %63s %n", name, uses, &n) < 2)
            continue;
        struct mmu_config c;
        char err[200];
        if (mmu_config_from_rtl_params(&c, line + n, err, sizeof err))
            fail_msg("rtl/configs.txt: %s: %s", name, err);
        entries++;
    }
    fclose(f);
    assert_true(entries >= 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(refused),
        cmocka_unit_test(accepted_edges),
        cmocka_unit_test(no_port),
        cmocka_unit_test(rtl_params_tiny),
        cmocka_unit_test(rtl_params_la57),
        cmocka_unit_test(rtl_params_1g),
        cmocka_unit_test(rtl_params_refused),
        cmocka_unit_test(rtl_params_psc_ways),
        cmocka_unit_test(rtl_configs_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
