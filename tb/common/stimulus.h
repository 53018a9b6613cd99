// Stimulus for the co-simulation and the SystemC bench: a stream of translation requests and
// control operations, each possibly preceded by page-table changes that the "OS" makes while
// the MMU is idle. Three sources: constrained random, directed scenarios, and a memory-reference
// trace in any format the trace reader reads (mmusim/trace.h: valgrind lackey, ChampSim, text or
// binary; plain, gzip or xz).
#ifndef TB_COMMON_STIMULUS_H
#define TB_COMMON_STIMULUS_H

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mmusim.h"

// The simulated machine the stimulus acts on: one physical memory, several address spaces.
struct World {
  struct phys_mem *pm = nullptr;
  std::vector<struct aspace *> as;
  // 5-level paging (the MMU's la57): the address spaces have PML5s, and the stimulus uses
  // 57-bit addresses too. Set before make_stimulus.
  bool la57 = false;
  // 1 GiB pages (the MMU's pdpe1gb): what the directed scenarios expect of a PDPTE with PS set.
  bool pdpe1gb = true;
  // The ITLB or the STLB holds a fetch's 1 GiB page as 2 MiB fractions (it has no 1 GiB array,
  // and one for 2 MiB pages).
  bool fetch_fractions = true;
  ~World();
};

struct StimItem {
  bool is_ctrl = false;
  unsigned gap = 0;  // idle cycles before it is presented
  // A request presented in the same cycle as the control operation before it (which wins:
  // docs/ARCHITECTURE.md, the request port); its gap is then 0 and it has no os changes.
  bool with_previous = false;
  struct mmu_request req {};  // vaddr, type, user; the cycle is set by the harness
  struct mmu_ctrl ctrl {};    // the cycle is set by the harness
  // Page-table changes, made while no request is in flight, before this item is presented.
  std::vector<std::function<void()>> os;
  // Directed scenarios: what the model must answer (checked before RTL and model are compared).
  bool expect = false;
  enum mmu_fault expect_fault = MMU_FAULT_NONE;
  uint64_t expect_paddr = 0;
  std::string what;
};

class Stimulus {
 public:
  virtual ~Stimulus() = default;
  virtual bool next(StimItem &item) = 0;  // false at the end
  virtual std::string describe() const = 0;
};

// kind: "random", "directed", or "trace:FILE". count limits the number of items (random: exactly
// count; a trace: the references read from it). Returns nullptr with a reason in err. A bad trace
// record makes next() throw std::runtime_error with "FILE:LINE: reason" (or "FILE: record N:
// reason").
std::unique_ptr<Stimulus> make_stimulus(const std::string &kind, World &world, uint64_t seed,
                                        uint64_t count, std::string &err);

#endif
