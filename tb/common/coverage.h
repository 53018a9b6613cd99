// Functional coverage of the lockstep regression: which conditions the runs reached.
//
// Coverage is the generic part: named bins and crosses (a bin for every legal combination of
// some axes' values), counted, and written as one file a run that scripts/fcov-report merges.
// MmuCoverage is the MMU's coverage model: its bins, declared one line each in coverage.cpp, and
// the samples the lockstep checker (lockstep.cpp) gives it of what the model and the RTL did
// (they are compared in lockstep, so what one did the other did). Every bin it declares is
// required: the report fails on an empty one. A combination the architecture rules out (a leaf
// at level 4, a write fault on a read) is not a bin; the legality rules beside each cross say
// which and why.
#ifndef TB_COMMON_COVERAGE_H
#define TB_COMMON_COVERAGE_H

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "mmusim.h"
#include "stimulus.h"

// The paging-structure caches mmu_top has: all the model's (PDE, PDPTE, PML4E, and the PML5E
// cache, used with 5-level paging only).
constexpr unsigned kRtlPscs = MMU_PSC_COUNT;

class Coverage {
 public:
  // One dimension of a cross: its name, for messages, and the names of its values.
  struct Axis {
    std::string name;
    std::vector<std::string> values;
  };
  using Legal = std::function<bool(const std::vector<unsigned> &)>;

  // A single bin; returns its id.
  unsigned bin(const std::string &name);
  // A cross: a bin "name.v1.v2..." for every combination of the axes' values that `legal`
  // allows (all, without it). Returns the cross's id, for hit().
  unsigned cross(const std::string &name, std::vector<Axis> axes, Legal legal = nullptr);

  void hit(unsigned bin) { counts_[bin]++; }
  // Counts the cross's bin of these values. A combination that is not a bin is a hole in the
  // legality rules (the sample says it happened): it is counted in an "illegal." bin of its own,
  // which the report shows and fails on.
  void hit(unsigned cross, std::initializer_list<unsigned> values);

  // Writes every bin (empty ones too) with its count to `path`. Returns false with the reason.
  bool write(const std::string &path, const std::string &run, std::string &err) const;
  size_t bins() const { return names_.size(); }

 private:
  struct Cross {
    std::string name;
    std::vector<Axis> axes;
    std::vector<int> bin_of;  // per combination, mixed radix over the axes: a bin, or -1
  };
  std::vector<std::string> names_;
  std::vector<uint64_t> counts_;
  std::vector<Cross> crosses_;
};

// The MMU's coverage model (see docs/VERIFICATION.md, "Functional coverage").
class MmuCoverage {
 public:
  explicit MmuCoverage(const struct mmu_config &cfg);

  // One walker access of the model, in order, as the memory port saw it.
  struct Access {
    uint64_t paddr;
    bool write;
    uint64_t data;
    bool error;  // answered with an error (a bus error): no data
  };
  // What the service of an item found, for the arrival bins: see arrival().
  enum Service { IDLE, HIT, STLB, WALK, DIRTY_REWALK, CONTROL, SERVICES };

  // A translation the model answered: its accesses, the statistics before and after it, and
  // whether the L1 TLB and the STLB held its address before (for the dirty re-walk's origin).
  // Returns the service it got, for arrival(); throws std::logic_error if the accesses do not
  // add up to the statistics (a harness bug).
  Service request(const struct mmu_request &req, const struct mmu_response &resp,
                  const std::vector<Access> &acc, const struct mmu_stats &before,
                  const struct mmu_stats &after, bool l1_held, bool stlb_held);
  // A control operation, sampled before the model performs it (the arrays as it finds them).
  void control(const struct mmu *m, const struct mmu_ctrl &c);
  // An item (request or control) presented while the previous one is in `busy` service.
  void arrival(bool is_ctrl, Service busy) { cov_.hit(arrive_, {is_ctrl, unsigned(busy)}); }
  // A control operation and a request presented in the same cycle.
  void same_cycle() { cov_.hit(same_cycle_); }
  // A walker access accepted `stall` cycles after it was presented and answered `latency`
  // cycles after it was accepted.
  void memory(uint64_t stall, uint64_t latency);
  // Requests meeting in the MMU (docs/ARCHITECTURE.md section 16), in the configurations with
  // requests in flight. The first seven are read from the model's counters at each response.
  enum InFlight {
    MERGED_PROBE_WAIT,  // a miss merged into a primary waiting for the STLB's read port
    MERGED_PROBING,     // ... into a primary whose STLB probe is under way
    MERGED_WAITING,     // ... into a primary waiting for a walker
    MERGED_WALKING,     // ... into a primary being walked
    SECONDARY_FAILED,   // a secondary its primary's result did not serve (it walks again)
    QUEUE_FULL,         // ready low because the miss queue is full
    ALL_WALKERS_BUSY,   // every walker walking in one cycle
    MEM_OUT_OF_ORDER,   // a memory response before that of an access accepted earlier
    TWO_WALKERS_ENTRY,  // set-bits writes of two walkers into one entry within 100 cycles
    IN_FLIGHT_KINDS
  };
  void in_flight(InFlight what) { cov_.hit(in_flight_, {unsigned(what)}); }
  // A control operation presented while requests are outstanding (it waits for them, 16.7; in
  // every configuration).
  void control_in_flight(enum mmu_ctrl_op op) { cov_.hit(ctrl_in_flight_, {unsigned(op)}); }

  bool write(const std::string &path, const std::string &run, std::string &err) const {
    return cov_.write(path, run, err);
  }

 private:
  void walk_entries(const struct mmu_response &resp, const std::vector<Access> &acc,
                    unsigned reads);
  void evictions(const struct mmu_stats &before, const struct mmu_stats &after);

  struct mmu_config cfg_;
  bool wp_, nxe_, ac_ = false;  // (EFLAGS.AC is 0 at reset)
  // Requests in flight (more than one walker or entry, or hit under miss): the model's accesses
  // and statistics between a request's issue and its answer are not all its own, so a request
  // gives only the bins of its response (fault, source); the walk, bus-error and dirty bins come
  // from the configurations with one in flight.
  bool concurrent_;
  // The statistics at the previous response: the evictions and paging-structure-cache hits since
  // then are sampled at each response, whoever made them (every configuration).
  struct mmu_stats seen_ {};
  Coverage cov_;
  unsigned pte_, fault_, bus_error_, bus_error_in_flight_, source_, inval_, evict_, psc_hit_,
      dirty_, mem_, arrive_, same_cycle_, in_flight_, ctrl_in_flight_, prot_set_, smap_, pk_bit_;
  std::vector<int> evict_bin_;  // per array (kArrays), its eviction bin or -1
};

#endif
