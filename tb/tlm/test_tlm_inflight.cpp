// mmusim::MmuTlm with several requests in flight, against the plain model (ctest test
// tlm_inflight).
//
// Three SC_THREAD initiators (an instruction stream of fetches and two data streams of reads
// and writes) share one MmuTlm configured with hit under miss, two walkers and a four-entry miss
// queue, so their b_transport calls are in flight together: one thread's L1 hits answer while
// another's walk is under way, walks of two threads overlap, misses to one page merge. The
// walker's memory (JitterMem) adds a seeded random 0 to 5 cycles to each access, by annotating
// its delay or, in the bench "wait", sometimes by calling wait().
//
// Each translation's record (its own cycle c0, the cycles it waited to be accepted and to be
// answered, the response) is then replayed, in the order of acceptance, into a plain struct mmu
// on a copy of the page tables whose memory port gives each access the same extra cycles: each
// request is presented in c0 and tried in its acceptance cycle with mmu_try_issue, which must
// accept it there; and, in the bench "annotate", tried in the cycle before too, which must
// refuse it (MmuTlm accepted it as soon as the MMU was ready). Every response (status, physical
// address and data, page size, fault, error code, level, source, cycles), every delay (the
// response lands at the start of its cycle, r times the period; in the bench "wait", or when
// the call returns, if a waiting memory held the MMU past that) and at the end the statistics
// must be equal.
//
//   test_tlm_inflight [ITEMS]   ITEMS translations per thread (default 100000); seed from
//                               MMUSIM_SEED
//
// In the annotating bench a fourth thread, the OS, presents control operations (INVLPG, INVPCID,
// flushes, WP and NXE changes, CR3 loads) with requests in flight; each must complete in the
// cycle the plain model completes it in, replayed after the requests accepted up to its own
// cycle. Last, a method process and a memory calling back into the MMU it serves are refused.
//
// The first mismatches are printed as "tlm_inflight MISMATCH bench=... seed=...".
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "../common/bench_seed.h"
#include "le64.h"
#include "mmu_tlm.h"
#include "mmusim.h"

namespace {

using mmusim::get_le64;
using mmusim::put_le64;
using sc_core::SC_NS;
using sc_core::sc_time;

uint64_t g_seed;

uint64_t splitmix(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

constexpr unsigned kMemLatency = 20;
constexpr unsigned kPages = 160;
constexpr uint16_t kPcid = 3;
constexpr unsigned kThreads = 3;

// Page i: 4 KiB pages over four PML4 slots (so walks of different slots share no cached
// paging-structure entry), every ninth a hole; A and D clear, so walks write them back.
uint64_t page_va(unsigned i) {
  return uint64_t(i % 4) << 39 | uint64_t(i / 4) * 0x3000;
}

// A physical memory with the address space of the bench; the same in both worlds.
struct World {
  struct phys_mem *pm = nullptr;
  struct aspace *as = nullptr;
  World() {
    char err[256];
    pm = phys_mem_create(46, err, sizeof err);
    as = pm ? aspace_create(pm, err, sizeof err) : nullptr;
    if (!as) {
      fprintf(stderr, "test_tlm_inflight: %s\n", err);
      exit(2);
    }
    for (unsigned i = 0; i < kPages; i++) {
      if (i % 9 == 8) continue;
      uint64_t flags = PTE_US | (i % 5 == 2 ? 0 : PTE_RW) | (i % 7 == 3 ? PTE_NX : 0);
      if (aspace_map(as, page_va(i), 0x10000000ull + uint64_t(i) * 0x1000, PAGE_SHIFT_4K, flags)) {
        fprintf(stderr, "test_tlm_inflight: cannot map page %u\n", i);
        exit(2);
      }
    }
  }
  ~World() {
    aspace_destroy(as);
    phys_mem_destroy(pm);
  }
  World(const World &) = delete;
  World &operator=(const World &) = delete;
};

// The extra cycles of the n-th memory transaction: the same in the TLM memory and in the plain
// model's port, from the same seed.
struct Jitter {
  uint64_t state;
  unsigned next() { return unsigned(splitmix(state) % 6); }
};

// The walker's TLM memory: reads and writes 8-byte entries of a phys_mem, each transaction
// taking its jitter's cycles more, annotated or (with may_wait) sometimes waited.
class JitterMem : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<JitterMem> socket;
  uint64_t waits = 0;

  JitterMem(sc_core::sc_module_name name, struct phys_mem *pm, uint64_t seed, sc_time period,
            bool may_wait)
      : sc_module(name),
        socket("socket"),
        pm_(pm),
        jitter_{seed},
        period_(period),
        may_wait_(may_wait) {
    socket.register_b_transport(this, &JitterMem::b_transport);
  }

 private:
  void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
    uint64_t v = 0;
    bool ok = p.get_data_length() == 8;
    if (ok && p.is_write())
      ok = phys_mem_write64(pm_, p.get_address(), get_le64(p.get_data_ptr())) == 0;
    if (ok && p.is_read()) {
      ok = phys_mem_read64(pm_, p.get_address(), &v) == 0;
      put_le64(p.get_data_ptr(), v);
    }
    p.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
    sc_time extra = jitter_.next() * period_;
    if (may_wait_ && (toss_++ % 3) == 0) {
      wait(extra);  // the MMU stays held: others wait for it
      waits++;
    } else {
      delay += extra;
    }
  }

  struct phys_mem *pm_;
  Jitter jitter_;
  sc_time period_;
  bool may_wait_;
  uint64_t toss_ = 0;
};

struct mmu_config bench_config() {
  struct mmu_config c;
  mmu_config_default(&c);
  c.walkers = 2;
  c.miss_entries = 4;
  c.hit_under_miss = true;
  c.dtlb_4k = {8, 2, MMU_REPL_LRU};
  c.itlb_4k = {8, 2, MMU_REPL_PLRU};
  c.stlb = {32, 4, MMU_REPL_LRU};
  return c;
}

// Callers MmuTlm must refuse with requests in flight: a method process (a translation waits for
// its response) and the process running the MMU, called back from the walker's memory.
class Refusals : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Refusals> socket;
  tlm_utils::simple_target_socket<Refusals> mem;
  uint64_t failures = 0;

  SC_HAS_PROCESS(Refusals);
  explicit Refusals(sc_core::sc_module_name name)
      : sc_module(name),
        socket("socket"),
        mem("mem"),
        mmu_("mmu", bench_config(), sc_time(1, SC_NS), kMemLatency) {
    socket.bind(mmu_.target);
    mmu_.mem.bind(mem);
    mem.register_b_transport(this, &Refusals::memory);
    sc_time d;
    if (!mmu_.load_cr3(aspace_pml4(world_.as), kPcid, false, d)) exit(2);
    SC_THREAD(thread);
    SC_METHOD(method);
  }

 private:
  // Translates va (a user read) through the socket, into p and ext.
  void translate(uint64_t va, tlm::tlm_generic_payload &p, mmusim::MmuTlmExtension &ext) {
    unsigned char data[8];
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(va);
    p.set_data_ptr(data);
    p.set_data_length(8);
    p.set_streaming_width(8);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    ext = mmusim::MmuTlmExtension(MMU_ACC_READ, true, kPcid);
    p.set_extension(&ext);
    sc_time d;
    socket->b_transport(p, d);
    p.clear_extension(&ext);
    p.set_data_ptr(nullptr);
  }
  void expect(bool ok, const std::string &what) {
    if (!ok) {
      failures++;
      printf("tlm_inflight MISMATCH refusals: %s; last_error \"%s\"\n", what.c_str(),
             mmu_.last_error().c_str());
    }
  }
  void refused(tlm::tlm_generic_payload &p, const char *why, const char *what) {
    expect(p.get_response_status() == tlm::TLM_GENERIC_ERROR_RESPONSE &&
               mmu_.last_error().find(why) != std::string::npos,
           std::string(what) + ": status " + p.get_response_string());
  }
  // A method process: refused, and nothing counted.
  void method() {
    tlm::tlm_generic_payload p;
    mmusim::MmuTlmExtension ext;
    translate(page_va(0), p, ext);
    refused(p, "not an SC_THREAD", "a method process");
    expect(mmu_.stats().requests[MMU_ACC_READ] == 0, "a refused request counted");
  }
  // A translation whose walk calls back into the MMU from the memory: the call back is refused,
  // the translation completes.
  void thread() {
    tlm::tlm_generic_payload p;
    mmusim::MmuTlmExtension ext;
    translate(page_va(1), p, ext);
    expect(p.is_response_ok() && ext.paddr == 0x10001000ull && ext.source == MMU_SRC_WALK,
           "the translation whose memory called back: status " + p.get_response_string());
    expect(called_back_, "the memory did not call back");
  }
  void memory(tlm::tlm_generic_payload &p, sc_time &) {
    uint64_t v = 0;
    if (p.is_write()) {
      phys_mem_write64(world_.pm, p.get_address(), get_le64(p.get_data_ptr()));
    } else {
      phys_mem_read64(world_.pm, p.get_address(), &v);
      put_le64(p.get_data_ptr(), v);
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    if (called_back_) return;
    called_back_ = true;
    tlm::tlm_generic_payload q;
    mmusim::MmuTlmExtension ext;
    translate(page_va(2), q, ext);
    refused(q, "re-entered", "a call back from the memory");
  }

  World world_;
  mmusim::MmuTlm mmu_;
  bool called_back_ = false;
};

// The plain model's memory port: the same page tables, the same extra cycles per transaction
// (an A/D set is two transactions in MmuTlm: a read and a write).
struct ReplayMem {
  struct phys_mem *pm;
  Jitter jitter;
  static int access(void *ctx, struct mmu_mem_access *acc) {
    auto *r = static_cast<ReplayMem *>(ctx);
    unsigned extra = r->jitter.next();
    if (acc->write && acc->set_bits) extra += r->jitter.next();
    acc->accept = acc->issue;
    acc->done = acc->issue + kMemLatency + extra;
    return mmu_mem_perform(r->pm, acc);
  }
};

// One translation as an initiator saw it.
struct Record {
  unsigned thread;
  uint64_t n;  // its number in its thread
  uint64_t vaddr;
  enum mmu_access type;
  bool user;
  uint64_t c0;       // ceil((time of the call + delay) / period)
  sc_time end;       // time of the return + the delay returned
  sc_time returned;  // time of the return
  tlm::tlm_response_status status;
  uint64_t data;
  mmusim::MmuTlmExtension ext;
};

class Bench : public sc_core::sc_module {
 public:
  // One initiator socket a thread, all bound to the MMU's target socket.
  tlm_utils::simple_initiator_socket<Bench> ifetch, data0_socket, data1_socket;

  SC_HAS_PROCESS(Bench);
  Bench(sc_core::sc_module_name name, const char *label, sc_time period, bool may_wait,
        uint64_t seed, uint64_t items)
      : sc_module(name),
        ifetch("ifetch"),
        data0_socket("data0"),
        data1_socket("data1"),
        label_(label),
        period_(period),
        may_wait_(may_wait),
        seed_(seed),
        items_(items),
        mmu_("mmu", bench_config(), period, kMemLatency),
        mem_("mem", tlm_world_.pm, seed ^ 0x6d656dull, period, may_wait) {
    ifetch.bind(mmu_.target);
    data0_socket.bind(mmu_.target);
    data1_socket.bind(mmu_.target);
    mmu_.mem.bind(mem_.socket);
    sc_time d;
    if (!mmu_.load_cr3(aspace_pml4(tlm_world_.as), kPcid, false, d)) exit(2);
    SC_THREAD(fetches);
    SC_THREAD(data0);
    SC_THREAD(data1);
    // Control operations in the annotating bench only: with a memory that waits, an operation
    // waits for the MMU held by another thread's walk, and is taken later than its own cycle.
    if (!may_wait) SC_THREAD(os);
  }

  uint64_t finish();

 private:
  void fetches() { run(0); }
  void data0() { run(1); }
  void data1() { run(2); }
  void run(unsigned thread);
  void os();
  void mismatch(const Record *r, const std::string &what) {
    if (++mismatches_ <= 10) {
      std::string where =
          r ? "thread " + std::to_string(r->thread) + " #" + std::to_string(r->n) : "end";
      printf("tlm_inflight MISMATCH bench=%s seed=%" PRIu64 " %s: %s (replay: MMUSIM_SEED=%" PRIu64
             " ctest -R tlm_inflight --output-on-failure)\n",
             label_, g_seed, where.c_str(), what.c_str(), g_seed);
    }
  }
  uint64_t own_cycle(const sc_time &t) const {
    uint64_t v = t.value(), p = period_.value();
    return v / p + (v % p != 0);
  }

  const char *label_;
  sc_time period_;
  bool may_wait_;
  uint64_t seed_, items_;
  World tlm_world_, ref_world_;
  mmusim::MmuTlm mmu_;
  JitterMem mem_;
  std::vector<Record> records_;
  // A control operation as the OS thread saw it: presented in c0, completed in done.
  struct Control {
    struct mmu_ctrl op;
    uint64_t c0, done;
    bool ok;
  };
  std::vector<Control> controls_;
  unsigned running_ = kThreads;  // translation threads not finished
  uint64_t mismatches_ = 0, held_ = 0;
};

void Bench::run(unsigned thread) {
  uint64_t rng = seed_ ^ (0x1000ull * (thread + 1));
  tlm::tlm_generic_payload p;
  unsigned char data[8];
  auto *ext = new mmusim::MmuTlmExtension;  // owned by the payload
  p.set_extension(ext);
  p.set_data_ptr(data);
  p.set_data_length(8);
  p.set_streaming_width(8);
  sc_time delay;
  unsigned page = thread;
  for (uint64_t n = 0; n < items_; n++) {
    uint64_t x = splitmix(rng);
    if (x % 8 == 0) page = unsigned((x >> 8) % kPages);  // mostly near the last page
    else if (x % 8 == 1) page = (page + 1) % kPages;
    Record r{};
    r.thread = thread;
    r.n = n;
    r.vaddr = page_va(page) + ((x >> 20) & 0xff8);
    r.type = thread == 0 ? MMU_ACC_FETCH : (x >> 30) % 4 == 0 ? MMU_ACC_WRITE : MMU_ACC_READ;
    r.user = (x >> 33) % 16 != 0;
    // Think time: 0 to 3 cycles, sometimes not a whole number of them.
    delay += ((x >> 36) % 4) * period_ + ((x >> 40) % 4 == 0 ? period_ / 3 : sc_core::SC_ZERO_TIME);
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(r.vaddr);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    ext->clear_response();
    ext->type = r.type;
    ext->user = r.user;
    ext->pcid = kPcid;
    r.c0 = own_cycle(sc_core::sc_time_stamp() + delay);
    tlm_utils::simple_initiator_socket<Bench> &socket = thread == 0   ? ifetch
                                                        : thread == 1 ? data0_socket
                                                                      : data1_socket;
    socket->b_transport(p, delay);
    r.returned = sc_core::sc_time_stamp();
    r.end = r.returned + delay;
    r.status = p.get_response_status();
    r.data = get_le64(data);
    r.ext = *ext;
    records_.push_back(r);
    if ((x >> 44) % 8 == 0) {  // now and then, catch up with the annotated time
      wait(delay);
      delay = sc_core::SC_ZERO_TIME;
    }
  }
  running_--;
}

// The operating system: now and then a control operation (INVLPG, INVPCID of every type, a
// full flush, WP and NXE changes, CR3 loads that keep the PCID), presented while the other
// threads' requests are in flight.
void Bench::os() {
  uint64_t rng = seed_ ^ 0x05ull;
  while (running_) {
    uint64_t x = splitmix(rng);
    sc_time delay =
        (200 + x % 800) * period_ + ((x >> 10) % 2 ? period_ / 2 : sc_core::SC_ZERO_TIME);
    Control c{};
    c.op.value = page_va(unsigned((x >> 12) % kPages));
    sc_time start = sc_core::sc_time_stamp() + delay;
    c.c0 = own_cycle(start);
    switch ((x >> 24) % 6) {
      case 0:
        c.op.op = MMU_CTRL_INVLPG;
        c.ok = mmu_.invlpg(c.op.value, delay);
        break;
      case 1:
        c.op.op = MMU_CTRL_INVPCID;
        c.op.invpcid_type = unsigned((x >> 32) % 4);
        c.op.pcid = kPcid;
        c.ok = mmu_.invpcid(c.op.invpcid_type, kPcid, c.op.value, delay);
        break;
      case 2:
        c.op.op = MMU_CTRL_FLUSH_ALL;
        c.ok = mmu_.flush_all(delay);
        break;
      case 3:
      case 4:
        c.op.op = MMU_CTRL_SET_MODE;
        c.op.wp = (x >> 36) & 1;
        c.op.nxe = (x >> 37) % 4 != 0;
        c.ok = mmu_.set_mode(c.op.wp, c.op.nxe, delay);
        break;
      default:
        c.op.op = MMU_CTRL_LOAD_CR3;
        c.op.value = aspace_pml4(tlm_world_.as) | kPcid | uint64_t((x >> 40) & 1) << 63;
        c.ok = mmu_.load_cr3(c.op.value, delay);
        break;
    }
    sc_time end = sc_core::sc_time_stamp() + delay;
    // On the one timeline the operation completes at the start of its cycle done.
    c.done = end.value() / period_.value();
    if (end.value() % period_.value()) c.done = UINT64_MAX;  // not on a cycle boundary
    controls_.push_back(c);
    wait(delay);
  }
}

uint64_t Bench::finish() {
  // The plain model, fed the requests in the order MmuTlm accepted them.
  struct mmu_config cfg = bench_config();
  ReplayMem rm{ref_world_.pm, Jitter{seed_ ^ 0x6d656dull}};
  struct mmu_mem_port port = {&ReplayMem::access, &rm};
  char err[256];
  struct mmu *ref = mmu_create(&cfg, &port, err, sizeof err);
  if (!ref || mmu_load_cr3(ref, 0, aspace_pml4(ref_world_.as), kPcid, false)) {
    fprintf(stderr, "test_tlm_inflight: %s\n", ref ? mmu_error(ref) : err);
    exit(2);
  }
  std::vector<const Record *> order;
  for (const Record &r : records_) order.push_back(&r);
  std::sort(order.begin(), order.end(), [](const Record *a, const Record *b) {
    return a->c0 + a->ext.wait_cycles < b->c0 + b->ext.wait_cycles;
  });
  std::vector<struct mmu_response> answer(order.size());
  std::vector<int> holder(size_t(1) << cfg.id_bits, -1);  // ID -> index into order
  auto collect = [&]() {
    struct mmu_response resp;
    while (mmu_poll(ref, &resp)) {
      answer[size_t(holder[resp.id])] = resp;
      holder[resp.id] = -1;
    }
  };
  std::vector<bool> issued(order.size());
  uint64_t prev_accept = 0, late = 0, overlapped = 0;
  // A control operation presented in c0 comes after every request accepted in c0 or before
  // and before every later one (ready is low until it completes).
  size_t next_control = 0;
  auto control_until = [&](uint64_t cycle) {
    for (; next_control < controls_.size() && controls_[next_control].c0 < cycle; next_control++) {
      const Control &c = controls_[next_control];
      collect();
      struct mmu_ctrl op = c.op;
      op.cycle = c.c0;
      uint64_t done = 0;
      bool ok = mmu_control(ref, &op, &done) == 0;
      if (ok != c.ok || (ok && done != c.done))
        mismatch(nullptr, std::string(mmu_ctrl_name(c.op.op)) + " presented in " +
                              std::to_string(c.c0) + ": MmuTlm " +
                              (c.ok ? "completed" : "refused") + " it in " +
                              std::to_string(c.done) + ", the plain model " +
                              (ok ? "completed" : "refused") + " it in " + std::to_string(done));
    }
  };
  for (size_t i = 0; i < order.size(); i++) {
    const Record &r = *order[i];
    control_until(r.c0 + r.ext.wait_cycles);
    uint64_t accept = r.c0 + r.ext.wait_cycles;
    if (i && accept <= prev_accept) mismatch(&r, "accepted in the cycle of another request");
    prev_accept = accept;
    collect();
    unsigned id = 0;
    while (id < holder.size() && holder[id] >= 0) id++;
    if (id == holder.size()) {  // three threads: never more than three outstanding
      mismatch(&r, "more requests outstanding in the plain model than it has IDs");
      break;
    }
    holder[id] = int(i);
    overlapped += mmu_outstanding(ref) > 0;
    struct mmu_request req = {r.vaddr, r.type, r.user, r.c0, id, false};
    uint64_t retry = 0;
    int early = !may_wait_ && accept > r.c0 ? mmu_try_issue(ref, &req, accept - 1, &retry) : 1;
    if (early != 1) {
      mismatch(&r, "accepted in " + std::to_string(accept) + ", but the MMU was ready in " +
                       std::to_string(accept - 1));
      late++;
      if (early < 0) holder[id] = -1;
      continue;
    }
    if (mmu_try_issue(ref, &req, accept, &retry) != 0) {
      mismatch(&r, "accepted in " + std::to_string(accept) + ", where the plain model " +
                       "refuses it (retry in " + std::to_string(retry) + "): " + mmu_error(ref));
      holder[id] = -1;
      continue;
    }
    issued[i] = true;
  }
  control_until(UINT64_MAX);
  if (mmu_advance(ref, UINT64_MAX - 1)) mismatch(nullptr, mmu_error(ref));
  collect();

  uint64_t walks = 0;
  for (size_t i = 0; i < order.size() && !late; i++) {
    if (!issued[i]) continue;
    const Record &r = *order[i];
    const struct mmu_response &a = answer[i];
    const mmusim::MmuTlmExtension &e = r.ext;
    tlm::tlm_response_status want =
        a.fault == MMU_FAULT_NONE ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE;
    char buf[512];
    snprintf(buf, sizeof buf,
             "0x%" PRIx64 " %s: MmuTlm status %d paddr 0x%" PRIx64
             " fault %s level %u source %d "
             "cycles %" PRIu64 "; plain model paddr 0x%" PRIx64
             " fault %s level %u source %d "
             "cycles %" PRIu64,
             r.vaddr, mmu_access_name(r.type), int(r.status), e.paddr, mmu_fault_name(e.fault),
             e.level, int(e.source), e.cycles, a.paddr, mmu_fault_name(a.fault), a.level,
             int(a.source), a.resp_cycle - r.c0);
    if (r.status != want || e.fault != a.fault || e.level != a.level || e.source != a.source ||
        e.cycles != a.resp_cycle - r.c0 || e.error_code != a.error_code ||
        e.page_shift != a.page_shift || e.paddr != a.paddr ||
        (want == tlm::TLM_OK_RESPONSE && r.data != a.paddr))
      mismatch(&r, buf);
    // The response lands at the start of its cycle; or, when a memory that waited held the MMU
    // past that time, when the call returns.
    sc_time lands = a.resp_cycle * period_;
    bool held = may_wait_ && r.returned > lands;
    if (r.end != (held ? r.returned : lands) || (r.returned > lands && !held))
      mismatch(&r, "returned at " + r.returned.to_string() + " with its delay ending at " +
                       r.end.to_string() + "; the response lands at " + lands.to_string());
    held_ += held;
    walks += a.source == MMU_SRC_WALK;
  }
  const struct mmu_stats *st = &mmu_.stats(), *sr = mmu_stats(ref);
  if (memcmp(st, sr, sizeof *st))
    mismatch(nullptr, "the statistics differ (requests " + std::to_string(st->requests[0]) + "/" +
                          std::to_string(sr->requests[0]) + " reads, walks " +
                          std::to_string(st->walks) + "/" + std::to_string(sr->walks) + ")");
  // The bench must have exercised what it is for.
  if (st->merged_misses == 0 || st->walks_peak < 2 || overlapped < order.size() / 4 ||
      st->walk_writes == 0)
    mismatch(nullptr, "too little concurrency: " + std::to_string(st->merged_misses) +
                          " merged misses, walks peak " + std::to_string(st->walks_peak) + ", " +
                          std::to_string(overlapped) +
                          " requests accepted with others in flight, " +
                          std::to_string(st->walk_writes) + " A/D writes");
  if (may_wait_ && mem_.waits == 0) mismatch(nullptr, "the memory never waited");
  if (!may_wait_ && controls_.size() < 10) mismatch(nullptr, "too few control operations");
  printf(
      "tlm_inflight bench=%s: %zu translations from %u threads and %zu control operations, %" PRIu64
      " accepted with others in flight, %" PRIu64 " walks (peak %" PRIu64 " at once, %" PRIu64
      " merged misses, %" PRIu64 " A/D writes), %" PRIu64 " memory waits, %" PRIu64
      " responses later than their cycle (the MMU held by a waiting memory); mismatches=%" PRIu64
      "\n",
      label_, order.size(), kThreads, controls_.size(), overlapped, walks, st->walks_peak,
      st->merged_misses, st->walk_writes, mem_.waits, held_, mismatches_);
  mmu_destroy(ref);
  return mismatches_;
}

}  // namespace

int sc_main(int argc, char *argv[]) {
  g_seed = bench_seed("tlm_inflight");
  uint64_t items = argc > 1 ? strtoull(argv[1], nullptr, 0) : 100000;
  Bench annotate("annotate", "annotate", sc_time(1, SC_NS), false, g_seed, items);
  Bench waits("wait", "wait", sc_time(2, SC_NS), true, g_seed + 1, items);
  Refusals refusals("refusals");
  sc_core::sc_start();
  uint64_t bad = annotate.finish() + waits.finish() + refusals.failures;
  printf("tlm_inflight seed=%" PRIu64 ": %s\n", g_seed, bad ? "FAILED" : "PASSED");
  return bad ? 1 : 0;
}
