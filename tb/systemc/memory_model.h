// The SystemC bench's memory: serves mmu_top's walkers' port (tagged accesses, responses by tag) with a configurable latency and
// random not-ready cycles and bus errors (a MemTiming profile: fixed, fast, slow, bursty, errors or
// lat=MIN-MAX,...),
// from the same simulated physical memory the model walks. Each access it accepts is checked
// against the model's (tb/common/lockstep.h).
#ifndef TB_SYSTEMC_MEMORY_MODEL_H
#define TB_SYSTEMC_MEMORY_MODEL_H

#include "bench_clock.h"
#include "lockstep.h"
#include "mmu_pins.h"

SC_MODULE(MemoryModel) {
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<bool> req_valid;
  sc_core::sc_out<bool> req_ready;
  sc_core::sc_in<PIN_T(mem_req_tag_o)> req_tag;
  sc_core::sc_in<PIN_T(mem_req_addr_o)> req_addr;
  sc_core::sc_in<bool> req_we;
  sc_core::sc_in<bool> req_setbits;
  sc_core::sc_in<PIN_T(mem_req_wdata_o)> req_wdata;
  sc_core::sc_out<bool> rsp_valid;
  sc_core::sc_out<PIN_T(mem_rsp_tag_i)> rsp_tag;
  sc_core::sc_out<bool> rsp_err;
  sc_core::sc_out<PIN_T(mem_rsp_rdata_i)> rsp_rdata;

  SC_HAS_PROCESS(MemoryModel);
  MemoryModel(sc_core::sc_module_name name, Lockstep & ls, const BenchClock &clock)
      : sc_module(name), ls_(ls), clock_(clock) {
    SC_METHOD(drive);
    sensitive << clk.neg();
    dont_initialize();
    SC_METHOD(sample);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void drive() {
    if (!clock_.started()) return;
    MemInPins p;
    ls_.memory_drive(clock_.cycle(), p);
    req_ready.write(p.req_ready);
    rsp_valid.write(p.rsp_valid);
    rsp_tag.write(p.rsp_tag);
    rsp_err.write(p.rsp_err);
    rsp_rdata.write(p.rsp_rdata);
  }
  void sample() {
    if (!clock_.started()) return;
    MemOutPins p;
    p.req_valid = req_valid.read();
    p.req_tag = req_tag.read();
    p.req_addr = req_addr.read();
    p.req_we = req_we.read();
    p.req_setbits = req_setbits.read();
    p.req_wdata = req_wdata.read();
    ls_.memory_sample(clock_.cycle(), p, req_ready.read());
  }

  Lockstep &ls_;
  const BenchClock &clock_;
};

#endif
