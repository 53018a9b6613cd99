// mmusim::MmuTlm against the plain C model, request by request (ctest test tlm_model).
//
// Each bench runs one stimulus stream (tb/cosim/stimulus.h: the directed scenarios, a full
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
// MmuTlm instances are independent.
//
//   test_tlm [ITEMS]     ITEMS random items per bench (default 200000); seed from MMUSIM_SEED
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
#include <tlm_utils/tlm_quantumkeeper.h>

#include "mmu_tlm.h"
#include "mmusim.h"
#include "phys_mem_target.h"
#include "stimulus.h"

namespace {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_PS;

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
  // The reference's arrival cycle for an operation presented at `start`: the rule MmuTlm
  // documents, computed here on its own.
  uint64_t ref_arrival(const sc_time &start) const {
    uint64_t t = start.value(), p = bc_.period.value();
    uint64_t c = t / p + (t % p != 0);
    return c > ref_last_ ? c : ref_last_;
  }
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
    if (a.is_ctrl)
      control(a, qk);
    else
      request(cpu, a, p, qk);
    if (qk.need_sync()) qk.sync();
  }
  qk.sync();
  done_++;
}

void Bench::request(unsigned cpu, const StimItem &it, tlm::tlm_generic_payload &p,
                    tlm_utils::tlm_quantumkeeper &qk) {
  auto *ext = p.get_extension<mmusim::MmuTlmExtension>();
  *ext = mmusim::MmuTlmExtension(it.req.type, it.req.user, pcid_);
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
  rq.cycle = ref_arrival(start);
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
  uint64_t got_data = 0;
  for (unsigned i = 0; i < 8; i++) got_data |= uint64_t(data[i]) << (8 * i);
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
  expect_eq(where, "cycles", r.resp_cycle - rq.cycle, ext->cycles);
  // The annotated delay: exactly the reference's cycles, in clock periods.
  sc_time want_end = start + cycles(r.resp_cycle - rq.cycle);
  sc_time got_end = sc_core::sc_time_stamp() + delay;
  if (want_end != got_end)
    mismatch(where, "delay ends at " + got_end.to_string() + ", expected " +
                        want_end.to_string());
  // The directed scenarios also say what the answer must be.
  if (it.expect) {
    expectations_++;
    if (r.fault != it.expect_fault || (r.fault == MMU_FAULT_NONE && r.paddr != it.expect_paddr))
      mismatch(where, "directed \"" + it.what + "\": expected " +
                          mmu_fault_name(it.expect_fault) + " " + hex(it.expect_paddr) +
                          ", the model gave " + mmu_fault_name(r.fault) + " " + hex(r.paddr));
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
      if (cr3_forms_++ % 2)
        ok = mmu_.load_cr3(c.value, delay);
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
    default:
      ok = mmu_.set_mode(c.wp, c.nxe, delay);
      break;
  }
  qk.set(delay);

  struct mmu_ctrl rc = c;
  rc.cycle = ref_arrival(start);
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
  sc_time want_end = start + cycles(done - rc.cycle);
  sc_time got_end = sc_core::sc_time_stamp() + delay;
  if (want_end != got_end)
    mismatch(where, "delay ends at " + got_end.to_string() + ", expected " +
                        want_end.to_string());
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
      if (memcmp(reinterpret_cast<const char *>(&s) + off,
                 reinterpret_cast<const char *>(rs) + off, sizeof(uint64_t)) != 0) {
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
  printf("tlm_model bench=%s: %" PRIu64 " requests (%" PRIu64 " faults, %" PRIu64
         " walks, %" PRIu64 " memory reads, %" PRIu64 " writes), %" PRIu64
         " control operations (%" PRIu64 " refused), %" PRIu64 " directed expectations, %" PRIu64
         " requests behind the other thread's time; mismatches=%" PRIu64 "\n",
         bc_.label, requests_, faults_, s.walks, mem_.reads(), mem_.writes(), ctrl_,
         ctrl_refused_, expectations_, behind_, mismatches_);
  return mismatches_;
}

}  // namespace

int sc_main(int argc, char *argv[]) {
  const char *s = getenv("MMUSIM_SEED");
  if (s && *s) {
    g_seed = strtoull(s, nullptr, 0);
  } else {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    g_seed = (uint64_t(ts.tv_sec) * 1000003u) ^ uint64_t(ts.tv_nsec);
  }
  uint64_t items = argc > 1 ? strtoull(argv[1], nullptr, 0) : 200000;
  printf("tlm_model seed=%" PRIu64 " (replay: MMUSIM_SEED=%" PRIu64
         " ctest -R tlm_model --output-on-failure)\n",
         g_seed, g_seed);
  fflush(stdout);

  tlm::tlm_global_quantum::instance().set(sc_time(500, SC_NS));

  // The spec's default hierarchy, 1 ns clock, memory 20 + 3 cycles.
  BenchConfig def{"default", {}, sc_time(1, SC_NS), sc_time(3, SC_NS), 20, g_seed, items};
  mmu_config_default(&def.cfg);
  // A tiny hierarchy (many evictions), other policies, 2 ns clock, memory 20 + ceil(5 / 2).
  BenchConfig tiny{"tiny", {}, sc_time(2, SC_NS), sc_time(5, SC_NS), 20, g_seed + 1, items};
  mmu_config_default(&tiny.cfg);
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
  auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  uint64_t bad = b1.finish() + b2.finish();
  uint64_t n = b1.requests() + b2.requests();
  printf("tlm_model seed=%" PRIu64 ": %s; %" PRIu64 " translations, simulated %.3f ms, %.2f s of "
         "wall clock, %.0f translations/s (each also run on the reference model)\n",
         g_seed, bad ? "FAILED" : "PASSED", n, sc_core::sc_time_stamp().to_seconds() * 1e3, secs,
         secs > 0 ? n / secs : 0.0);
  return bad ? 1 : 0;
}
