// Lockstep co-simulation: the Verilated RTL (mmu_top) and the C model run the same stimulus on
// the same memory with the same memory timing. Every response is compared (physical address,
// page size, fault, error code, level, source, accept and response cycles), every walker memory
// access is compared (address, read or write, value written, issue cycle), and at the end every
// counter both keep. The first mismatch is reported on one line with a replay command, and a
// waveform of the cycles before it is written under waves/.
//
//   cosim_<config> [--seed N] [--requests N] [--stim random|directed|trace:FILE]
//                  [--mem fixed|fast|slow|bursty|errors|
//                   lat=MIN[-MAX][,stall=PCT][,burst=N][,err=PERMILLE]]
//                  [--wave FILE.fst [--from C] [--to C]]
//                  [--no-auto-wave] [--quiet] [--stats]
//
// The RTL parameters of this build are COSIM_PARAMS (set by CMake); the model gets the same.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <unistd.h>

#include "lockstep.h"

// Verilator's headers are not warning-free under -Wextra.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "Vmmu_top.h"
#include "Vmmu_top___024root.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#pragma GCC diagnostic pop

#ifndef COSIM_PARAMS
#define COSIM_PARAMS ""
#endif

// One evaluation of the Verilated model a cycle instead of two (docs/PERFORMANCE.md, "One
// evaluation a cycle"). Verilator finds a clock edge by comparing the clock with its value at the
// last evaluation, so a harness that sets its inputs, evaluates (the falling edge, and the
// outputs that depend on the inputs) and then raises the clock and evaluates again makes two
// evaluations a cycle, each running all of the logic that depends on the inputs. Only one path
// of mmu_top runs from an input to an output in the same cycle (docs/ARCHITECTURE.md 16.2,
// 16.10: req_ready_o is low while ctrl_valid_i is high); every other output the checker samples
// is settled by the edge that began the cycle, and the edge's own evaluation settles the new
// inputs before the registers take them. So the harness evaluates before the edge only when
// ctrl_valid_i has changed, in every cycle of a waveform, and in every kSettleAudit-th cycle,
// where it checks that rule: an output that changes as the cycle's inputs settle, ctrl_valid_i
// the same, fails the run. Writing the clock's last-seen value depends on the model Verilator
// 5.006 generates (its edge detector's variable); with another version the harness makes both
// evaluations in every cycle.
#if defined(VERILATOR_VERSION_INTEGER) && VERILATOR_VERSION_INTEGER == 5006000
#define COSIM_ONE_EVAL 1
#else
#define COSIM_ONE_EVAL 0
#endif
#ifndef COSIM_NAME
#define COSIM_NAME "default"
#endif

namespace {

// ---- the device under test, cycle by cycle ------------------------------------------------------

constexpr uint64_t kPsPerCycle = 1000;  // the waveform's time: 1 ns a cycle

class Dut {
 public:
  Dut(const LockstepOptions &o) : top_(std::make_unique<Vmmu_top>()), o_(o) {
    if (!o.wave.empty()) {
      Verilated::traceEverOn(true);
      tfp_ = std::make_unique<VerilatedFstC>();
      top_->trace(tfp_.get(), 99);
      tfp_->set_time_unit("1ps");  // 1 ns a cycle: cycle N from N ns, its rising edge at N.5 ns
      tfp_->set_time_resolution("1ps");
    }
    // Asynchronous reset: a falling edge of rst_ni, one clock with it low, then release.
    top_->clk_i = 0;
    top_->rst_ni = 1;
    top_->eval();
    top_->rst_ni = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
    top_->clk_i = 0;
    top_->eval();
    top_->rst_ni = 1;
    top_->eval();  // cycle 0 comes next
  }
  ~Dut() {
    if (tfp_ && open_) tfp_->close();
    top_->final();
  }
  Vmmu_top &top() { return *top_; }
  void close_wave() {
    if (tfp_ && open_) tfp_->close();
    open_ = false;
    tfp_.reset();
  }
  uint64_t cycle() const { return cycle_; }
  bool wave_open() const { return open_; }

  // Inputs of the current cycle are set; evaluate its combinational outputs.
  void settle() { top_->eval(); }
  bool waving() const { return tfp_ != nullptr; }

  // The rising edge that ends the current cycle. The falling edge after it is not evaluated:
  // mmu_top has no logic on it, and Verilator is told that it saw the clock low (see
  // COSIM_ONE_EVAL), so that the next cycle's edge is an edge without an evaluation between.
  void edge() {
    dump(kPsPerCycle * cycle_);
    top_->clk_i = 1;
    top_->eval();
    dump(kPsPerCycle * cycle_ + kPsPerCycle / 2);
    top_->clk_i = 0;
#if COSIM_ONE_EVAL
    top_->rootp->__Vtrigrprev__TOP__clk_i = 0;
#endif
    cycle_++;
  }

 private:
  void dump(uint64_t t) {
    if (!tfp_) return;
    bool in = cycle_ >= o_.from && cycle_ <= o_.to;
    if (in && !open_) {
      tfp_->open(o_.wave.c_str());
      open_ = true;
    }
    if (in) tfp_->dump(t);
    if (!in && open_ && cycle_ > o_.to) {
      tfp_->close();
      open_ = false;
      tfp_.reset();
    }
  }

  std::unique_ptr<Vmmu_top> top_;
  std::unique_ptr<VerilatedFstC> tfp_;
  const LockstepOptions &o_;
  uint64_t cycle_ = 0;
  bool open_ = false;
};

// ---- the harness: drives the pins from the lockstep checker, one cycle at a time -------------

// What the checker samples in a cycle: every output of mmu_top but the counters.
struct SampledPins {
  ResponsePins rs;
  bool req_ready = false, ctrl_ready = false;
  MemOutPins mo;
};

SampledPins read_sampled_pins(Vmmu_top &t) {
  SampledPins p;
  p.rs = read_response_pins(t, [](uint64_t v) { return v; });
  p.req_ready = t.req_ready_o;
  p.ctrl_ready = t.ctrl_ready_o;
  p.mo.req_valid = t.mem_req_valid_o;
  p.mo.req_tag = t.mem_req_tag_o;
  p.mo.req_addr = t.mem_req_addr_o;
  p.mo.req_we = t.mem_req_we_o;
  p.mo.req_setbits = t.mem_req_setbits_o;
  p.mo.req_wdata = t.mem_req_wdata_o;
  return p;
}

// The outputs that differ between a and b, named, or empty.
std::string differing_pins(const SampledPins &a, const SampledPins &b) {
  std::string d;
  auto diff = [&](bool differs, const char *name) {
    if (differs) d += std::string(d.empty() ? "" : ", ") + name;
  };
  for (int l = 0; l < 2; l++) {
    const ResponseLane &x = a.rs.lane[l], &y = b.rs.lane[l];
    diff(x.valid != y.valid || x.paddr != y.paddr || x.size != y.size || x.fault != y.fault ||
             x.error != y.error || x.level != y.level || x.source != y.source || x.id != y.id,
         l == 0 ? "resp_*_o" : "mresp_*_o");
  }
  diff(a.rs.ctrl_done != b.rs.ctrl_done, "ctrl_done_o");
  diff(a.req_ready != b.req_ready, "req_ready_o");
  diff(a.ctrl_ready != b.ctrl_ready, "ctrl_ready_o");
  diff(a.mo.req_valid != b.mo.req_valid || a.mo.req_tag != b.mo.req_tag ||
           a.mo.req_addr != b.mo.req_addr || a.mo.req_we != b.mo.req_we ||
           a.mo.req_setbits != b.mo.req_setbits || a.mo.req_wdata != b.mo.req_wdata,
       "mem_req_*_o");
  return d;
}

constexpr uint64_t kSettleAudit = 8;  // (see COSIM_ONE_EVAL)

// On the first mismatch: with --wave, close the waveform; otherwise run again with the same
// options to write the cycles before it to waves/.
void on_mismatch(const LockstepOptions &o, Dut &dut, uint64_t c) {
  if (o.wave.empty()) {
    rerun_with_wave(o, c);
    return;
  }
  // Cycle c ends, and a few more with idle inputs (nothing is compared any more), so the bad
  // response has its width in the waveform and what follows it shows.
  uint64_t last = std::min(o.to, c + kWaveCyclesAfter);
  dut.edge();
  Vmmu_top &t = dut.top();
  t.req_valid_i = 0;
  t.ctrl_valid_i = 0;
  t.mem_rsp_valid_i = 0;
  t.mem_rsp_err_i = 0;
  while (dut.cycle() <= last && dut.wave_open()) {
    dut.settle();
    dut.edge();
  }
  dut.close_wave();
  std::string err;
  std::string view = write_wave_view(o.wave, o.from * kPsPerCycle, c * kPsPerCycle, err);
  if (view.empty()) fprintf(stderr, "%s: %s\n", o.program.c_str(), err.c_str());
  fprintf(stderr,
          "%s: waveform of cycles %" PRIu64 "..%" PRIu64
          " (1 ns a cycle, cycle N from N ns) in %s; view it with the marker on cycle %" PRIu64
          ": gtkwave %s\n",
          o.program.c_str(), o.from, last, o.wave.c_str(), c,
          view.empty() ? (o.wave + " " MMUSIM_SOURCE_DIR "/waves/mmu.gtkw").c_str() : view.c_str());
}

int simulate(const LockstepOptions &o, const struct mmu_config &cfg, Dut &dut) {
  Lockstep ls(o, cfg, COSIM_PARAMS, [&](uint64_t c) { on_mismatch(o, dut, c); });
  std::string err;
  if (!ls.start(err)) {
    fprintf(stderr, "cosim: %s\n", err.c_str());
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  Vmmu_top &t = dut.top();
  bool ctrl_valid_settled = false;  // ctrl_valid_i at the last evaluation (reset leaves it low)
  while (!ls.finished()) {
    uint64_t c = dut.cycle();
    RequestPins rq;
    ls.traffic_drive(c, rq);
    if (!ls.error().empty()) {
      fprintf(stderr, "%s: %s\n", o.program.c_str(), ls.error().c_str());
      return ls.error_status();
    }
    t.req_valid_i = rq.req_valid;
    t.req_vaddr_i = rq.req_vaddr;
    t.req_type_i = rq.req_type;
    t.req_user_i = rq.req_user;
    t.req_implicit_i = rq.req_implicit;
    t.req_id_i = rq.req_id;
    t.ctrl_valid_i = rq.ctrl_valid;
    t.ctrl_op_i = rq.ctrl_op;
    t.ctrl_value_i = rq.ctrl_value;
    t.ctrl_pcid_i = rq.ctrl_pcid;
    t.ctrl_invpcid_type_i = rq.ctrl_invpcid_type;
    t.ctrl_wp_i = rq.ctrl_wp;
    t.ctrl_nxe_i = rq.ctrl_nxe;
    t.ctrl_smep_i = rq.ctrl_smep;
    t.ctrl_smap_i = rq.ctrl_smap;
    t.ctrl_pke_i = rq.ctrl_pke;
    t.ctrl_ac_i = rq.ctrl_ac;
    t.ctrl_pkru_i = rq.ctrl_pkru;
    MemInPins mi;
    ls.memory_drive(c, mi);
    t.mem_req_ready_i = mi.req_ready;
    t.mem_rsp_valid_i = mi.rsp_valid;
    t.mem_rsp_tag_i = mi.rsp_tag;
    t.mem_rsp_err_i = mi.rsp_err;
    t.mem_rsp_rdata_i = mi.rsp_rdata;
    bool ctrl_changed = rq.ctrl_valid != ctrl_valid_settled;
    bool audit = COSIM_ONE_EVAL && !ctrl_changed && c % kSettleAudit == 0;
    SampledPins before;
    if (audit) before = read_sampled_pins(t);
    if (!COSIM_ONE_EVAL || ctrl_changed || audit || dut.waving()) dut.settle();
    ctrl_valid_settled = rq.ctrl_valid;  // (the edge evaluates it too)
    SampledPins pins = read_sampled_pins(t);
    if (audit) {
      std::string d = differing_pins(before, pins);
      if (!d.empty())
        ls.rtl_port_rule_broken(c, d + " changed as the cycle's inputs settled, ctrl_valid_i "
                                       "the same: docs/ARCHITECTURE.md 16.10 has no such path");
    }
    ls.response_sample(c, pins.rs);
    ls.traffic_sample(c, pins.req_ready, pins.ctrl_ready);
    ls.memory_sample(c, pins.mo, mi.req_ready);
    dut.edge();
    if (Verilated::gotError()) ls.rtl_assertion_failed(c);
  }
  ls.compare_counters(dut.cycle(), read_rtl_counters(
                                       t, [](uint64_t v) { return v; },
                                       [](const auto &v, unsigned k) -> uint64_t {
                                         // Bits [64k +: 64]: a QData up to 64 bits, a
                                         // VlWide above.
                                         using V = std::decay_t<decltype(v)>;
                                         if constexpr (std::is_integral_v<V>) {
                                           return k == 0 ? uint64_t(v) : 0;
                                         } else {
                                           constexpr unsigned n = sizeof(V) / sizeof(v[0]);
                                           return 2 * k + 1 < n ? uint64_t(v[2 * k]) |
                                                                      uint64_t(v[2 * k + 1]) << 32
                                                                : 0;
                                         }
                                       }));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ls.report_pass(dut.cycle(), secs);
  if (!ls.write_coverage(err)) {
    fprintf(stderr, "%s: %s\n", o.program.c_str(), err.c_str());
    return 2;
  }
  if (o.stats) ls.print_stats();
  return 0;
}

// A run. A coverage build (MMUSIM_COVERAGE) then writes the run's counts, one file a run, for
// verilator_coverage to merge (scripts/coverage): while the Verilated model lives, since its
// coverage points are counters inside it.
int run(const LockstepOptions &o, const struct mmu_config &cfg) {
  Dut dut(o);
  int status = simulate(o, cfg, dut);
#if VM_COVERAGE
  const char *dir = getenv("MMUSIM_COVERAGE_DIR");
  std::string path = std::string(dir && *dir ? dir : ".") + "/cosim_" COSIM_NAME "." +
                     std::to_string(o.seed) + "." + std::to_string(getpid()) + ".dat";
  Verilated::threadContextp()->coveragep()->write(path.c_str());
#endif
  return status;
}

}  // namespace

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  // An assertion's failure is reported by the checker, with its waveform (rtl_assertion_failed).
  Verilated::fatalOnError(false);
  LockstepOptions o = LockstepOptions::parse("cosim_" COSIM_NAME, argc, argv);
  struct mmu_config cfg;
  std::string err;
  if (!config_from_rtl_params(COSIM_PARAMS, cfg, err)) {
    fprintf(stderr, "cosim: %s\n", err.c_str());
    return 2;
  }
  return run(o, cfg);
}
