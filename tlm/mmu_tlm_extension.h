// The generic-payload extension of a translation request to mmusim::MmuTlm.
//
// The initiator fills the request fields (access type, user, PCID, implicit) and attaches the
// extension
// to a TLM_READ_COMMAND payload whose address is the virtual address. The MMU fills the response
// fields on every translation it performs, fault or not. When the memory fails a walker access
// (TLM_GENERIC_ERROR_RESPONSE, last_error() naming the entry), it clears them and sets only
// cycles. It leaves them alone on a payload it refuses (any other error status), so
// clear_response() first if the extension is reused.
//
// The payload owns an extension set with set_extension() and deletes it with itself (the
// generic payload's destructor frees its extensions): allocate it with new.
#ifndef MMUSIM_TLM_MMU_TLM_EXTENSION_H
#define MMUSIM_TLM_MMU_TLM_EXTENSION_H

#include <cstdint>

#include <tlm>

#include "mmusim/mmu.h"

namespace mmusim {

class MmuTlmExtension : public tlm::tlm_extension<MmuTlmExtension> {
 public:
  MmuTlmExtension() = default;
  MmuTlmExtension(enum mmu_access type_, bool user_, uint16_t pcid_, bool implicit_ = false)
      : type(type_), user(user_), pcid(pcid_), implicit(implicit_) {}

  // ---- request: set by the initiator
  enum mmu_access type = MMU_ACC_READ;
  bool user = false;      // CPL 3
  uint16_t pcid = 0;      // must equal the MMU's current PCID (the one the last CR3 load set)
  bool implicit = false;  // an implicit supervisor-mode access (SMAP refuses it whatever
                          // EFLAGS.AC: docs/ARCHITECTURE.md section 2); user must be false

  // ---- response: set by the MMU (struct mmu_response, in the same words)
  uint64_t paddr = 0;       // also in the payload's data on TLM_OK_RESPONSE
  unsigned page_shift = 0;  // 12 or 21; 0 on a fault
  enum mmu_fault fault = MMU_FAULT_NONE;
  uint32_t error_code = 0;  // #PF error code (PF_ERR_*); 0 if no fault
  unsigned level = 0;       // level where the walk stopped, or the cached leaf's level
  enum mmu_source source = MMU_SRC_NONE;
  uint64_t cycles = 0;       // response cycle - the request's own cycle, ceil((sc_time_stamp() +
                             // delay) / period): waiting for the MMU included
  uint64_t wait_cycles = 0;  // acceptance cycle - the request's own cycle: the part of cycles
                             // spent waiting to be accepted (back-pressure, another request
                             // or a control operation first)

  void clear_response() {
    paddr = 0;
    page_shift = 0;
    fault = MMU_FAULT_NONE;
    error_code = 0;
    level = 0;
    source = MMU_SRC_NONE;
    cycles = 0;
    wait_cycles = 0;
  }

  tlm::tlm_extension_base *clone() const override { return new MmuTlmExtension(*this); }
  void copy_from(const tlm::tlm_extension_base &other) override {
    // Only ever called with an extension of the same type (the payload matches them by ID).
    *this = static_cast<const MmuTlmExtension &>(other);
  }
};

}  // namespace mmusim

#endif
