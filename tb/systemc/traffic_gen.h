// The SystemC bench's traffic generator: presents the lockstep stimulus (constrained random,
// directed, or a lackey trace) on mmu_top's request and control ports, and sees it accepted.
// The stimulus and the model's prediction are the Verilator harness's (tb/common/lockstep.h).
#ifndef TB_SYSTEMC_TRAFFIC_GEN_H
#define TB_SYSTEMC_TRAFFIC_GEN_H

#include <cstdio>

#include "bench_clock.h"
#include "lockstep.h"
#include "mmu_pins.h"

SC_MODULE(TrafficGen) {
  sc_core::sc_in<bool> clk;
  sc_core::sc_out<bool> req_valid;
  sc_core::sc_out<PIN_T(req_vaddr_i)> req_vaddr;
  sc_core::sc_out<PIN_T(req_type_i)> req_type;
  sc_core::sc_out<bool> req_user, req_implicit;
  sc_core::sc_out<PIN_T(req_id_i)> req_id;
  sc_core::sc_in<bool> req_ready;
  sc_core::sc_out<bool> ctrl_valid;
  sc_core::sc_out<PIN_T(ctrl_op_i)> ctrl_op;
  sc_core::sc_out<PIN_T(ctrl_value_i)> ctrl_value;
  sc_core::sc_out<PIN_T(ctrl_pcid_i)> ctrl_pcid;
  sc_core::sc_out<PIN_T(ctrl_invpcid_type_i)> ctrl_invpcid_type;
  sc_core::sc_out<bool> ctrl_wp, ctrl_nxe, ctrl_smep, ctrl_smap, ctrl_pke, ctrl_ac;
  sc_core::sc_out<PIN_T(ctrl_pkru_i)> ctrl_pkru;
  sc_core::sc_in<bool> ctrl_ready;

  SC_HAS_PROCESS(TrafficGen);
  TrafficGen(sc_core::sc_module_name name, Lockstep & ls, const BenchClock &clock)
      : sc_module(name), ls_(ls), clock_(clock) {
    SC_METHOD(drive);
    sensitive << clk.neg();
    dont_initialize();
    SC_METHOD(sample);
    sensitive << clk.pos();
    dont_initialize();
  }

  int status = 0;  // Lockstep::error_status() if the stimulus or the model failed

 private:
  void drive() {
    if (!clock_.started()) return;
    RequestPins p;
    ls_.traffic_drive(clock_.cycle(), p);
    if (!ls_.error().empty()) {
      fprintf(stderr, "sc_rtl: %s\n", ls_.error().c_str());
      status = ls_.error_status();
      sc_core::sc_stop();
      return;
    }
    req_valid.write(p.req_valid);
    req_vaddr.write(p.req_vaddr);
    req_type.write(p.req_type);
    req_user.write(p.req_user);
    req_implicit.write(p.req_implicit);
    req_id.write(p.req_id);
    ctrl_valid.write(p.ctrl_valid);
    ctrl_op.write(p.ctrl_op);
    ctrl_value.write(p.ctrl_value);
    ctrl_pcid.write(p.ctrl_pcid);
    ctrl_invpcid_type.write(p.ctrl_invpcid_type);
    ctrl_wp.write(p.ctrl_wp);
    ctrl_nxe.write(p.ctrl_nxe);
    ctrl_smep.write(p.ctrl_smep);
    ctrl_smap.write(p.ctrl_smap);
    ctrl_pke.write(p.ctrl_pke);
    ctrl_ac.write(p.ctrl_ac);
    ctrl_pkru.write(p.ctrl_pkru);
  }
  void sample() {
    if (clock_.started()) ls_.traffic_sample(clock_.cycle(), req_ready.read(), ctrl_ready.read());
  }

  Lockstep &ls_;
  const BenchClock &clock_;
};

#endif
