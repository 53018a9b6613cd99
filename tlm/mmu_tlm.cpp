// mmusim::MmuTlm: the C model behind TLM-2.0 sockets; the contract is in mmu_tlm.h.
#include "mmu_tlm.h"

#include <cinttypes>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace mmusim {

namespace {

const char *const kMsgType = "mmusim/MmuTlm";

void put_le64(unsigned char *b, uint64_t v) {
  for (unsigned i = 0; i < 8; i++) b[i] = static_cast<unsigned char>(v >> (8 * i));
}

uint64_t get_le64(const unsigned char *b) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 8; i++) v |= uint64_t(b[i]) << (8 * i);
  return v;
}

std::string hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// Refuses a bad configuration or clock before any SystemC object is built.
const sc_core::sc_module_name &checked(const sc_core::sc_module_name &name,
                                       const struct mmu_config &cfg,
                                       const sc_core::sc_time &period) {
  char err[256];
  if (mmu_config_check(&cfg, err, sizeof err))
    throw std::invalid_argument(std::string(name) + ": " + err);
  if (period == sc_core::SC_ZERO_TIME)
    throw std::invalid_argument(std::string(name) + ": the clock period is zero");
  return name;
}

}  // namespace

MmuTlm::MmuTlm(sc_core::sc_module_name name, const struct mmu_config &cfg,
               const sc_core::sc_time &clock_period, unsigned mem_latency_cycles)
    : sc_module(checked(name, cfg, clock_period)),
      target("target"),
      mem("mem"),
      period_(clock_period),
      mem_latency_(mem_latency_cycles) {
  struct mmu_mem_port port = {&MmuTlm::mem_access, this};
  char err[256];
  m_ = mmu_create(&cfg, &port, err, sizeof err);
  if (!m_) throw std::runtime_error(std::string(this->name()) + ": " + err);
  target.register_b_transport(this, &MmuTlm::b_transport);
  target.register_transport_dbg(this, &MmuTlm::transport_dbg);
  target.register_get_direct_mem_ptr(this, &MmuTlm::get_direct_mem_ptr);
}

MmuTlm::~MmuTlm() { mmu_destroy(m_); }

// ---- time --------------------------------------------------------------------------------------

uint64_t MmuTlm::arrival_cycle(const sc_core::sc_time &delay) const {
  uint64_t t = (sc_core::sc_time_stamp() + delay).value();
  uint64_t p = period_.value();
  uint64_t cycle = t / p + (t % p != 0);
  return cycle > last_cycle_ ? cycle : last_cycle_;
}

void MmuTlm::advance(sc_core::sc_time &delay, const sc_core::sc_time &start,
                     uint64_t cycles) const {
  sc_core::sc_time end = start + sc_core::sc_time::from_value(cycles * period_.value());
  sc_core::sc_time now = sc_core::sc_time_stamp();  // later than at the start if mem waited
  delay = end > now ? end - now : sc_core::SC_ZERO_TIME;
}

// ---- translation -------------------------------------------------------------------------------

void MmuTlm::refuse(tlm::tlm_generic_payload *p, tlm::tlm_response_status status,
                    const std::string &why) {
  last_error_ = why;
  if (p) p->set_response_status(status);
  SC_REPORT_INFO(kMsgType, (std::string(name()) + ": " + why).c_str());
}

bool MmuTlm::check_payload(tlm::tlm_generic_payload &p, MmuTlmExtension *&ext) {
  // The reason is only put together for a bad payload: this runs on every translation.
  auto bad = [&](tlm::tlm_response_status status, const std::string &why) {
    refuse(&p, status, "payload for " + hex(p.get_address()) + ": " + why);
    return false;
  };
  if (p.get_command() != tlm::TLM_READ_COMMAND)
    return bad(tlm::TLM_COMMAND_ERROR_RESPONSE,
               std::string(p.get_command() == tlm::TLM_WRITE_COMMAND ? "write" : "ignore") +
                   " command; a translation is a TLM_READ_COMMAND");
  if (!p.get_data_ptr()) return bad(tlm::TLM_GENERIC_ERROR_RESPONSE, "null data pointer");
  if (p.get_data_length() != 8)
    return bad(tlm::TLM_BURST_ERROR_RESPONSE,
               "data length " + std::to_string(p.get_data_length()) + ", not 8");
  unsigned sw = p.get_streaming_width();
  if (sw != 0 && sw < 8)
    return bad(tlm::TLM_BURST_ERROR_RESPONSE,
               "streaming width " + std::to_string(sw) + " (streaming is not supported)");
  if (p.get_byte_enable_ptr())
    return bad(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, "byte enables are not supported");
  ext = p.get_extension<MmuTlmExtension>();
  if (!ext) return bad(tlm::TLM_GENERIC_ERROR_RESPONSE, "no MmuTlmExtension");
  // Read as its underlying integer: loading a value outside the enumeration would be undefined.
  std::underlying_type<enum mmu_access>::type type;
  static_assert(sizeof type == sizeof ext->type, "enum mmu_access size");
  memcpy(&type, &ext->type, sizeof type);
  if (type >= MMU_ACC_COUNT)
    return bad(tlm::TLM_GENERIC_ERROR_RESPONSE,
               "access type " + std::to_string(type) + " is not read, write or fetch");
  if (ext->pcid != mmu_current_pcid(m_))
    return bad(tlm::TLM_GENERIC_ERROR_RESPONSE, "PCID " + hex(ext->pcid) +
                                                    " is not the current PCID " +
                                                    hex(mmu_current_pcid(m_)));
  return true;
}

void MmuTlm::b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay) {
  p.set_dmi_allowed(false);
  MmuTlmExtension *ext = nullptr;
  if (!check_payload(p, ext)) return;

  req_start_ = sc_core::sc_time_stamp() + delay;
  req_cycle_ = arrival_cycle(delay);
  mem_error_.clear();
  struct mmu_request req = {p.get_address(), ext->type, ext->user, req_cycle_};
  struct mmu_response r;
  int rc = mmu_translate(m_, &req, &r);
  last_cycle_ = req_cycle_;
  if (rc) {
    // The memory answered a walker access with an error (or, never expected, the model refused
    // the request). The model has counted the request and the walk up to the failing access.
    last_error_ = std::string(name()) + ": translation of " + hex(req.vaddr) + " failed: " +
                  (mem_error_.empty() ? mmu_error(m_) : mem_error_);
    if (!mem_error_.empty()) advance(delay, req_start_, mem_error_done_ - req_cycle_);
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    SC_REPORT_WARNING(kMsgType, last_error_.c_str());
    return;
  }

  ext->paddr = r.paddr;
  ext->page_shift = r.page_shift;
  ext->fault = r.fault;
  ext->error_code = r.error_code;
  ext->level = r.level;
  ext->source = r.source;
  ext->cycles = r.resp_cycle - req_cycle_;
  advance(delay, req_start_, ext->cycles);
  if (r.fault != MMU_FAULT_NONE) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  put_le64(p.get_data_ptr(), r.paddr);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int MmuTlm::transport_dbg(tlm::tlm_generic_payload &) {
  return 0;  // a translation has side effects (TLB fills, A/D bits): no debug access
}

bool MmuTlm::get_direct_mem_ptr(tlm::tlm_generic_payload &, tlm::tlm_dmi &dmi) {
  dmi.allow_none();  // nowhere: the MMU is not a memory
  dmi.set_start_address(0);
  dmi.set_end_address(~sc_dt::uint64(0));
  return false;
}

// ---- the walker's memory -----------------------------------------------------------------------

int MmuTlm::mem_access(void *ctx, struct mmu_mem_access *acc) {
  return static_cast<MmuTlm *>(ctx)->walker_access(acc);
}

int MmuTlm::walker_access(struct mmu_mem_access *acc) {
  // Presented issue - req_cycle_ periods after the request, on the request's own timeline.
  sc_core::sc_time at =
      req_start_ + sc_core::sc_time::from_value((acc->issue - req_cycle_) * period_.value());
  sc_core::sc_time now = sc_core::sc_time_stamp();
  sc_core::sc_time d = at > now ? at - now : sc_core::SC_ZERO_TIME;
  sc_core::sc_time before = now + d;

  if (acc->write) put_le64(mem_data_, acc->data);
  mem_p_.set_command(acc->write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  mem_p_.set_address(acc->paddr);
  mem_p_.set_data_ptr(mem_data_);
  mem_p_.set_data_length(8);
  mem_p_.set_streaming_width(8);
  mem_p_.set_byte_enable_ptr(nullptr);
  mem_p_.set_byte_enable_length(0);
  mem_p_.set_dmi_allowed(false);
  mem_p_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  mem->b_transport(mem_p_, d);

  // The memory's own time: the delay it annotated, and any time it waited.
  sc_core::sc_time after = sc_core::sc_time_stamp() + d;
  uint64_t extra = after > before ? (after - before).value() : 0;
  uint64_t p = period_.value();
  uint64_t cycles = mem_latency_ + extra / p + (extra % p != 0);
  acc->accept = acc->issue;
  acc->done = acc->accept + (cycles ? cycles : 1);
  if (!mem_p_.is_response_ok()) {
    mem_error_ = std::string("walker ") + (acc->write ? "write" : "read") + " of entry at " +
                 hex(acc->paddr) + ": memory answered " + mem_p_.get_response_string();
    mem_error_done_ = acc->done;
    return -1;
  }
  if (!acc->write) acc->data = get_le64(mem_data_);
  return 0;
}

// ---- control operations ------------------------------------------------------------------------

bool MmuTlm::control(const struct mmu_ctrl &c, sc_core::sc_time &delay) {
  sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
  struct mmu_ctrl op = c;
  op.cycle = arrival_cycle(delay);
  uint64_t done = 0;
  if (mmu_control(m_, &op, &done)) {
    refuse(nullptr, tlm::TLM_GENERIC_ERROR_RESPONSE, mmu_error(m_));
    return false;
  }
  last_cycle_ = op.cycle;
  advance(delay, start, done - op.cycle);
  return true;
}

bool MmuTlm::load_cr3(uint64_t cr3, sc_core::sc_time &delay) {
  struct mmu_ctrl c = {};
  c.op = MMU_CTRL_LOAD_CR3;
  c.value = cr3;
  return control(c, delay);
}

bool MmuTlm::load_cr3(uint64_t pml4, uint16_t pcid, bool noflush, sc_core::sc_time &delay) {
  if ((pml4 & (PAGE_SIZE_4K - 1)) || (pml4 >> 63) || pcid > 0xfff) {
    refuse(nullptr, tlm::TLM_GENERIC_ERROR_RESPONSE,
           "load CR3: PML4 base " + hex(pml4) + " must be 4 KiB aligned below bit 63, and PCID " +
               hex(pcid) + " at most 12 bits");
    return false;
  }
  return load_cr3(pml4 | pcid | (uint64_t(noflush) << 63), delay);
}

bool MmuTlm::invlpg(uint64_t va, sc_core::sc_time &delay) {
  struct mmu_ctrl c = {};
  c.op = MMU_CTRL_INVLPG;
  c.value = va;
  return control(c, delay);
}

bool MmuTlm::invpcid(unsigned type, uint16_t pcid, uint64_t va, sc_core::sc_time &delay) {
  struct mmu_ctrl c = {};
  c.op = MMU_CTRL_INVPCID;
  c.invpcid_type = type;
  c.pcid = pcid;
  c.value = va;
  return control(c, delay);
}

bool MmuTlm::flush_all(sc_core::sc_time &delay) {
  struct mmu_ctrl c = {};
  c.op = MMU_CTRL_FLUSH_ALL;
  return control(c, delay);
}

bool MmuTlm::set_mode(bool wp, bool nxe, sc_core::sc_time &delay) {
  struct mmu_ctrl c = {};
  c.op = MMU_CTRL_SET_MODE;
  c.wp = wp;
  c.nxe = nxe;
  return control(c, delay);
}

}  // namespace mmusim
