// The C model as a loosely-timed TLM-2.0 target: one MMU (struct mmu) behind a target socket
// that translates, and an initiator socket for the page walker's memory.
//
// Contract, in short (docs/ARCHITECTURE.md, "The C model as a TLM-2.0 module", has the table):
// - A translation is a b_transport of a TLM_READ_COMMAND payload: address = virtual address,
//   8 data bytes (streaming width 0 or >= 8, no byte enables), and an MmuTlmExtension with the
//   access type, user bit and PCID. On success the data holds the physical address (64-bit
//   little-endian) and the status is TLM_OK_RESPONSE; a page fault of any kind gives
//   TLM_ADDRESS_ERROR_RESPONSE; both fill the extension's response fields. A payload the MMU
//   cannot take gets another error status and changes nothing (last_error() says why).
// - Time: the request is presented in cycle ceil((sc_time_stamp() + delay) / period), or the
//   previous request's or control operation's cycle if that is later; the MMU adds
//   (response cycle - request cycle) periods to delay. It never calls wait() itself.
// - Every walker access is an 8-byte b_transport on `mem` (little-endian entry): accepted in the
//   cycle it is issued, answered mem_latency_cycles + ceil(memory's delay / period) cycles later
//   (at least 1). A memory error fails the translation with TLM_GENERIC_ERROR_RESPONSE, a
//   warning naming the entry's address, and delay advanced to that access's response.
// - No debug transport (transport_dbg returns 0) and no DMI (get_direct_mem_ptr denies it).
// - No global state: any number of instances can share a simulation.
#ifndef MMUSIM_TLM_MMU_TLM_H
#define MMUSIM_TLM_MMU_TLM_H

#include <cstdint>
#include <cstdio>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "mmusim/mmu.h"
#include "mmu_tlm_extension.h"

namespace mmusim {

class MmuTlm : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<MmuTlm> target;  // translation requests (b_transport)
  tlm_utils::simple_initiator_socket<MmuTlm> mem;  // the walker's page-table reads and writes

  // Throws std::invalid_argument on a configuration mmu_config_check refuses (its message) or a
  // zero clock period.
  MmuTlm(sc_core::sc_module_name name, const struct mmu_config &cfg,
         const sc_core::sc_time &clock_period, unsigned mem_latency_cycles = 20);
  ~MmuTlm() override;
  MmuTlm(const MmuTlm &) = delete;
  MmuTlm &operator=(const MmuTlm &) = delete;

  // Control operations, timed like a request: presented at sc_time_stamp() + delay (rounded up
  // to a cycle), delay advanced to their completion. false, with last_error(), for an operation
  // x86 would refuse with #GP (reserved CR3 bits, INVPCID type > 3, ...); nothing changes then.
  bool load_cr3(uint64_t cr3, sc_core::sc_time &delay);  // PML4 | PCID | no-flush bit 63
  bool load_cr3(uint64_t pml4, uint16_t pcid, bool noflush, sc_core::sc_time &delay);
  bool invlpg(uint64_t va, sc_core::sc_time &delay);
  bool invpcid(unsigned type, uint16_t pcid, uint64_t va, sc_core::sc_time &delay);
  bool flush_all(sc_core::sc_time &delay);
  bool set_mode(bool wp, bool nxe, sc_core::sc_time &delay);
  bool control(const struct mmu_ctrl &c, sc_core::sc_time &delay);  // c.cycle is ignored

  // Inspection. model() is for the side-effect-free queries (mmu_tlb_holds, ...): requests or
  // operations given to it directly bypass the arrival-cycle floor this module keeps.
  const struct mmu_stats &stats() const { return *mmu_stats(m_); }
  void print_stats(FILE *out) const { mmu_stats_print(mmu_stats(m_), out); }
  struct mmu *model() { return m_; }
  uint16_t current_pcid() const { return mmu_current_pcid(m_); }
  const sc_core::sc_time &clock_period() const { return period_; }
  unsigned mem_latency_cycles() const { return mem_latency_; }
  // Why the last refused payload or control operation, or the last memory error, failed.
  const std::string &last_error() const { return last_error_; }

 private:
  void b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload &p);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload &p, tlm::tlm_dmi &dmi);

  // Checks a payload before the model sees it; on a bad one sets its status and last_error_.
  bool check_payload(tlm::tlm_generic_payload &p, MmuTlmExtension *&ext);
  void refuse(tlm::tlm_generic_payload *p, tlm::tlm_response_status status,
              const std::string &why);

  // The cycle an operation presented at sc_time_stamp() + delay arrives in.
  uint64_t arrival_cycle(const sc_core::sc_time &delay) const;
  // Sets delay so that sc_time_stamp() + delay is `cycles` periods after `start`.
  void advance(sc_core::sc_time &delay, const sc_core::sc_time &start, uint64_t cycles) const;

  // The model's memory port: one walker access as a b_transport on `mem`.
  static int mem_access(void *ctx, struct mmu_mem_access *acc);
  int walker_access(struct mmu_mem_access *acc);

  struct mmu *m_ = nullptr;
  sc_core::sc_time period_;
  unsigned mem_latency_;
  uint64_t last_cycle_ = 0;  // the latest request's or control operation's arrival cycle
  // The translation in progress: when and in which cycle it was presented.
  sc_core::sc_time req_start_;
  uint64_t req_cycle_ = 0;
  // A walker access the memory answered with an error: what, and its response cycle.
  std::string mem_error_;
  uint64_t mem_error_done_ = 0;
  tlm::tlm_generic_payload mem_p_;  // reused for every walker access
  unsigned char mem_data_[8] = {};
  std::string last_error_;
};

}  // namespace mmusim

#endif
