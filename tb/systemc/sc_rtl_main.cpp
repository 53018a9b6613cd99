// The SystemC RTL bench: mmu_top Verilated as a SystemC module (verilator --sc), clocked by an
// sc_clock, with a traffic generator, a memory model and a response monitor as SystemC modules.
// The C model runs alongside on the same stimulus and memory timing, and every translation, its
// accept and response cycles, every walker memory access and the final counters are compared,
// by the same lockstep checker as the Verilator harness (tb/common/lockstep.h).
//
//   sc_rtl_<config> [--seed N] [--requests N] [--stim random|directed|trace:FILE]
//                   [--mem fixed|fast|slow|bursty|errors|
//                   lat=MIN[-MAX][,stall=PCT][,burst=N][,err=PERMILLE]]
//                   [--wave FILE.fst [--from C] [--to C]] [--no-auto-wave] [--quiet] [--stats]
//
// The RTL parameters of this build are SC_RTL_PARAMS (set by CMake); the model gets the same.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>

#include "bench_clock.h"
#include "lockstep.h"
#include "memory_model.h"
#include "mmu_pins.h"
#include "response_monitor.h"
#include "traffic_gen.h"

#ifndef SC_RTL_PARAMS
#define SC_RTL_PARAMS ""
#endif
#ifndef SC_RTL_NAME
#define SC_RTL_NAME "default"
#endif

namespace {

// Writes the FST waveform of cycles [from, to] (VerilatedFstSc dumps at every time step while
// the file is open).
SC_MODULE(WaveWindow) {
  SC_HAS_PROCESS(WaveWindow);
  WaveWindow(sc_core::sc_module_name name, Vmmu_top & dut, const LockstepOptions &o,
             const BenchClock &clock)
      : sc_module(name), dut_(dut), o_(o), clock_(clock) {
    SC_THREAD(run);
  }
  void close() {
    if (fst_ && fst_->isOpen()) fst_->close();
  }

 private:
  void run() {
    fst_ = std::make_unique<VerilatedFstSc>();
    dut_.trace(fst_.get(), 99);
    sc_core::sc_time from = clock_.start() + clock_.period * double(o_.from);
    if (o_.from > 0) wait(from - sc_core::sc_time_stamp());
    fst_->open(o_.wave.c_str());
    if (o_.to == UINT64_MAX) return;
    wait(clock_.start() + clock_.period * double(o_.to + 1) - sc_core::sc_time_stamp());
    close();
  }

  Vmmu_top &dut_;
  const LockstepOptions &o_;
  const BenchClock &clock_;
  std::unique_ptr<VerilatedFstSc> fst_;
};

}  // namespace

int sc_main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  // An assertion's failure is reported by the checker, with its waveform (rtl_assertion_failed).
  Verilated::fatalOnError(false);
  LockstepOptions o = LockstepOptions::parse("sc_rtl_" SC_RTL_NAME, argc, argv);
  struct mmu_config cfg;
  std::string err;
  if (!config_from_rtl_params(SC_RTL_PARAMS, cfg, err)) {
    fprintf(stderr, "sc_rtl: %s\n", err.c_str());
    return 2;
  }
  if (!o.wave.empty()) Verilated::traceEverOn(true);
  // The kernel's information messages ("Simulation stopped by user." at the end of every run).
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);

  BenchClock clock{sc_core::sc_time(1, sc_core::SC_NS)};
  sc_core::sc_clock clk("clk", clock.period, 0.5, sc_core::SC_ZERO_TIME, true);
  sc_core::sc_signal<bool> rst_n("rst_n", false);

  Vmmu_top dut("TOP");  // the name the Verilator harness gives it: waves/mmu.gtkw fits both
  std::unique_ptr<WaveWindow> wave;
  if (!o.wave.empty()) wave = std::make_unique<WaveWindow>("wave", dut, o, clock);
  // Without --wave, a mismatch runs the bench again with the waveform on (rerun_with_wave); with
  // it, the checker holds, the bench runs a few more cycles with idle inputs so that the bad
  // answer has its width in the waveform, and ends below.
  Lockstep ls(o, cfg, SC_RTL_PARAMS, [&](uint64_t c) {
    if (!wave) rerun_with_wave(o, c);
  });
  if (wave) ls.hold_on_mismatch();
  if (!ls.start(err)) {
    fprintf(stderr, "sc_rtl: %s\n", err.c_str());
    return 2;
  }
  TrafficGen traffic("traffic", ls, clock);
  MemoryModel memory("memory", ls, clock);
  ResponseMonitor monitor("monitor", ls, clock, dut);

  // The wires between them, one per port of mmu_top but the clock and reset, named after it.
  // (clang-format would break this list into a staircase)
  // clang-format off
#define MMU_TOP_PORTS(X)                                                                        \
  X(req_valid_i) X(req_ready_o) X(req_vaddr_i) X(req_type_i) X(req_user_i) X(req_implicit_i)  \
  X(req_id_i)                                                                                 \
  X(resp_valid_o) X(resp_id_o) X(mresp_valid_o) X(mresp_id_o) X(mresp_paddr_o) X(mresp_size_o) \
  X(mresp_fault_o) X(mresp_error_o) X(mresp_level_o) X(mresp_source_o)                        \
  X(resp_paddr_o) X(resp_size_o) X(resp_fault_o) X(resp_error_o) X(resp_level_o)              \
  X(resp_source_o) X(ctrl_valid_i) X(ctrl_ready_o) X(ctrl_op_i) X(ctrl_value_i) X(ctrl_pcid_i) \
  X(ctrl_invpcid_type_i) X(ctrl_wp_i) X(ctrl_nxe_i) X(ctrl_smep_i) X(ctrl_smap_i)             \
  X(ctrl_pke_i) X(ctrl_ac_i) X(ctrl_pkru_i) X(ctrl_done_o) X(mem_req_valid_o)                 \
  X(mem_req_ready_i) X(mem_req_tag_o) X(mem_req_addr_o) X(mem_req_we_o) X(mem_req_setbits_o)  \
  X(mem_req_wdata_o) X(mem_rsp_valid_i) X(mem_rsp_tag_i) X(mem_rsp_err_i) X(mem_rsp_rdata_i)   \
  X(cnt_requests_o) X(cnt_itlb_hits_o) X(cnt_dtlb_hits_o) X(cnt_stlb_hits_o) X(cnt_walks_o)        \
  X(cnt_walk_reads_o) X(cnt_walk_writes_o) X(cnt_psc_pde_hits_o) X(cnt_psc_pdpte_hits_o)           \
  X(cnt_psc_pml4e_hits_o) X(cnt_psc_pml5e_hits_o) X(cnt_faults_o) X(cnt_dirty_rewalks_o)           \
  X(cnt_merged_misses_o) X(cnt_itlb_fills_o) X(cnt_dtlb_fills_o) X(cnt_stlb_fills_o)               \
  X(cnt_itlb_evictions_o) X(cnt_dtlb_evictions_o) X(cnt_stlb_evictions_o)                          \
  X(cnt_psc_pde_fills_o) X(cnt_psc_pdpte_fills_o) X(cnt_psc_pml4e_fills_o)                         \
  X(cnt_psc_pml5e_fills_o) X(cnt_psc_pde_evictions_o) X(cnt_psc_pdpte_evictions_o)                 \
  X(cnt_psc_pml4e_evictions_o) X(cnt_psc_pml5e_evictions_o) X(cnt_miss_queue_full_o)               \
  X(cnt_walks_peak_o) X(cnt_walker_busy_o) X(cnt_latency_o)
  // clang-format on
#define SIGNAL(port) sc_core::sc_signal<PIN_T(port)> port{#port};
#define BIND(port)   dut.port(port);
  MMU_TOP_PORTS(SIGNAL)
  MMU_TOP_PORTS(BIND)
#undef BIND
#undef SIGNAL
  dut.clk_i(clk);
  dut.rst_ni(rst_n);

  traffic.clk(clk);
  traffic.req_valid(req_valid_i);
  traffic.req_vaddr(req_vaddr_i);
  traffic.req_type(req_type_i);
  traffic.req_user(req_user_i);
  traffic.req_implicit(req_implicit_i);
  traffic.req_id(req_id_i);
  traffic.req_ready(req_ready_o);
  traffic.ctrl_valid(ctrl_valid_i);
  traffic.ctrl_op(ctrl_op_i);
  traffic.ctrl_value(ctrl_value_i);
  traffic.ctrl_pcid(ctrl_pcid_i);
  traffic.ctrl_invpcid_type(ctrl_invpcid_type_i);
  traffic.ctrl_wp(ctrl_wp_i);
  traffic.ctrl_nxe(ctrl_nxe_i);
  traffic.ctrl_smep(ctrl_smep_i);
  traffic.ctrl_smap(ctrl_smap_i);
  traffic.ctrl_pke(ctrl_pke_i);
  traffic.ctrl_ac(ctrl_ac_i);
  traffic.ctrl_pkru(ctrl_pkru_i);
  traffic.ctrl_ready(ctrl_ready_o);

  memory.clk(clk);
  memory.req_valid(mem_req_valid_o);
  memory.req_ready(mem_req_ready_i);
  memory.req_tag(mem_req_tag_o);
  memory.req_addr(mem_req_addr_o);
  memory.req_we(mem_req_we_o);
  memory.req_setbits(mem_req_setbits_o);
  memory.req_wdata(mem_req_wdata_o);
  memory.rsp_valid(mem_rsp_valid_i);
  memory.rsp_tag(mem_rsp_tag_i);
  memory.rsp_err(mem_rsp_err_i);
  memory.rsp_rdata(mem_rsp_rdata_i);

  monitor.clk(clk);

  // Reset: rst_ni low for the rising edge at 0 (and the one at one period), released at the
  // falling edge that starts cycle 0.
  sc_core::sc_start(clock.start());
  rst_n.write(true);
  auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (wave) wave->close();
  dut.final();
  if (auto c = ls.halted_at()) {
    // Times in the dump's unit (SystemC's resolution): cycle N from N + 1.5 ns.
    uint64_t start = o.from ? (clock.start() + clock.period * double(o.from)).value() : 0;
    uint64_t marker = (clock.start() + clock.period * double(*c)).value();
    std::string view = write_wave_view(o.wave, start, marker, err);
    if (view.empty()) fprintf(stderr, "%s: %s\n", o.program.c_str(), err.c_str());
    fprintf(
        stderr,
        "%s: waveform of cycles %" PRIu64 "..%" PRIu64
        " (1 ns a cycle, cycle N from N + 1.5 ns) in %s; view it with the marker on cycle "
        "%" PRIu64 ": gtkwave %s\n",
        o.program.c_str(), o.from, monitor.cycles, o.wave.c_str(), *c,
        view.empty() ? (o.wave + " " MMUSIM_SOURCE_DIR "/waves/mmu.gtkw").c_str() : view.c_str());
    return 1;
  }
  if (traffic.status) return traffic.status;
  if (!monitor.passed) {
    fprintf(stderr, "%s: the simulation stopped before every item was answered\n",
            o.program.c_str());
    return 1;
  }
  ls.report_pass(monitor.cycles, secs);
  if (!ls.write_coverage(err)) {
    fprintf(stderr, "%s: %s\n", o.program.c_str(), err.c_str());
    return 2;
  }
  if (o.stats) ls.print_stats();
  return 0;
}
