// mmusim::PhysMemTarget; the contract is in phys_mem_target.h.
#include "phys_mem_target.h"

#include "le64.h"

namespace mmusim {

PhysMemTarget::PhysMemTarget(sc_core::sc_module_name name, struct phys_mem *pm,
                             const sc_core::sc_time &latency)
    : sc_module(name), socket("socket"), pm_(pm), latency_(latency) {
  socket.register_b_transport(this, &PhysMemTarget::b_transport);
  socket.register_transport_dbg(this, &PhysMemTarget::transport_dbg);
}

tlm::tlm_response_status PhysMemTarget::access(tlm::tlm_generic_payload &p) {
  tlm::tlm_command cmd = p.get_command();
  if (cmd == tlm::TLM_IGNORE_COMMAND) return tlm::TLM_OK_RESPONSE;
  unsigned char *data = p.get_data_ptr();
  unsigned len = p.get_data_length();
  unsigned sw = p.get_streaming_width();
  uint64_t addr = p.get_address();
  if (!data) return tlm::TLM_GENERIC_ERROR_RESPONSE;
  if (len == 0 || len % 8 != 0 || (sw != 0 && sw < len)) return tlm::TLM_BURST_ERROR_RESPONSE;
  if (p.get_byte_enable_ptr()) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  // The whole run must fit, so that a refused access writes nothing.
  uint64_t size = uint64_t(1) << phys_mem_pa_bits(pm_);
  if (addr % 8 != 0 || addr >= size || len > size - addr) return tlm::TLM_ADDRESS_ERROR_RESPONSE;

  for (unsigned off = 0; off < len; off += 8) {
    if (cmd == tlm::TLM_WRITE_COMMAND) {
      if (phys_mem_write64(pm_, addr + off, get_le64(data + off)))
        return tlm::TLM_GENERIC_ERROR_RESPONSE;
    } else {
      uint64_t v;
      if (phys_mem_read64(pm_, addr + off, &v)) return tlm::TLM_GENERIC_ERROR_RESPONSE;
      put_le64(data + off, v);
    }
  }
  return tlm::TLM_OK_RESPONSE;
}

void PhysMemTarget::b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay) {
  tlm::tlm_response_status s = access(p);
  p.set_response_status(s);
  p.set_dmi_allowed(false);
  if (s != tlm::TLM_OK_RESPONSE || p.get_command() == tlm::TLM_IGNORE_COMMAND) return;
  if (p.get_command() == tlm::TLM_WRITE_COMMAND) writes_++;
  else reads_++;
  delay += latency_;
}

unsigned int PhysMemTarget::transport_dbg(tlm::tlm_generic_payload &p) {
  if (p.get_command() == tlm::TLM_IGNORE_COMMAND) return 0;
  return access(p) == tlm::TLM_OK_RESPONSE ? p.get_data_length() : 0;
}

}  // namespace mmusim
