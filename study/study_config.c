/*
 * A study's parameters by name: every key, its text form and range, the presets, JSON files
 * (through jansson) and the JSON dump.  One table of keys serves --set, JSON and --dump, so the
 * three can never disagree.
 */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mmusim/study.h"

enum key_kind { K_UINT, K_U64, K_BOOL, K_REPL, K_PAGES, K_FORMAT, K_PATH };

struct key {
    const char *name;
    enum key_kind kind;
    size_t off;
    uint64_t min, max;
    bool follow; /* an array's entries: a fully associative array's ways follow them */
    const char *help;
};

#define OPT(f) offsetof(struct study_options, f)
#define ARRAY_KEYS(name, field, fol, what)                                         \
    {name ".entries", K_UINT, OPT(cfg.field.entries),         0,                   \
     1u << 20,        fol,    what " entries (0 disables it)"},                    \
        {name ".ways", K_UINT, OPT(cfg.field.ways), 1, 1024, false, what " ways"}, \
    {                                                                              \
        name ".repl", K_REPL, OPT(cfg.field.repl), 0, 0, false,                    \
            what " replacement: lru, plru, fifo, random"                           \
    }

static const struct key keys[] = {
    ARRAY_KEYS("itlb_4k", itlb_4k, false, "L1 ITLB, 4 KiB array:"),
    ARRAY_KEYS("itlb_2m", itlb_2m, false, "L1 ITLB, 2 MiB array:"),
    ARRAY_KEYS("dtlb_4k", dtlb_4k, false, "L1 DTLB, 4 KiB array:"),
    ARRAY_KEYS("dtlb_2m", dtlb_2m, false, "L1 DTLB, 2 MiB array:"),
    ARRAY_KEYS("itlb_1g", itlb_1g, false, "L1 ITLB, 1 GiB array (0: 2 MiB fractions):"),
    ARRAY_KEYS("dtlb_1g", dtlb_1g, false, "L1 DTLB, 1 GiB array:"),
    ARRAY_KEYS("stlb", stlb, false, "L2 STLB (4 KiB and 2 MiB pages):"),
    ARRAY_KEYS("stlb_1g", stlb_1g, false, "L2 STLB, 1 GiB array:"),
    ARRAY_KEYS("psc_pde", psc[MMU_PSC_PDE], true,
               "PDE cache (fully associative unless given ways):"),
    ARRAY_KEYS("psc_pdpte", psc[MMU_PSC_PDPTE], true, "PDPTE cache (the same):"),
    ARRAY_KEYS("psc_pml4e", psc[MMU_PSC_PML4E], true, "PML4E cache (the same):"),
    ARRAY_KEYS("psc_pml5e", psc[MMU_PSC_PML5E], true, "PML5E cache (the same; la57 only):"),
    {"pa_bits", K_UINT, OPT(cfg.pa_bits), 32, 52, false, "physical-address width"},
    {"stlb_latency", K_UINT, OPT(cfg.stlb_latency), 3, 1000, false,
     "cycles from request to STLB-hit response"},
    {"walkers", K_UINT, OPT(cfg.walkers), 1, MMU_MAX_WALKERS, false,
     "page walkers (1 with miss_entries 1 and hit_under_miss off: blocking)"},
    {"miss_entries", K_UINT, OPT(cfg.miss_entries), 1, MMU_MAX_MISS_ENTRIES, false,
     "miss-queue entries: requests past the STLB not yet answered"},
    {"hit_under_miss", K_BOOL, OPT(cfg.hit_under_miss), 0, 1, false,
     "accept requests while others are outstanding"},
    {"window", K_UINT, OPT(window), 1, 256, false,
     "translations a core keeps outstanding (with requests in flight)"},
    {"lfsr_seed", K_UINT, OPT(cfg.lfsr_seed), 1, 0xffff, false, "LFSR reset value (random policy)"},
    {"wp", K_BOOL, OPT(cfg.wp), 0, 1, false, "CR0.WP"},
    {"nxe", K_BOOL, OPT(cfg.nxe), 0, 1, false, "EFER.NXE"},
    {"la57", K_BOOL, OPT(cfg.la57), 0, 1, false,
     "CR4.LA57: 5-level paging (a PML5 above the PML4, 57-bit addresses)"},
    {"pdpe1gb", K_BOOL, OPT(cfg.pdpe1gb), 0, 1, false,
     "1 GiB pages (CPUID Page1GB); off: a PDPTE's PS bit is reserved"},
    {"smep", K_BOOL, OPT(cfg.smep), 0, 1, false, "CR4.SMEP: no supervisor fetch from user pages"},
    {"smap", K_BOOL, OPT(cfg.smap), 0, 1, false,
     "CR4.SMAP: no supervisor data access to user pages (EFLAGS.AC is 0)"},
    {"pke", K_BOOL, OPT(cfg.pke), 0, 1, false, "CR4.PKE: protection keys (PKRU) on user pages"},
    {"pkru", K_UINT, OPT(cfg.pkru), 0, UINT32_MAX, false,
     "PKRU: bits 2k and 2k+1 disable access and writes of key k"},
    {"pages", K_PAGES, OPT(pages), 0, 0, false, "page-size policy: 4k, 2m, 1g, mixed, map"},
    {"page_map", K_PATH, OPT(page_map), 0, 0, false,
     "map: file of \"START-END 4k|2m|1g\" lines (hex); other pages 4k"},
    {"mixed_1g_percent", K_UINT, OPT(mixed_1g_percent), 0, 100, false,
     "mixed: percent of 1 GiB regions mapped with one 1 GiB page (first)"},
    {"mixed_percent", K_UINT, OPT(mixed_percent), 0, 100, false,
     "mixed: percent of 2 MiB regions mapped with one 2 MiB page"},
    {"seed", K_U64, OPT(seed), 0, UINT64_MAX, false, "seed of the mixed policy's choice"},
    {"pcid", K_BOOL, OPT(pcid), 0, 1, false,
     "on: each process has its own PCID; off: every context switch flushes"},
    {"quantum", K_U64, OPT(quantum), 1, UINT64_MAX, false,
     "references per process before a context switch"},
    {"mem_latency", K_UINT, OPT(mem_latency), 1, 100000, false,
     "cycles of each walker memory access"},
    {"format", K_FORMAT, OPT(format), 0, 0, false,
     "trace format: auto, lackey, champsim, text, binary"},
    {"skip_bad", K_BOOL, OPT(skip_bad), 0, 1, false, "count bad records and go on"},
    {"limit", K_U64, OPT(limit), 0, UINT64_MAX, false, "stop after this many references (0: all)"},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const page_names[PAGES_COUNT] = {"4k", "2m", "mixed", "map", "1g"};

const char *page_policy_name(enum page_policy p)
{
    return (unsigned)p < PAGES_COUNT ? page_names[p] : "?";
}

void study_defaults(struct study_options *o)
{
    *o = (struct study_options){0};
    study_preset(o, "skylake", NULL, 0);
    o->pages = PAGES_4K;
    o->mixed_percent = 50;
    o->seed = 1;
    o->pcid = true;
    o->quantum = 100000;
    o->mem_latency = 20;
    o->format = TRACE_AUTO;
    o->window = 32;
}

int study_preset(struct study_options *o, const char *name, char *err, size_t errlen)
{
    struct mmu_config *c = &o->cfg;
    if (strcmp(name, "skylake") == 0) {
        /* The model's (and mmu_top's) default: Skylake's TLB sizes, two page-miss handlers,
         * as Intel cores have had since Broadwell, and hit under miss. */
        mmu_config_default(c);
    } else if (strcmp(name, "champsim") == 0) {
        /* ChampSim's default (champsim_config.json of its release 2024-12): ITLB and DTLB 16
         * sets x 4 ways, STLB 128 x 12, 4 KiB pages; 5-level paging ("num_levels": 5) and its
         * page-walk caches PSCL5 1 x 2, PSCL4 1 x 4, PSCL3 2 x 4 and PSCL2 4 x 8, LRU, each
         * indexed by the VA bits above its level as mmusim's paging-structure caches are; the
         * STLB's 16 MSHRs as the miss queue, and as many walkers: its page-table walker reads
         * its `mshr_size` of 5 but does not check it (src/ptw.cc), so the STLB's MSHRs bound
         * its walks (docs/VERIFICATION.md lists what still differs). */
        mmu_config_default(c);
        c->walkers = 16;
        c->miss_entries = 16;
        c->hit_under_miss = true;
        c->itlb_4k = (struct mmu_array_config){64, 4, MMU_REPL_LRU};
        c->dtlb_4k = (struct mmu_array_config){64, 4, MMU_REPL_LRU};
        c->itlb_2m.entries = 0;
        c->dtlb_2m.entries = 0;
        c->itlb_1g.entries = c->dtlb_1g.entries = c->stlb_1g.entries = 0; /* 4 KiB pages only */
        c->stlb = (struct mmu_array_config){1536, 12, MMU_REPL_LRU};
        c->la57 = true;
        c->psc[MMU_PSC_PML5E] = (struct mmu_array_config){2, 2, MMU_REPL_LRU};
        c->psc[MMU_PSC_PML4E] = (struct mmu_array_config){4, 4, MMU_REPL_LRU};
        c->psc[MMU_PSC_PDPTE] = (struct mmu_array_config){8, 4, MMU_REPL_LRU};
        c->psc[MMU_PSC_PDE] = (struct mmu_array_config){32, 8, MMU_REPL_LRU};
        o->pages = PAGES_4K;
    } else if (strcmp(name, "embedded") == 0) {
        /* A small in-order core, one request at a time: tiny L1s, a small STLB, small walk
         * caches. */
        mmu_config_blocking(c);
        c->itlb_4k = (struct mmu_array_config){16, 4, MMU_REPL_PLRU};
        c->itlb_2m = (struct mmu_array_config){4, 4, MMU_REPL_PLRU};
        c->dtlb_4k = (struct mmu_array_config){16, 4, MMU_REPL_PLRU};
        c->dtlb_2m = (struct mmu_array_config){4, 4, MMU_REPL_PLRU};
        c->stlb = (struct mmu_array_config){128, 4, MMU_REPL_PLRU};
        c->psc[MMU_PSC_PDE] = (struct mmu_array_config){4, 4, MMU_REPL_LRU};
        c->psc[MMU_PSC_PDPTE] = (struct mmu_array_config){2, 2, MMU_REPL_LRU};
        c->psc[MMU_PSC_PML4E] = (struct mmu_array_config){1, 1, MMU_REPL_LRU};
        c->stlb_latency = 6;
    } else {
        snprintf(err, errlen, "preset '%s' is unknown (skylake, champsim, embedded)", name);
        return -1;
    }
    c->id_bits = 8; /* a window of up to 256 */
    return 0;
}

static const struct key *find_key(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static int parse_bool(const char *v, bool *b)
{
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
        *b = true;
    else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
        *b = false;
    else
        return -1;
    return 0;
}

/* A whole number: decimal digits (leading zeros are decimal too: 0100 is 100, never octal) or
 * 0x and hexadecimal digits; nothing else, no sign, no spaces. */
static int parse_whole(const char *v, unsigned long long *x)
{
    bool hex = v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
    const char *digits = hex ? v + 2 : v;
    if (!(hex ? isxdigit((unsigned char)digits[0]) : isdigit((unsigned char)digits[0])))
        return -1;
    char *end;
    errno = 0;
    *x = strtoull(digits, &end, hex ? 16 : 10);
    return errno || *end ? -1 : 0;
}

int study_set(struct study_options *o, const char *name, const char *v, char *err, size_t errlen)
{
    const struct key *k = find_key(name);
    if (!k) {
        snprintf(err, errlen, "unknown key '%s' (mmusim run --help lists them)", name);
        return -1;
    }
    void *p = (char *)o + k->off;
    switch (k->kind) {
    case K_UINT:
    case K_U64: {
        unsigned long long x;
        if (parse_whole(v, &x) || x < k->min || x > k->max) {
            snprintf(err, errlen, "%s: '%s' is not a whole number from %" PRIu64 " to %" PRIu64,
                     name, v, k->min, k->max);
            return -1;
        }
        if (k->kind == K_U64) {
            *(uint64_t *)p = x;
        } else if (k->off == OPT(cfg.lfsr_seed)) {
            *(uint16_t *)p = (uint16_t)x;
        } else if (k->follow) {
            /* A fully associative paging-structure cache stays one as its size changes; one
             * given ways of its own (before its entries or after) keeps them. */
            struct mmu_array_config *a = p;
            if (a->ways == a->entries)
                a->ways = (unsigned)x;
            a->entries = (unsigned)x;
        } else {
            *(unsigned *)p = (unsigned)x;
        }
        return 0;
    }
    case K_BOOL:
        if (parse_bool(v, (bool *)p)) {
            snprintf(err, errlen, "%s: '%s' is not on or off", name, v);
            return -1;
        }
        return 0;
    case K_REPL:
        if (mmu_repl_parse(v, (enum mmu_repl *)p)) {
            snprintf(err, errlen, "%s: '%s' is not a policy (lru, plru, fifo, random)", name, v);
            return -1;
        }
        return 0;
    case K_PAGES:
        for (unsigned i = 0; i < PAGES_COUNT; i++)
            if (!strcmp(v, page_names[i])) {
                *(enum page_policy *)p = (enum page_policy)i;
                return 0;
            }
        snprintf(err, errlen, "%s: '%s' is not a page-size policy (4k, 2m, 1g, mixed, map)", name,
                 v);
        return -1;
    case K_PATH:
        if (strlen(v) >= sizeof(o->page_map)) {
            snprintf(err, errlen, "%s: path longer than %zu characters", name,
                     sizeof(o->page_map) - 1);
            return -1;
        }
        snprintf((char *)p, sizeof(o->page_map), "%s", v);
        return 0;
    default: /* K_FORMAT */
        if (trace_format_parse(v, (enum trace_format *)p)) {
            snprintf(err, errlen, "%s: '%s' is not a format (auto, lackey, champsim, text, binary)",
                     name, v);
            return -1;
        }
        return 0;
    }
}

int study_set_kv(struct study_options *o, const char *kv, char *err, size_t errlen)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        snprintf(err, errlen, "'%s' is not key=value", kv);
        return -1;
    }
    char name[128];
    snprintf(name, sizeof(name), "%.*s", (int)(eq - kv), kv);
    return study_set(o, name, eq + 1, err, errlen);
}

int study_check(const struct study_options *o, char *err, size_t errlen)
{
    if (mmu_config_check(&o->cfg, err, errlen))
        return -1;
    if (o->pages == PAGES_MAP && !o->page_map[0]) {
        snprintf(err, errlen, "pages=map needs page_map=FILE");
        return -1;
    }
    return 0;
}

static int load_object(struct study_options *o, const char *path, const char *prefix, json_t *obj,
                       char *err, size_t errlen)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        char name[160], text[64], why[320];
        snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "", k);
        if (!*prefix && strcmp(k, "preset") == 0)
            continue; /* applied first */
        if (json_is_object(v)) {
            if (load_object(o, path, name, v, err, errlen))
                return -1;
            continue;
        }
        const char *s;
        if (json_is_integer(v)) {
            snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            s = text;
        } else if (json_is_string(v)) {
            s = json_string_value(v);
        } else if (json_is_boolean(v)) {
            s = json_is_true(v) ? "on" : "off";
        } else {
            snprintf(err, errlen, "%s: key '%s': expected a whole number, a string or a boolean",
                     path, name);
            return -1;
        }
        if (study_set(o, name, s, why, sizeof(why))) {
            snprintf(err, errlen, "%s: %s", path, why); /* why begins with the key */
            return -1;
        }
    }
    return 0;
}

/* Applies a parsed configuration object, its preset first; `what` names it in errors. */
static int apply_json(struct study_options *o, const char *what, json_t *root, char *err,
                      size_t errlen)
{
    char why[256];
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s: the configuration must be a JSON object", what);
        return -1;
    }
    json_t *preset = json_object_get(root, "preset");
    if (preset &&
        (!json_is_string(preset) || study_preset(o, json_string_value(preset), why, sizeof(why)))) {
        snprintf(err, errlen, "%s: key 'preset': %s", what,
                 json_is_string(preset) ? why : "expected a string");
        return -1;
    }
    return load_object(o, what, "", root, err, errlen);
}

int study_load_json(struct study_options *o, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    struct stat st;
    if (!f || fstat(fileno(f), &st) || S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(f ? EISDIR : errno));
        if (f)
            fclose(f);
        return -1;
    }
    json_error_t je;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return -1;
    }
    int rc = apply_json(o, path, root, err, errlen);
    json_decref(root);
    return rc;
}

int study_configure(struct study_options *o, const char *text, char *err, size_t errlen)
{
    const char *p = text ? text : "";
    p += strspn(p, " \t\r\n");
    if (*p == '{') {
        json_error_t je;
        json_t *root = json_loads(p, JSON_REJECT_DUPLICATES, &je);
        if (!root) {
            snprintf(err, errlen, "configuration:%d:%d: %s", je.line, je.column, je.text);
            return -1;
        }
        int rc = apply_json(o, "configuration", root, err, errlen);
        json_decref(root);
        return rc;
    }
    /* key=value items: the preset's first, then the others in their order. */
    static const char sep[] = " \t\r\n,;";
    for (int pass = 0; pass < 2; pass++) {
        for (const char *q = p; *q;) {
            size_t n = strcspn(q, sep);
            if (n) {
                char item[512];
                if (n >= sizeof(item)) {
                    snprintf(err, errlen, "configuration: an item of %zu characters (at most %zu)",
                             n, sizeof(item) - 1);
                    return -1;
                }
                memcpy(item, q, n);
                item[n] = '\0';
                bool is_preset = !strncmp(item, "preset=", 7);
                int rc = 0;
                if (pass == 0 && is_preset)
                    rc = study_preset(o, item + 7, err, errlen);
                else if (pass == 1 && !is_preset)
                    rc = study_set_kv(o, item, err, errlen);
                if (rc)
                    return -1;
            }
            q += n;
            q += strspn(q, sep);
        }
    }
    return 0;
}

void study_dump_json(const struct study_options *o, FILE *out)
{
    fprintf(out, "{\n");
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        const void *p = (const char *)o + k->off;
        fprintf(out, "  \"%s\": ", k->name);
        switch (k->kind) {
        case K_UINT:
            if (k->off == OPT(cfg.lfsr_seed))
                fprintf(out, "%u", *(const uint16_t *)p);
            else
                fprintf(out, "%u", *(const unsigned *)p);
            break;
        case K_U64:
            fprintf(out, "%" PRIu64, *(const uint64_t *)p);
            break;
        case K_BOOL:
            fprintf(out, "%s", *(const bool *)p ? "true" : "false");
            break;
        case K_REPL:
            fprintf(out, "\"%s\"", mmu_repl_name(*(const enum mmu_repl *)p));
            break;
        case K_PAGES:
            fprintf(out, "\"%s\"", page_policy_name(*(const enum page_policy *)p));
            break;
        case K_PATH: {
            json_t *str = json_string((const char *)p); /* escaped as JSON requires */
            char *text = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
            fprintf(out, "%s", text ? text : "\"\"");
            free(text);
            json_decref(str);
            break;
        }
        default:
            fprintf(out, "\"%s\"", trace_format_name(*(const enum trace_format *)p));
            break;
        }
        fprintf(out, "%s\n", i + 1 < NKEYS ? "," : "");
    }
    fprintf(out, "}\n");
}

void study_print_keys(FILE *out)
{
    for (size_t i = 0; i < NKEYS; i++)
        fprintf(out, "  %-18s %s\n", keys[i].name, keys[i].help);
}
