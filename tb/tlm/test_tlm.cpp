// mmusim::MmuTlm against the plain C model, request by request (ctest test tlm_model).
//
// Each bench runs one stimulus stream (tb/common/stimulus.h: the directed scenarios, a full
// flush, then constrained-random traffic: four address spaces with PCIDs, 4 KiB and 2 MiB pages,
// read-only, supervisor and NX pages, holes, page-table changes by the "OS", every control
// operation) twice, on two worlds built by the same code from the same seed:
//   (a) through a TLM initiator socket into an MmuTlm, whose walker reads the world's page
//       tables through a PhysMemTarget with a latency of its own;
//   (b) into a plain struct mmu whose memory port has the same total latency in cycles.
// Two initiator threads share the stream, each with its own quantum keeper and think time, so
// one is often behind the other within a quantum. Every response (status, physical address and
// data, page size, fault, error code, level, source, cycles), every annotated delay, every
// control operation's completion, and at the end the statistics, must be equal. Two benches with
// different configurations, clocks and seeds run in one simulation, which also shows that two
// MmuTlm instances are independent. The timing rule checked is the one MmuTlm documents: an
// operation presented at t, in its own cycle c0 = ceil(t / period), arrives in max(c0, the
// previous arrival), and its delay ends at t + (response cycle - c0) periods.
//
// A third bench (WaitBench) gives two threads one MmuTlm whose memory calls wait(), so that one
// thread calls while the other's walk is suspended: the MMU must serve them one at a time, and
// each operation must match a plain model fed the operations in the order the MMU served them.
//
//   test_tlm [ITEMS]     ITEMS random items per bench (default 200000; the third bench does a
//                        tenth as many per thread); seed from MMUSIM_SEED
//
// The first mismatches are printed as "tlm_model MISMATCH bench=... seed=... item #K ...".
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "../common/bench_seed.h"
#include "le64.h"
#include "mmu_tlm.h"
#include "mmusim.h"
#include "phys_mem_target.h"
#include "stimulus.h"

namespace {

using sc_core::SC_NS;
using sc_core::SC_PS;
using sc_core::sc_time;

uint64_t g_seed;

std::string hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

const char *status_name(tlm::tlm_response_status s) {
  tlm::tlm_generic_payload p;
  p.set_response_status(s);
  static std::string name;
  name = p.get_response_string();
  return name.c_str();
}

// A fresh physical memory for one world; the stimulus adds the address spaces.
void init_world(World &w, unsigned pa_bits) {
  char err[256];
  w.pm = phys_mem_create(pa_bits, err, sizeof err);
  if (!w.pm) {
    fprintf(stderr, "test_tlm: %s\n", err);
    exit(2);
  }
}

// The streams a bench runs, one per world: directed scenarios, a full flush, random traffic.
class Stream {
 public:
  Stream(World &w, uint64_t seed, uint64_t count) {
    std::string err;
    for (const char *kind : {"directed", "random"}) {
      parts_.push_back(make_stimulus(kind, w, seed, count, err));
      if (!parts_.back()) {
        fprintf(stderr, "test_tlm: %s\n", err.c_str());
        exit(2);
      }
    }
  }
  bool next(StimItem &it) {
    while (part_ < parts_.size()) {
      if (parts_[part_]->next(it)) return true;
      if (++part_ < parts_.size()) {  // start each part from empty TLBs
        it = StimItem();
        it.is_ctrl = true;
        it.ctrl.op = MMU_CTRL_FLUSH_ALL;
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<std::unique_ptr<Stimulus>> parts_;
  size_t part_ = 0;
};

struct BenchConfig {
  const char *label;
  struct mmu_config cfg;
  sc_time period;
  sc_time mem_delay;     // the PhysMemTarget's latency
  unsigned mem_latency;  // MmuTlm's own cycles per access
  uint64_t seed;
  uint64_t items;
};

class Bench : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Bench> socket;

  SC_HAS_PROCESS(Bench);
  Bench(sc_core::sc_module_name name, const BenchConfig &bc)
      : sc_module(name),
        socket("socket"),
        bc_(bc),
        worlds_(),
        streams_(make_streams()),
        mmu_("mmu", bc.cfg, bc.period, bc.mem_latency),
        mem_("mem", worlds_[0].pm, bc.mem_delay),
        jitter_(bc.seed ^ 0x7177ull) {
    socket.bind(mmu_.target);
    mmu_.mem.bind(mem_.socket);
    // The reference: the same latency in cycles, as a fixed-latency port on its own world.
    uint64_t d = bc.mem_delay.value(), p = bc.period.value();
    ref_mem_ = {worlds_[1].pm, unsigned(bc.mem_latency + d / p + (d % p != 0))};
    struct mmu_mem_port port = mmu_fixed_mem_port(&ref_mem_);
    char err[256];
    ref_ = mmu_create(&bc.cfg, &port, err, sizeof err);
    if (!ref_) {
      fprintf(stderr, "test_tlm: %s\n", err);
      exit(2);
    }
    SC_THREAD(cpu0);
    SC_THREAD(cpu1);
  }
  ~Bench() override { mmu_destroy(ref_); }

  // After the simulation: final statistics, counts. Returns the number of mismatches.
  uint64_t finish();
  uint64_t requests() const { return requests_; }

 private:
  std::vector<Stream> make_streams() {
    for (World &w : worlds_) init_world(w, bc_.cfg.pa_bits);
    std::vector<Stream> s;
    for (World &w : worlds_) s.emplace_back(w, bc_.seed, bc_.items);
    return s;
  }

  void cpu0() { run(0); }
  void cpu1() { run(1); }
  void run(unsigned cpu);
  void request(unsigned cpu, const StimItem &it, tlm::tlm_generic_payload &p,
               tlm_utils::tlm_quantumkeeper &qk);
  void control(const StimItem &it, tlm_utils::tlm_quantumkeeper &qk);
  // The rule MmuTlm documents, computed here on its own: an operation presented at `start` has
  // its own cycle c0 = ceil(start / period) and arrives in max(c0, the previous arrival); the
  // model's answer in cycle r ends its delay at start + (r - c0) periods.
  uint64_t own_cycle(const sc_time &start) const {
    uint64_t t = start.value(), p = bc_.period.value();
    return t / p + (t % p != 0);
  }
  uint64_t ref_arrival(uint64_t c0) const { return c0 > ref_last_ ? c0 : ref_last_; }
  sc_time cycles(uint64_t n) const { return sc_time::from_value(n * bc_.period.value()); }
  void mismatch(const std::string &where, const std::string &what);
  template <typename T>
  void expect_eq(const std::string &where, const char *field, T expected, T got) {
    if (expected != got)
      mismatch(where, std::string(field) + " expected " + std::to_string(expected) + " got " +
                          std::to_string(got));
  }
  uint64_t next_jitter() {
    uint64_t z = (jitter_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  BenchConfig bc_;
  World worlds_[2];  // [0] behind the MmuTlm, [1] behind the reference
  std::vector<Stream> streams_;
  mmusim::MmuTlm mmu_;
  mmusim::PhysMemTarget mem_;
  struct mmu_fixed_mem ref_mem_ = {};
  struct mmu *ref_ = nullptr;
  uint64_t ref_last_ = 0;
  uint16_t pcid_ = 0;  // the PCID of the last CR3 load: what an OS would put in the extension
  uint64_t jitter_;
  uint64_t item_ = 0, requests_ = 0, faults_ = 0, ctrl_ = 0, ctrl_refused_ = 0, cr3_forms_ = 0;
  uint64_t expectations_ = 0, mismatches_ = 0, behind_ = 0;
  sc_time latest_start_;
  unsigned done_ = 0;
};

void Bench::mismatch(const std::string &where, const std::string &what) {
  if (++mismatches_ <= 10)
    printf("tlm_model MISMATCH bench=%s seed=%" PRIu64 " %s: %s (replay: MMUSIM_SEED=%" PRIu64
           " ctest -R tlm_model --output-on-failure)\n",
           bc_.label, g_seed, where.c_str(), what.c_str(), g_seed);
}

void Bench::run(unsigned cpu) {
  tlm_utils::tlm_quantumkeeper qk;
  qk.reset();
  tlm::tlm_generic_payload p;
  unsigned char data[8];
  p.set_data_ptr(data);
  p.set_extension(new mmusim::MmuTlmExtension);  // the payload deletes it
  StimItem a, b;
  for (;;) {
    bool more_a = streams_[0].next(a), more_b = streams_[1].next(b);
    if (more_a != more_b) {
      mismatch("item #" + std::to_string(item_), "the two streams have different lengths");
      break;
    }
    if (!more_a) break;
    item_++;
    // Page-table changes, each on its own world; then think time, some of it not whole cycles.
    for (auto &f : a.os) f();
    for (auto &f : b.os) f();
    qk.inc(cycles(a.gap) + (next_jitter() % 4 == 0 ? sc_time(double(next_jitter() % 1000), SC_PS)
                                                   : sc_core::SC_ZERO_TIME));
    if (a.is_ctrl) control(a, qk);
    else request(cpu, a, p, qk);
    if (qk.need_sync()) qk.sync();
  }
  qk.sync();
  done_++;
}

void Bench::request(unsigned cpu, const StimItem &it, tlm::tlm_generic_payload &p,
                    tlm_utils::tlm_quantumkeeper &qk) {
  auto *ext = p.get_extension<mmusim::MmuTlmExtension>();
  *ext = mmusim::MmuTlmExtension(it.req.type, it.req.user, pcid_, it.req.implicit);
  unsigned char *data = p.get_data_ptr();
  memset(data, 0xa5, 8);
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_address(it.req.vaddr);
  p.set_data_length(8);
  p.set_streaming_width(8);
  p.set_byte_enable_ptr(nullptr);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);

  sc_time delay = qk.get_local_time();
  sc_time start = sc_core::sc_time_stamp() + delay;
  behind_ += start < latest_start_;
  if (start > latest_start_) latest_start_ = start;
  socket->b_transport(p, delay);
  qk.set(delay);

  struct mmu_request rq = it.req;
  uint64_t c0 = own_cycle(start);
  rq.cycle = ref_arrival(c0);
  struct mmu_response r;
  std::string where = "item #" + std::to_string(item_) + " (cpu" + std::to_string(cpu) + " " +
                      mmu_access_name(rq.type) + (rq.user ? " user " : " supervisor ") +
                      hex(rq.vaddr) + " cycle " + std::to_string(rq.cycle) + ")";
  requests_++;
  if (mmu_translate(ref_, &rq, &r)) {
    mismatch(where, std::string("the reference refused it: ") + mmu_error(ref_));
    return;
  }
  ref_last_ = rq.cycle;
  faults_ += r.fault != MMU_FAULT_NONE;

  tlm::tlm_response_status want =
      r.fault == MMU_FAULT_NONE ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (p.get_response_status() != want) {
    mismatch(where, std::string("status expected ") + status_name(want) + " got " +
                        p.get_response_string() + " (" + mmu_.last_error() + ")");
    return;
  }
  uint64_t got_data = mmusim::get_le64(data);
  if (r.fault == MMU_FAULT_NONE) {
    if (got_data != r.paddr)
      mismatch(where, "data expected " + hex(r.paddr) + " got " + hex(got_data));
    if (ext->paddr != r.paddr)
      mismatch(where, "paddr expected " + hex(r.paddr) + " got " + hex(ext->paddr));
  } else if (got_data != 0xa5a5a5a5a5a5a5a5ull) {
    mismatch(where, "data written on a fault: " + hex(got_data));
  }
  expect_eq(where, "page_shift", r.page_shift, ext->page_shift);
  expect_eq(where, "fault", int(r.fault), int(ext->fault));
  expect_eq(where, "error_code", r.error_code, ext->error_code);
  expect_eq(where, "level", r.level, ext->level);
  expect_eq(where, "source", int(r.source), int(ext->source));
  // Cycles and the annotated delay: from the request's own cycle to the reference's response,
  // waiting behind the other thread's earlier-cycle requests included.
  expect_eq(where, "cycles", r.resp_cycle - c0, ext->cycles);
  sc_time want_end = start + cycles(r.resp_cycle - c0);
  sc_time got_end = sc_core::sc_time_stamp() + delay;
  if (want_end != got_end)
    mismatch(where, "delay ends at " + got_end.to_string() + ", expected " + want_end.to_string());
  // The directed scenarios also say what the answer must be.
  if (it.expect) {
    expectations_++;
    if (r.fault != it.expect_fault || (r.fault == MMU_FAULT_NONE && r.paddr != it.expect_paddr))
      mismatch(where, "directed \"" + it.what + "\": expected " + mmu_fault_name(it.expect_fault) +
                          " " + hex(it.expect_paddr) + ", the model gave " +
                          mmu_fault_name(r.fault) + " " + hex(r.paddr));
  }
}

void Bench::control(const StimItem &it, tlm_utils::tlm_quantumkeeper &qk) {
  const struct mmu_ctrl &c = it.ctrl;
  sc_time delay = qk.get_local_time();
  sc_time start = sc_core::sc_time_stamp() + delay;
  bool ok = false;
  switch (c.op) {
    case MMU_CTRL_LOAD_CR3:
      // Both forms of the call, in turn.
      if (cr3_forms_++ % 2) ok = mmu_.load_cr3(c.value, delay);
      else
        ok = mmu_.load_cr3(c.value & ~(0xfffull | (1ull << 63)), uint16_t(c.value & 0xfff),
                           c.value >> 63, delay);
      break;
    case MMU_CTRL_INVLPG:
      ok = mmu_.invlpg(c.value, delay);
      break;
    case MMU_CTRL_INVPCID:
      ok = mmu_.invpcid(c.invpcid_type, c.pcid, c.value, delay);
      break;
    case MMU_CTRL_FLUSH_ALL:
      ok = mmu_.flush_all(delay);
      break;
    case MMU_CTRL_SET_PROT:
      ok = mmu_.set_protection(c.smep, c.smap, c.pke, c.ac, c.pkru, delay);
      break;
    default:
      ok = mmu_.set_mode(c.wp, c.nxe, delay);
      break;
  }
  qk.set(delay);

  struct mmu_ctrl rc = c;
  uint64_t c0 = own_cycle(start);
  rc.cycle = ref_arrival(c0);
  uint64_t done = 0;
  bool ref_ok = mmu_control(ref_, &rc, &done) == 0;
  std::string where = "item #" + std::to_string(item_) + " (" + mmu_ctrl_name(c.op) + " " +
                      hex(c.value) + " cycle " + std::to_string(rc.cycle) + ")";
  ctrl_++;
  if (ok != ref_ok) {
    mismatch(where, std::string("MmuTlm ") + (ok ? "did" : "refused") + " it, the reference " +
                        (ref_ok ? "did" : "refused") + " it");
    return;
  }
  if (!ok) {
    ctrl_refused_++;
    if (delay != qk.get_local_time()) mismatch(where, "a refused operation advanced the delay");
    return;
  }
  ref_last_ = rc.cycle;
  if (c.op == MMU_CTRL_LOAD_CR3) pcid_ = uint16_t(c.value & 0xfff);
  sc_time want_end = start + cycles(done - c0);
  sc_time got_end = sc_core::sc_time_stamp() + delay;
  if (want_end != got_end)
    mismatch(where, "delay ends at " + got_end.to_string() + ", expected " + want_end.to_string());
}

uint64_t Bench::finish() {
  if (done_ != 2) mismatch("end", "the initiator threads did not finish");
  // Statistics: every counter, and the walker's accesses the memory target saw.
  const struct mmu_stats &s = mmu_.stats();
  const struct mmu_stats *rs = mmu_stats(ref_);
  if (memcmp(&s, rs, sizeof s) != 0) {
    char *a = nullptr, *b = nullptr;
    size_t al = 0, bl = 0;
    FILE *fa = open_memstream(&a, &al), *fb = open_memstream(&b, &bl);
    mmu_stats_print(rs, fa);
    mmu_stats_print(&s, fb);
    fclose(fa);
    fclose(fb);
    // Name the first counter that differs: by its printed line, else by its offset.
    std::string what = "statistics differ";
    for (size_t off = 0; off < sizeof s; off += sizeof(uint64_t))
      if (memcmp(reinterpret_cast<const char *>(&s) + off, reinterpret_cast<const char *>(rs) + off,
                 sizeof(uint64_t)) != 0) {
        what += " (first at byte " + std::to_string(off) + " of struct mmu_stats)";
        break;
      }
    for (char *pa = a, *pb = b; *pa && *pb;) {
      char *ea = strchr(pa, '\n'), *eb = strchr(pb, '\n');
      std::string la(pa, ea ? size_t(ea - pa) : strlen(pa));
      std::string lb(pb, eb ? size_t(eb - pb) : strlen(pb));
      if (la != lb) {
        what += ": expected \"" + la + "\" got \"" + lb + "\"";
        break;
      }
      if (!ea || !eb) break;
      pa = ea + 1;
      pb = eb + 1;
    }
    free(a);
    free(b);
    mismatch("end", what);
  }
  expect_eq("end", "memory target reads (walk_reads)", s.walk_reads, mem_.reads());
  expect_eq("end", "memory target writes (walk_writes)", s.walk_writes, mem_.writes());

  printf("tlm_model bench=%s: control operations: load-cr3 %" PRIu64 " (%" PRIu64
         " no-flush), invlpg %" PRIu64 ", invpcid type 0/1/2/3 %" PRIu64 "/%" PRIu64 "/%" PRIu64
         "/%" PRIu64 ", flush-all %" PRIu64 ", set-mode %" PRIu64 "\n",
         bc_.label, s.ctrl_ops[MMU_CTRL_LOAD_CR3], s.cr3_noflush, s.ctrl_ops[MMU_CTRL_INVLPG],
         s.invpcid_type[0], s.invpcid_type[1], s.invpcid_type[2], s.invpcid_type[3],
         s.ctrl_ops[MMU_CTRL_FLUSH_ALL], s.ctrl_ops[MMU_CTRL_SET_MODE]);
  printf("tlm_model bench=%s: %" PRIu64 " requests (%" PRIu64 " faults, %" PRIu64 " walks, %" PRIu64
         " memory reads, %" PRIu64 " writes), %" PRIu64 " control operations (%" PRIu64
         " refused), %" PRIu64 " directed expectations, %" PRIu64
         " requests behind the other thread's time; mismatches=%" PRIu64 "\n",
         bc_.label, requests_, faults_, s.walks, mem_.reads(), mem_.writes(), ctrl_, ctrl_refused_,
         expectations_, behind_, mismatches_);
  return mismatches_;
}

// ---- two initiator threads, one MMU, a memory that waits ------------------------------------

// A legal loosely-timed memory that synchronises: it waits out the delay it is given (delay = 0
// after that), and then takes its latency by waiting (odd accesses) or by annotating it (even
// ones). MmuTlm counts both the same: mem_latency + ceil(latency / period) cycles an access.
class WaitingMem : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<WaitingMem> socket;

  WaitingMem(sc_core::sc_module_name name, struct phys_mem *pm, const sc_time &latency)
      : sc_module(name), socket("socket"), to_mem_("to_mem"), mem_("mem", pm), latency_(latency) {
    socket.register_b_transport(this, &WaitingMem::b_transport);
    to_mem_.bind(mem_.socket);
  }
  uint64_t reads() const { return mem_.reads(); }
  uint64_t writes() const { return mem_.writes(); }

 private:
  void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
    wait(delay);
    delay = sc_core::SC_ZERO_TIME;
    to_mem_->b_transport(p, delay);  // the inner memory adds nothing
    if (accesses_++ % 2) wait(latency_);
    else delay += latency_;
  }

  tlm_utils::simple_initiator_socket<WaitingMem> to_mem_;
  mmusim::PhysMemTarget mem_;
  sc_time latency_;
  uint64_t accesses_ = 0;
};

// Two SC_THREADs share one MmuTlm whose walker's memory (WaitingMem) calls wait(), so one thread
// often calls while the other's walk is suspended in the memory: the MMU must make it wait and
// serve it after. Each operation is checked, in the order the MMU served them, against a plain
// model fed the same operations: status, response, cycles and the annotated delay. The order
// is the order in which the calls return (a thread checks its operation before it yields
// again), and an operation is served at max(the time it was called, the time the operation
// served before it returned): a waiting caller is woken at once when the MMU is freed.
class WaitBench : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<WaitBench> socket;

  SC_HAS_PROCESS(WaitBench);
  WaitBench(sc_core::sc_module_name name, uint64_t seed, uint64_t items)
      : sc_module(name),
        socket("socket"),
        items_(items),
        mmu_("mmu", default_config(), kPeriod, kMemLatency),
        mem_("mem", build(worlds_[0]), kMemDelay) {
    socket.bind(mmu_.target);
    mmu_.mem.bind(mem_.socket);
    uint64_t d = kMemDelay.value(), p = kPeriod.value();
    ref_mem_ = {build(worlds_[1]), unsigned(kMemLatency + d / p + (d % p != 0))};
    struct mmu_mem_port port = mmu_fixed_mem_port(&ref_mem_);
    struct mmu_config cfg = default_config();
    char err[256];
    ref_ = mmu_create(&cfg, &port, err, sizeof err);
    if (!ref_) {
      fprintf(stderr, "test_tlm: %s\n", err);
      exit(2);
    }
    rng_[0] = seed ^ 0x5a5a;
    rng_[1] = seed ^ 0xa5a5;
    SC_THREAD(cpu0);
    SC_THREAD(cpu1);
  }
  ~WaitBench() override { mmu_destroy(ref_); }

  uint64_t finish();
  uint64_t requests() const { return requests_; }

 private:
  static constexpr uint16_t kPcid = 1;
  static constexpr unsigned kPages = 96;  // 4 KiB pages, some of them holes
  static constexpr unsigned kMemLatency = 20;
  // Declared before the members whose construction uses them.
  const sc_time kPeriod = sc_time(2, SC_NS);
  const sc_time kMemDelay = sc_time(5, SC_NS);  // 3 more cycles an access

  static struct mmu_config default_config() {
    struct mmu_config cfg;
    mmu_config_blocking(&cfg);
    return cfg;
  }
  static uint64_t va_4k(unsigned i) {  // two PML4 regions
    return (i % 2 ? 0x7f0000000000ull : 0x400000ull) + uint64_t(i / 2) * 0x1000;
  }
  static uint64_t va_2m(unsigned j) { return 0x40000000ull + uint64_t(j) * 0x200000; }
  // The address space: 4 KiB pages of every permission, holes, and four 2 MiB pages; built the
  // same way in both worlds. Returns the world's memory.
  struct phys_mem *build(World &w) {
    init_world(w, 46);
    char err[256];
    struct aspace *as = aspace_create(w.pm, err, sizeof err);
    if (!as) {
      fprintf(stderr, "test_tlm: %s\n", err);
      exit(2);
    }
    w.as.push_back(as);
    for (unsigned i = 0; i < kPages; i++) {
      if (i % 9 == 8) continue;  // a hole
      uint64_t flags = PTE_RW | PTE_US;
      if (i % 7 == 3) flags &= ~PTE_RW;
      if (i % 11 == 5) flags &= ~PTE_US;
      if (i % 13 == 6) flags |= PTE_NX;
      aspace_map(as, va_4k(i), 0x10000000ull + uint64_t(i) * 0x1000, PAGE_SHIFT_4K, flags);
    }
    for (unsigned j = 0; j < 4; j++)
      aspace_map(as, va_2m(j), 0x80000000ull + uint64_t(j) * 0x200000, PAGE_SHIFT_2M,
                 PTE_RW | PTE_US | (j == 2 ? PTE_NX : 0));
    return w.pm;
  }
  uint64_t rand(unsigned cpu) {
    uint64_t z = (rng_[cpu] += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t own_cycle(const sc_time &t) const {
    uint64_t v = t.value(), p = kPeriod.value();
    return v / p + (v % p != 0);
  }
  void mismatch(const std::string &where, const std::string &what) {
    if (++mismatches_ <= 10)
      printf("tlm_model MISMATCH bench=wait seed=%" PRIu64 " %s: %s (replay: MMUSIM_SEED=%" PRIu64
             " ctest -R tlm_model --output-on-failure)\n",
             g_seed, where.c_str(), what.c_str(), g_seed);
  }

  void cpu0() { run(0); }
  void cpu1() { run(1); }
  void run(unsigned cpu);
  // One operation as the MMU served it: presented at `start`, in its own cycle c0, arriving in
  // `cycle` (c0, or the previous arrival if later).
  struct Served {
    sc_time start;
    uint64_t c0, cycle;
  };
  // Called right after the MMU returned an operation that was called at `called` with the delay
  // `delay_in`: where the rule puts it.
  Served served(const sc_time &called, const sc_time &delay_in);
  // The returned delay must end at start + (r - c0) periods, r the reference's answer cycle.
  void check_end(const std::string &where, const Served &sv, uint64_t r, const sc_time &delay);

  uint64_t items_;
  World worlds_[2];  // [0] behind the MmuTlm, [1] behind the reference
  mmusim::MmuTlm mmu_;
  WaitingMem mem_;
  struct mmu_fixed_mem ref_mem_ = {};
  struct mmu *ref_ = nullptr;
  uint64_t rng_[2];
  sc_time last_return_;  // when the operation served last returned
  uint64_t ref_last_ = 0;
  uint64_t ops_ = 0, requests_ = 0, ctrl_ = 0, waited_ = 0, raised_ = 0, mismatches_ = 0;
  unsigned done_ = 0;
};

WaitBench::Served WaitBench::served(const sc_time &called, const sc_time &delay_in) {
  sc_time at = called;
  if (last_return_ > at) {  // the MMU was busy: served when the previous operation returned
    at = last_return_;
    waited_++;
  }
  Served sv;
  sv.start = at + delay_in;
  sv.c0 = own_cycle(sv.start);
  sv.cycle = sv.c0 > ref_last_ ? sv.c0 : ref_last_;
  raised_ += sv.cycle > sv.c0;
  last_return_ = sc_core::sc_time_stamp();
  ops_++;
  return sv;
}

void WaitBench::check_end(const std::string &where, const Served &sv, uint64_t r,
                          const sc_time &delay) {
  sc_time want = sv.start + sc_time::from_value((r - sv.c0) * kPeriod.value());
  sc_time got = sc_core::sc_time_stamp() + delay;
  if (want != got)
    mismatch(where, "delay ends at " + got.to_string() + ", expected " + want.to_string());
}

void WaitBench::run(unsigned cpu) {
  tlm_utils::tlm_quantumkeeper qk;
  qk.reset();
  tlm::tlm_generic_payload p;
  unsigned char data[8];
  p.set_data_ptr(data);
  auto *ext = new mmusim::MmuTlmExtension;  // the payload deletes it
  p.set_extension(ext);
  if (cpu == 0) {  // the address space with PCID 1: the only CR3 value ever loaded
    sc_time delay = qk.get_local_time(), delay_in = delay;
    sc_time called = sc_core::sc_time_stamp();
    bool ok = mmu_.load_cr3(aspace_pml4(worlds_[0].as[0]), kPcid, false, delay);
    Served sv = served(called, delay_in);
    if (!ok || mmu_load_cr3(ref_, sv.cycle, aspace_pml4(worlds_[1].as[0]), kPcid, false))
      mismatch("load CR3", mmu_.last_error());
    ref_last_ = sv.cycle;
    qk.set(delay);
  } else {
    wait(sc_core::SC_ZERO_TIME);  // after cpu0's CR3 load
  }
  for (uint64_t k = 0; k < items_; k++) {
    uint64_t x = rand(cpu);
    // Think time: up to 15 cycles, a quarter of the time plus a fraction of one.
    uint64_t think = (x % 16) * kPeriod.value();
    if ((x >> 8) % 4 == 0) think += (x >> 12) % kPeriod.value();
    qk.inc(sc_time::from_value(think));
    sc_time delay = qk.get_local_time(), delay_in = delay;
    sc_time called = sc_core::sc_time_stamp();
    std::string where = "cpu" + std::to_string(cpu) + " op #" + std::to_string(k);
    if ((x >> 16) % 20 == 0) {
      // A control operation that keeps PCID 1 current.
      struct mmu_ctrl c = {};
      c.op = static_cast<enum mmu_ctrl_op>((x >> 24) % MMU_CTRL_COUNT);
      c.value = (x >> 32) % 3 ? va_4k(unsigned((x >> 40) % kPages)) : va_2m((x >> 40) % 4);
      bool ok;
      switch (c.op) {
        case MMU_CTRL_LOAD_CR3:
          c.value = aspace_pml4(worlds_[0].as[0]) | kPcid | ((x >> 36) % 2 ? 1ull << 63 : 0);
          ok = mmu_.load_cr3(c.value, delay);
          c.value = aspace_pml4(worlds_[1].as[0]) | (c.value & (0xfffull | 1ull << 63));
          break;
        case MMU_CTRL_INVLPG:
          ok = mmu_.invlpg(c.value, delay);
          break;
        case MMU_CTRL_INVPCID:
          c.invpcid_type = (x >> 44) % 4;
          c.pcid = kPcid;
          ok = mmu_.invpcid(c.invpcid_type, c.pcid, c.value, delay);
          break;
        case MMU_CTRL_FLUSH_ALL:
          ok = mmu_.flush_all(delay);
          break;
        case MMU_CTRL_SET_PROT:
          c.smep = (x >> 44) % 2;
          c.smap = (x >> 45) % 2;
          c.pke = (x >> 46) % 2;
          c.ac = (x >> 47) % 2;
          c.pkru = (x >> 48) % 2 ? uint32_t(x >> 32) : 0;
          ok = mmu_.set_protection(c.smep, c.smap, c.pke, c.ac, c.pkru, delay);
          break;
        default:
          c.wp = (x >> 44) % 2;
          c.nxe = (x >> 45) % 4 != 0;
          ok = mmu_.set_mode(c.wp, c.nxe, delay);
          break;
      }
      qk.set(delay);
      Served sv = served(called, delay_in);
      where += std::string(" (") + mmu_ctrl_name(c.op) + " " + hex(c.value) + ")";
      ctrl_++;
      c.cycle = sv.cycle;
      uint64_t done = 0;
      if (!ok || mmu_control(ref_, &c, &done)) {
        mismatch(where, "refused: " + mmu_.last_error());
        continue;
      }
      ref_last_ = sv.cycle;
      check_end(where, sv, done, delay);
    } else {
      // A translation: a page of either size, a hole, or (rarely) a non-canonical address.
      unsigned pick = unsigned((x >> 24) % (kPages + 8));
      uint64_t va = pick < kPages       ? va_4k(pick) + (x >> 40) % 0x1000
                    : pick < kPages + 4 ? va_2m(pick - kPages) + (x >> 36) % 0x200000
                                        : 0x0000800000000000ull + (x >> 40) % 0x1000;
      auto type = static_cast<enum mmu_access>((x >> 20) % MMU_ACC_COUNT);
      struct mmu_request rq = {va, type, (x >> 22) % 4 != 0,
                               0,  0,    false};  // the cycle: once served
      *ext = mmusim::MmuTlmExtension(rq.type, rq.user, kPcid);
      memset(data, 0xa5, sizeof data);
      p.set_command(tlm::TLM_READ_COMMAND);
      p.set_address(va);
      p.set_data_length(8);
      p.set_streaming_width(8);
      p.set_byte_enable_ptr(nullptr);
      p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      socket->b_transport(p, delay);
      qk.set(delay);
      Served sv = served(called, delay_in);
      where += std::string(" (") + mmu_access_name(rq.type) + " " + hex(va) + ")";
      requests_++;
      rq.cycle = sv.cycle;
      struct mmu_response r;
      if (mmu_translate(ref_, &rq, &r)) {
        mismatch(where, std::string("the reference refused it: ") + mmu_error(ref_));
        continue;
      }
      ref_last_ = sv.cycle;
      tlm::tlm_response_status want =
          r.fault == MMU_FAULT_NONE ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE;
      uint64_t got_data = mmusim::get_le64(data);
      if (p.get_response_status() != want)
        mismatch(where, std::string("status expected ") + status_name(want) + " got " +
                            p.get_response_string() + " (" + mmu_.last_error() + ")");
      else if (ext->paddr != r.paddr || ext->fault != r.fault || ext->error_code != r.error_code ||
               ext->page_shift != r.page_shift || ext->level != r.level ||
               ext->source != r.source ||
               got_data != (r.fault == MMU_FAULT_NONE ? r.paddr : 0xa5a5a5a5a5a5a5a5ull))
        mismatch(where, "response differs: paddr " + hex(ext->paddr) + " expected " + hex(r.paddr) +
                            ", fault " + mmu_fault_name(ext->fault) + " expected " +
                            mmu_fault_name(r.fault));
      if (ext->cycles != r.resp_cycle - sv.c0)
        mismatch(where, "cycles expected " + std::to_string(r.resp_cycle - sv.c0) + " got " +
                            std::to_string(ext->cycles));
      check_end(where, sv, r.resp_cycle, delay);
    }
    if (qk.need_sync()) qk.sync();
  }
  qk.sync();
  done_++;
}

uint64_t WaitBench::finish() {
  if (done_ != 2) mismatch("end", "the initiator threads did not finish");
  if (memcmp(&mmu_.stats(), mmu_stats(ref_), sizeof(struct mmu_stats)) != 0)
    mismatch("end", "statistics differ");
  if (mmu_.stats().walk_reads != mem_.reads() || mmu_.stats().walk_writes != mem_.writes())
    mismatch("end", "the memory saw other accesses than the walker counted");
  // Without interleaving the bench would show nothing: require that operations waited.
  if (waited_ == 0 || raised_ == 0)
    mismatch("end", "no operation waited for a busy MMU, or none arrived behind another");
  printf("tlm_model bench=wait: %" PRIu64 " operations (%" PRIu64 " requests, %" PRIu64
         " control) from two threads, %" PRIu64 " found the MMU busy and waited, %" PRIu64
         " arrived behind the previous one; %" PRIu64 " memory reads, %" PRIu64
         " writes; mismatches=%" PRIu64 "\n",
         ops_, requests_, ctrl_, waited_, raised_, mem_.reads(), mem_.writes(), mismatches_);
  return mismatches_;
}

}  // namespace

int sc_main(int argc, char *argv[]) {
  g_seed = bench_seed("tlm_model");
  uint64_t items = argc > 1 ? strtoull(argv[1], nullptr, 0) : 200000;

  tlm::tlm_global_quantum::instance().set(sc_time(500, SC_NS));

  // The default hierarchy serving one request at a time, 1 ns clock, memory 20 + 3 cycles.
  BenchConfig def{"blocking", {}, sc_time(1, SC_NS), sc_time(3, SC_NS), 20, g_seed, items};
  mmu_config_blocking(&def.cfg);
  // A tiny hierarchy (many evictions), other policies, 2 ns clock, memory 20 + ceil(5 / 2).
  BenchConfig tiny{"tiny", {}, sc_time(2, SC_NS), sc_time(5, SC_NS), 20, g_seed + 1, items};
  mmu_config_blocking(&tiny.cfg);
  tiny.cfg.itlb_4k = {4, 2, MMU_REPL_PLRU};
  tiny.cfg.itlb_2m = {2, 1, MMU_REPL_LRU};
  tiny.cfg.dtlb_4k = {4, 1, MMU_REPL_LRU};
  tiny.cfg.dtlb_2m = {2, 2, MMU_REPL_FIFO};
  tiny.cfg.stlb = {16, 2, MMU_REPL_RANDOM};
  tiny.cfg.psc[MMU_PSC_PDE] = {2, 2, MMU_REPL_LRU};
  tiny.cfg.psc[MMU_PSC_PDPTE] = {1, 1, MMU_REPL_LRU};
  tiny.cfg.psc[MMU_PSC_PML4E] = {1, 1, MMU_REPL_LRU};
  tiny.cfg.stlb_latency = 3;

  Bench b1("default", def), b2("tiny", tiny);
  WaitBench b3("wait", g_seed + 2, items / 10);
  auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  uint64_t bad = b1.finish() + b2.finish() + b3.finish();
  uint64_t n = b1.requests() + b2.requests() + b3.requests();
  printf("tlm_model seed=%" PRIu64 ": %s; %" PRIu64
         " translations, simulated %.3f ms, %.2f s of "
         "wall clock, %.0f translations/s (each also run on the reference model)\n",
         g_seed, bad ? "FAILED" : "PASSED", n, sc_core::sc_time_stamp().to_seconds() * 1e3, secs,
         secs > 0 ? n / secs : 0.0);
  return bad ? 1 : 0;
}
