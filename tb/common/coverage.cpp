// Functional coverage: see coverage.h.
#include "coverage.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>

// ---- bins and crosses -------------------------------------------------------------------------

unsigned Coverage::bin(const std::string &name) {
  names_.push_back(name);
  counts_.push_back(0);
  return unsigned(names_.size() - 1);
}

unsigned Coverage::cross(const std::string &name, std::vector<Axis> axes, Legal legal) {
  Cross x{name, std::move(axes), {}};
  size_t combos = 1;
  for (const Axis &a : x.axes) combos *= a.values.size();
  std::vector<unsigned> v(x.axes.size(), 0);
  for (size_t i = 0; i < combos; i++) {
    size_t rest = i;  // the combination's values, first axis most significant
    for (size_t k = x.axes.size(); k-- > 0;) {
      v[k] = unsigned(rest % x.axes[k].values.size());
      rest /= x.axes[k].values.size();
    }
    if (legal && !legal(v)) {
      x.bin_of.push_back(-1);
      continue;
    }
    std::string n = name;
    for (size_t k = 0; k < v.size(); k++) n += "." + x.axes[k].values[v[k]];
    x.bin_of.push_back(int(bin(n)));
  }
  crosses_.push_back(std::move(x));
  return unsigned(crosses_.size() - 1);
}

void Coverage::hit(unsigned cross, std::initializer_list<unsigned> values) {
  Cross &x = crosses_[cross];
  size_t i = 0, k = 0;
  for (unsigned v : values) i = i * x.axes[k++].values.size() + v;
  if (x.bin_of[i] < 0) {
    // Declared on first sight, so that the report names the combination.
    std::string n = "illegal." + x.name;
    k = 0;
    for (unsigned v : values) n += "." + x.axes[k++].values[v];
    x.bin_of[i] = int(bin(n));
  }
  counts_[size_t(x.bin_of[i])]++;
}

bool Coverage::write(const std::string &path, const std::string &run, std::string &err) const {
  // Written beside it and renamed: a failed write leaves an old file as it was.
  const std::string tmp = path + ".tmp";
  FILE *f = fopen(tmp.c_str(), "w");
  if (!f) return err = "cannot write " + tmp + ": " + strerror(errno), false;
  fprintf(f, "# mmusim functional coverage 1\nrun %s\n", run.c_str());
  for (size_t i = 0; i < names_.size(); i++)
    fprintf(f, "bin %s %" PRIu64 "\n", names_[i].c_str(), counts_[i]);
  if (fclose(f) != 0 || rename(tmp.c_str(), path.c_str()) != 0) {
    err = "cannot write " + path + ": " + strerror(errno);
    remove(tmp.c_str());
    return false;
  }
  return true;
}

// ---- the MMU's bins ---------------------------------------------------------------------------

namespace {

using Axis = Coverage::Axis;
using V = std::vector<unsigned>;

// The groups of a page-table entry's bits the pte cross samples. Bits 52..58 are ignored by the
// walker; 59..62 are the leaf's protection key (ignored above it); the reserved groups fault
// when set (rsvd_2m: bits 20:13 of a 2 MiB leaf, rsvd_1g: bits 29:13 of a 1 GiB leaf).
enum Group {
  P,
  RW,
  US,
  PWT,
  PCD,
  A,
  D,
  PS,
  G,
  AVL,
  IGN,
  PK,
  NX,
  RSVD_PA,
  RSVD_2M,
  RSVD_1G,
  GROUPS
};
const Axis kGroups{"bit",
                   {"p", "rw", "us", "pwt", "pcd", "a", "d", "ps", "g", "avl", "ign52_58",
                    "pk59_62", "nx", "rsvd_pa", "rsvd_2m", "rsvd_1g"}};
enum Outcome { LEAF, DESCEND, FAULT };
const Axis kLevels{"level", {"l1", "l2", "l3", "l4", "l5"}};  // index: level - 1 (l5: la57)
const Axis kSetClear{"value", {"clear", "set"}};
const Axis kOutcomes{"outcome", {"leaf", "descend", "fault"}};
const Axis kAccess{"access", {"read", "write", "fetch"}};  // enum mmu_access
const Axis kPriv{"priv", {"sup", "user"}};
const Axis kWp{"wp", {"wp0", "wp1"}};
const Axis kNxe{"nxe", {"nxe0", "nxe1"}};
const Axis kNoYes{"", {"no", "yes"}};

// enum mmu_fault from NOT_PRESENT on, without BUS_ERROR (bins of its own); the fault level
// "none" is non-canonical's.
const Axis kFaults{
    "fault",
    {"not_present", "reserved", "write", "user", "nx", "non_canonical", "smep", "smap", "pk"}};
unsigned fault_index(enum mmu_fault f) {
  return f < MMU_FAULT_BUS_ERROR ? unsigned(f) - 1 : unsigned(f) - 2;
}
const Axis kFaultLevels{"level", {"none", "l1", "l2", "l3", "l4", "l5"}};

// (Each TLB's arrays in the order of its page sizes, enum mmu_size_id. Inside MmuCoverage the
// STLB's is Array::STLB: MmuCoverage::STLB is a Service.)
enum Array {
  ITLB4K,
  ITLB2M,
  ITLB1G,
  DTLB4K,
  DTLB2M,
  DTLB1G,
  STLB,
  STLB1G,
  PSC_PDE,
  PSC_PDPTE,
  PSC_PML4E,
  PSC_PML5E,
  ARRAYS
};
const Axis kArrays{"array",
                   {"itlb4k", "itlb2m", "itlb1g", "dtlb4k", "dtlb2m", "dtlb1g", "stlb", "stlb1g",
                    "psc_pde", "psc_pdpte", "psc_pml4e", "psc_pml5e"}};
const Axis kPolicies{"policy", {"lru", "plru", "fifo", "random"}};  // enum mmu_repl

// Invalidations, and the arrays they act on as an invalidation sees them: a TLB (both page
// sizes) or a paging-structure cache.
enum InvalOp { CR3, CR3_NOFLUSH, INVLPG, INVPCID0, INVPCID1, INVPCID2, INVPCID3, FLUSH };
const Axis kInvalOps{
    "op",
    {"cr3", "cr3_noflush", "invlpg", "invpcid0", "invpcid1", "invpcid2", "invpcid3", "flush_all"}};
const Axis kInvalArrays{"array",
                        {"itlb", "dtlb", "stlb", "psc_pde", "psc_pdpte", "psc_pml4e", "psc_pml5e"}};
// What the array held in the operation's scope (its address's entries, or all): global
// entries, non-global ones of the operation's PCID or of another; or nothing.
const Axis kHeld{"held", {"global", "pcid", "other_pcid", "nothing"}};

const Axis kServices{"during", {"idle", "hit", "stlb", "walk", "dirty_rewalk", "control"}};

const struct mmu_array_config &array_config(const struct mmu_config &c, unsigned a) {
  const struct mmu_array_config *t[] = {&c.itlb_4k, &c.itlb_2m, &c.itlb_1g, &c.dtlb_4k,
                                        &c.dtlb_2m, &c.dtlb_1g, &c.stlb,    &c.stlb_1g,
                                        &c.psc[0],  &c.psc[1],  &c.psc[2],  &c.psc[3]};
  return *t[a];
}

uint64_t group_mask(unsigned g, unsigned pa_bits) {
  switch (g) {
    case P:
      return PTE_P;
    case RW:
      return PTE_RW;
    case US:
      return PTE_US;
    case PWT:
      return PTE_PWT;
    case PCD:
      return PTE_PCD;
    case A:
      return PTE_A;
    case D:
      return PTE_D;
    case PS:
      return PTE_PS;
    case G:
      return PTE_G;
    case AVL:
      return 0xe00;
    case IGN:
      return 0x07f0000000000000ull;
    case PK:
      return 0x7800000000000000ull;
    case NX:
      return PTE_NX;
    case RSVD_PA:
      return PTE_ADDR_MASK & ~((1ull << pa_bits) - 1);
    case RSVD_2M:
      return PDE_2M_RSVD_MASK;
    default:
      return PDPTE_1G_RSVD_MASK;
  }
}

// Whether the walker can read an entry at `level` with group g clear or set and end there with
// `o`. Bits other than P are sampled on present entries only, rsvd_2m and rsvd_1g on 2 MiB and
// 1 GiB leaves only. pdpe1gb: a PDPTE with PS = 1 is a leaf (else PS is reserved there).
bool pte_legal(unsigned level, unsigned g, bool set, unsigned o, unsigned pa_bits, bool pdpe1gb) {
  unsigned top_leaf = pdpe1gb ? 3 : 2;
  if (o == LEAF && level > top_leaf) return false;  // no leaf above a PDPTE (or a PDE)
  if (o == DESCEND && level == 1) return false;
  if (g == P) return set || o == FAULT;
  if (g == RSVD_PA && pa_bits == 52) return false;  // no such bits
  if (g == RSVD_2M) return level == 2 && o != DESCEND && (!set || o == FAULT);
  if (g == RSVD_1G) return pdpe1gb && level == 3 && o != DESCEND && (!set || o == FAULT);
  if (g == RSVD_PA && set) return o == FAULT;
  if (g == PS && level > top_leaf && set) return o == FAULT;         // reserved: never a page here
  if (g == PS && level >= 2) return set ? o != DESCEND : o != LEAF;  // PS is the leaf's mark
  return true;  // PS in a PTE is PAT; every other bit may go either way
}

// Whether a fault of this kind can end a translation at this level, for this access, privilege
// and mode (the permission faults come from a leaf, at level 1 or 2, or 3 with 1 GiB pages;
// level 5 is la57's).
bool fault_legal(const V &v, bool la57, bool pdpe1gb) {
  unsigned kind = v[0], level = v[1], acc = v[2], user = v[3], wp = v[4], nxe = v[5];
  if (level == 5 && !la57) return false;
  // (A leaf's level, as the cases below take it: a 1 GiB leaf's 3 as a 2 MiB leaf's 2.)
  if (level == 3 && kind >= 2 && kind != 5) {
    if (!pdpe1gb) return false;
    level = 2;
  }
  switch (kind) {
    case 0:  // not present
    case 1:
      return level >= 1;  // reserved: at any level
    case 2:               // write to a read-only leaf
      return (level == 1 || level == 2) && acc == MMU_ACC_WRITE && (user || wp);
    case 3:
      return (level == 1 || level == 2) && user;  // user access to a supervisor leaf
    case 4:
      return (level == 1 || level == 2) && acc == MMU_ACC_FETCH && nxe;
    case 5:
      return level == 0;  // non-canonical: nothing is read
    case 6:               // SMEP: a supervisor fetch from a user-mode leaf
      return (level == 1 || level == 2) && acc == MMU_ACC_FETCH && !user;
    case 7:  // SMAP: a supervisor data access to one
      return (level == 1 || level == 2) && acc != MMU_ACC_FETCH && !user;
    default:  // the protection key: a data access to a user-mode leaf
      return (level == 1 || level == 2) && acc != MMU_ACC_FETCH;
  }
}

}  // namespace

MmuCoverage::MmuCoverage(const struct mmu_config &cfg)
    : cfg_(cfg),
      wp_(cfg.wp),
      nxe_(cfg.nxe),
      concurrent_(cfg.walkers > 1 || cfg.miss_entries > 1 || cfg.hit_under_miss) {
  const unsigned pa_bits = cfg.pa_bits;
  const bool la57 = cfg.la57;
  const unsigned levels = la57 ? PT_LEVELS_MAX : PT_LEVELS;
  // (The PML5E cache serves 5-level paging only.)
  auto present = [&](unsigned a) {
    return array_config(cfg, a).entries > 0 && (a != PSC_PML5E || la57);
  };
  auto tlb_present = [&](unsigned t) {  // kInvalArrays' TLBs: itlb, dtlb, stlb
    return t == 0   ? present(ITLB4K) || present(ITLB2M) || present(ITLB1G)
           : t == 1 ? present(DTLB4K) || present(DTLB2M) || present(DTLB1G)
                    : present(Array::STLB) || present(STLB1G);
  };
  const bool pdpe1gb = cfg.pdpe1gb;

  // Every entry the walker read: each bit group set and clear, at each level, by the walk's
  // outcome at that entry.
  pte_ = cov_.cross("pte", {kLevels, kGroups, kSetClear, kOutcomes}, [=](const V &v) {
    return v[0] < levels && pte_legal(v[0] + 1, v[1], v[2], v[3], pa_bits, pdpe1gb);
  });
  // Every page fault: kind x level x access x privilege x CR0.WP x EFER.NXE.
  fault_ = cov_.cross("fault", {kFaults, kFaultLevels, kAccess, kPriv, kWp, kNxe},
                      [=](const V &v) { return fault_legal(v, la57, pdpe1gb); });
  // Every bus error (a memory profile with errors): the level of the failed access x whether it
  // was the entry's read or its A/D write-back. A write-back at level 4 needs a PML4 entry with A
  // clear, which the random stimulus makes too.
  bus_error_ = cov_.cross("bus_error", {kLevels, {"access", {"read", "write"}}},
                          [=](const V &v) { return v[0] < levels; });
  // The same with requests in flight (the configurations with several walkers or entries, or
  // hit under miss), where the accesses between a request's issue and its answer are not all its
  // walk's: sampled when exactly one of them was answered with an error, which is then its own.
  bus_error_in_flight_ =
      cov_.cross("bus_error_in_flight", {kLevels, {"access", {"read", "write"}}},
                 [c = concurrent_, levels](const V &v) { return c && v[0] < levels; });
  // Every translation: page size x where it came from x access; so every page size from each
  // TLB (l1 with a fetch: the ITLB, else the DTLB). A 1 GiB page from a TLB without a 1 GiB
  // array comes from its 2 MiB fraction (the ITLB's, by default).
  source_ = cov_.cross(
      "source", {{"size", {"4k", "2m", "1g"}}, {"from", {"l1", "stlb", "walk"}}, kAccess},
      [=](const V &v) {
        return (v[0] != 2 || pdpe1gb) && (v[1] != 1 || present(Array::STLB) || present(STLB1G));
      });
  // Every invalidation x each array x what the array held in its scope.
  inval_ = cov_.cross("inval", {kInvalOps, kInvalArrays, kHeld}, [=](const V &v) {
    if (v[1] < 3) return tlb_present(v[1]);
    return present(PSC_PDE + v[1] - 3) && v[2] != 0;  // paging-structure entries: never global
  });
  // A fill that replaced a valid entry, in each array, under the policy it has here.
  evict_ = cov_.cross("evict", {kArrays, kPolicies}, [=](const V &v) {
    return present(v[0]) && array_config(cfg, v[0]).repl == v[1];
  });
  psc_hit_ = cov_.cross("psc_hit", {{"level", {"pde", "pdpte", "pml4e", "pml5e"}}},
                        [=](const V &v) { return present(PSC_PDE + v[0]); });
  // A write that found its entry clean: where, before the walk that sets D.
  dirty_ = cov_.cross("dirty_rewalk", {{"from", {"l1", "stlb"}}},
                      [=](const V &v) { return v[0] == 0 || present(Array::STLB); });
  // The memory: accepted at once and answered the next cycle (accesses back to back), not ready
  // when first presented, stalled 8 cycles or more, answered after 40 cycles or more.
  mem_ = cov_.cross("mem", {{"", {"back_to_back", "ready_low_first", "long_stall", "long_wait"}}});
  // A request or control operation presented while the previous item is in service. Not
  // after an L1 hit: the benches present an item in the cycle after the previous one was
  // accepted at the earliest, which is the hit's response cycle (the port takes one a cycle).
  arrive_ = cov_.cross("arrive", {{"item", {"request", "control"}}, kServices},
                       [](const V &v) { return v[1] != HIT; });
  same_cycle_ = cov_.bin("same_cycle.control_and_request");
  // Requests meeting in the MMU: only with requests in flight; those of two walkers with two.
  const bool concurrent = concurrent_;
  const unsigned walkers = cfg.walkers;
  in_flight_ = cov_.cross(
      "in_flight",
      {{"",
        {"merged_into_probe_wait", "merged_into_probing", "merged_into_waiting",
         "merged_into_walking", "secondary_failed", "queue_full", "all_walkers_busy",
         "mem_out_of_order", "two_walkers_one_entry"}}},
      [=](const V &v) { return concurrent && (v[0] < ALL_WALKERS_BUSY || walkers > 1); });
  ctrl_in_flight_ =
      cov_.cross("control_in_flight",
                 {{"op", {"cr3", "invlpg", "invpcid", "flush_all", "set_mode", "set_prot"}}});
  // SMEP, SMAP and protection keys (docs/ARCHITECTURE.md section 2): every setting of CR4.SMEP,
  // CR4.SMAP, CR4.PKE and EFLAGS.AC set by an operation; an SMAP fault of an explicit access with
  // AC = 0 and of an implicit one with AC either way (an explicit one with AC = 1 passes); and
  // the error code's PK bit on the faults of other checks that it can go with (a write to a
  // read-only page, an SMAP fault), set and clear.
  prot_set_ = cov_.cross("set_prot", {{"smep", {"smep0", "smep1"}},
                                      {"smap", {"smap0", "smap1"}},
                                      {"pke", {"pke0", "pke1"}},
                                      {"ac", {"ac0", "ac1"}}});
  smap_ = cov_.cross("smap_fault", {{"ac", {"ac0", "ac1"}}, {"", {"explicit", "implicit"}}},
                     [](const V &v) { return !(v[0] == 1 && v[1] == 0); });
  pk_bit_ = cov_.cross("pk_bit", {{"fault", {"write", "smap"}}, kPriv, {"pk", {"pk0", "pk1"}}},
                       [](const V &v) { return v[0] == 0 || v[1] == 0; });
}

static_assert(MmuCoverage::MERGED_WALKING - MmuCoverage::MERGED_PROBE_WAIT == MMU_MERGE_WALKING,
              "the in_flight merge bins follow enum mmu_merge_into");

MmuCoverage::Service MmuCoverage::request(
    const struct mmu_request &req, const struct mmu_response &resp, const std::vector<Access> &acc,
    const struct mmu_stats &before, const struct mmu_stats &after, bool l1_held, bool stlb_held) {
  Service service = resp.source == MMU_SRC_WALK   ? WALK
                    : resp.source == MMU_SRC_STLB ? STLB
                    : resp.source == MMU_SRC_L1   ? HIT
                                                  : IDLE;  // non-canonical: answered in its cycle
  if (!concurrent_) {
    unsigned reads = 0;
    for (const Access &a : acc) reads += !a.write;
    if (reads != after.walk_reads - before.walk_reads)
      throw std::logic_error("coverage: " + std::to_string(reads) + " reads seen, the model made " +
                             std::to_string(after.walk_reads - before.walk_reads));
    walk_entries(resp, acc, reads);
    if (resp.fault == MMU_FAULT_BUS_ERROR) {
      if (acc.empty() || !acc.back().error || resp.level < 1 || resp.level > PT_LEVELS_MAX)
        throw std::logic_error("coverage: a bus error at level " + std::to_string(resp.level) +
                               " whose last access was answered with data");
      cov_.hit(bus_error_, {resp.level - 1, acc.back().write});
    }
  }
  if (concurrent_ && resp.fault == MMU_FAULT_BUS_ERROR) {
    const Access *failed = nullptr;
    unsigned errors = 0;
    for (const Access &a : acc)
      if (a.error) {
        errors++;
        failed = &a;
      }
    if (errors == 0 || resp.level < 1 || resp.level > PT_LEVELS_MAX)
      throw std::logic_error("coverage: a bus error at level " + std::to_string(resp.level) +
                             " with no access answered with an error since its issue");
    if (errors == 1) cov_.hit(bus_error_in_flight_, {resp.level - 1, failed->write});
  }
  if (resp.fault != MMU_FAULT_NONE && resp.fault != MMU_FAULT_BUS_ERROR)
    cov_.hit(fault_,
             {fault_index(resp.fault), resp.level, unsigned(req.type), req.user, wp_, nxe_});
  if (resp.fault == MMU_FAULT_SMAP) cov_.hit(smap_, {ac_, req.implicit});
  if (resp.fault == MMU_FAULT_WRITE || resp.fault == MMU_FAULT_SMAP)
    cov_.hit(pk_bit_, {resp.fault == MMU_FAULT_SMAP, req.user, (resp.error_code & PF_ERR_PK) != 0});
  if (resp.fault == MMU_FAULT_NONE)
    cov_.hit(source_, {resp.page_shift == PAGE_SHIFT_1G   ? 2u
                       : resp.page_shift == PAGE_SHIFT_2M ? 1u
                                                          : 0u,
                       unsigned(resp.source), unsigned(req.type)});
  if (concurrent_) {
    for (unsigned k = 0; k < MMU_MERGE_COUNT; k++)
      if (after.merged_into[k] != seen_.merged_into[k]) in_flight(InFlight(MERGED_PROBE_WAIT + k));
    if (after.secondaries_failed != seen_.secondaries_failed) in_flight(SECONDARY_FAILED);
    if (after.miss_queue_full_cycles != seen_.miss_queue_full_cycles) in_flight(QUEUE_FULL);
    if (after.walks_peak >= cfg_.walkers && seen_.walks_peak < cfg_.walkers)
      in_flight(ALL_WALKERS_BUSY);
  }
  evictions(seen_, after);
  for (unsigned c = 0; c < kRtlPscs; c++)
    if (after.psc_hits[c] != seen_.psc_hits[c]) cov_.hit(psc_hit_, {c});
  seen_ = after;
  if (concurrent_) return service;
  bool dirty = after.dirty_rewalks != before.dirty_rewalks;
  if (dirty) {
    if (!l1_held && !stlb_held)
      throw std::logic_error("coverage: a dirty re-walk with no entry held");
    cov_.hit(dirty_, {!l1_held});
    return DIRTY_REWALK;
  }
  return service;
}

// The walk's reads, in order, are the entries from its first level down to resp.level, where
// it ended: descending through all but the last, which was the leaf or faulted.
void MmuCoverage::walk_entries(const struct mmu_response &resp, const std::vector<Access> &acc,
                               unsigned reads) {
  if (reads == 0) return;
  if (resp.level + reads - 1 > (cfg_.la57 ? PT_LEVELS_MAX : PT_LEVELS))
    throw std::logic_error("coverage: " + std::to_string(reads) +
                           " reads for a walk ending at "
                           "level " +
                           std::to_string(resp.level));
  unsigned k = 0;
  for (const Access &a : acc) {
    if (a.write) continue;
    unsigned level = resp.level + (reads - 1 - k);
    unsigned o = k + 1 < reads ? DESCEND : resp.fault != MMU_FAULT_NONE ? FAULT : LEAF;
    k++;
    // A bus error's last read has no data, or was used and its write-back failed: its outcome
    // is the memory's, not the entry's.
    if (resp.fault == MMU_FAULT_BUS_ERROR && k == reads) continue;
    uint64_t e = a.data;
    if (!(e & PTE_P)) {
      cov_.hit(pte_, {level - 1, P, 0, o});
      continue;
    }
    for (unsigned g = P; g < RSVD_2M; g++) {  // (the leaves' reserved groups below)
      uint64_t m = group_mask(g, cfg_.pa_bits);
      if (m) cov_.hit(pte_, {level - 1, g, (e & m) != 0, o});
    }
    if (level == 2 && (e & PTE_PS))
      cov_.hit(pte_, {level - 1, RSVD_2M, (e & PDE_2M_RSVD_MASK) != 0, o});
    if (level == 3 && (e & PTE_PS) && cfg_.pdpe1gb)
      cov_.hit(pte_, {level - 1, RSVD_1G, (e & PDPTE_1G_RSVD_MASK) != 0, o});
  }
}

void MmuCoverage::evictions(const struct mmu_stats &b, const struct mmu_stats &a) {
  auto tlb = [&](enum mmu_tlb_id t, int size) {
    uint64_t n = 0;
    for (int s = 0; s < MMU_SIZE_COUNT; s++)
      if (size < 0 || s == size) n += a.tlb[t].evictions[s] - b.tlb[t].evictions[s];
    return n;
  };
  uint64_t n[ARRAYS] = {tlb(MMU_TLB_ITLB, MMU_SIZE_4K),
                        tlb(MMU_TLB_ITLB, MMU_SIZE_2M),
                        tlb(MMU_TLB_ITLB, MMU_SIZE_1G),
                        tlb(MMU_TLB_DTLB, MMU_SIZE_4K),
                        tlb(MMU_TLB_DTLB, MMU_SIZE_2M),
                        tlb(MMU_TLB_DTLB, MMU_SIZE_1G),
                        tlb(MMU_TLB_STLB, MMU_SIZE_4K) + tlb(MMU_TLB_STLB, MMU_SIZE_2M),
                        tlb(MMU_TLB_STLB, MMU_SIZE_1G)};
  for (unsigned c = 0; c < kRtlPscs; c++) n[PSC_PDE + c] = a.psc_evictions[c] - b.psc_evictions[c];
  for (unsigned x = 0; x < ARRAYS; x++)
    if (n[x]) cov_.hit(evict_, {x, unsigned(array_config(cfg_, x).repl)});
}

void MmuCoverage::control(const struct mmu *m, const struct mmu_ctrl &c) {
  unsigned op;
  uint16_t pcid = mmu_current_pcid(m);
  switch (c.op) {
    case MMU_CTRL_LOAD_CR3:
      op = c.value >> 63 ? CR3_NOFLUSH : CR3;
      pcid = uint16_t(c.value & 0xfff);
      break;
    case MMU_CTRL_INVLPG:
      op = INVLPG;
      break;
    case MMU_CTRL_INVPCID:
      op = INVPCID0 + (c.invpcid_type & 3);
      if (c.invpcid_type <= 1) pcid = c.pcid;
      break;
    case MMU_CTRL_FLUSH_ALL:
      op = FLUSH;
      break;
    case MMU_CTRL_SET_MODE:  // no invalidation
      wp_ = c.wp;
      nxe_ = c.nxe;
      return;
    default:  // SET_PROT: none either
      ac_ = c.ac;
      cov_.hit(prot_set_, {c.smep, c.smap, c.pke, c.ac});
      return;
  }
  bool by_addr = op == INVLPG || op == INVPCID0;
  auto sample = [&](unsigned array, const struct mmu_census &n) {
    if (n.global) cov_.hit(inval_, {op, array, 0});
    if (n.pcid) cov_.hit(inval_, {op, array, 1});
    if (n.other) cov_.hit(inval_, {op, array, 2});
    if (!n.global && !n.pcid && !n.other) cov_.hit(inval_, {op, array, 3});
  };
  for (unsigned t = 0; t < MMU_TLB_COUNT; t++) {
    bool present = t == MMU_TLB_STLB
                       ? cfg_.stlb.entries + cfg_.stlb_1g.entries > 0
                       : array_config(cfg_, 3 * t).entries + array_config(cfg_, 3 * t + 1).entries +
                                 array_config(cfg_, 3 * t + 2).entries >
                             0;
    if (present)
      sample(t, mmu_tlb_census(m, static_cast<enum mmu_tlb_id>(t), pcid, by_addr, c.value));
  }
  for (unsigned p = 0; p < kRtlPscs; p++)
    if (cfg_.psc[p].entries && (p != MMU_PSC_PML5E || cfg_.la57))
      sample(3 + p, mmu_psc_census(m, static_cast<enum mmu_psc_id>(p), pcid, by_addr, c.value));
}

void MmuCoverage::memory(uint64_t stall, uint64_t latency) {
  if (stall == 0 && latency == 1) cov_.hit(mem_, {0});
  if (stall >= 1) cov_.hit(mem_, {1});
  if (stall >= 8) cov_.hit(mem_, {2});
  if (latency >= 40) cov_.hit(mem_, {3});
}
