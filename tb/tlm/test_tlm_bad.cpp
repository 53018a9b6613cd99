// mmusim::MmuTlm on payloads and operations it must refuse (ctest test tlm_bad_payload).
//
// Each bad payload must get its specific TLM status, a reason in last_error(), and leave the MMU
// as it was: statistics, the next free cycle, the arrival-cycle floor, the caller's delay, data
// and extension all unchanged. Then: page faults answer TLM_ADDRESS_ERROR_RESPONSE with the
// extension filled, control operations x86 refuses return false, a bad configuration throws,
// and a memory that answers a page-table read with an error fails that translation only.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "mmu_tlm.h"
#include "mmusim.h"
#include "phys_mem_target.h"

namespace {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

unsigned g_failures = 0;

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      g_failures++;                                                        \
      printf("tlm_bad_payload FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      printf(__VA_ARGS__);                                                 \
      printf("\n");                                                        \
    }                                                                      \
  } while (0)

// A memory that answers one address with TLM_GENERIC_ERROR_RESPONSE, like a bus error.
class FailingMem : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<FailingMem> socket;
  uint64_t fail_at = ~0ull;
  unsigned failures = 0;

  FailingMem(sc_core::sc_module_name n, struct phys_mem *pm)
      : sc_module(n), socket("socket"), pm_(pm) {
    socket.register_b_transport(this, &FailingMem::b_transport);
  }

 private:
  void b_transport(tlm::tlm_generic_payload &p, sc_time &) {
    if (p.get_address() == fail_at) {
      failures++;
      p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    uint64_t v = 0;
    unsigned char *d = p.get_data_ptr();
    if (p.is_write()) {
      for (unsigned i = 0; i < 8; i++) v |= uint64_t(d[i]) << (8 * i);
      phys_mem_write64(pm_, p.get_address(), v);
    } else {
      phys_mem_read64(pm_, p.get_address(), &v);
      for (unsigned i = 0; i < 8; i++) d[i] = static_cast<unsigned char>(v >> (8 * i));
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  struct phys_mem *pm_;
};

constexpr uint64_t kVa = 0x1000, kPa = 0x200000;  // mapped RW|US
constexpr uint16_t kPcid = 5;

class Tester : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Tester> to_mmu, to_mmu_err;

  SC_HAS_PROCESS(Tester);
  Tester(sc_core::sc_module_name n, mmusim::MmuTlm &mmu, mmusim::MmuTlm &mmu_err,
         FailingMem &fmem, struct aspace *as)
      : sc_module(n), to_mmu("to_mmu"), to_mmu_err("to_mmu_err"), mmu_(mmu), mmu_err_(mmu_err),
        fmem_(fmem), as_(as) {
    SC_THREAD(run);
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
    uint64_t got = 0;
    for (unsigned i = 0; i < 8; i++) got |= uint64_t(data_[i]) << (8 * i);
    CHECK(p.get_response_status() == tlm::TLM_OK_RESPONSE, "%s: status %s (%s)", what,
          p.get_response_string().c_str(), mmu_.last_error().c_str());
    CHECK(got == kPa + (va & 0xfff), "%s: data 0x%" PRIx64, what, got);
    CHECK(delay == sc_time(double(ext->cycles), SC_NS), "%s: delay %s for %" PRIu64 " cycles",
          what, delay.to_string().c_str(), ext->cycles);
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
        {0x5000, MMU_ACC_READ, true, MMU_FAULT_NOT_PRESENT, PF_ERR_U},               // a hole
        {0x0000800000000000ull, MMU_ACC_READ, false, MMU_FAULT_NON_CANONICAL, 0},     // bit 47
        {0x3000, MMU_ACC_WRITE, true, MMU_FAULT_WRITE, PF_ERR_P | PF_ERR_W | PF_ERR_U},  // RO
        {0x4000, MMU_ACC_READ, true, MMU_FAULT_USER, PF_ERR_P | PF_ERR_U},          // supervisor
        {0x6000, MMU_ACC_FETCH, false, MMU_FAULT_NX, PF_ERR_P | PF_ERR_ID},         // NX
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

    // A memory error on the PTE read: TLM_GENERIC_ERROR_RESPONSE and a warning naming the
    // address; the translation after it works (the model has counted the failed request, as
    // far as it got: that is the one case where the statistics change).
    uint64_t pte_pa = 0;
    CHECK(aspace_entry_paddr(as_, kVa, PT_LEVEL_PT, &pte_pa) == 0, "PTE address");
    fmem_.fail_at = pte_pa;
    good(p, ext);
    delay = SC_ZERO_TIME;
    to_mmu_err->b_transport(p, delay);
    CHECK(p.get_response_status() == tlm::TLM_GENERIC_ERROR_RESPONSE, "memory error: status %s",
          p.get_response_string().c_str());
    CHECK(fmem_.failures == 1, "the failing memory was asked %u times", fmem_.failures);
    char addr[32];
    snprintf(addr, sizeof addr, "0x%" PRIx64, pte_pa);
    CHECK(mmu_err_.last_error().find(addr) != std::string::npos, "memory error: \"%s\" lacks %s",
          mmu_err_.last_error().c_str(), addr);
    CHECK(delay > SC_ZERO_TIME, "memory error: no time passed");
    fmem_.fail_at = ~0ull;
    wait(delay);
    translate_ok(to_mmu_err, kVa + 0x18, "after the memory error");
    cases_++;

    printf("tlm_bad_payload: %u cases, %u failures\n", cases_, g_failures);
    finished = true;
  }

  mmusim::MmuTlm &mmu_, &mmu_err_;
  FailingMem &fmem_;
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
  mmu_config_default(&cfg);

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
  Tester t("tester", mmu, mmu_err, fmem, as);
  t.to_mmu.bind(mmu.target);
  t.to_mmu_err.bind(mmu_err.target);
  sc_core::sc_start();
  CHECK(t.finished, "the test thread did not finish");

  aspace_destroy(as);
  phys_mem_destroy(pm);
  printf("tlm_bad_payload: %s\n", g_failures ? "FAILED" : "PASSED");
  return g_failures ? 1 : 0;
}
