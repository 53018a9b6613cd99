// mmusim::PhysMemTarget: a TLM-2.0 memory over a struct phys_mem, the sparse physical memory the
// address-space builder (aspace_*) writes page tables into.
//
// b_transport reads or writes 8-byte-aligned runs of 64-bit little-endian words (data length a
// positive multiple of 8, streaming width 0 or >= the length, no byte enables) and adds a fixed
// latency to the delay; TLM_IGNORE_COMMAND is answered OK and counted nowhere. Anything else is
// refused with a TLM error status and touches nothing: BURST_ERROR for a length or streaming
// width it cannot do, BYTE_ENABLE_ERROR for byte enables, ADDRESS_ERROR for an unaligned address
// or one beyond the memory's width, GENERIC_ERROR for a null data pointer. transport_dbg does the
// same without latency or counting. No DMI: the memory is sparse, frames are not contiguous.
#ifndef MMUSIM_TLM_PHYS_MEM_TARGET_H
#define MMUSIM_TLM_PHYS_MEM_TARGET_H

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "mmusim/phys_mem.h"

namespace mmusim {

class PhysMemTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<PhysMemTarget> socket;

  // pm is not owned and must outlive the module.
  PhysMemTarget(sc_core::sc_module_name name, struct phys_mem *pm,
                const sc_core::sc_time &latency = sc_core::SC_ZERO_TIME);

  void set_latency(const sc_core::sc_time &latency) { latency_ = latency; }
  const sc_core::sc_time &latency() const { return latency_; }
  struct phys_mem *memory() {
    return pm_;
  }
  // Transactions served by b_transport (refused ones are not counted).
  uint64_t reads() const { return reads_; }
  uint64_t writes() const { return writes_; }

 private:
  void b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload &p);
  // Performs the access; returns its status (the payload's is not set).
  tlm::tlm_response_status access(tlm::tlm_generic_payload &p);

  struct phys_mem *pm_;
  sc_core::sc_time latency_;
  uint64_t reads_ = 0, writes_ = 0;
};

}  // namespace mmusim

#endif
