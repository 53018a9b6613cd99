// Stimulus sources; see stimulus.h.
#include "stimulus.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "mmusim/trace.h"

World::~World() {
  for (struct aspace *a : as) aspace_destroy(a);
  phys_mem_destroy(pm);
}

namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  unsigned below(unsigned n) { return unsigned(next() % n); }
  bool percent(unsigned p) { return below(100) < p; }

 private:
  uint64_t s_;
};

void check(int rc, struct aspace *as) {
  if (rc) throw std::runtime_error(std::string("stimulus: ") + aspace_error(as));
}

// An address space of w's paging mode (a PML4, or a PML5 with la57), added to w.
struct aspace *new_aspace(World &w) {
  char err[256];
  struct aspace *as =
      aspace_create_levels(w.pm, w.la57 ? PT_LEVELS_MAX : PT_LEVELS, err, sizeof err);
  if (!as) throw std::runtime_error(err);
  w.as.push_back(as);
  return as;
}

// The lowest address bit that makes an address non-canonical when flipped: 47, or 56 with
// la57.
uint64_t noncanonical_bit(const World &w) {
  return w.la57 ? 1ull << 56 : 1ull << 47;
}

// The level of the leaf that maps a page of 2^shift bytes: 1, 2 or 3.
unsigned leaf_level(unsigned shift) {
  return shift == PAGE_SHIFT_4K ? 1 : shift == PAGE_SHIFT_2M ? 2 : 3;
}

StimItem request(uint64_t va, enum mmu_access type, bool user, unsigned gap = 0,
                 bool implicit = false) {
  StimItem it;
  it.req.vaddr = va;
  it.req.type = type;
  it.req.user = user;
  it.req.implicit = implicit;
  it.gap = gap;
  return it;
}

StimItem control(const struct mmu_ctrl &c, unsigned gap = 0) {
  StimItem it;
  it.is_ctrl = true;
  it.ctrl = c;
  it.gap = gap;
  return it;
}

StimItem load_cr3(struct aspace *as, uint16_t pcid, bool noflush) {
  struct mmu_ctrl c {};
  c.op = MMU_CTRL_LOAD_CR3;
  c.value = aspace_pml4(as) | pcid | (uint64_t(noflush) << 63);
  return control(c);
}

StimItem set_mode(bool wp, bool nxe) {
  struct mmu_ctrl c {};
  c.op = MMU_CTRL_SET_MODE;
  c.wp = wp;
  c.nxe = nxe;
  return control(c);
}

StimItem set_prot(bool smep, bool smap, bool pke, bool ac, uint32_t pkru) {
  struct mmu_ctrl c {};
  c.op = MMU_CTRL_SET_PROT;
  c.smep = smep;
  c.smap = smap;
  c.pke = pke;
  c.ac = ac;
  c.pkru = pkru;
  return control(c);
}

// ---- constrained random -----------------------------------------------------------------------

// Every address space has the same regions (user regions at different physical pages, kernel
// regions shared and global); about one page in ten is left unmapped.
struct Region {
  uint64_t base;
  unsigned pages;
  unsigned shift;
  bool user, code, kernel;
};

const Region kRegions[] = {
    {0x0000000000400000ull, 256, PAGE_SHIFT_4K, true, true, false},    // code
    {0x0000000010000000ull, 1024, PAGE_SHIFT_4K, true, false, false},  // heap
    {0x0000000040000000ull, 32, PAGE_SHIFT_2M, true, false, false},    // big pages
    {0x00007ffff0000000ull, 64, PAGE_SHIFT_4K, true, false, false},    // stack
    {0xffffffff80000000ull, 8, PAGE_SHIFT_2M, false, true, true},      // kernel text
    {0xffff888000000000ull, 128, PAGE_SHIFT_4K, false, false, true},   // kernel data
    // 1 GiB pages: a user region (hugetlbfs), more pages than the DTLB's 1 GiB array holds, and
    // kernel pages that are fetched from too, so that the ITLB holds their 2 MiB fractions.
    // (Without 1 GiB pages, pdpe1gb = 0, their walks end in a reserved-bit fault.)
    {0x0000600000000000ull, 8, PAGE_SHIFT_1G, true, false, false},  // big user pages
    {0xffffc00000000000ull, 4, PAGE_SHIFT_1G, false, true, true},   // kernel, 1 GiB
};
constexpr unsigned kKernelData = 5, kKernelText = 4, kKernel1g = 7;  // kRegions' indices
// With 5-level paging, also regions beyond 48 bits, in PML5 slots other than the first and the
// last, which kRegions use: five slots in all, so that a two-entry PML5E cache evicts.
const Region kRegionsLa57[] = {
    {0x0001234500000000ull, 64, PAGE_SHIFT_4K, true, false, false},  // user, PML5 slot 1
    {0x00ff000000000000ull, 4, PAGE_SHIFT_2M, true, false, false},   // user, PML5 slot 255
    {0xff00000000000000ull, 32, PAGE_SHIFT_4K, false, false, true},  // kernel, PML5 slot 256
};
constexpr unsigned kNumAs = 4;

class RandomStim : public Stimulus {
 public:
  RandomStim(World &w, uint64_t seed, uint64_t count)
      : w_(w), rng_(seed), left_(count), top_bit_(noncanonical_bit(w)) {
    regions_.assign(std::begin(kRegions), std::end(kRegions));
    if (w.la57) regions_.insert(regions_.end(), std::begin(kRegionsLa57), std::end(kRegionsLa57));
    num_regions_ = unsigned(regions_.size());
    for (unsigned a = 0; a < kNumAs; a++) new_aspace(w);
    for (unsigned r = 0; r < num_regions_; r++) {
      const Region &g = regions_[r];
      move_table_frames();
      for (unsigned p = 0; p < g.pages; p++) {
        if (rng_.percent(10)) continue;  // a hole
        uint64_t va = g.base + (uint64_t(p) << g.shift);
        uint64_t flags = random_flags(g);
        uint64_t shared_pa = new_pa(g.shift);
        for (unsigned a = 0; a < kNumAs; a++)
          check(aspace_map(w.as[a], va, g.kernel ? shared_pa : new_pa(g.shift), g.shift, flags),
                w.as[a]);
      }
    }
    for (unsigned a = 0; a < kNumAs; a++) move_hot(a);
    queue_.push_back(load_cr3(w.as[0], pcid_of(0), false));
  }

  std::string describe() const override { return "random"; }

  bool next(StimItem &it) override {
    if (!queue_.empty()) {
      it = std::move(queue_.front());
      queue_.pop_front();
      return true;
    }
    if (left_ == 0) return false;
    left_--;
    items_++;
    if (!restores_.empty() && restores_.front().first <= items_) {
      it = access();
      it.os.push_back(restores_.front().second);
      restores_.pop_front();
      it.gap = random_gap();
      return true;
    }
    if (++since_move_ % 3000 == 0) move_hot(cur_);
    unsigned p = rng_.below(1000);
    if (p < 12) {
      it = os_change();
    } else if (p < 20) {
      it = control_op();
    } else if (p < 32) {
      episode();  // requests in flight: queued items, presented back to back
      it = std::move(queue_.front());
      queue_.pop_front();
      return true;
    } else {
      it = access();
    }
    it.gap = random_gap();
    return true;
  }

 private:
  // PCIDs spread over all 12 bits, so that every tag bit toggles.
  static uint16_t pcid_of(unsigned a) {
    static const uint16_t pcids[kNumAs] = {0x001, 0x801, 0xfff, 0x7f8};
    return pcids[a];
  }

  // The tables of the next region's pages at a random frame of the upper half of physical
  // memory (the allocator would otherwise put every table of a run at 2^(pa_bits - 1) and just
  // above), so that every address bit of the walker's reads toggles. The allocator skips frames
  // that tables already hold.
  void move_table_frames() {
    unsigned pa_bits = phys_mem_pa_bits(w_.pm);
    uint64_t top = 1ull << pa_bits, half = top >> 1;
    uint64_t frames = (half >> PAGE_SHIFT_4K) - 4096;  // room for a region's tables above
    uint64_t frame = (uint64_t(rng_.below(1u << 30)) << 30 | rng_.below(1u << 30)) % frames;
    if (phys_mem_set_alloc_range(w_.pm, half + (frame << PAGE_SHIFT_4K), top) != 0)
      throw std::runtime_error(phys_mem_error(w_.pm));
  }

  uint64_t new_pa(unsigned shift) {
    uint64_t size = 1ull << shift;
    next_pa_ = (next_pa_ + size - 1) & ~(size - 1);
    uint64_t pa = next_pa_;
    next_pa_ += size;
    // Random bits 32..45 as well, so that every frame-number bit below 2^46 (the default
    // pa_bits) toggles.
    return pa | (uint64_t(rng_.below(1u << 14)) << 32);
  }

  uint64_t random_flags(const Region &g) {
    uint64_t f = 0;
    if (g.code ? rng_.percent(10) : rng_.percent(85)) f |= PTE_RW;
    if (g.user ? rng_.percent(95) : rng_.percent(3)) f |= PTE_US;
    if (g.code ? rng_.percent(5) : rng_.percent(90)) f |= PTE_NX;
    if (g.kernel && rng_.percent(90)) f |= PTE_G;
    if (rng_.percent(30)) f |= PTE_A;
    if (rng_.percent(20)) f |= PTE_D;
    // A protection key on 40% of the pages (it matters on user pages only, with CR4.PKE).
    if (rng_.percent(40)) f |= uint64_t(rng_.below(16)) << PTE_PKEY_SHIFT;
    return f;
  }

  unsigned random_gap() {
    unsigned r = rng_.below(100);
    if (r < 55) return 0;
    if (r < 85) return rng_.below(4);
    return rng_.below(40);
  }

  void move_hot(unsigned a) {
    hot_region_[a] = rng_.below(num_regions_);
    const Region &g = regions_[hot_region_[a]];
    hot_window_[a] = 1 + rng_.below(g.pages < 48 ? g.pages : 48);
    hot_base_[a] = rng_.below(g.pages - hot_window_[a] + 1);
  }

  uint64_t page_va(unsigned r, unsigned page) const {
    return regions_[r].base + (uint64_t(page) << regions_[r].shift);
  }

  StimItem access() {
    unsigned r = rng_.below(100);
    uint64_t va;
    unsigned region;
    if (r < 75) {
      region = hot_region_[cur_];
      va = page_va(region, hot_base_[cur_] + rng_.below(hot_window_[cur_]));
    } else if (r < 93) {
      region = rng_.below(num_regions_);
      va = page_va(region, rng_.below(regions_[region].pages));
    } else if (r < 98) {
      region = 1;
      va = rng_.next() & (top_bit_ - 1) & ~0xfffull;  // mostly unmapped
    } else {
      region = 1;
      va = (rng_.next() & (2 * top_bit_ - 1) & ~0xfffull) |
           (rng_.percent(50) ? 0x8000000000000000ull : 0);
      va ^= top_bit_;  // make it non-canonical
    }
    const Region &g = regions_[region];
    va += rng_.next() & ((1ull << g.shift) - 1);  // any byte: every offset bit toggles
    // In a 1 GiB page, mostly one of its first four 2 MiB regions, as a program's working set
    // is: so that its entries are used again (fractions among them).
    if (g.shift == PAGE_SHIFT_1G && rng_.percent(80)) va &= ~(0x7full << 23);
    enum mmu_access type;
    unsigned t = rng_.below(100);
    if (g.code) type = t < 80 ? MMU_ACC_FETCH : MMU_ACC_READ;
    else type = t < 60 ? MMU_ACC_READ : t < 95 ? MMU_ACC_WRITE : MMU_ACC_FETCH;
    bool user = g.kernel ? rng_.percent(10) : rng_.percent(95);
    // Some supervisor accesses are implicit (SMAP refuses them whatever AC).
    return request(va, type, user, 0, !user && rng_.percent(20));
  }

  // A set-protection operation: SMEP, SMAP, AC and PKE each on or off, and a PKRU that
  // disables access to some keys and writes to others (most accesses still pass).
  StimItem random_prot() {
    bool smep = rng_.percent(50), smap = rng_.percent(50), pke = rng_.percent(70);
    bool ac = rng_.percent(40);
    uint32_t pkru = 0;
    for (unsigned k = 0; k < 16; k++) {
      if (rng_.percent(10)) pkru |= 1u << (2 * k);
      if (rng_.percent(15)) pkru |= 2u << (2 * k);
    }
    return set_prot(smep, smap, pke, ac, pkru);
  }

  // A page-table change by the "OS", usually followed by the invalidation it calls for.
  StimItem os_change() {
    unsigned a = rng_.below(kNumAs);
    unsigned region = rng_.below(num_regions_);
    const Region &g = regions_[region];
    uint64_t va = page_va(region, rng_.below(g.pages));
    struct aspace *as = w_.as[a];
    unsigned kind = rng_.below(100);
    uint64_t flags = random_flags(g);
    uint64_t pa = new_pa(g.shift);
    unsigned shift = g.shift;
    StimItem it = access();
    if (kind < 35) {  // map or remap
      // May be refused (a table above holds a reserved bit the OS put there): then no change.
      it.os.push_back([as, va, pa, shift, flags] { (void)aspace_map(as, va, pa, shift, flags); });
    } else if (kind < 55) {  // protect, if mapped
      it.os.push_back([as, va, shift, flags] { (void)aspace_protect(as, va, shift, flags); });
    } else if (kind < 70) {  // unmap, if mapped
      it.os.push_back([as, va, shift] { (void)aspace_unmap(as, va, shift); });
    } else if (kind < 85) {  // page aging: clear A (and D) in the leaf
      unsigned level = leaf_level(shift);
      struct phys_mem *pm = w_.pm;
      it.os.push_back([as, pm, va, level] {
        uint64_t epa, e;
        if (aspace_entry_paddr(as, va, level, &epa) == 0 && phys_mem_read64(pm, epa, &e) == 0)
          phys_mem_write64(pm, epa, e & ~(PTE_A | PTE_D));
      });
    } else {  // an entry loses R/W or U/S, or gets a reserved or another bit, for a while
      unsigned leaf = leaf_level(shift);
      unsigned level = leaf + rng_.below((w_.la57 ? PT_LEVELS_MAX : PT_LEVELS) + 1 - leaf);
      // Bits the walker ignores or passes on (caching, software, protection-key and high
      // bits; G and D above the leaf), or execute-disable: every one at every level.
      static const uint64_t kDecorations[] = {PTE_PWT,    PTE_PCD,    PTE_G,      PTE_D,
                                              1ull << 9,  1ull << 11, 1ull << 52, 1ull << 55,
                                              1ull << 58, 1ull << 59, 1ull << 62, PTE_NX};
      unsigned pick = rng_.below(100);
      uint64_t bits = pick < 25   ? PTE_RW
                      : pick < 40 ? PTE_US
                      : pick < 60 ? 1ull << 50
                                  : kDecorations[rng_.below(sizeof kDecorations / 8)];
      struct phys_mem *pm = w_.pm;
      auto flip = [as, pm, va, level, bits](bool on) {
        return [=] {
          uint64_t epa, e;
          if (aspace_entry_paddr(as, va, level, &epa) == 0 && phys_mem_read64(pm, epa, &e) == 0 &&
              (e & PTE_P))
            phys_mem_write64(pm, epa, on ? (e | bits) : (e & ~bits));
        };
      };
      bool added = bits != PTE_RW && bits != PTE_US;  // else taken away
      it.os.push_back(flip(added));
      // Put back later, without an invalidation: entries cached meanwhile may be stale.
      restores_.push_back({items_ + 50 + rng_.below(500), flip(!added)});
    }
    // The invalidation the change calls for, most of the time.
    unsigned inv = rng_.below(100);
    struct mmu_ctrl c {};
    if (inv < 45 && a == cur_) {
      c.op = MMU_CTRL_INVLPG;
      c.value = va;
      queue_.push_front(control(c));
    } else if (inv < 70) {
      c.op = MMU_CTRL_INVPCID;
      c.invpcid_type = 0;
      c.pcid = pcid_of(a);
      c.value = va;
      queue_.push_front(control(c));
      // Sometimes another address-specific invalidation right behind it.
      if (rng_.percent(25)) {
        struct mmu_ctrl d = c;
        d.op = rng_.percent(50) ? MMU_CTRL_INVLPG : MMU_CTRL_INVPCID;
        d.value = va + (rng_.percent(50) ? (1ull << g.shift) : 0);
        queue_.push_front(control(d));
      }
    } else if (inv < 80) {
      c.op = MMU_CTRL_INVPCID;
      c.invpcid_type = 1;
      c.pcid = pcid_of(a);
      queue_.push_front(control(c));
    }  // else: left stale
    // The change is made before `it` (an access); the invalidation follows it, so the access
    // may see a stale entry.
    return it;
  }

  StimItem control_op() {
    struct mmu_ctrl c {};
    unsigned k = rng_.below(100);
    if (k < 50) {
      cur_ = rng_.below(kNumAs);
      StimItem cr3 = load_cr3(w_.as[cur_], pcid_of(cur_), rng_.percent(85));
      with_request(25);
      return cr3;
    }
    if (k < 60) {
      c.op = MMU_CTRL_INVLPG;
      c.value = access().req.vaddr;
      if (rng_.percent(15)) c.value ^= top_bit_;  // non-canonical: a no-op
    } else if (k < 85) {
      c.op = MMU_CTRL_INVPCID;
      c.invpcid_type = 1 + rng_.below(3);
      c.pcid = rng_.percent(30) ? uint16_t(rng_.below(4096)) : pcid_of(rng_.below(kNumAs));
    } else if (k < 90) {
      c.op = MMU_CTRL_FLUSH_ALL;
    } else if (k < 95) {
      bool wp = rng_.percent(80);  // drawn before nxe, as the seeds' streams expect
      StimItem mode = set_mode(wp, rng_.percent(90));
      with_request(25);
      return mode;
    } else {
      StimItem prot = random_prot();
      with_request(25);
      return prot;
    }
    with_request(25);
    return control(c);
  }

  // An episode that makes requests meet in the MMU (docs/ARCHITECTURE.md section 16): a burst
  // of requests presented back to back to one page (they merge into one lookup, and secondaries
  // that fail their primary's check walk again), to neighbouring pages of one page table (the
  // walks share paging-structure-cache entries and set A in one directory entry), to pages of
  // one STLB set (strides of 16 to 128 pages), or to many pages (the miss queue held full);
  // a page whose G bit differs between two walks of it; and often a control operation right
  // behind, presented while the burst's walks are outstanding. With one request in flight the
  // same items are served one at a time.
  void episode() {
    unsigned kind = rng_.below(100);
    if (kind < 12) {
      global_flip();
      return;
    }
    unsigned region = rng_.percent(70) ? hot_region_[cur_] : rng_.below(num_regions_);
    const Region &g = regions_[region];
    unsigned page = rng_.below(g.pages);
    auto burst_access = [&](uint64_t va) {
      enum mmu_access type = g.code             ? (rng_.percent(80) ? MMU_ACC_FETCH : MMU_ACC_READ)
                             : rng_.percent(55) ? MMU_ACC_READ
                             : rng_.percent(90) ? MMU_ACC_WRITE
                                                : MMU_ACC_FETCH;
      bool user = g.kernel ? rng_.percent(10) : rng_.percent(95);
      queue_.push_back(request(va + (rng_.next() & ((1ull << g.shift) - 1)), type, user, 0,
                               !user && rng_.percent(20)));
    };
    if (kind < 40) {  // one page; first its A and D cleared now and then (page aging)
      unsigned n = 2 + rng_.below(10);
      uint64_t va = page_va(region, page);
      if (rng_.percent(30)) age(cur_, va, leaf_level(g.shift));
      for (unsigned k = 0; k < n; k++) burst_access(va);
    } else if (kind < 65) {  // neighbouring pages: one table, and A cleared in its directory
      unsigned n = std::min(2 + rng_.below(8), g.pages);
      if (page + n > g.pages) page = g.pages - n;
      if (rng_.percent(40)) {
        unsigned level = leaf_level(g.shift) + 1;
        // With la57, now and then the PML5E: its A written back, a walk's fifth access.
        if (w_.la57 && rng_.percent(30)) level = PT_LEVELS_MAX;
        age(cur_, page_va(region, page), level);
      }
      for (unsigned k = 0; k < n; k++) burst_access(page_va(region, page + k));
    } else if (kind < 80) {  // one set of every STLB of up to 128 sets
      unsigned stride = 16u << rng_.below(4), n = 2 + rng_.below(6);
      for (unsigned k = 0; k < n; k++) burst_access(page_va(region, (page + k * stride) % g.pages));
    } else {  // many pages: the miss queue full for a while
      unsigned n = 16 + rng_.below(33);
      for (unsigned k = 0; k < n; k++) {
        StimItem it = access();
        it.gap = 0;
        queue_.push_back(std::move(it));
      }
    }
    if (rng_.percent(30)) queue_.push_back(control_behind(page_va(region, page)));
  }

  // A control operation of any kind, for the address space in use (va for those by address).
  StimItem control_behind(uint64_t va) {
    struct mmu_ctrl c {};
    unsigned k = rng_.below(7);
    if (k == 0) return load_cr3(w_.as[cur_], pcid_of(cur_), rng_.percent(85));
    if (k == 5) {
      bool wp = rng_.percent(80);
      return set_mode(wp, rng_.percent(90));
    }
    if (k == 6) return random_prot();
    c.op = k == 1 ? MMU_CTRL_INVLPG : k == 4 ? MMU_CTRL_FLUSH_ALL : MMU_CTRL_INVPCID;
    c.invpcid_type = k == 2 ? 0 : 1 + rng_.below(3);
    c.pcid = pcid_of(cur_);
    c.value = va;
    return control(c);
  }

  // Clears A (and D) in the entry at `level` of va in address space a, if it is present, as an
  // OS's page aging does: the next walks set them again, with two walkers into one entry.
  void age(unsigned a, uint64_t va, unsigned level) {
    struct aspace *as = w_.as[a];
    struct phys_mem *pm = w_.pm;
    StimItem it = access();
    it.os.push_back([as, pm, va, level] {
      uint64_t epa, e;
      if (aspace_entry_paddr(as, va, level, &epa) == 0 && phys_mem_read64(pm, epa, &e) == 0 &&
          (e & PTE_P))
        phys_mem_write64(pm, epa, e & ~(PTE_A | PTE_D));
    });
    queue_.push_back(std::move(it));
    struct mmu_ctrl c {};
    c.op = MMU_CTRL_FLUSH_ALL;  // the cached directory entries too
    queue_.push_back(control(c));
  }

  // A kernel page non-global in the current address space and global in another: walked in
  // one, then (CR3 loads keeping the entries) in the other, its STLB set holds a non-global
  // entry of one PCID and a global entry of the same page, and back in the first address space
  // a lookup matches both (mmu_tlb answers the lower way; a fill must keep to its own kind).
  void global_flip() {
    unsigned a = cur_, b = (cur_ + 1 + rng_.below(kNumAs - 1)) % kNumAs;
    unsigned pick = rng_.below(100);  // kernel data (4 KiB), text (2 MiB) or 1 GiB pages
    unsigned region = pick < 60 ? kKernelData : pick < 80 ? kKernelText : kKernel1g;
    const Region &g = regions_[region];
    uint64_t va = page_va(region, rng_.below(g.pages));
    unsigned level = leaf_level(g.shift);
    struct phys_mem *pm = w_.pm;
    auto g_bit = [pm, va, level](struct aspace *as, bool on) {
      return [=] {
        uint64_t epa, e;
        if (aspace_entry_paddr(as, va, level, &epa) == 0 && phys_mem_read64(pm, epa, &e) == 0 &&
            (e & PTE_P))
          phys_mem_write64(pm, epa, on ? e | PTE_G : e & ~PTE_G);
      };
    };
    StimItem first = request(va + (rng_.next() & 0xff8), MMU_ACC_READ, false);
    first.os.push_back(g_bit(w_.as[a], false));
    first.os.push_back(g_bit(w_.as[b], true));
    struct mmu_ctrl flush {};
    flush.op = MMU_CTRL_FLUSH_ALL;  // no entry of the page is left, in any PCID
    queue_.push_back(control(flush));
    queue_.push_back(std::move(first));
    queue_.push_back(load_cr3(w_.as[b], pcid_of(b), true));
    queue_.push_back(request(va + (rng_.next() & 0xff8), MMU_ACC_READ, false));
    queue_.push_back(load_cr3(w_.as[a], pcid_of(a), true));
    for (unsigned k = 0; k < 2; k++)
      queue_.push_back(request(va + (rng_.next() & 0xff8), MMU_ACC_READ, false));
  }

  // Sometimes a request presented in the same cycle as the control operation before it.
  void with_request(unsigned percent) {
    if (!rng_.percent(percent)) return;
    StimItem r = access();
    r.with_previous = true;
    queue_.push_back(std::move(r));
  }

  World &w_;
  Rng rng_;
  uint64_t left_;
  uint64_t top_bit_;             // noncanonical_bit(w_)
  std::vector<Region> regions_;  // kRegions, and with la57 kRegionsLa57
  unsigned num_regions_;
  uint64_t next_pa_ = 0x100000;
  std::deque<StimItem> queue_;
  std::deque<std::pair<uint64_t, std::function<void()>>> restores_;  // (due item, change)
  uint64_t items_ = 0;
  unsigned cur_ = 0;
  uint64_t since_move_ = 0;
  unsigned hot_region_[kNumAs] = {}, hot_base_[kNumAs] = {}, hot_window_[kNumAs] = {};
};

// ---- directed scenarios -------------------------------------------------------------------------

class DirectedStim : public Stimulus {
 public:
  explicit DirectedStim(World &w)
      : la57_(w.la57),
        pdpe1gb_(w.pdpe1gb),
        fetch_fractions_(w.fetch_fractions),
        levels_(w.la57 ? PT_LEVELS_MAX : PT_LEVELS),
        noncanonical_(noncanonical_bit(w)) {
    for (unsigned a = 0; a < 2; a++) new_aspace(w);
    struct aspace *as = w.as[0], *as2 = w.as[1];
    struct phys_mem *pm = w.pm;
    auto map = [](struct aspace *s, uint64_t va, uint64_t pa, unsigned shift, uint64_t f) {
      return [=] { check(aspace_map(s, va, pa, shift, f), s); };
    };
    auto poke = [pm](struct aspace *s, uint64_t va, unsigned level, uint64_t set, uint64_t clear) {
      return [=] {
        uint64_t epa, e;
        check(aspace_entry_paddr(s, va, level, &epa), s);
        phys_mem_read64(pm, epa, &e);
        phys_mem_write64(pm, epa, (e | set) & ~clear);
      };
    };
    auto expect = [this](StimItem it, enum mmu_fault f, uint64_t pa, const char *what) {
      items_.push_back(expecting(std::move(it), f, pa, what));
    };
    auto ctrl = [this](enum mmu_ctrl_op op, uint64_t value, unsigned type = 0, uint16_t pcid = 0) {
      struct mmu_ctrl c {};
      c.op = op;
      c.value = value;
      c.invpcid_type = type;
      c.pcid = pcid;
      items_.push_back(control(c));
    };
    const enum mmu_access R = MMU_ACC_READ, W = MMU_ACC_WRITE, X = MMU_ACC_FETCH;
    const enum mmu_fault OK = MMU_FAULT_NONE;

    reset_state(pm, as);
    // The reset values of WP, NXE, SMEP, SMAP, PKE and PKRU are parameters: start from a known
    // mode.
    items_.push_back(set_mode(true, true));
    items_.push_back(set_prot(false, false, false, false, 0));
    items_.push_back(load_cr3(as, 1, false));
    // The design notes' example, then an L1 hit, then the dirty re-walk.
    StimItem it = request(0x2150, R, true);
    it.os.push_back(map(as, 0x2000, 0x109000, PAGE_SHIFT_4K, PTE_RW | PTE_US));
    expect(it, OK, 0x109150, "design notes: 0x2150 -> 0x109150");
    expect(request(0x2158, R, true), OK, 0x109158, "L1 hit");
    expect(request(0x2160, W, true), OK, 0x109160, "dirty re-walk");
    expect(request(0x2168, W, true), OK, 0x109168, "dirty hit");
    // Paging-structure caches: same PT, same PD, same PDPT, another PML4 slot.
    it = request(0x5008, R, false);
    it.os.push_back(map(as, 0x5000, 0x205000, PAGE_SHIFT_4K, PTE_RW));
    it.os.push_back(map(as, 0x400000, 0x206000, PAGE_SHIFT_4K, PTE_RW));
    it.os.push_back(map(as, 0x80000000, 0x207000, PAGE_SHIFT_4K, PTE_RW));
    it.os.push_back(map(as, 0x0000010000000000ull, 0x208000, PAGE_SHIFT_4K, PTE_RW));
    expect(it, OK, 0x205008, "PDE-cache hit");
    expect(request(0x400010, R, false), OK, 0x206010, "PDPTE-cache hit");
    expect(request(0x80000018, R, false), OK, 0x207018, "PML4E-cache hit");
    expect(request(0x0000010000000020ull, R, false), OK, 0x208020, "no cache hit");
    // 2 MiB pages, from the walk, the DTLB and the STLB.
    it = request(0x40123456, R, false);
    it.os.push_back(map(as, 0x40000000, 0x80000000, PAGE_SHIFT_2M, PTE_RW));
    expect(it, OK, 0x80123456, "2 MiB walk");
    expect(request(0x401fff00, R, false), OK, 0x801fff00, "2 MiB DTLB hit");
    expect(request(0x40000040, X, false), OK, 0x80000040, "2 MiB STLB hit");
    // Every fault.
    expect(request(0x0000008000000000ull, R, false), MMU_FAULT_NOT_PRESENT, 0, "no PML4E");
    expect(request(0x0000000100000000ull, R, false), MMU_FAULT_NOT_PRESENT, 0, "no PDPTE");
    expect(request(0x0000000000800000ull, W, true), MMU_FAULT_NOT_PRESENT, 0, "no PDE");
    expect(request(0x3000, X, true), MMU_FAULT_NOT_PRESENT, 0, "no PTE");
    it = request(0x6000, W, true);
    it.os.push_back(map(as, 0x6000, 0x306000, PAGE_SHIFT_4K, PTE_US));
    expect(it, MMU_FAULT_WRITE, 0, "write to read-only");
    it = request(0x7000, R, true);
    it.os.push_back(map(as, 0x7000, 0x307000, PAGE_SHIFT_4K, PTE_RW));
    expect(it, MMU_FAULT_USER, 0, "user access to supervisor page");
    it = request(0x8000, X, false);
    it.os.push_back(map(as, 0x8000, 0x308000, PAGE_SHIFT_4K, PTE_RW | PTE_NX));
    expect(it, MMU_FAULT_NX, 0, "fetch from NX page");
    it = request(0x9000, R, false);
    it.os.push_back(map(as, 0x9000, 0x309000, PAGE_SHIFT_4K, PTE_RW));
    it.os.push_back(poke(as, 0x9000, 1, 1ull << 47, 0));
    expect(it, MMU_FAULT_RESERVED, 0, "reserved address bit");
    it = request(0x0000018000000000ull, R, false);
    it.os.push_back(map(as, 0x0000018000000000ull, 0x30a000, PAGE_SHIFT_4K, PTE_RW));
    it.os.push_back(poke(as, 0x0000018000000000ull, 4, PTE_PS, 0));
    expect(it, MMU_FAULT_RESERVED, 0, "PS in a PML4E");
    expect(request(noncanonical_, R, false), MMU_FAULT_NON_CANONICAL, 0, "non-canonical");
    // Faults from TLB hits: an entry cached read-only, then written.
    expect(request(0x6000, R, true), OK, 0x306000, "read-only page, cached");
    expect(request(0x6008, W, true), MMU_FAULT_WRITE, 0, "write fault from the DTLB");
    expect(request(0x6008, W, true), MMU_FAULT_WRITE, 0, "write fault from the STLB");
    // Stale entries and every invalidation: remap, see the old page, invalidate, see the new.
    it = request(0x2000, R, true);
    it.os.push_back(map(as, 0x2000, 0x10a000, PAGE_SHIFT_4K, PTE_RW | PTE_US));
    expect(it, OK, 0x109000, "stale after remap");
    ctrl(MMU_CTRL_INVLPG, 0x2000);
    expect(request(0x2000, R, true), OK, 0x10a000, "after INVLPG");
    it = request(0x2000, R, true);
    it.os.push_back(map(as, 0x2000, 0x10b000, PAGE_SHIFT_4K, PTE_RW | PTE_US));
    expect(it, OK, 0x10a000, "stale again");
    ctrl(MMU_CTRL_INVPCID, 0x2000, 0, 1);
    expect(request(0x2000, R, true), OK, 0x10b000, "after INVPCID 0");
    // Global pages survive CR3 loads and INVPCID 1 and 3, not INVPCID 2.
    it = request(0xffffffff80001000ull, R, false);
    it.os.push_back(map(as, 0xffffffff80000000ull, 0x400000, PAGE_SHIFT_2M, PTE_RW | PTE_G));
    it.os.push_back(map(as2, 0xffffffff80000000ull, 0x400000, PAGE_SHIFT_2M, PTE_RW | PTE_G));
    it.os.push_back(map(as2, 0x2000, 0x50a000, PAGE_SHIFT_4K, PTE_RW | PTE_US));
    expect(it, OK, 0x401000, "global page");
    items_.push_back(load_cr3(as2, 2, true));
    expect(request(0xffffffff80001008ull, R, false), OK, 0x401008, "global, other PCID");
    expect(request(0x2000, R, true), OK, 0x50a000, "same VA, other address space");
    items_.push_back(load_cr3(as, 1, true));
    expect(request(0x2000, R, true), OK, 0x10b000, "back, no flush: still cached");
    ctrl(MMU_CTRL_INVPCID, 0, 1, 1);
    ctrl(MMU_CTRL_INVPCID, 0, 3);
    expect(request(0xffffffff80001010ull, R, false), OK, 0x401010, "global kept");
    ctrl(MMU_CTRL_INVPCID, 0, 2);
    items_.push_back(load_cr3(as, 1, false));
    ctrl(MMU_CTRL_FLUSH_ALL, 0);
    // Invalidations of arrays with nothing in them.
    ctrl(MMU_CTRL_INVPCID, 0, 2);
    ctrl(MMU_CTRL_INVPCID, 0, 3);
    // WP and NXE.
    items_.push_back(set_mode(false, true));
    expect(request(0x6010, W, false), OK, 0x306010, "supervisor write, WP = 0");
    items_.push_back(set_mode(true, false));
    ctrl(MMU_CTRL_FLUSH_ALL, 0);
    expect(request(0x8000, R, false), MMU_FAULT_RESERVED, 0, "NX bit reserved with NXE = 0");
    items_.push_back(set_mode(true, true));
    // Back-to-back hits and a request waiting behind a walk.
    for (unsigned i = 0; i < 8; i++) items_.push_back(request(0x2000 + 8 * i, R, true));
    items_.push_back(request(0x5000, R, false));
    // A request presented with a control operation: the operation goes first.
    ctrl(MMU_CTRL_INVLPG, 0x2000);
    it = request(0x2008, R, true);
    it.with_previous = true;
    expect(it, OK, 0x10b008, "request with an INVLPG in its cycle");

    // 1 GiB pages: from the walk, the DTLB's 1 GiB array and the STLB's; fetches, which the
    // ITLB holds as 2 MiB fractions (its default has no 1 GiB array); the dirty re-walk; PAT,
    // bit 12, no address bit; a reserved address bit; a fraction outliving an INVLPG of another
    // 2 MiB of its page. Without 1 GiB pages the PDPTE's PS is a reserved bit.
    const uint64_t va1g = 0x0000004000000000ull, pa1g = 0x0000000140000000ull;
    it = request(va1g + 0x12345678, R, false);
    it.os.push_back(map(as, va1g, pa1g, PAGE_SHIFT_1G, PTE_RW));
    if (pdpe1gb_) {
      expect(it, OK, pa1g + 0x12345678, "1 GiB walk");
      expect(request(va1g + 0x3fffff00, R, false), OK, pa1g + 0x3fffff00, "1 GiB DTLB hit");
      expect(request(va1g + 0x00200040, X, false), OK, pa1g + 0x00200040,
             "1 GiB STLB hit, an ITLB fraction");
      expect(request(va1g + 0x002fff48, X, false), OK, pa1g + 0x002fff48, "ITLB fraction hit");
      expect(request(va1g + 0x20000050, X, false), OK, pa1g + 0x20000050,
             "another 2 MiB of the page: another fraction");
      expect(request(va1g + 0x10, W, false), OK, pa1g + 0x10, "1 GiB dirty re-walk");
      it = request(va1g + 0x58, R, false);
      it.os.push_back(poke(as, va1g, 3, 1ull << 12, 0));
      ctrl(MMU_CTRL_INVLPG, va1g + 0x3ff00000);
      expect(it, OK, pa1g + 0x58, "1 GiB leaf with PAT, walked after an INVLPG in its page");
      it = request(va1g + 0x60, R, false);
      it.os.push_back(poke(as, va1g, 3, 1ull << 13, 1ull << 12));
      ctrl(MMU_CTRL_INVLPG, va1g);
      expect(it, MMU_FAULT_RESERVED, 0, "bit 13 of a 1 GiB leaf");
      // (TLBs with 1 GiB arrays hold the whole page, which the INVLPG dropped.)
      if (fetch_fractions_)
        expect(request(va1g + 0x00200080, X, false), OK, pa1g + 0x00200080,
               "a fraction outlives the INVLPG and fault of another 2 MiB");
      else
        expect(request(va1g + 0x00200080, X, false), MMU_FAULT_RESERVED, 0,
               "1 GiB entries, dropped by the INVLPG: a walk");
      it = request(va1g + 0x00200088, R, false);
      it.os.push_back(poke(as, va1g, 3, 0, 1ull << 13));
      ctrl(MMU_CTRL_INVLPG, va1g + 0x00200000);
      expect(it, OK, pa1g + 0x00200088, "after INVLPG of the fraction's 2 MiB");
      // A global 1 GiB page, seen from another address space, and dropped by INVPCID 2.
      it = request(0xffffd00040000010ull, R, false);
      it.os.push_back(
          map(as, 0xffffd00040000000ull, 0x0000000200000000ull, PAGE_SHIFT_1G, PTE_RW | PTE_G));
      it.os.push_back(
          map(as2, 0xffffd00040000000ull, 0x0000000200000000ull, PAGE_SHIFT_1G, PTE_RW | PTE_G));
      expect(it, OK, 0x0000000200000010ull, "global 1 GiB page");
      items_.push_back(load_cr3(as2, 2, true));
      expect(request(0xffffd00040000018ull, X, false), OK, 0x0000000200000018ull,
             "global 1 GiB page, other PCID: a global fraction");
      items_.push_back(load_cr3(as, 1, true));
      ctrl(MMU_CTRL_INVPCID, 0, 2);
      expect(request(0xffffd00040000020ull, R, false), OK, 0x0000000200000020ull,
             "global 1 GiB page after INVPCID 2");
      // A DTLB entry evicted while the STLB keeps the page: five 1 GiB pages read (one more
      // than the DTLB's default 1 GiB array holds), the first again in the 2 MiB it was read in
      // (from the STLB: a whole-page entry, or a fraction where the STLB has no 1 GiB array,
      // which the DTLB takes as a fraction too), then in another 2 MiB of it.
      const uint64_t big = 0x0000610000000000ull, big_pa = 0x0000003000000000ull;
      for (unsigned i = 0; i < 5; i++) {
        it = request(big + i * 0x40000000ull + 0x00600010, R, true);
        it.os.push_back(map(as, big + i * 0x40000000ull, big_pa + i * 0x40000000ull, PAGE_SHIFT_1G,
                            PTE_RW | PTE_US));
        expect(it, OK, big_pa + i * 0x40000000ull + 0x00600010, "five 1 GiB pages");
      }
      expect(request(big + 0x00600018, R, true), OK, big_pa + 0x00600018,
             "1 GiB page again, from the STLB");
      expect(request(big + 0x00a00020, R, true), OK, big_pa + 0x00a00020,
             "1 GiB page, another 2 MiB of it");
    } else {
      expect(it, MMU_FAULT_RESERVED, 0, "PS in a PDPTE without 1 GiB pages");
    }

    if (la57_) {
      // 5-level paging: 57-bit addresses, the PML5 and its cache, and the PML5E's bits.
      const uint64_t hi = 0x00fedcba98765000ull, hi2 = 0x00fedc0000001000ull;
      it = request(hi + 0x28, R, true);
      it.os.push_back(map(as, hi, 0x30b000, PAGE_SHIFT_4K, PTE_RW | PTE_US));
      it.os.push_back(map(as, hi2, 0x30c000, PAGE_SHIFT_4K, PTE_RW | PTE_US));
      expect(it, OK, 0x30b028, "57-bit address");
      expect(request(hi2 + 0x30, W, true), OK, 0x30c030, "PML5E-cache hit");
      expect(request(0x0000800000000000ull, R, false), MMU_FAULT_NOT_PRESENT, 0,
             "48-bit non-canonical, 57-bit canonical: no PML4E");
      expect(request(0x0001000000000000ull, R, false), MMU_FAULT_NOT_PRESENT, 0, "no PML5E");
      expect(request(0xfe00000000000000ull, R, false), MMU_FAULT_NON_CANONICAL, 0,
             "bit 56 differs from 63:57");
      it = request(0x0002000000000000ull, R, false);
      it.os.push_back(map(as, 0x0002000000000000ull, 0x30d000, PAGE_SHIFT_4K, PTE_RW));
      it.os.push_back(poke(as, 0x0002000000000000ull, 5, PTE_PS, 0));
      expect(it, MMU_FAULT_RESERVED, 0, "PS in a PML5E");
      // R/W, U/S and XD in a PML5E refuse the access at the leaf.
      it = request(hi + 0x38, W, true);
      it.os.push_back(poke(as, hi, 5, 0, PTE_RW));
      ctrl(MMU_CTRL_FLUSH_ALL, 0);
      expect(it, MMU_FAULT_WRITE, 0, "R/W clear in a PML5E");
      it = request(hi + 0x40, R, true);
      it.os.push_back(poke(as, hi, 5, PTE_RW, PTE_US));
      ctrl(MMU_CTRL_FLUSH_ALL, 0);
      expect(it, MMU_FAULT_USER, 0, "U/S clear in a PML5E");
      it = request(hi + 0x48, X, false);
      it.os.push_back(poke(as, hi, 5, PTE_US | PTE_NX, 0));
      ctrl(MMU_CTRL_FLUSH_ALL, 0);
      expect(it, MMU_FAULT_NX, 0, "XD in a PML5E");
      it = request(hi + 0x50, R, true);
      it.os.push_back(poke(as, hi, 5, 0, PTE_NX));
      expect(it, OK, 0x30b050, "the PML5E put back");
      // 57-bit tags: a page with the same low 48 bits in PML5 slot 0 (not canonical with 4-level
      // paging), then each from its TLB entry.
      const uint64_t lo = hi & 0x0000ffffffffffffull;
      it = request(lo + 0x58, R, true);
      it.os.push_back(map(as, lo, 0x30e000, PAGE_SHIFT_4K, PTE_RW | PTE_US));
      expect(it, OK, 0x30e058, "the same low 48 bits in PML5 slot 0");
      expect(request(hi + 0x60, R, true), OK, 0x30b060, "57-bit tags: a TLB hit of one page");
      expect(request(lo + 0x68, R, true), OK, 0x30e068, "57-bit tags: and of the other");
      // INVLPG of an address canonical only with 5-level paging.
      it = request(hi + 0x70, R, true);
      it.os.push_back(map(as, hi, 0x30f000, PAGE_SHIFT_4K, PTE_RW | PTE_US));
      expect(it, OK, 0x30b070, "57-bit address, stale after remap");
      ctrl(MMU_CTRL_INVLPG, hi);
      expect(request(hi + 0x78, R, true), OK, 0x30f078, "after INVLPG of a 57-bit address");
    }

    struct aspace *as3 = new_aspace(w);
    pte_bit_sweep(pm, as3);
    fault_sweep(pm, as3);
    protection_sweep(as3);
  }

  std::string describe() const override { return "directed"; }

 private:
  // The state reset leaves (docs/ARCHITECTURE.md section 13): CR3 = 0 with PCID 0, CR0.WP =
  // WpReset, EFER.NXE = NxeReset, CR4.SMEP, CR4.SMAP, CR4.PKE and PKRU their reset parameters,
  // EFLAGS.AC = 0. Requests come before any control operation, so their walks start at physical
  // address 0, where as's first PML4 entry is copied; a supervisor write to a read-only page
  // shows WP, a supervisor read and a fetch of a page with bit 63 set show NXE (reserved bit, or
  // execute-disable), a supervisor fetch and read of a user page with key 1 show SMEP and SMAP,
  // a user read of it PKE and PKRU's key 1, and a CR3 load of 0 with PCID 0 and no flush keeps
  // the entries those walks filled only if they were tagged with PCID 0. The model takes the
  // same reset parameters, so a wrong reset value in either one is a mismatch.
  void reset_state(struct phys_mem *pm, struct aspace *as) {
    const uint64_t ro = 0x70000000ull, nx = 0x70001000ull, usr = 0x70002000ull;
    check(aspace_map(as, ro, 0x170000, PAGE_SHIFT_4K, 0), as);
    check(aspace_map(as, nx, 0x171000, PAGE_SHIFT_4K, PTE_RW | PTE_NX), as);
    check(aspace_map(as, usr, 0x172000, PAGE_SHIFT_4K, PTE_RW | PTE_US | 1ull << PTE_PKEY_SHIFT),
          as);
    uint64_t pml4e;
    if (phys_mem_read64(pm, aspace_pml4(as), &pml4e) != 0 || !(pml4e & PTE_P) ||
        phys_mem_write64(pm, 0, pml4e) != 0)
      throw std::runtime_error("directed stimulus: cannot copy the PML4 entry to address 0");
    items_.push_back(request(ro, MMU_ACC_READ, false));
    items_.push_back(request(ro + 8, MMU_ACC_WRITE, false));
    items_.push_back(request(nx, MMU_ACC_READ, false));
    items_.push_back(request(nx + 8, MMU_ACC_FETCH, false));
    items_.push_back(request(usr, MMU_ACC_FETCH, false));
    items_.push_back(request(usr + 8, MMU_ACC_READ, false));
    items_.push_back(request(usr + 16, MMU_ACC_READ, true));
    struct mmu_ctrl c {};
    c.op = MMU_CTRL_LOAD_CR3;
    c.value = 1ull << 63;  // CR3 = 0, PCID 0, no flush
    items_.push_back(control(c));
    items_.push_back(request(ro + 16, MMU_ACC_READ, false));  // a DTLB hit
  }

  // Every bit group the walker checks, set (or, for bits that are normally set, clear) in the
  // entry of each level of a 4 KiB page and in a 2 MiB and a 1 GiB leaf, first with the walk going on
  // (descending, or translating at the leaf, where execute-disable or rights taken away above
  // refuse the access that would use them), then with a reserved address bit added so that it
  // faults right there. Each entry is patched while the MMU is idle and put back before the
  // next; a flush makes the walk read it.
  void pte_bit_sweep(struct phys_mem *pm, struct aspace *as) {
    const uint64_t va4k = 0x0000200000345678ull, pa4k = 0x12345000ull;
    const uint64_t va2m = 0x0000200000600000ull + 0x12345, pa2m = 0x40000000ull;
    check(aspace_map(as, va4k & ~0xfffull, pa4k, PAGE_SHIFT_4K, PTE_RW | PTE_US), as);
    check(aspace_map(as, va2m & ~0x1fffffull, pa2m, PAGE_SHIFT_2M, PTE_RW | PTE_US), as);
    const uint64_t va1g = 0x0000208000000000ull + 0x2345678, pa1g = 0x0000000480000000ull;
    if (pdpe1gb_)
      check(aspace_map(as, va1g & ~0x3fffffffull, pa1g, PAGE_SHIFT_1G, PTE_RW | PTE_US), as);
    items_.push_back(set_mode(true, true));
    items_.push_back(load_cr3(as, 3, false));
    auto undo = std::make_shared<std::vector<std::pair<uint64_t, uint64_t>>>();
    auto patch = [pm, as, undo](uint64_t va, unsigned level, uint64_t set, uint64_t clear) {
      return [=] {
        for (auto u = undo->rbegin(); u != undo->rend(); ++u)
          phys_mem_write64(pm, u->first, u->second);
        undo->clear();
        uint64_t epa, e;
        check(aspace_entry_paddr(as, va, level, &epa), as);
        phys_mem_read64(pm, epa, &e);
        undo->push_back({epa, e});
        phys_mem_write64(pm, epa, (e | set) & ~clear);
      };
    };
    const uint64_t rsvd = 1ull << 51;  // above every pa_bits the RTL takes
    const enum mmu_access R = MMU_ACC_READ, W = MMU_ACC_WRITE, X = MMU_ACC_FETCH;
    // A change, and the access that shows it: rights taken away above the leaf must still
    // refuse the access at the leaf (a fault there, after descending through the entry).
    struct Change {
      uint64_t set, clear;
      bool leaf_only;  // PAT: bit 7 of a PTE (a PS bit elsewhere)
      enum mmu_access access;
      bool user;
      enum mmu_fault fault;
    };
    const enum mmu_fault OK = MMU_FAULT_NONE;
    const Change changes[] = {
        {PTE_PWT, 0, false, R, false, OK},
        {PTE_PCD, 0, false, R, false, OK},
        {PTE_D, 0, false, R, false, OK},
        {PTE_G, 0, false, R, false, OK},
        {0xe00, 0, false, R, false, OK},
        {1ull << 52, 0, false, R, false, OK},
        {1ull << 59, 0, false, R, false, OK},
        {PTE_NX, 0, false, X, false, MMU_FAULT_NX},
        {PTE_PS, 0, true, R, false, OK},
        {0, PTE_RW, false, W, false, MMU_FAULT_WRITE},
        {0, PTE_US, false, R, true, MMU_FAULT_USER},
        {0, PTE_A, false, R, false, OK},
        {0, 0, false, X, true, OK},
    };
    struct Entry {
      uint64_t va, pa;
      unsigned level;
    };
    const Entry entries[] = {{va4k, pa4k | (va4k & 0xfff), 1},     {va4k, pa4k | (va4k & 0xfff), 2},
                             {va4k, pa4k | (va4k & 0xfff), 3},     {va4k, pa4k | (va4k & 0xfff), 4},
                             {va2m, pa2m | (va2m & 0x1fffff), 2},  {va4k, pa4k | (va4k & 0xfff), 5},
                             {va1g, pa1g | (va1g & 0x3fffffff), 3}};
    for (const Entry &en : entries)
      for (const Change &ch : changes) {
        if (en.level > levels_ || (en.va == va1g && !pdpe1gb_)) continue;
        if (ch.leaf_only && en.level != 1) continue;
        for (bool fault : {false, true}) {
          flush_after(patch(en.va, en.level, ch.set | (fault ? rsvd : 0), ch.clear));
          items_.push_back(expecting(request(en.va, ch.access, ch.user),
                                     fault ? MMU_FAULT_RESERVED : ch.fault, en.pa,
                                     "PTE bit sweep"));
        }
      }
    // The structural reserved bits: PS in a PML5E, a PML4E and (without 1 GiB pages) a PDPTE,
    // the low address bits of a 2 MiB and a 1 GiB leaf.
    const Entry structural[] = {{va4k, PTE_PS, 4}, {va4k, PTE_PS, 3},     {va2m, 1ull << 13, 2},
                                {va4k, PTE_PS, 5}, {va1g, 1ull << 13, 3}, {va1g, 1ull << 29, 3}};
    for (const Entry &en : structural) {
      if (en.level > levels_ || ((en.va == va1g) != pdpe1gb_ && en.level == 3)) continue;
      flush_after(patch(en.va, en.level, en.pa, 0));
      items_.push_back(expecting(request(en.va, MMU_ACC_READ, false), MMU_FAULT_RESERVED, 0,
                                 "reserved-bit sweep"));
    }
    flush_after(patch(va4k, 1, 0, 0));  // puts the last change back
  }

  // A flush of every array, presented once `change` is made: the next walk reads what changed.
  void flush_after(std::function<void()> change) {
    StimItem f = control(
        mmu_ctrl{MMU_CTRL_FLUSH_ALL, 0, 0, 0, false, false, 0, false, false, false, false, 0});
    f.os.push_back(std::move(change));
    items_.push_back(std::move(f));
  }

  // `it` with the answer the model must give (checked before RTL and model are compared).
  static StimItem expecting(StimItem it, enum mmu_fault f, uint64_t paddr, const char *what) {
    it.expect = true;
    it.expect_fault = f;
    it.expect_paddr = paddr;
    it.what = what;
    return it;
  }

  // Every page fault in every mode: for each CR0.WP and EFER.NXE, each access type and
  // privilege, a page whose entry at each level is not present, one with a reserved bit at
  // each level, a read-only, a supervisor and an execute-disabled page of each size, and a
  // non-canonical address. The expected answer follows the SDM's rules.
  void fault_sweep(struct phys_mem *pm, struct aspace *as) {
    enum Kind { NP, RSVD, RO, SUP, NXP, NONCANON };
    struct Page {
      Kind kind;
      unsigned level;
      uint64_t va, pa;
    };
    std::vector<Page> pages;
    uint64_t slot = 0x0000300000000000ull;  // one PML4 slot each
    for (unsigned level = 1; level <= 4; level++)
      for (Kind k : {NP, RSVD}) {
        pages.push_back({k, level, slot + 0x1000, 0x50000000ull + pages.size() * 0x1000});
        slot += 1ull << 39;
      }
    if (la57_)  // a PML5 slot each
      for (Kind k : {NP, RSVD})
        pages.push_back({k, 5, (k == NP ? 0x0003000000000000ull : 0x0004000000000000ull) + 0x1000,
                         0x50000000ull + pages.size() * 0x1000});
    for (Kind k : {RO, SUP, NXP})
      for (unsigned level = 1; level <= (pdpe1gb_ ? 3u : 2u); level++) {
        uint64_t pa = level == 1   ? 0x60000000ull + pages.size() * 0x1000
                      : level == 2 ? 0x80000000ull + pages.size() * 0x200000
                                   : 0x0000001000000000ull + pages.size() * 0x40000000ull;
        uint64_t off = level == 1 ? 0x1000 : level == 2 ? 0x200000 : 0x40000000;
        pages.push_back({k, level, slot + off, pa});
        slot += 1ull << 39;
      }
    pages.push_back({NONCANON, 0, noncanonical_ + 0x1000, 0});
    for (const Page &p : pages) {
      if (p.kind == NONCANON) continue;
      unsigned shift = p.kind < RO || p.level == 1 ? PAGE_SHIFT_4K
                       : p.level == 2              ? PAGE_SHIFT_2M
                                                   : PAGE_SHIFT_1G;
      uint64_t flags = p.kind == RO    ? PTE_US
                       : p.kind == SUP ? PTE_RW
                       : p.kind == NXP ? PTE_RW | PTE_US | PTE_NX
                                       : PTE_RW | PTE_US;
      check(aspace_map(as, p.va, p.pa, shift, flags), as);
      if (p.kind == NP || p.kind == RSVD) {
        uint64_t epa, e;
        check(aspace_entry_paddr(as, p.va, p.level, &epa), as);
        phys_mem_read64(pm, epa, &e);
        phys_mem_write64(pm, epa, p.kind == NP ? e & ~PTE_P : e | (1ull << 51));
      }
    }
    for (bool wp : {false, true})
      for (bool nxe : {false, true}) {
        items_.push_back(set_mode(wp, nxe));
        items_.push_back(control(
            mmu_ctrl{MMU_CTRL_FLUSH_ALL, 0, 0, 0, false, false, 0, false, false, false, false, 0}));
        for (const Page &p : pages)
          for (unsigned acc = 0; acc < MMU_ACC_COUNT; acc++)
            for (bool user : {false, true}) {
              auto a = mmu_access(acc);
              enum mmu_fault f = MMU_FAULT_NONE;
              switch (p.kind) {
                case NP:
                  f = MMU_FAULT_NOT_PRESENT;
                  break;
                case RSVD:
                  f = MMU_FAULT_RESERVED;
                  break;
                case RO:
                  f = a == MMU_ACC_WRITE && (user || wp) ? MMU_FAULT_WRITE : f;
                  break;
                case SUP:
                  f = user ? MMU_FAULT_USER : f;
                  break;
                case NXP:
                  f = !nxe ? MMU_FAULT_RESERVED : a == MMU_ACC_FETCH ? MMU_FAULT_NX : f;
                  break;
                case NONCANON:
                  f = MMU_FAULT_NON_CANONICAL;
                  break;
              }
              items_.push_back(
                  expecting(request(p.va + 0x18, a, user), f, p.pa + 0x18, "fault sweep"));
            }
      }
    items_.push_back(set_mode(true, true));
  }

  // SMEP, SMAP and protection keys (docs/ARCHITECTURE.md section 2, rules 3.1 to 3.6): for each
  // CR0.WP and EFER.NXE (flushed: entries cached under NXE = 1 would keep their NX), each setting of CR4.SMEP, CR4.SMAP, EFLAGS.AC and CR4.PKE, with a PKRU that
  // disables access for one key and writes for another, every access type by a user, a
  // supervisor and an implicit supervisor access, to user pages of both sizes with each of those
  // keys and a key PKRU leaves alone, a read-only user page, an execute-disabled user page and a
  // supervisor page with a key (keys apply to user-mode addresses only). The settings change
  // without a flush, so that TLB entries cached under one are checked under the next; every
  // other setting starts with a flush, so that walks check them too. The expected answer
  // follows the SDM's rules.
  void protection_sweep(struct aspace *as) {
    const unsigned kAd = 3, kWd = 12, kFree = 7;
    const uint32_t pkru = (1u << (2 * kAd)) | (2u << (2 * kWd));
    struct Page {
      uint64_t va, pa, flags;
    };
    std::vector<Page> pages;
    auto add = [&](unsigned shift, uint64_t flags, unsigned key) {
      // (A 1 GiB page each in a PDPT slot of its own, above the others' 2 MiB slots.)
      uint64_t size = shift == PAGE_SHIFT_1G ? 0x40000000ull : 0x200000ull;
      uint64_t slot = 0x0000400000000000ull + (shift == PAGE_SHIFT_1G ? 0x40000000ull : 0) +
                      pages.size() * size;
      uint64_t va = shift == PAGE_SHIFT_4K ? slot + 0x3000 : slot;
      uint64_t pa = (shift == PAGE_SHIFT_1G ? 0x0000002000000000ull : 0x90000000ull) +
                    pages.size() * size + (va - slot);
      flags |= uint64_t(key) << PTE_PKEY_SHIFT;
      check(aspace_map(as, va, pa, shift, flags), as);
      pages.push_back({va, pa, flags});
    };
    for (unsigned shift : {PAGE_SHIFT_4K, PAGE_SHIFT_2M})
      for (unsigned key : {kAd, kWd, kFree}) add(shift, PTE_RW | PTE_US, key);
    if (pdpe1gb_)
      for (unsigned key : {kAd, kWd, kFree}) add(PAGE_SHIFT_1G, PTE_RW | PTE_US, key);
    add(PAGE_SHIFT_4K, PTE_US, kWd);                    // read-only: write-protect, and PK
    add(PAGE_SHIFT_4K, PTE_RW | PTE_US | PTE_NX, kAd);  // NX before the key
    add(PAGE_SHIFT_4K, PTE_RW, kAd);                    // a supervisor page: no key applies
    const enum mmu_access R = MMU_ACC_READ, W = MMU_ACC_WRITE, X = MMU_ACC_FETCH;
    unsigned setting = 0;
    const struct mmu_ctrl flush {
      MMU_CTRL_FLUSH_ALL, 0, 0, 0, false, false, 0, false, false, false, false, 0
    };
    for (bool wp : {true, false})
      for (bool nxe : {true, false}) {
        items_.push_back(set_mode(wp, nxe));
        items_.push_back(control(flush));
        for (unsigned bits = 0; bits < 16; bits++, setting++) {
          bool smep = bits & 1, smap = bits & 2, ac = bits & 4, pke = bits & 8;
          items_.push_back(set_prot(smep, smap, pke, ac, pkru));
          if (setting % 2 == 0) items_.push_back(control(flush));
          for (const Page &p : pages)
            for (enum mmu_access a : {R, W, X})
              for (unsigned who = 0; who < 3; who++) {  // user, supervisor, implicit supervisor
                bool user = who == 0, implicit = who == 2;
                bool us = p.flags & PTE_US, rw = p.flags & PTE_RW, nx = p.flags & PTE_NX;
                unsigned key = unsigned((p.flags & PTE_PKEY_MASK) >> PTE_PKEY_SHIFT);
                bool ad = (pkru >> (2 * key)) & 1, wd = (pkru >> (2 * key + 1)) & 1;
                enum mmu_fault f = MMU_FAULT_NONE;
                if (nx && !nxe) f = MMU_FAULT_RESERVED;  // bit 63 is reserved with NXE = 0
                else if (user && !us) f = MMU_FAULT_USER;
                else if (!user && us && a == X && smep) f = MMU_FAULT_SMEP;
                else if (!user && us && a != X && smap && (implicit || !ac)) f = MMU_FAULT_SMAP;
                else if (a == W && !rw && (user || wp)) f = MMU_FAULT_WRITE;
                else if (a == X && nx && nxe) f = MMU_FAULT_NX;
                else if (pke && us && a != X && (ad || (wd && a == W && (user || wp))))
                  f = MMU_FAULT_PK;
                items_.push_back(expecting(request(p.va + 0x28, a, user, 0, implicit), f,
                                           p.pa + 0x28, "protection sweep"));
              }
        }
      }
    items_.push_back(set_mode(true, true));
    items_.push_back(set_prot(false, false, false, false, 0));
  }

 public:
  bool next(StimItem &it) override {
    if (pos_ >= items_.size()) return false;
    it = items_[pos_++];
    return true;
  }

 private:
  const bool la57_;
  const bool pdpe1gb_;           // 1 GiB pages: a PDPTE with PS = 1 is a leaf
  const bool fetch_fractions_;   // the ITLB or the STLB holds a fetch's as 2 MiB fractions
  const unsigned levels_;        // of the address spaces: 4, or 5 with la57
  const uint64_t noncanonical_;  // an address that is not canonical: noncanonical_bit()
  std::vector<StimItem> items_;
  size_t pos_ = 0;
};

// ---- memory-reference traces ------------------------------------------------------------------

// A trace read by the trace reader (mmusim/trace.h: lackey, ChampSim, text or binary; plain,
// gzip or xz) as one process: each reference a user-mode request in one address space with
// PCID 1 (PCIDs that a text or binary trace names are not used), each page mapped on its first
// touch. count limits the references read.
class TraceStim : public Stimulus {
 public:
  TraceStim(World &w, const std::string &path, uint64_t count) : path_(path), left_(count) {
    char err[512];
    struct aspace *as = new_aspace(w);
    as_ = as;
    t_.reset(trace_open(path.c_str(), TRACE_AUTO, err, sizeof err));
    if (!t_) throw std::runtime_error(err);
    pending_.push_back(load_cr3(as, 1, false));
  }
  std::string describe() const override { return "trace:" + path_; }

  bool next(StimItem &it) override {
    while (pending_.empty()) {
      if (left_ == 0 || !read_record()) return false;
    }
    it = std::move(pending_.front());
    pending_.pop_front();
    return true;
  }

 private:
  // The next reference as a request; false at the end. A bad record throws, with the file, the
  // line (or record) and the reason.
  bool read_record() {
    struct trace_record rec;
    int rc = trace_next(t_.get(), &rec);
    if (rc < 0) throw std::runtime_error(trace_error(t_.get()));
    if (rc == 0) return false;
    left_--;
    StimItem it = request(rec.vaddr, rec.type, true);
    demand_map(it, rec.vaddr);
    pending_.push_back(std::move(it));
    return true;
  }

  // The first touch of a page maps it, as a demand-paging OS would.
  void demand_map(StimItem &it, uint64_t va) {
    uint64_t page = va >> PAGE_SHIFT_4K;
    if (!(va >> 47 == 0) || mapped_.count(page)) return;
    mapped_[page] = true;
    uint64_t pa = next_pa_;
    next_pa_ += PAGE_SIZE_4K;
    struct aspace *as = as_;
    it.os.push_back([as, page, pa] {
      check(aspace_map(as, page << PAGE_SHIFT_4K, pa, PAGE_SHIFT_4K, PTE_RW | PTE_US), as);
    });
  }

  std::string path_;
  uint64_t left_;
  std::unique_ptr<struct trace_reader, void (*)(struct trace_reader *)> t_{nullptr, trace_close};
  struct aspace *as_ = nullptr;
  std::deque<StimItem> pending_;
  std::unordered_map<uint64_t, bool> mapped_;
  uint64_t next_pa_ = 0x100000;
};

}  // namespace

std::unique_ptr<Stimulus> make_stimulus(const std::string &kind, World &world, uint64_t seed,
                                        uint64_t count, std::string &err) {
  try {
    if (kind == "random") return std::make_unique<RandomStim>(world, seed, count);
    if (kind == "directed") return std::make_unique<DirectedStim>(world);
    if (kind.rfind("trace:", 0) == 0)
      return std::make_unique<TraceStim>(world, kind.substr(6), count);
    err = "unknown stimulus '" + kind + "' (random, directed, trace:FILE)";
  } catch (const std::exception &e) {
    err = e.what();
  }
  return nullptr;
}
