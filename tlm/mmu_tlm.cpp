// mmusim::MmuTlm: the C model behind TLM-2.0 sockets; the contract is in mmu_tlm.h.
#include "mmu_tlm.h"

#include "le64.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace mmusim {

namespace {

const char *const kMsgType = "mmusim/MmuTlm";

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
      mem_latency_(mem_latency_cycles),
      free_("free") {
  struct mmu_mem_port port = {&MmuTlm::mem_access, this};
  char err[256];
  m_ = mmu_create(&cfg, &port, err, sizeof err);
  if (!m_) throw std::runtime_error(std::string(this->name()) + ": " + err);
  if (cfg.hit_under_miss) {
    answers_.resize(size_t(1) << cfg.id_bits);
    ids_free_ = unsigned(answers_.size());
  }
  target.register_b_transport(this, &MmuTlm::b_transport);
  target.register_transport_dbg(this, &MmuTlm::transport_dbg);
  target.register_get_direct_mem_ptr(this, &MmuTlm::get_direct_mem_ptr);
}

MmuTlm::~MmuTlm() {
  mmu_destroy(m_);
}

// ---- serialization -----------------------------------------------------------------------------

bool MmuTlm::acquire(tlm::tlm_generic_payload *p, const char *what) {
  if (busy_) {
    // Another operation is in progress: its process is suspended in the memory's b_transport,
    // or it is the caller itself, called back from there.
    sc_core::sc_process_handle me = sc_core::sc_get_current_process_handle();
    const char *cannot = nullptr;
    if (me.proc_kind() != sc_core::SC_THREAD_PROC_)
      cannot = "the caller is not an SC_THREAD, so it cannot wait for it";
    else if (me == owner_)
      cannot = "the caller is the process being served (re-entered from the memory)";
    if (cannot) {
      refuse(p, tlm::TLM_GENERIC_ERROR_RESPONSE,
             (p ? "payload for " + hex(p->get_address()) : std::string(what)) +
                 ": the MMU is busy with another operation, and " + cannot);
      return false;
    }
    waiters_++;
    while (busy_) wait(free_);
    waiters_--;
  }
  busy_ = true;
  owner_ = sc_core::sc_get_current_process_handle();
  return true;
}

void MmuTlm::release() {
  busy_ = false;
  owner_ = sc_core::sc_process_handle();
  serving_ = nullptr;
  if (waiters_) free_.notify();  // immediate: a waiter is served at this same time
}

// ---- time --------------------------------------------------------------------------------------

uint64_t MmuTlm::cycle_at(const sc_core::sc_time &t) const {
  uint64_t v = t.value(), p = period_.value();
  return v / p + (v % p != 0);
}

sc_core::sc_time MmuTlm::time_of(const sc_core::sc_time &start, uint64_t c0, uint64_t cycle) const {
  return start + sc_core::sc_time::from_value((cycle - c0) * period_.value());
}

void MmuTlm::advance(sc_core::sc_time &delay, const sc_core::sc_time &start, uint64_t c0,
                     uint64_t cycle) const {
  sc_core::sc_time end = time_of(start, c0, cycle);
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
    return bad(tlm::TLM_GENERIC_ERROR_RESPONSE,
               "PCID " + hex(ext->pcid) + " is not the current PCID " + hex(mmu_current_pcid(m_)));
  if (ext->implicit && ext->user)
    return bad(tlm::TLM_GENERIC_ERROR_RESPONSE,
               "an implicit supervisor-mode access cannot be a user access");
  return true;
}

void MmuTlm::b_transport(int, tlm::tlm_generic_payload &p, sc_core::sc_time &delay) {
  if (!answers_.empty()) {
    transport_in_flight(p, delay);
    return;
  }
  // Checked once the MMU is ours: the PCID is the current one as of then.
  if (!acquire(&p, nullptr)) return;
  Hold hold(*this);
  MmuTlmExtension *ext = nullptr;
  if (!check_payload(p, ext)) return;
  p.set_dmi_allowed(false);

  Serving s;
  s.start = sc_core::sc_time_stamp() + delay;
  s.c0 = cycle_at(s.start);
  struct mmu_request req = {p.get_address(),        ext->type, ext->user,
                            std::max(s.c0, floor_), 0,         ext->implicit};
  struct mmu_response r;
  serving_ = &s;
  int rc = mmu_translate(m_, &req, &r);
  serving_ = nullptr;
  if (rc) {
    model_failed(p, *ext, req.vaddr);
    return;
  }
  floor_ = req.cycle;
  respond(p, *ext, r, s, delay);
}

void MmuTlm::respond(tlm::tlm_generic_payload &p, MmuTlmExtension &ext,
                     const struct mmu_response &r, const Serving &s, sc_core::sc_time &delay) {
  ext.clear_response();
  ext.cycles = r.resp_cycle - s.c0;
  ext.wait_cycles = r.accept_cycle - s.c0;
  advance(delay, s.start, s.c0, r.resp_cycle);
  ext.fault = r.fault;
  ext.level = r.level;
  ext.source = r.source;
  if (r.fault == MMU_FAULT_BUS_ERROR) {
    // The memory answered a walker access with an error: the walk ended with the fault
    // bus-error, answered in the cycle after that response like any fault, nothing filled.
    last_error_ = std::string(name()) + ": translation of " + hex(p.get_address()) +
                  " failed: " + (s.mem_error.empty() ? "bus error" : s.mem_error);
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    SC_REPORT_WARNING(kMsgType, last_error_.c_str());
    return;
  }
  ext.paddr = r.paddr;
  ext.page_shift = r.page_shift;
  ext.error_code = r.error_code;
  if (r.fault != MMU_FAULT_NONE) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  put_le64(p.get_data_ptr(), r.paddr);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

void MmuTlm::model_failed(tlm::tlm_generic_payload &p, MmuTlmExtension &ext, uint64_t va) {
  // Never expected: the model refused the request (the port always gives a timing).
  ext.clear_response();
  last_error_ = std::string(name()) + ": translation of " + hex(va) + " failed: " + mmu_error(m_);
  p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
  SC_REPORT_WARNING(kMsgType, last_error_.c_str());
}

// ---- several requests in flight (hit_under_miss on) --------------------------------------------

void MmuTlm::transport_in_flight(tlm::tlm_generic_payload &p, sc_core::sc_time &delay) {
  sc_core::sc_process_handle me = sc_core::sc_get_current_process_handle();
  const char *cannot = nullptr;
  if (me.proc_kind() != sc_core::SC_THREAD_PROC_)
    cannot = "the caller is not an SC_THREAD, and a translation waits for its response";
  else if (busy_ && me == owner_)
    cannot = "the caller is the process running the MMU (re-entered from the memory)";
  if (cannot) {
    refuse(&p, tlm::TLM_GENERIC_ERROR_RESPONSE,
           "payload for " + hex(p.get_address()) + ": " + cannot);
    return;
  }
  MmuTlmExtension *ext = nullptr;
  if (!check_payload(p, ext)) return;  // the PCID again when the request is presented
  p.set_dmi_allowed(false);

  // The MMU runs at simulation time, so that every initiator's request finds it there: the
  // request waits until its own time, and is presented in its own cycle.
  Serving s;
  s.start = sc_core::sc_time_stamp() + delay;
  s.c0 = cycle_at(s.start);
  if (delay != sc_core::SC_ZERO_TIME) wait(delay);
  delay = sc_core::SC_ZERO_TIME;
  while (!ids_free_) wait(id_free_);
  // The free ID that has been free longest: an ID is outstanding until its answer cycle.
  unsigned id = unsigned(answers_.size());
  for (unsigned i = 0; i < answers_.size(); i++)
    if (!answers_[i].taken && (id == answers_.size() || answers_[i].free_at < answers_[id].free_at))
      id = i;
  answers_[id].taken = true;
  ids_free_--;

  // Presented in c0 (or once its ID is free), and in each later cycle the MMU names, until it is
  // accepted.
  struct mmu_request req = {p.get_address(), ext->type, ext->user, s.c0, id, ext->implicit};
  for (uint64_t c = std::max(s.c0, answers_[id].free_at);;) {
    int rc;
    {
      acquire(&p, nullptr);  // a thread that does not hold the MMU: it waits, never refused
      Hold hold(*this);
      if (ext->pcid != mmu_current_pcid(m_)) {
        free_id(id);
        refuse(&p, tlm::TLM_GENERIC_ERROR_RESPONSE,
               "payload for " + hex(req.vaddr) + ": PCID " + hex(ext->pcid) +
                   " is no longer the current PCID " + hex(mmu_current_pcid(m_)) +
                   " (a CR3 load took effect while the request waited)");
        return;
      }
      c = std::max(c, cycle_at(sc_core::sc_time_stamp()));
      uint64_t retry = 0;
      serving_ = &timeline_;
      rc = mmu_try_issue(m_, &req, c, &retry);
      serving_ = nullptr;
      collect();
      if (rc == 1) c = retry;  // later than the current cycle, so later than now
    }
    if (rc < 0) {
      free_id(id);
      model_failed(p, *ext, req.vaddr);
      return;
    }
    if (rc == 0) {
      floor_ = std::max(floor_, c);
      break;
    }
    wait(time_of(timeline_.start, 0, c) - sc_core::sc_time_stamp());
  }

  // Waits for the answer, running the MMU to each event as simulation time reaches it.
  while (!answers_[id].answered) {
    uint64_t e;
    {
      acquire(&p, nullptr);
      Hold hold(*this);
      if (answers_[id].answered) break;  // answered while this call waited for the MMU
      uint64_t now = cycle_at(sc_core::sc_time_stamp());
      e = mmu_next_event(m_);
      if (e <= now) {
        serving_ = &timeline_;
        int rc = mmu_advance(m_, now);
        serving_ = nullptr;
        collect();
        if (rc) {
          free_id(id);
          model_failed(p, *ext, req.vaddr);
          return;
        }
        continue;
      }
    }
    if (e == UINT64_MAX) {  // never expected: the model lost the request
      free_id(id);
      ext->clear_response();
      last_error_ = std::string(name()) + ": translation of " + hex(req.vaddr) +
                    " failed: the MMU has nothing left to do and did not answer it";
      p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      SC_REPORT_WARNING(kMsgType, last_error_.c_str());
      return;
    }
    wait(time_of(timeline_.start, 0, e) - sc_core::sc_time_stamp(), answered_);
  }
  struct mmu_response r = answers_[id].r;
  free_id(id);
  // On the one timeline, the response lands at the start of its cycle.
  s.start = time_of(timeline_.start, 0, s.c0);
  s.mem_error = timeline_.mem_error;
  respond(p, *ext, r, s, delay);
}

void MmuTlm::collect() {
  struct mmu_response r;
  bool any = false;
  while (mmu_poll(m_, &r)) {
    answers_[r.id].answered = true;
    answers_[r.id].r = r;
    any = true;
  }
  if (any) answered_.notify();  // immediate: each waiter looks for its own ID
}

void MmuTlm::free_id(unsigned id) {
  uint64_t free_at = answers_[id].answered ? answers_[id].r.resp_cycle : answers_[id].free_at;
  answers_[id] = Answer();
  answers_[id].free_at = free_at;
  if (!ids_free_++) id_free_.notify();
}

unsigned int MmuTlm::transport_dbg(int, tlm::tlm_generic_payload &) {
  return 0;  // a translation has side effects (TLB fills, A/D bits): no debug access
}

bool MmuTlm::get_direct_mem_ptr(int, tlm::tlm_generic_payload &, tlm::tlm_dmi &dmi) {
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
  Serving &s = *serving_;  // only the model, inside b_transport, calls this
  // Presented in cycle acc->issue on the request's own timeline.
  sc_core::sc_time at = time_of(s.start, s.c0, acc->issue);
  sc_core::sc_time now = sc_core::sc_time_stamp();
  sc_core::sc_time d = at > now ? at - now : sc_core::SC_ZERO_TIME;
  sc_core::sc_time before = now + d;

  // An A/D set (several walkers) is a read of the entry and a write of it with the bits set, back
  // to back: no other walker access comes between, the MMU being held.
  bool ok = true;
  if (acc->write && acc->set_bits) {
    ok = transact(false, acc->paddr, 0, d);
    if (ok) ok = transact(true, acc->paddr, get_le64(mem_data_) | acc->data, d);
  } else {
    ok = transact(acc->write, acc->paddr, acc->data, d);
  }

  // The memory's own time: the delay it annotated, and any time it waited.
  sc_core::sc_time after = sc_core::sc_time_stamp() + d;
  uint64_t extra = after > before ? (after - before).value() : 0;
  uint64_t p = period_.value();
  uint64_t cycles = mem_latency_ + extra / p + (extra % p != 0);
  acc->accept = acc->issue;
  acc->done = acc->accept + (cycles ? cycles : 1);
  if (!ok) {
    s.mem_error = std::string("walker ") + (acc->write ? "write" : "read") + " of entry at " +
                  hex(acc->paddr) + ": memory answered " + mem_p_.get_response_string();
    return -1;
  }
  if (!acc->write) acc->data = get_le64(mem_data_);
  return 0;
}

bool MmuTlm::transact(bool write, uint64_t paddr, uint64_t data, sc_core::sc_time &d) {
  if (write) put_le64(mem_data_, data);
  mem_p_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  mem_p_.set_address(paddr);
  mem_p_.set_data_ptr(mem_data_);
  mem_p_.set_data_length(8);
  mem_p_.set_streaming_width(8);
  mem_p_.set_byte_enable_ptr(nullptr);
  mem_p_.set_byte_enable_length(0);
  mem_p_.set_dmi_allowed(false);
  mem_p_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  mem->b_transport(mem_p_, d);
  return mem_p_.is_response_ok();
}

// ---- control operations ------------------------------------------------------------------------

bool MmuTlm::control(const struct mmu_ctrl &c, sc_core::sc_time &delay) {
  sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
  // With requests in flight, an SC_THREAD caller waits until its own time first, as a
  // translation does, so that the MMU does not run ahead of the other initiators.
  if (!answers_.empty() && delay != sc_core::SC_ZERO_TIME &&
      sc_core::sc_get_current_process_handle().proc_kind() == sc_core::SC_THREAD_PROC_ &&
      !(busy_ && sc_core::sc_get_current_process_handle() == owner_)) {
    wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
  if (!acquire(nullptr, mmu_ctrl_name(c.op))) return false;
  Hold hold(*this);
  if (answers_.empty()) start = sc_core::sc_time_stamp() + delay;  // after any wait for the MMU
  uint64_t c0 = cycle_at(start);
  if (!answers_.empty()) start = time_of(timeline_.start, 0, c0);  // the one timeline
  struct mmu_ctrl op = c;
  op.cycle = std::max({c0, floor_, answers_.empty() ? 0 : cycle_at(sc_core::sc_time_stamp())});
  uint64_t done = 0;
  serving_ = &timeline_;  // requests in flight are answered first: their walks run now
  int rc = mmu_control(m_, &op, &done);
  serving_ = nullptr;
  if (!answers_.empty()) collect();
  if (rc) {
    refuse(nullptr, tlm::TLM_GENERIC_ERROR_RESPONSE, mmu_error(m_));
    return false;
  }
  floor_ = op.cycle;
  advance(delay, start, c0, done);
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

bool MmuTlm::set_protection(bool smep, bool smap, bool pke, bool ac, uint32_t pkru,
                            sc_core::sc_time &delay) {
  struct mmu_ctrl c = {};
  c.op = MMU_CTRL_SET_PROT;
  c.smep = smep;
  c.smap = smap;
  c.pke = pke;
  c.ac = ac;
  c.pkru = pkru;
  return control(c, delay);
}

}  // namespace mmusim
