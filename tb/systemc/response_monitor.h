// The SystemC bench's response monitor: samples mmu_top's response lanes and control-completion
// port every cycle (through the model's ports) and hands them to the lockstep checker, which compares them with the model's
// answers (tb/common/lockstep.h). Once every item is answered it compares the RTL's counters
// with the model's and stops the simulation.
#ifndef TB_SYSTEMC_RESPONSE_MONITOR_H
#define TB_SYSTEMC_RESPONSE_MONITOR_H

#include <type_traits>

#include "bench_clock.h"
#include "lockstep.h"
#include "mmu_pins.h"

SC_MODULE(ResponseMonitor) {
  sc_core::sc_in<bool> clk;

  SC_HAS_PROCESS(ResponseMonitor);
  ResponseMonitor(sc_core::sc_module_name name, Lockstep & ls, const BenchClock &clock,
                  Vmmu_top &dut)
      : sc_module(name), ls_(ls), clock_(clock), dut_(dut) {
    SC_METHOD(sample);
    sensitive << clk.pos();
    dont_initialize();
  }

  bool passed = false;
  uint64_t cycles = 0;

 private:
  void sample() {
    if (!clock_.started()) return;
    uint64_t c = clock_.cycle();
    if (auto h = ls_.halted_at()) {
      // After a mismatch: the cycles the waveform shows after it, then the end.
      cycles = c;
      if (c >= *h + kWaveCyclesAfter) sc_core::sc_stop();
      return;
    }
    if (Verilated::gotError()) {
      ls_.rtl_assertion_failed(c);
      return;
    }
    if (finished_) {
      // The counters as the last answer's rising edge left them.
      ls_.compare_counters(
          c, read_rtl_counters(
                 dut_, [](auto &port) { return uint64_t(port.read()); },
                 [](auto &port, unsigned k) -> uint64_t {
                   // Bits [64k +: 64]: a uint64_t port up to 64 bits, an sc_bv above.
                   auto v = port.read();
                   if constexpr (std::is_integral_v<decltype(v)>) {
                     return k == 0 ? uint64_t(v) : 0;
                   } else {
                     return int(64 * k) < v.length() ? v.range(64 * k + 63, 64 * k).to_uint64() : 0;
                   }
                 }));
      passed = true;
      cycles = c;
      sc_core::sc_stop();
      return;
    }
    ResponsePins p = read_response_pins(dut_, [](auto &port) { return uint64_t(port.read()); });
    ls_.response_sample(c, p);
    finished_ = ls_.finished();
  }

  Lockstep &ls_;
  const BenchClock &clock_;
  Vmmu_top &dut_;
  bool finished_ = false;
};

#endif
