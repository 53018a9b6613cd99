// The C model as a loosely-timed TLM-2.0 target: one MMU (struct mmu) behind a target socket
// that translates (any number of initiators bind to it), and an initiator socket for the page
// walker's memory.
//
// Contract, in short (docs/ARCHITECTURE.md, "The C model as a TLM-2.0 module", has the table):
// - A translation is a b_transport of a TLM_READ_COMMAND payload: address = virtual address,
//   8 data bytes (streaming width 0 or >= 8, no byte enables), and an MmuTlmExtension with the
//   access type, user bit and PCID. On success the data holds the physical address (64-bit
//   little-endian) and the status is TLM_OK_RESPONSE; a page fault of any kind gives
//   TLM_ADDRESS_ERROR_RESPONSE; both fill the extension's response fields and clear the
//   payload's DMI hint. A payload the MMU cannot take gets another error status and nothing
//   else changes: not the MMU, the delay, the data, the extension or the DMI hint (last_error()
//   says why).
// - With hit_under_miss off: one operation at a time. The MMU serves a translation or control
//   operation to its end before it takes the next. It stays busy across a walker access only if
//   the memory calls wait(). A caller in an SC_THREAD that finds it busy waits (wait() on an
//   event) until it is free; the MMU then takes the operation at that simulation time, with the
//   delay the caller passed. A caller that cannot wait is refused (TLM_GENERIC_ERROR_RESPONSE,
//   or false from a control method; last_error() says why) and nothing changes: a method
//   process, a clocked thread, code outside any process, or the process being served (a memory
//   calling back into the MMU). These are its only wait() calls in this mode.
// - Time, with hit_under_miss off and clock period P: an operation taken at t = sc_time_stamp() +
//   delay (at the call, or when the wait for a busy MMU ends) has its own cycle c0 = ceil(t / P).
//   It arrives in cycle c = max(c0, f), f being the previous operation's arrival cycle: the model
//   takes cycles in order, and LT initiators may be behind one another within a quantum. When the
//   model answers (or completes a control operation) in cycle r, delay is set so that
//   sc_time_stamp() + delay = t + (r - c0) * P, and the extension's cycles = r - c0: the response
//   lands in cycle r, all waiting included.
// - Every walker access is an 8-byte b_transport on `mem` (little-endian entry). Issued by the
//   walker in cycle i, it is presented at t + (i - c0) * P, accepted in cycle i, and answered
//   max(1, mem_latency_cycles + ceil(m / P)) cycles later, m being the time from the
//   presentation to the end of the memory's b_transport (annotated and waited time alike).
// - A memory error on an access answered in cycle d ends the walk with the fault bus-error
//   (docs/ARCHITECTURE.md 16.5), answered in cycle r = d + 1 like any fault, nothing filled:
//   status TLM_GENERIC_ERROR_RESPONSE, a warning naming the entry's address, the extension's
//   response fields those of the fault (fault bus-error, its level, source walk, paddr 0, error
//   code 0), cycles = r - c0, and sc_time_stamp() + delay = t + (r - c0) * P.
// - With hit_under_miss on: several translations in flight, one per calling SC_THREAD (other
//   callers are refused). A translation called at t = sc_time_stamp() + delay waits until t, is
//   presented in c0 = ceil(t / P) with a free ID and presented again in each cycle the model
//   names until accepted (mmu_try_issue), then waits for its response while the callers run the
//   model, on one timeline (cycle c at c * P), to each event as simulation time reaches it. The
//   response lands at r * P (or at the return, if a memory that waited held the MMU past it);
//   cycles = r - c0. Control operations from an SC_THREAD wait until their time too, then
//   answer every request in flight first (section 16.7) and complete at done * P. A memory
//   that calls wait() holds the MMU meanwhile.
// - With several walkers, an A/D set is a read and a write of the entry, back to back.
// - No debug transport (transport_dbg returns 0) and no DMI (get_direct_mem_ptr denies it).
// - No global state: any number of instances can share a simulation.
#ifndef MMUSIM_TLM_MMU_TLM_H
#define MMUSIM_TLM_MMU_TLM_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "mmusim/mmu.h"
#include "mmu_tlm_extension.h"

namespace mmusim {

class MmuTlm : public sc_core::sc_module {
 public:
  // Translation requests (b_transport), from any number of initiator sockets bound to it.
  tlm_utils::multi_passthrough_target_socket<MmuTlm> target;
  tlm_utils::simple_initiator_socket<MmuTlm> mem;  // the walker's page-table reads and writes

  // Throws std::invalid_argument on a configuration mmu_config_check refuses (its message) or a
  // zero clock period.
  MmuTlm(sc_core::sc_module_name name, const struct mmu_config &cfg,
         const sc_core::sc_time &clock_period, unsigned mem_latency_cycles = 20);
  ~MmuTlm() override;
  MmuTlm(const MmuTlm &) = delete;
  MmuTlm &operator=(const MmuTlm &) = delete;

  // Control operations, serialized and timed like a request (above): delay is set to their
  // completion. false, with last_error(), for an operation x86 would refuse with #GP (reserved
  // CR3 bits, INVPCID type > 3, ...) or a busy MMU the caller cannot wait for; nothing changes
  // then.
  bool load_cr3(uint64_t cr3, sc_core::sc_time &delay);  // PML4 | PCID | no-flush bit 63
  bool load_cr3(uint64_t pml4, uint16_t pcid, bool noflush, sc_core::sc_time &delay);
  bool invlpg(uint64_t va, sc_core::sc_time &delay);
  bool invpcid(unsigned type, uint16_t pcid, uint64_t va, sc_core::sc_time &delay);
  bool flush_all(sc_core::sc_time &delay);
  bool set_mode(bool wp, bool nxe, sc_core::sc_time &delay);
  // CR4.SMEP, CR4.SMAP, CR4.PKE, EFLAGS.AC and PKRU (docs/ARCHITECTURE.md section 2).
  bool set_protection(bool smep, bool smap, bool pke, bool ac, uint32_t pkru,
                      sc_core::sc_time &delay);
  bool control(const struct mmu_ctrl &c, sc_core::sc_time &delay);  // c.cycle is ignored

  // Inspection. model() is for the side-effect-free queries (mmu_tlb_holds, ...): requests or
  // operations given to it directly bypass the arrival-cycle floor and the serialization this
  // module keeps. While a translation waits for a memory that called wait(), the model is in the
  // middle of its walk.
  const struct mmu_stats &stats() const { return *mmu_stats(m_); }
  void print_stats(FILE *out) const { mmu_stats_print(mmu_stats(m_), out); }
  struct mmu *model() {
    return m_;
  }
  uint16_t current_pcid() const { return mmu_current_pcid(m_); }
  const sc_core::sc_time &clock_period() const { return period_; }
  unsigned mem_latency_cycles() const { return mem_latency_; }
  // Why the last refused payload or control operation, or the last memory error, failed.
  const std::string &last_error() const { return last_error_; }

 private:
  // The translation being served: its timeline and what the walker's memory reported. It lives
  // on b_transport's stack; serving_ points to it while the model runs.
  struct Serving {
    sc_core::sc_time start;  // t: sc_time_stamp() + delay when the MMU took the request
    uint64_t c0 = 0;         // ceil(t / period): the request's own cycle
    std::string mem_error;   // set if the memory answered a walker access with an error
  };
  // Holds the MMU for one operation; releases it when it goes out of scope.
  class Hold {
   public:
    explicit Hold(MmuTlm &m) : m_(m) {}
    ~Hold() { m_.release(); }
    Hold(const Hold &) = delete;
    Hold &operator=(const Hold &) = delete;

   private:
    MmuTlm &m_;
  };

  void b_transport(int initiator, tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
  // Sets p and ext from the model's response r to the request served on s's timeline, and
  // delay to the response (all but the request fields of ext are overwritten).
  void respond(tlm::tlm_generic_payload &p, MmuTlmExtension &ext, const struct mmu_response &r,
               const Serving &s, sc_core::sc_time &delay);
  // The model refused a request it was given (never expected): a generic error and a warning.
  void model_failed(tlm::tlm_generic_payload &p, MmuTlmExtension &ext, uint64_t va);

  // Several requests in flight (hit_under_miss on): b_transport, the answers the model gave,
  // and the IDs they came with.
  void transport_in_flight(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
  void collect();  // takes every response from the model into answers_; notifies answered_
  void free_id(unsigned id);
  unsigned int transport_dbg(int initiator, tlm::tlm_generic_payload &p);
  bool get_direct_mem_ptr(int initiator, tlm::tlm_generic_payload &p, tlm::tlm_dmi &dmi);

  // Takes the MMU for the calling process, first waiting while another process holds it. Returns
  // false, refusing payload p (if not null) or the control operation `what`, if the MMU is busy
  // and the caller cannot wait.
  bool acquire(tlm::tlm_generic_payload *p, const char *what);
  void release();

  // Checks a payload before the model sees it; on a bad one sets its status and last_error_.
  bool check_payload(tlm::tlm_generic_payload &p, MmuTlmExtension *&ext);
  void refuse(tlm::tlm_generic_payload *p, tlm::tlm_response_status status, const std::string &why);

  // ceil(t / period): the cycle time t falls in.
  uint64_t cycle_at(const sc_core::sc_time &t) const;
  // The time of cycle `cycle` on the timeline of an operation presented at `start`, in cycle c0.
  sc_core::sc_time time_of(const sc_core::sc_time &start, uint64_t c0, uint64_t cycle) const;
  // Sets delay so that sc_time_stamp() + delay = time_of(start, c0, cycle), or 0 if that has
  // passed.
  void advance(sc_core::sc_time &delay, const sc_core::sc_time &start, uint64_t c0,
               uint64_t cycle) const;

  // One 8-byte b_transport on `mem` with mem_p_ and mem_data_; d as b_transport's delay.
  // Returns whether the memory answered it with TLM_OK_RESPONSE.
  bool transact(bool write, uint64_t paddr, uint64_t data, sc_core::sc_time &d);
  // The model's memory port: one walker access as a b_transport on `mem`.
  static int mem_access(void *ctx, struct mmu_mem_access *acc);
  int walker_access(struct mmu_mem_access *acc);

  struct mmu *m_ = nullptr;
  sc_core::sc_time period_;
  unsigned mem_latency_;
  // The earliest cycle the next request or control operation arrives in: the latest one's
  // arrival cycle, or the failing access's response cycle after a memory error (the model does
  // not move its free cycle after a failed walk).
  uint64_t floor_ = 0;
  // Serialization: whether an operation is being served, by which process, and how many callers
  // wait for it to end (notified on free_).
  bool busy_ = false;
  sc_core::sc_process_handle owner_;
  unsigned waiters_ = 0;
  sc_core::sc_event free_;
  Serving *serving_ = nullptr;
  // With requests in flight: the model's timeline (cycle c at c times the period), the answers
  // by ID not yet taken by their b_transport calls, and how many IDs are free.
  struct Answer {
    bool taken = false;     // the ID belongs to a b_transport call
    bool answered = false;  // r holds its response
    struct mmu_response r = {};
    uint64_t free_at = 0;  // the answer cycle of its last request: the ID is free from then on
  };
  Serving timeline_;
  std::vector<Answer> answers_;  // empty when hit_under_miss is off: one operation at a time
  unsigned ids_free_ = 0;
  sc_core::sc_event answered_, id_free_;
  // Used by one walker access at a time (the MMU is held while it runs): reused for every one.
  tlm::tlm_generic_payload mem_p_;
  unsigned char mem_data_[8] = {};
  std::string last_error_;
};

}  // namespace mmusim

#endif
