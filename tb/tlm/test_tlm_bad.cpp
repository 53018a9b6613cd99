// mmusim::MmuTlm on payloads and operations it must refuse (ctest test tlm_bad_payload).
//
// Each bad payload must get its specific TLM status, a reason in last_error(), and leave the MMU
// as it was: statistics, the next free cycle, the arrival-cycle floor, the caller's delay, data,
// extension and DMI hint all unchanged. Then: page faults answer TLM_ADDRESS_ERROR_RESPONSE with
// the extension filled, control operations x86 refuses return false, transport_dbg does nothing
// and DMI is denied, a bad configuration throws, and a memory that answers a page-table read
// with an error fails that translation only, with the extension cleared and the delay and the
// next request's arrival exactly at the failing access's response. Last, with a memory that
// calls wait(): a method process that finds the MMU busy, and a memory that calls back into the
// MMU it serves, are refused rather than served in the middle of the walk.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "le64.h"
#include "mmu_tlm.h"
#include "mmusim.h"
#include "phys_mem_target.h"

namespace {

using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

unsigned g_failures = 0;

#define CHECK(cond, ...)                                                     \
  do {                                                                       \
    if (!(cond)) {                                                           \
      g_failures++;                                                          \
      printf("tlm_bad_payload FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      printf(__VA_ARGS__);                                                   \
      printf("\n");                                                          \
    }                                                                        \
  } while (0)

// A memory that answers one address with TLM_GENERIC_ERROR_RESPONSE, like a bus error; any
// other access goes to a PhysMemTarget.
class FailingMem : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<FailingMem> socket;
  uint64_t fail_at = ~0ull;
  unsigned failures = 0;

  FailingMem(sc_core::sc_module_name n, struct phys_mem *pm)
      : sc_module(n), socket("socket"), to_mem_("to_mem"), mem_("mem", pm) {
    socket.register_b_transport(this, &FailingMem::b_transport);
    to_mem_.bind(mem_.socket);
  }

 private:
  void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
    if (p.get_address() == fail_at) {
      failures++;
      p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    to_mem_->b_transport(p, delay);  // adds nothing
  }
  tlm_utils::simple_initiator_socket<FailingMem> to_mem_;
  mmusim::PhysMemTarget mem_;
};

// A memory that synchronises and waits 10 ns per access, then lets a PhysMemTarget do it; with
// `reenter` set, it calls that MMU's flush_all from inside its b_transport and records what it
// answered.
class SlowMem : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<SlowMem> socket;
  mmusim::MmuTlm *reenter = nullptr;
  unsigned reentries = 0, reentries_done = 0;  // calls made, and calls the MMU carried out
  std::string reentry_error;

  SlowMem(sc_core::sc_module_name n, struct phys_mem *pm)
      : sc_module(n), socket("socket"), to_mem_("to_mem"), mem_("mem", pm) {
    socket.register_b_transport(this, &SlowMem::b_transport);
    to_mem_.bind(mem_.socket);
  }

 private:
  void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
    wait(delay);
    delay = SC_ZERO_TIME;
    wait(10, SC_NS);
    if (reenter) {
      sc_time d = SC_ZERO_TIME;
      reentries++;
      reentries_done += reenter->flush_all(d);
      reentry_error = reenter->last_error();
    }
    to_mem_->b_transport(p, delay);  // adds nothing
  }
  tlm_utils::simple_initiator_socket<SlowMem> to_mem_;
  mmusim::PhysMemTarget mem_;
};

// The plain model's memory port for the reference of the memory-error case: 20 cycles an
// access, like MmuTlm with a memory that adds nothing; fails the access at fail_at and records
// that access's response cycle.
struct RefPort {
  struct phys_mem *pm;
  uint64_t fail_at = ~0ull;
  uint64_t failed_done = 0;

  static int access(void *ctx, struct mmu_mem_access *acc) {
    auto *r = static_cast<RefPort *>(ctx);
    acc->accept = acc->issue;
    acc->done = acc->issue + 20;
    if (acc->paddr == r->fail_at) {
      r->failed_done = acc->done;
      return -1;
    }
    return acc->write ? phys_mem_write64(r->pm, acc->paddr, acc->data)
                      : phys_mem_read64(r->pm, acc->paddr, &acc->data);
  }
};

constexpr uint64_t kVa = 0x1000, kPa = 0x200000;  // mapped RW|US
constexpr uint16_t kPcid = 5;

class Tester : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Tester> to_mmu, to_mmu_err, to_mmu_slow;

  SC_HAS_PROCESS(Tester);
  Tester(sc_core::sc_module_name n, mmusim::MmuTlm &mmu, mmusim::MmuTlm &mmu_err, FailingMem &fmem,
         mmusim::MmuTlm &mmu_slow, SlowMem &smem, struct phys_mem *pm, struct aspace *as)
      : sc_module(n),
        to_mmu("to_mmu"),
        to_mmu_err("to_mmu_err"),
        to_mmu_slow("to_mmu_slow"),
        mmu_(mmu),
        mmu_err_(mmu_err),
        mmu_slow_(mmu_slow),
        fmem_(fmem),
        smem_(smem),
        pm_(pm),
        as_(as) {
    SC_THREAD(run);
    SC_METHOD(poke);
    sensitive << poke_ev_;
    dont_initialize();
  }
  bool finished = false;

 private:
  // A good translation request; each case then spoils one thing.
  void good(tlm::tlm_generic_payload &p, mmusim::MmuTlmExtension *ext) {
    memset(data_, 0xa5, sizeof data_);
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(kVa + 0x10);
    p.set_data_ptr(data_);
    p.set_data_length(8);
    p.set_streaming_width(8);
    p.set_byte_enable_ptr(nullptr);
    p.set_byte_enable_length(0);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    p.set_dmi_allowed(true);  // a hint the MMU clears on a translation, and only then
    *ext = mmusim::MmuTlmExtension(MMU_ACC_READ, true, kPcid);
    ext->paddr = 0xdead;  // response fields the MMU must not touch on a refused payload
    ext->cycles = 77;
  }

  // Sends p, presented 1000 ns ahead; checks the status and that nothing changed.
  void refused(const char *what, tlm::tlm_generic_payload &p, tlm::tlm_response_status want,
               const char *reason) {
    struct mmu_stats before = mmu_.stats();
    uint64_t free_before = mmu_next_free_cycle(mmu_.model());
    unsigned char data_before[sizeof data_];
    memcpy(data_before, data_, sizeof data_);
    auto *ext = p.get_extension<mmusim::MmuTlmExtension>();
    sc_time delay(1000, SC_NS);
    to_mmu->b_transport(p, delay);
    CHECK(p.get_response_status() == want, "%s: status %s, expected %s", what,
          p.get_response_string().c_str(), status_name(want).c_str());
    CHECK(memcmp(&before, &mmu_.stats(), sizeof before) == 0, "%s: statistics changed", what);
    CHECK(mmu_next_free_cycle(mmu_.model()) == free_before, "%s: next free cycle changed", what);
    CHECK(delay == sc_time(1000, SC_NS), "%s: delay changed to %s", what,
          delay.to_string().c_str());
    CHECK(memcmp(data_before, data_, sizeof data_) == 0, "%s: data changed", what);
    CHECK(!ext || (ext->paddr == 0xdead && ext->cycles == 77), "%s: extension changed", what);
    CHECK(p.is_dmi_allowed(), "%s: DMI hint cleared", what);
    CHECK(mmu_.last_error().find(reason) != std::string::npos, "%s: last_error \"%s\" lacks \"%s\"",
          what, mmu_.last_error().c_str(), reason);
    cases_++;
  }

  static std::string status_name(tlm::tlm_response_status s) {
    tlm::tlm_generic_payload p;
    p.set_response_status(s);
    return p.get_response_string();
  }

  // A translation that must go through; returns the cycles it took.
  uint64_t translate_ok(tlm_utils::simple_initiator_socket<Tester> &s, uint64_t va,
                        const char *what) {
    tlm::tlm_generic_payload p;
    auto *ext = new mmusim::MmuTlmExtension;
    p.set_extension(ext);
    good(p, ext);
    p.set_address(va);
    sc_time delay = SC_ZERO_TIME;
    s->b_transport(p, delay);
    uint64_t got = mmusim::get_le64(data_);
    CHECK(p.get_response_status() == tlm::TLM_OK_RESPONSE, "%s: status %s (%s)", what,
          p.get_response_string().c_str(), mmu_.last_error().c_str());
    CHECK(got == kPa + (va & 0xfff), "%s: data 0x%" PRIx64, what, got);
    CHECK(delay == sc_time(double(ext->cycles), SC_NS), "%s: delay %s for %" PRIu64 " cycles", what,
          delay.to_string().c_str(), ext->cycles);
    CHECK(!p.is_dmi_allowed(), "%s: DMI hint left set", what);
    wait(delay);  // the next request finds the MMU free
    return ext->cycles;
  }

  void run() {
    sc_time d = SC_ZERO_TIME;
    CHECK(mmu_.load_cr3(aspace_pml4(as_), kPcid, false, d), "load CR3: %s",
          mmu_.last_error().c_str());
    CHECK(mmu_err_.load_cr3(aspace_pml4(as_), kPcid, false, d), "load CR3: %s",
          mmu_err_.last_error().c_str());
    wait(d);
    translate_ok(to_mmu, kVa, "first walk");

    tlm::tlm_generic_payload p;
    auto *ext = new mmusim::MmuTlmExtension;
    p.set_extension(ext);

    good(p, ext);
    p.set_data_length(4);
    refused("data length 4", p, tlm::TLM_BURST_ERROR_RESPONSE, "data length 4");
    good(p, ext);
    p.set_data_length(0);
    refused("data length 0", p, tlm::TLM_BURST_ERROR_RESPONSE, "data length 0");
    good(p, ext);
    p.set_data_length(16);
    p.set_streaming_width(16);
    refused("data length 16", p, tlm::TLM_BURST_ERROR_RESPONSE, "data length 16");
    good(p, ext);
    p.set_streaming_width(4);
    refused("streaming width 4", p, tlm::TLM_BURST_ERROR_RESPONSE, "streaming width 4");
    good(p, ext);
    unsigned char be[8];
    memset(be, 0xff, sizeof be);
    p.set_byte_enable_ptr(be);
    p.set_byte_enable_length(8);
    refused("byte enables", p, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, "byte enables");
    good(p, ext);
    p.set_data_ptr(nullptr);
    refused("null data pointer", p, tlm::TLM_GENERIC_ERROR_RESPONSE, "null data");
    good(p, ext);
    p.set_command(tlm::TLM_WRITE_COMMAND);
    refused("write command", p, tlm::TLM_COMMAND_ERROR_RESPONSE, "write command");
    good(p, ext);
    p.set_command(tlm::TLM_IGNORE_COMMAND);
    refused("ignore command", p, tlm::TLM_COMMAND_ERROR_RESPONSE, "ignore command");
    good(p, ext);
    ext->type = MMU_ACC_COUNT;
    refused("access type 3", p, tlm::TLM_GENERIC_ERROR_RESPONSE, "access type 3");
    good(p, ext);
    // Garbage from an initiator that filled the field as an integer (a cast would be undefined).
    unsigned garbage = 0xffffffffu;
    static_assert(sizeof garbage == sizeof ext->type, "enum mmu_access size");
    memcpy(&ext->type, &garbage, sizeof garbage);
    refused("access type 0xffffffff", p, tlm::TLM_GENERIC_ERROR_RESPONSE, "access type 4294967295");
    good(p, ext);
    ext->pcid = kPcid + 1;
    refused("PCID mismatch", p, tlm::TLM_GENERIC_ERROR_RESPONSE, "PCID 0x6");
    good(p, ext);
    ext->implicit = true;  // (good() makes it a user access)
    refused("implicit user access", p, tlm::TLM_GENERIC_ERROR_RESPONSE,
            "an implicit supervisor-mode access cannot be a user access");
    {
      tlm::tlm_generic_payload bare;  // no extension at all
      good(bare, ext);
      refused("missing extension", bare, tlm::TLM_GENERIC_ERROR_RESPONSE, "no MmuTlmExtension");
    }

    // None of those moved the arrival-cycle floor: a request now, with no delay, is an L1 hit
    // answered in 1 cycle, not one waiting until 1000 ns.
    CHECK(translate_ok(to_mmu, kVa + 8, "L1 hit after the bad payloads") == 1,
          "the bad payloads moved the MMU's time");

    // Streaming width 0 means no streaming, as does one wider than the data: both translate.
    good(p, ext);
    p.set_streaming_width(0);
    sc_time delay = SC_ZERO_TIME;
    to_mmu->b_transport(p, delay);
    CHECK(p.get_response_status() == tlm::TLM_OK_RESPONSE, "streaming width 0: %s",
          p.get_response_string().c_str());
    good(p, ext);
    p.set_streaming_width(64);
    to_mmu->b_transport(p, delay);
    CHECK(p.get_response_status() == tlm::TLM_OK_RESPONSE, "streaming width 64: %s",
          p.get_response_string().c_str());

    // Page faults: TLM_ADDRESS_ERROR_RESPONSE, the extension says which, the data is untouched.
    struct {
      uint64_t va;
      enum mmu_access type;
      bool user;
      enum mmu_fault fault;
      uint32_t error_code;
    } faults[] = {
        {0x5000, MMU_ACC_READ, true, MMU_FAULT_NOT_PRESENT, PF_ERR_U},                   // a hole
        {0x0000800000000000ull, MMU_ACC_READ, false, MMU_FAULT_NON_CANONICAL, 0},        // bit 47
        {0x3000, MMU_ACC_WRITE, true, MMU_FAULT_WRITE, PF_ERR_P | PF_ERR_W | PF_ERR_U},  // RO
        {0x4000, MMU_ACC_READ, true, MMU_FAULT_USER, PF_ERR_P | PF_ERR_U},   // supervisor
        {0x6000, MMU_ACC_FETCH, false, MMU_FAULT_NX, PF_ERR_P | PF_ERR_ID},  // NX
    };
    for (const auto &f : faults) {
      good(p, ext);
      p.set_address(f.va);
      ext->type = f.type;
      ext->user = f.user;
      delay = SC_ZERO_TIME;
      to_mmu->b_transport(p, delay);
      std::string what = std::string(mmu_fault_name(f.fault)) + " fault";
      CHECK(p.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE, "%s: status %s",
            what.c_str(), p.get_response_string().c_str());
      CHECK(ext->fault == f.fault, "%s: fault %s", what.c_str(), mmu_fault_name(ext->fault));
      CHECK(ext->error_code == f.error_code, "%s: error code 0x%x, expected 0x%x", what.c_str(),
            ext->error_code, f.error_code);
      CHECK(ext->page_shift == 0 && ext->cycles > 0 && delay == sc_time(double(ext->cycles), SC_NS),
            "%s: page shift %u, %" PRIu64 " cycles, delay %s", what.c_str(), ext->page_shift,
            ext->cycles, delay.to_string().c_str());
      CHECK(data_[0] == 0xa5 && data_[7] == 0xa5, "%s: data written", what.c_str());
      cases_++;
    }

    // Control operations x86 refuses: false, a reason, nothing changed.
    struct mmu_stats before = mmu_.stats();
    delay = sc_time(5, SC_NS);
    CHECK(!mmu_.invpcid(4, kPcid, 0, delay), "INVPCID type 4 accepted");
    CHECK(mmu_.last_error().find("type 4") != std::string::npos, "INVPCID 4: \"%s\"",
          mmu_.last_error().c_str());
    CHECK(!mmu_.invpcid(1, 0x1000, 0, delay), "INVPCID with a 13-bit PCID accepted");
    CHECK(!mmu_.invpcid(0, kPcid, 0x0000800000000000ull, delay), "INVPCID 0, non-canonical");
    CHECK(!mmu_.load_cr3(aspace_pml4(as_) | (1ull << 50), delay), "CR3 with bit 50 accepted");
    CHECK(!mmu_.load_cr3(aspace_pml4(as_) + 8, kPcid, false, delay), "unaligned PML4 accepted");
    CHECK(!mmu_.load_cr3(aspace_pml4(as_), 0x1000, false, delay), "PCID 0x1000 accepted");
    CHECK(delay == sc_time(5, SC_NS), "a refused operation moved the delay to %s",
          delay.to_string().c_str());
    CHECK(memcmp(&before, &mmu_.stats(), sizeof before) == 0, "a refused operation counted");
    CHECK(mmu_.current_pcid() == kPcid, "PCID changed to 0x%x", mmu_.current_pcid());
    cases_ += 6;

    // No debug transport, no DMI: the MMU is not a memory.
    good(p, ext);
    CHECK(to_mmu->transport_dbg(p) == 0, "transport_dbg did something");
    CHECK(data_[0] == 0xa5 && data_[7] == 0xa5 && ext->paddr == 0xdead, "transport_dbg wrote");
    tlm::tlm_dmi dmi;
    dmi.allow_read_write();
    CHECK(!to_mmu->get_direct_mem_ptr(p, dmi), "DMI granted");
    CHECK(dmi.is_none_allowed(), "the DMI descriptor allows access");
    CHECK(memcmp(&before, &mmu_.stats(), sizeof before) == 0, "debug or DMI access counted");
    cases_ += 2;

    memory_error();
    busy();

    printf("tlm_bad_payload: %u cases, %u failures\n", cases_, g_failures);
    finished = true;
  }

  // A memory error on the PTE read: TLM_GENERIC_ERROR_RESPONSE, a warning naming the address,
  // the extension's response fields those of the fault bus-error at level 1, and the delay to
  // the cycle after the failing access's response; a request presented at the same time then
  // is accepted in that cycle. A reference model with the same memory, failing at the same
  // access, says when that is. The translation after it works, with the same statistics.
  void memory_error() {
    struct mmu_config cfg;
    mmu_config_blocking(&cfg);
    RefPort ref_port;
    ref_port.pm = pm_;
    struct mmu_mem_port port = {&RefPort::access, &ref_port};
    char err[256];
    struct mmu *ref = mmu_create(&cfg, &port, err, sizeof err);
    CHECK(ref && mmu_load_cr3(ref, 0, aspace_pml4(as_), kPcid, false) == 0, "reference: %s", err);
    if (!ref) return;

    uint64_t pte_pa = 0;
    CHECK(aspace_entry_paddr(as_, kVa, PT_LEVEL_PT, &pte_pa) == 0, "PTE address");
    fmem_.fail_at = ref_port.fail_at = pte_pa;
    tlm::tlm_generic_payload p;
    auto *ext = new mmusim::MmuTlmExtension;
    p.set_extension(ext);
    good(p, ext);
    ext->fault = MMU_FAULT_USER;  // stale response fields, as from an earlier translation
    ext->error_code = 5;
    ext->level = 3;
    ext->page_shift = 12;
    ext->source = MMU_SRC_L1;
    uint64_t now = sc_core::sc_time_stamp().value(), ns = sc_time(1, SC_NS).value();
    uint64_t c0 = now / ns + (now % ns != 0);  // now is in fact a whole number of cycles
    sc_time delay = SC_ZERO_TIME;
    to_mmu_err->b_transport(p, delay);
    struct mmu_request rq = {kVa + 0x10, MMU_ACC_READ, true, c0, 0, false};
    struct mmu_response r;
    CHECK(mmu_translate(ref, &rq, &r) == 0 && r.fault == MMU_FAULT_BUS_ERROR &&
              ref_port.failed_done > c0 && r.resp_cycle == ref_port.failed_done + 1,
          "the reference did not answer with bus-error in the cycle after the failed access");
    uint64_t failed = r.resp_cycle;
    CHECK(p.get_response_status() == tlm::TLM_GENERIC_ERROR_RESPONSE, "memory error: status %s",
          p.get_response_string().c_str());
    CHECK(fmem_.failures == 1, "the failing memory was asked %u times", fmem_.failures);
    char addr[32];
    snprintf(addr, sizeof addr, "0x%" PRIx64, pte_pa);
    CHECK(mmu_err_.last_error().find(addr) != std::string::npos, "memory error: \"%s\" lacks %s",
          mmu_err_.last_error().c_str(), addr);
    CHECK(delay == sc_time(double(failed - c0), SC_NS) && ext->cycles == failed - c0,
          "memory error: delay %s, %" PRIu64 " cycles; expected %" PRIu64 " cycles",
          delay.to_string().c_str(), ext->cycles, failed - c0);
    CHECK(ext->paddr == 0 && ext->page_shift == 0 && ext->fault == MMU_FAULT_BUS_ERROR &&
              ext->error_code == 0 && ext->level == PT_LEVEL_PT && ext->source == MMU_SRC_WALK,
          "memory error: extension (paddr 0x%" PRIx64
          ", fault %s, level %u) is not bus-error "
          "at level 1",
          ext->paddr, mmu_fault_name(ext->fault), ext->level);
    CHECK(data_[0] == 0xa5 && data_[7] == 0xa5, "memory error: data written");
    fmem_.fail_at = ref_port.fail_at = ~0ull;
    cases_++;

    // The next request, presented at the same time, is accepted in cycle `failed` (the bus
    // error's response): the MMU was busy until then. Its delay counts from its own cycle c0.
    good(p, ext);
    p.set_address(kVa + 0x18);
    delay = SC_ZERO_TIME;
    to_mmu_err->b_transport(p, delay);
    rq = {kVa + 0x18, MMU_ACC_READ, true, c0, 0, false};
    CHECK(mmu_translate(ref, &rq, &r) == 0, "reference: %s", mmu_error(ref));
    CHECK(p.get_response_status() == tlm::TLM_OK_RESPONSE && ext->paddr == r.paddr,
          "after the memory error: status %s, paddr 0x%" PRIx64, p.get_response_string().c_str(),
          ext->paddr);
    CHECK(ext->cycles == r.resp_cycle - c0 && delay == sc_time(double(r.resp_cycle - c0), SC_NS),
          "after the memory error: %" PRIu64 " cycles, delay %s; expected %" PRIu64 " cycles",
          ext->cycles, delay.to_string().c_str(), r.resp_cycle - c0);
    CHECK(memcmp(&mmu_err_.stats(), mmu_stats(ref), sizeof(struct mmu_stats)) == 0,
          "after the memory error: statistics differ from the reference's");
    mmu_destroy(ref);
    wait(delay);
    translate_ok(to_mmu_err, kVa + 0x20, "after the memory error");
    cases_++;
  }

  // While a translation on mmu_slow_ waits in its memory: a method process's payload and
  // control operation are refused (it cannot wait), and so is the memory's own call back into
  // the MMU (the process being served); the translation itself is not disturbed.
  void busy() {
    sc_time d = SC_ZERO_TIME;
    CHECK(mmu_slow_.load_cr3(aspace_pml4(as_), kPcid, false, d), "load CR3: %s",
          mmu_slow_.last_error().c_str());
    wait(d);
    struct mmu_stats before = mmu_slow_.stats();
    poke_ev_.notify(15, SC_NS);  // the walk's first memory access waits from 10 to 20 ns
    translate_slow(kVa + 0x28, "the translation a method process pokes into");
    CHECK(poked_ == 1, "the method process ran %u times", poked_);
    CHECK(poke_status_ == tlm::TLM_GENERIC_ERROR_RESPONSE, "busy, from a method: status %s",
          status_name(poke_status_).c_str());
    CHECK(poke_delay_ == sc_time(3, SC_NS) && poke_ext_paddr_ == 0xdead,
          "busy, from a method: delay %s, extension paddr 0x%" PRIx64,
          poke_delay_.to_string().c_str(), poke_ext_paddr_);
    CHECK(poke_error_.find("busy") != std::string::npos &&
              poke_error_.find("SC_THREAD") != std::string::npos,
          "busy, from a method: last_error \"%s\"", poke_error_.c_str());
    CHECK(!poke_ctrl_ok_ && poke_ctrl_delay_ == sc_time(3, SC_NS),
          "busy, from a method: INVLPG done, or delay changed to %s",
          poke_ctrl_delay_.to_string().c_str());
    CHECK(mmu_slow_.stats().ctrl_ops[MMU_CTRL_INVLPG] == before.ctrl_ops[MMU_CTRL_INVLPG],
          "busy, from a method: INVLPG counted");
    cases_ += 2;

    // The memory calls flush_all on the MMU it is serving: refused, not a deadlock.
    sc_time flush_done = SC_ZERO_TIME;
    CHECK(mmu_slow_.flush_all(flush_done), "flush: %s", mmu_slow_.last_error().c_str());
    wait(flush_done);
    smem_.reenter = &mmu_slow_;
    translate_slow(kVa + 0x30, "the translation whose memory calls back");
    smem_.reenter = nullptr;
    CHECK(smem_.reentries > 0 && smem_.reentries_done == 0, "re-entry: %u calls, %u carried out",
          smem_.reentries, smem_.reentries_done);
    CHECK(smem_.reentry_error.find("re-entered") != std::string::npos,
          "re-entry: last_error \"%s\"", smem_.reentry_error.c_str());
    CHECK(mmu_slow_.stats().ctrl_ops[MMU_CTRL_FLUSH_ALL] == before.ctrl_ops[MMU_CTRL_FLUSH_ALL] + 1,
          "re-entry: a flush counted");
    cases_++;
  }

  // A translation on mmu_slow_ that must go through (a walk: every access waits 10 ns).
  void translate_slow(uint64_t va, const char *what) {
    tlm::tlm_generic_payload p;
    auto *ext = new mmusim::MmuTlmExtension;
    p.set_extension(ext);
    good(p, ext);
    p.set_address(va);
    sc_time delay = SC_ZERO_TIME;
    to_mmu_slow->b_transport(p, delay);
    CHECK(p.get_response_status() == tlm::TLM_OK_RESPONSE && ext->paddr == kPa + (va & 0xfff) &&
              ext->source == MMU_SRC_WALK,
          "%s: status %s (%s), paddr 0x%" PRIx64, what, p.get_response_string().c_str(),
          mmu_slow_.last_error().c_str(), ext->paddr);
    wait(delay);
  }

  // The method process: tries a translation and an INVLPG on mmu_slow_ while it is busy.
  void poke() {
    poked_++;
    tlm::tlm_generic_payload p;
    auto *ext = new mmusim::MmuTlmExtension;
    p.set_extension(ext);
    good(p, ext);
    poke_delay_ = sc_time(3, SC_NS);
    to_mmu_slow->b_transport(p, poke_delay_);
    poke_status_ = p.get_response_status();
    poke_ext_paddr_ = ext->paddr;
    poke_error_ = mmu_slow_.last_error();
    poke_ctrl_delay_ = sc_time(3, SC_NS);
    poke_ctrl_ok_ = mmu_slow_.invlpg(kVa, poke_ctrl_delay_);
  }

  mmusim::MmuTlm &mmu_, &mmu_err_, &mmu_slow_;
  FailingMem &fmem_;
  SlowMem &smem_;
  struct phys_mem *pm_;
  sc_core::sc_event poke_ev_;
  unsigned poked_ = 0;
  tlm::tlm_response_status poke_status_ = tlm::TLM_INCOMPLETE_RESPONSE;
  sc_time poke_delay_, poke_ctrl_delay_;
  uint64_t poke_ext_paddr_ = 0;
  std::string poke_error_;
  bool poke_ctrl_ok_ = true;
  struct aspace *as_;
  unsigned char data_[16];
  unsigned cases_ = 0;
};

}  // namespace

int sc_main(int, char *[]) {
  char err[256];
  struct phys_mem *pm = phys_mem_create(46, err, sizeof err);
  struct aspace *as = pm ? aspace_create(pm, err, sizeof err) : nullptr;
  if (!as) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  aspace_map(as, kVa, kPa, PAGE_SHIFT_4K, PTE_RW | PTE_US);
  aspace_map(as, 0x3000, 0x203000, PAGE_SHIFT_4K, PTE_US);           // read-only
  aspace_map(as, 0x4000, 0x204000, PAGE_SHIFT_4K, PTE_RW);           // supervisor
  aspace_map(as, 0x6000, 0x206000, PAGE_SHIFT_4K, PTE_RW | PTE_NX);  // no execute

  struct mmu_config cfg;
  mmu_config_blocking(&cfg);

  // A bad configuration or clock throws before anything is built.
  struct mmu_config bad = cfg;
  bad.dtlb_4k.ways = 0;
  try {
    mmusim::MmuTlm m("bad_config", bad, sc_time(1, SC_NS));
    CHECK(false, "a configuration with 0 ways was accepted");
  } catch (const std::invalid_argument &e) {
    CHECK(strstr(e.what(), "dtlb_4k.ways") != nullptr, "message \"%s\"", e.what());
  }
  try {
    mmusim::MmuTlm m("zero_clock", cfg, SC_ZERO_TIME);
    CHECK(false, "a zero clock period was accepted");
  } catch (const std::invalid_argument &e) {
    CHECK(strstr(e.what(), "clock") != nullptr, "message \"%s\"", e.what());
  }

  mmusim::MmuTlm mmu("mmu", cfg, sc_time(1, SC_NS));
  mmusim::PhysMemTarget mem("mem", pm);
  mmu.mem.bind(mem.socket);
  mmusim::MmuTlm mmu_err("mmu_err", cfg, sc_time(1, SC_NS));
  FailingMem fmem("fmem", pm);
  mmu_err.mem.bind(fmem.socket);
  mmusim::MmuTlm mmu_slow("mmu_slow", cfg, sc_time(1, SC_NS));
  SlowMem smem("smem", pm);
  mmu_slow.mem.bind(smem.socket);
  Tester t("tester", mmu, mmu_err, fmem, mmu_slow, smem, pm, as);
  t.to_mmu.bind(mmu.target);
  t.to_mmu_err.bind(mmu_err.target);
  t.to_mmu_slow.bind(mmu_slow.target);
  sc_core::sc_start();
  CHECK(t.finished, "the test thread did not finish");

  aspace_destroy(as);
  phys_mem_destroy(pm);
  printf("tlm_bad_payload: %s\n", g_failures ? "FAILED" : "PASSED");
  return g_failures ? 1 : 0;
}
