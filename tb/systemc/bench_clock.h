// The SystemC RTL bench's clock and cycle numbering (tb/systemc/).
//
// The bench drives mmu_top's inputs for cycle c at the falling edge that starts it and samples
// its outputs at the rising edge that ends it; every process reads the signals as they were
// before that edge, so sampling order does not matter. rst_ni is low for the first two rising
// edges (at 0 and one period) and released at the falling edge that starts cycle 0, so cycle
// numbers match the Verilator harness's and the model's.
#ifndef TB_SYSTEMC_BENCH_CLOCK_H
#define TB_SYSTEMC_BENCH_CLOCK_H

#include <cstdint>

#include <systemc>

struct BenchClock {
  sc_core::sc_time period;

  // The falling edge that starts cycle 0: rising edges come at 0, P, 2P, ... (posedge first).
  sc_core::sc_time start() const { return period * 1.5; }
  bool started() const { return sc_core::sc_time_stamp() >= start(); }
  // The cycle the current edge belongs to: the falling edge that starts it, or the rising edge
  // that ends it.
  uint64_t cycle() const { return (sc_core::sc_time_stamp() - start()).value() / period.value(); }
};

#endif
