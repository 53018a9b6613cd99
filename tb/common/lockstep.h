// The lockstep checker shared by the Verilator harness (tb/cosim/cosim_main.cpp) and the SystemC
// bench (tb/systemc/): the C model as reference, the stimulus, the memory the RTL sees, and the
// comparison, cycle by cycle, through the pins of mmu_top.
//
// A harness owns the RTL and its clock. In every cycle c it calls, in this order:
//
//   traffic_drive(c, ...)   runs the model through cycle c and gives it what is presented in c:
//                           a control operation (mmu_control), then a request (mmu_try_issue,
//                           which says whether the model accepts it in c)
//   memory_drive(c, ...)    the memory port's ready, response valid and read data in cycle c
//   ... the RTL settles its combinational outputs for cycle c ...
//   response_sample(c, ...) a response or control completion in cycle c, compared with the model's
//                           answer of cycle c to the request of the response's ID
//   traffic_sample(c, ...)  whether the RTL accepted the presented item in cycle c
//   memory_sample(c, ...)   a memory request accepted in cycle c, compared with the model's access
//
// and then the rising edge ends cycle c. The three *_sample calls read only the pins of cycle c
// and may come in any order (the SystemC bench samples in separate processes). At the end,
// compare_counters() checks the RTL's counters against the model's statistics.
//
// The model's memory writes are journaled: the RTL's memory still holds the old values until the
// RTL makes the same write, so both read the same page tables. The first difference calls the
// mismatch handler with one line saying what differed, then exits with status 1.
#ifndef TB_COMMON_LOCKSTEP_H
#define TB_COMMON_LOCKSTEP_H

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coverage.h"
#include "mem_timing.h"
#include "mmusim.h"
#include "stimulus.h"

// The options every lockstep bench takes (see usage()).
struct LockstepOptions {
  std::string program;  // for messages and the replay command: cosim_default, sc_rtl_tiny, ...
  uint64_t seed = 1;
  uint64_t requests = 20000;
  std::string stim = "random";
  std::string mem = "fixed";
  MemProfile mem_profile = kMemProfiles[0];  // parsed from mem
  std::string wave;
  uint64_t from = 0, to = UINT64_MAX;
  bool auto_wave = true;
  bool quiet = false;
  bool stats = false;
  bool wave_rerun = false;  // this run is rerun_with_wave's: the mismatch was already reported
  std::string fcov;         // --fcov FILE, or a file in $MMUSIM_FCOV_DIR: functional coverage
  std::vector<std::string> argv;

  // Parses argv; prints the usage and exits with status 2 on a bad option (0 on --help).
  static LockstepOptions parse(const std::string &program, int argc, char **argv);
  std::string replay_command() const;
};

// Runs the program again with the same options and --wave SOURCE_DIR/waves/mismatch-PROGRAM-seedN.fst
// covering the 300 cycles before `cycle` (does not return unless the re-run cannot start).
void rerun_with_wave(const LockstepOptions &o, uint64_t cycle);

// The cycles a mismatch waveform shows after the mismatch cycle, so that the bad response has
// width and what follows it is visible.
constexpr uint64_t kWaveCyclesAfter = 5;

// Writes the GTKWave view of the waveform `fst` next to it (FST.gtkw): waves/mmu.gtkw, opening
// `fst`, starting at time `start` with the marker at time `marker` (in the dump's time unit).
// Returns the view's path, or "" with the reason in err.
std::string write_wave_view(const std::string &fst, uint64_t start, uint64_t marker,
                            std::string &err);

// The RTL's parameters ("Name=Value,...", as given to Verilator with -G) as a model
// configuration. Returns false with the reason in err for an unknown parameter or a configuration
// the model refuses.
bool config_from_rtl_params(const std::string &params, struct mmu_config &cfg, std::string &err);

// ---- the pins of mmu_top, one cycle's values ---------------------------------------------------

struct RequestPins {  // inputs: the translation request and control ports
  bool req_valid = false;
  uint64_t req_vaddr = 0;
  unsigned req_type = 0;
  bool req_user = false;
  bool req_implicit = false;
  unsigned req_id = 0;
  bool ctrl_valid = false;
  unsigned ctrl_op = 0;
  uint64_t ctrl_value = 0;
  unsigned ctrl_pcid = 0, ctrl_invpcid_type = 0;
  bool ctrl_wp = false, ctrl_nxe = false;                                        // set mode
  bool ctrl_smep = false, ctrl_smap = false, ctrl_pke = false, ctrl_ac = false;  // set protection
  uint32_t ctrl_pkru = 0;
};

struct ResponseLane {  // outputs: one response lane (docs/ARCHITECTURE.md 16.3)
  bool valid = false;
  uint64_t paddr = 0;
  unsigned size = 0;  // mmu_pkg::size_e: 0 4 KiB, 1 2 MiB, 2 1 GiB
  unsigned fault = 0, error = 0, level = 0, source = 0, id = 0;
};

struct ResponsePins {    // outputs: the responses and the control completion
  ResponseLane lane[2];  // [0] the hit lane (resp_*), [1] the miss lane (mresp_*)
  bool ctrl_done = false;
};

// Copies a Verilated mmu_top's response outputs; works for the C++ and the SystemC model (whose
// ports are read with .read()).
template <class Top, class Read>
ResponsePins read_response_pins(Top &t, Read rd) {
  ResponsePins p;
  p.lane[0] = {bool(rd(t.resp_valid_o)),      uint64_t(rd(t.resp_paddr_o)),
               unsigned(rd(t.resp_size_o)),   unsigned(rd(t.resp_fault_o)),
               unsigned(rd(t.resp_error_o)),  unsigned(rd(t.resp_level_o)),
               unsigned(rd(t.resp_source_o)), unsigned(rd(t.resp_id_o))};
  p.lane[1] = {bool(rd(t.mresp_valid_o)),      uint64_t(rd(t.mresp_paddr_o)),
               unsigned(rd(t.mresp_size_o)),   unsigned(rd(t.mresp_fault_o)),
               unsigned(rd(t.mresp_error_o)),  unsigned(rd(t.mresp_level_o)),
               unsigned(rd(t.mresp_source_o)), unsigned(rd(t.mresp_id_o))};
  p.ctrl_done = rd(t.ctrl_done_o);
  return p;
}

struct MemInPins {  // inputs: the memory port as the memory drives it
  bool req_ready = false;
  bool rsp_valid = false;
  unsigned rsp_tag = 0;  // the walker the response is for
  bool rsp_err = false;  // the response is an error (a bus error), not data
  uint64_t rsp_rdata = 0;
};

struct MemOutPins {  // outputs: the walkers' memory request
  bool req_valid = false;
  unsigned req_tag = 0;  // the walker that presents it
  uint64_t req_addr = 0;
  bool req_we = false;
  bool req_setbits = false;  // a write that ORs req_wdata into the entry
  uint64_t req_wdata = 0;
};

struct RtlCounters {  // outputs: the counters mmu_top keeps
  uint64_t requests, itlb_hits, dtlb_hits, stlb_hits, walks, walk_reads, walk_writes, psc_pde_hits,
      psc_pdpte_hits, psc_pml4e_hits, psc_pml5e_hits, faults, dirty_rewalks, merged_misses;
  uint64_t tlb_fills[MMU_TLB_COUNT], tlb_evictions[MMU_TLB_COUNT];  // ITLB, DTLB, STLB
  uint64_t psc_fills[MMU_PSC_COUNT], psc_evictions[MMU_PSC_COUNT];  // PDE, PDPTE, PML4E, PML5E
  // Requests in flight (16.8): cycles with the miss queue full, the most walks at once, each
  // walker's busy cycles (0 past the configuration's walkers), the latency histogram.
  uint64_t miss_queue_full, walks_peak;
  uint64_t walker_busy[MMU_MAX_WALKERS], latency[MMU_LATENCY_BUCKETS];
};

// Copies a Verilated mmu_top's counter outputs; works for the C++ and the SystemC model. rd(port)
// reads a 64-bit port; word(port, k) reads bits [64k +: 64] of a port of any width (0 past its
// width), for the packed ports of several counters.
template <class Top, class Read, class Word>
RtlCounters read_rtl_counters(Top &t, Read rd, Word word) {
  RtlCounters c = {
      rd(t.cnt_requests_o),
      rd(t.cnt_itlb_hits_o),
      rd(t.cnt_dtlb_hits_o),
      rd(t.cnt_stlb_hits_o),
      rd(t.cnt_walks_o),
      rd(t.cnt_walk_reads_o),
      rd(t.cnt_walk_writes_o),
      rd(t.cnt_psc_pde_hits_o),
      rd(t.cnt_psc_pdpte_hits_o),
      rd(t.cnt_psc_pml4e_hits_o),
      rd(t.cnt_psc_pml5e_hits_o),
      rd(t.cnt_faults_o),
      rd(t.cnt_dirty_rewalks_o),
      rd(t.cnt_merged_misses_o),
      {rd(t.cnt_itlb_fills_o), rd(t.cnt_dtlb_fills_o), rd(t.cnt_stlb_fills_o)},
      {rd(t.cnt_itlb_evictions_o), rd(t.cnt_dtlb_evictions_o), rd(t.cnt_stlb_evictions_o)},
      {rd(t.cnt_psc_pde_fills_o), rd(t.cnt_psc_pdpte_fills_o), rd(t.cnt_psc_pml4e_fills_o),
       rd(t.cnt_psc_pml5e_fills_o)},
      {rd(t.cnt_psc_pde_evictions_o), rd(t.cnt_psc_pdpte_evictions_o),
       rd(t.cnt_psc_pml4e_evictions_o), rd(t.cnt_psc_pml5e_evictions_o)},
      rd(t.cnt_miss_queue_full_o),
      rd(t.cnt_walks_peak_o),
      {},
      {}};
  for (unsigned w = 0; w < MMU_MAX_WALKERS; w++) c.walker_busy[w] = word(t.cnt_walker_busy_o, w);
  for (unsigned k = 0; k < MMU_LATENCY_BUCKETS; k++) c.latency[k] = word(t.cnt_latency_o, k);
  return c;
}

class Lockstep {
 public:
  // on_mismatch runs after the mismatch line is printed (to write a waveform, say); the process
  // then exits with status 1.
  Lockstep(const LockstepOptions &o, const struct mmu_config &cfg, const std::string &params,
           std::function<void(uint64_t cycle)> on_mismatch = nullptr);
  ~Lockstep();

  // Creates the memory, the stimulus and the model. Returns false with the reason in err.
  bool start(std::string &err);

  void traffic_drive(uint64_t cycle, RequestPins &p);
  void memory_drive(uint64_t cycle, MemInPins &p) const;
  void response_sample(uint64_t cycle, const ResponsePins &p);
  void traffic_sample(uint64_t cycle, bool req_ready, bool ctrl_ready);
  void memory_sample(uint64_t cycle, const MemOutPins &p, bool req_ready);

  // A bench that cannot stop inside a pin callback (SystemC: the mismatch is found in a process)
  // asks the checker to hold instead of exiting: after the mismatch line and on_mismatch, the
  // checker compares nothing more and drives idle inputs (no request, control or memory
  // response); halted_at() says the mismatch's cycle, and the bench exits with status 1 once
  // it has run the cycles it wants to show after it.
  void hold_on_mismatch() { hold_ = true; }
  std::optional<uint64_t> halted_at() const { return halted_at_; }

  // Every item presented and answered: the run is over.
  bool finished() const { return stim_done_ && open_.empty(); }
  void compare_counters(uint64_t cycle, const RtlCounters &rtl);
  // An assertion of the RTL failed by the end of `cycle` (the bench runs Verilator with
  // fatalOnError off and asks Verilated::gotError()): a mismatch like any other, with its
  // waveform, the assertion's own %Error line printed above it.
  void rtl_assertion_failed(uint64_t cycle);
  // The RTL broke a rule of its ports that the bench checks itself (`what` says which and
  // how): a mismatch like any other.
  void rtl_port_rule_broken(uint64_t cycle, const std::string &what);
  // The PASS line, with speed over `seconds` of wall-clock time and `cycles` simulated cycles.
  void report_pass(uint64_t cycles, double seconds) const;
  void print_stats() const;
  // Writes the run's functional coverage (coverage.h) if it was asked for (--fcov FILE, or
  // $MMUSIM_FCOV_DIR). Returns false with the reason in err.
  bool write_coverage(std::string &err) const;

  // A failure of the model or the stimulus itself (not a mismatch): the reason, or empty; and
  // the exit status it calls for: 2 for bad input (a bad trace line, an item the model
  // refuses), 1 for a directed scenario whose expected answer the model did not give.
  const std::string &error() const { return error_; }
  int error_status() const { return error_status_; }

 private:
  struct MemAccess {
    uint64_t paddr;
    bool write, set_bits;
    uint64_t data;
    unsigned walker;
    uint64_t issue, accept, done;
    bool error;  // answered with an error, not performed
  };
  // The model's memory port: the same timing as the RTL's; writes held until the RTL makes them.
  struct ModelMemory {
    struct phys_mem *pm = nullptr;
    const MemTiming *timing = nullptr;
    uint64_t count = 0;             // accesses so far: the index of the next one's latency
    std::deque<MemAccess> pending;  // the model's accesses the RTL has not made yet
    // The cycles of responses still to come: the port gives one a cycle (16.5), so an access
    // whose latency would answer in a taken cycle answers in the next free one.
    std::set<uint64_t> answers;
    // For coverage: the model's accesses from number `history_base` on (those of requests the
    // model has not answered yet, and the latest).
    std::deque<MemAccess> history;
    uint64_t history_base = 0;
    static int access(void *ctx, struct mmu_mem_access *a);
  };
  // An item of the stimulus from its presentation until the RTL has answered it.
  struct Item {
    uint64_t index;    // stimulus item number
    StimItem item;     // a request's ID is chosen when it is presented
    uint64_t arrival;  // the cycle it is first presented
    std::optional<uint64_t> model_accept, rtl_accept;  // the cycle each accepted it
    uint64_t retry = 0;  // a request: the first cycle the model may accept it (it said so)
    std::optional<struct mmu_response> model_resp;  // a request's answer from the model
    uint64_t ctrl_accept = 0, ctrl_done = 0;        // a control operation's, from the model
    uint64_t mem_first = 0;  // the model's memory accesses made before it was accepted
    // For the coverage of a request: the model's statistics and arrays before it.
    struct mmu_stats before;
    bool l1_held = false, stlb_held = false;
  };
  // An item's arrival, for the coverage of what it arrived during (answered()).
  struct Arrival {
    bool is_ctrl;
    uint64_t arrival, index;
  };

  struct Halt {};  // thrown by mismatch() when holding, caught by the pin callbacks
  [[noreturn]] void mismatch(uint64_t cycle, const std::string &what);
  template <typename F>
  void unless_halted(F &&body);
  void traffic_drive_checked(uint64_t cycle, RequestPins &p);
  void traffic_sample_checked(uint64_t cycle, bool req_ready, bool ctrl_ready);
  void response_sample_checked(uint64_t cycle, const ResponsePins &p);
  void memory_sample_checked(uint64_t cycle, const MemOutPins &p, bool req_ready);
  void compare_counters_checked(uint64_t cycle, const RtlCounters &rtl);
  bool hold_ = false;
  std::optional<uint64_t> halted_at_;
  bool fetch();
  bool fetch_and_present(uint64_t cycle);
  bool free_id(unsigned &id);
  void open(uint64_t arrival);
  Item *item(uint64_t index);
  bool model_control(uint64_t cycle, Item &e);
  bool model_request(uint64_t cycle, Item &e);
  bool take_model_responses(uint64_t cycle);
  void answered(uint64_t index, uint64_t end, MmuCoverage::Service service);
  void compare_response(uint64_t cycle, Item &e, unsigned lane, const ResponseLane &p);
  void close(uint64_t cycle, const Item &e);

  const LockstepOptions &o_;
  struct mmu_config cfg_;
  std::string params_;
  std::function<void(uint64_t)> on_mismatch_;
  MemTiming timing_;
  World world_;
  struct mmu *model_ = nullptr;
  ModelMemory mm_;
  std::unique_ptr<Stimulus> stim_;
  std::string error_;
  int error_status_ = 2;

  // Traffic.
  std::optional<StimItem> next_;  // fetched, waiting for the MMU to drain before its OS changes
  bool stim_done_ = false;
  std::deque<Item> open_;            // presented or accepted, not answered by the RTL, oldest first
  std::vector<uint64_t> presented_;  // the items presented (a control operation first)
  unsigned next_id_ = 3;             // where free_id() starts looking
  uint64_t last_arrival_ = 0, last_accept_ = 0;
  uint64_t items_ = 0, requests_ = 0, ctrls_ = 0, faults_ = 0, directed_checks_ = 0;
  uint64_t src_count_[4] = {};
  uint64_t last_event_ = 0;
  uint64_t earliest_due_ = UINT64_MAX;  // no open item is due before (response_sample)
  std::unique_ptr<MmuCoverage> cov_;    // when asked for
  std::deque<Arrival> arrivals_;        // arrivals whose previous item has no answer yet
  std::map<uint64_t, std::pair<uint64_t, MmuCoverage::Service>> ends_;  // answers: cycle, service

  // The RTL's memory port.
  uint64_t rtl_count_ = 0;                 // accesses the RTL made
  uint64_t last_rtl_accept_ = UINT64_MAX;  // cycle of the latest one
  std::optional<uint64_t> req_since_;      // cycle the current request was first presented
  struct Rsp {
    unsigned tag;
    bool err;
    uint64_t data;
  };
  std::map<uint64_t, Rsp> rsps_;  // the responses to come, by cycle
  // For coverage: the last set-bits writes (two walkers into one entry).
  struct SetBits {
    uint64_t paddr = ~0ull;
    unsigned walker = 0;
    uint64_t cycle = 0;
  };
  std::array<SetBits, 8> set_bits_{};
  unsigned set_bits_next_ = 0;
};

#endif
