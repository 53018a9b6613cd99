// Lockstep co-simulation: the Verilated RTL (mmu_top) and the C model run the same stimulus on
// the same memory with the same memory timing. Every response is compared (physical address,
// page size, fault, error code, level, source, accept and response cycles), every walker memory
// access is compared (address, read or write, value written, issue cycle), and at the end every
// counter both keep. The first mismatch is reported on one line with a replay command, and a
// waveform of the cycles before it is written under waves/.
//
//   cosim_<config> [--seed N] [--requests N] [--stim random|directed|trace:FILE]
//                  [--mem fixed|fast|slow|bursty] [--wave FILE.fst [--from C] [--to C]]
//                  [--no-auto-wave] [--quiet] [--stats]
//
// The RTL parameters of this build are COSIM_PARAMS (set by CMake); the model gets the same.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "mem_timing.h"
#include "mmusim.h"
#include "stimulus.h"

// Verilator's headers are not warning-free under -Wextra.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "Vmmu_top.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#pragma GCC diagnostic pop

#ifndef COSIM_PARAMS
#define COSIM_PARAMS ""
#endif
#ifndef COSIM_NAME
#define COSIM_NAME "default"
#endif

namespace {

// ---- configuration: the RTL's parameters, as a model configuration ----------------------------

bool apply_param(struct mmu_config &c, const std::string &name, uint64_t v) {
  struct Arr {
    const char *prefix;
    struct mmu_array_config *a;
    bool fully_assoc;
  } arrays[] = {
      {"Itlb4k", &c.itlb_4k, false},           {"Itlb2m", &c.itlb_2m, false},
      {"Dtlb4k", &c.dtlb_4k, false},           {"Dtlb2m", &c.dtlb_2m, false},
      {"Stlb", &c.stlb, false},                {"PscPde", &c.psc[MMU_PSC_PDE], true},
      {"PscPdpte", &c.psc[MMU_PSC_PDPTE], true}, {"PscPml4e", &c.psc[MMU_PSC_PML4E], true},
  };
  for (Arr &a : arrays) {
    std::string p = a.prefix;
    if (name == p + "Entries") {
      a.a->entries = unsigned(v);
      if (a.fully_assoc) a.a->ways = unsigned(v);
      return true;
    }
    if (name == p + "Ways") return a.a->ways = unsigned(v), true;
    if (name == p + "Repl") return a.a->repl = mmu_repl(v), true;
  }
  if (name == "PaBits") return c.pa_bits = unsigned(v), true;
  if (name == "StlbLatency") return c.stlb_latency = unsigned(v), true;
  if (name == "LfsrSeed") return c.lfsr_seed = uint16_t(v), true;
  if (name == "WpReset") return c.wp = v != 0, true;
  if (name == "NxeReset") return c.nxe = v != 0, true;
  return false;
}

bool config_from_params(struct mmu_config &c, std::string &err) {
  mmu_config_default(&c);
  std::stringstream ss(COSIM_PARAMS);
  std::string kv;
  while (std::getline(ss, kv, ',')) {
    if (kv.empty()) continue;
    size_t eq = kv.find('=');
    std::string name = kv.substr(0, eq);
    // A number, or a Verilog literal such as 16'h1234.
    std::string val = eq == std::string::npos ? "" : kv.substr(eq + 1);
    size_t tick = val.find('\'');
    uint64_t v = tick == std::string::npos
                     ? strtoull(val.c_str(), nullptr, 0)
                     : strtoull(val.c_str() + tick + 2, nullptr, val[tick + 1] == 'h' ? 16 : 10);
    if (eq == std::string::npos || !apply_param(c, name, v)) {
      err = "COSIM_PARAMS: unknown parameter '" + kv + "'";
      return false;
    }
  }
  char buf[256];
  if (mmu_config_check(&c, buf, sizeof buf)) {
    err = std::string("COSIM_PARAMS: ") + buf;
    return false;
  }
  return true;
}

// ---- options --------------------------------------------------------------------------------

struct Options {
  uint64_t seed = 1;
  uint64_t requests = 20000;
  std::string stim = "random";
  std::string mem = "fixed";
  std::string wave;
  uint64_t from = 0, to = UINT64_MAX;
  bool auto_wave = true;
  bool quiet = false;
  bool stats = false;
  std::vector<std::string> argv;
};

[[noreturn]] void usage(const char *msg) {
  fprintf(stderr,
          "cosim: %s\nusage: cosim_%s [--seed N] [--requests N] [--stim random|directed|"
          "trace:FILE]\n       [--mem fixed|fast|slow|bursty] [--wave FILE.fst [--from C] "
          "[--to C]] [--no-auto-wave] [--quiet] [--stats]\n",
          msg, COSIM_NAME);
  exit(2);
}

uint64_t parse_u64(const char *opt, const char *s) {
  char *end;
  errno = 0;
  uint64_t v = strtoull(s, &end, 0);
  if (errno || *s == '\0' || *end != '\0' || *s == '-')
    usage((std::string(opt) + ": '" + s + "' is not a non-negative number").c_str());
  return v;
}

Options parse(int argc, char **argv) {
  Options o;
  for (int i = 0; i < argc; i++) o.argv.push_back(argv[i]);
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto val = [&](void) -> const char * {
      if (i + 1 >= argc) usage((a + " needs a value").c_str());
      return argv[++i];
    };
    if (a == "--seed") o.seed = parse_u64("--seed", val());
    else if (a == "--requests") o.requests = parse_u64("--requests", val());
    else if (a == "--stim") o.stim = val();
    else if (a == "--mem") o.mem = val();
    else if (a == "--wave") o.wave = val();
    else if (a == "--from") o.from = parse_u64("--from", val());
    else if (a == "--to") o.to = parse_u64("--to", val());
    else if (a == "--no-auto-wave") o.auto_wave = false;
    else if (a == "--quiet") o.quiet = true;
    else if (a == "--stats") o.stats = true;
    else usage(("unknown option " + a).c_str());
  }
  if (!find_mem_profile(o.mem)) usage(("--mem: unknown profile " + o.mem).c_str());
  return o;
}

std::string replay_command(const Options &o) {
  std::string s = "cosim_" COSIM_NAME " --seed " + std::to_string(o.seed) + " --requests " +
                  std::to_string(o.requests) + " --stim " + o.stim + " --mem " + o.mem;
  return s;
}

// ---- the model's memory port: same timing; writes held until the RTL makes them ---------------

struct MemAccess {
  uint64_t paddr;
  bool write;
  uint64_t data;
  uint64_t issue, accept, done;
};

struct ModelMemory {
  struct phys_mem *pm;
  const MemTiming *timing;
  uint64_t count = 0;              // accesses so far: the index of the next one's latency
  std::deque<MemAccess> pending;   // the model's accesses the RTL has not made yet

  static int access(void *ctx, struct mmu_mem_access *a) {
    ModelMemory *m = static_cast<ModelMemory *>(ctx);
    a->accept = m->timing->accept_cycle(a->issue);
    a->done = a->accept + m->timing->latency(m->count++);
    if (!a->write) {
      // The newest value: a write the RTL has not made yet, or memory.
      bool found = false;
      for (auto it = m->pending.rbegin(); it != m->pending.rend() && !found; ++it)
        if (it->write && it->paddr == a->paddr) {
          a->data = it->data;
          found = true;
        }
      if (!found && phys_mem_read64(m->pm, a->paddr, &a->data)) return -1;
    }
    m->pending.push_back({a->paddr, a->write, a->data, a->issue, a->accept, a->done});
    return 0;
  }
};

// ---- the device under test, cycle by cycle ------------------------------------------------------

class Dut {
 public:
  Dut(const Options &o) : top_(std::make_unique<Vmmu_top>()), o_(o) {
    if (!o.wave.empty()) {
      Verilated::traceEverOn(true);
      tfp_ = std::make_unique<VerilatedFstC>();
      top_->trace(tfp_.get(), 99);
    }
    // Asynchronous reset: a falling edge of rst_ni, one clock with it low, then release.
    top_->clk_i = 0;
    top_->rst_ni = 1;
    top_->eval();
    top_->rst_ni = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
    top_->clk_i = 0;
    top_->eval();
    top_->rst_ni = 1;
    top_->eval();  // cycle 0 comes next
  }
  ~Dut() {
    if (tfp_ && open_) tfp_->close();
    top_->final();
  }
  Vmmu_top &top() { return *top_; }
  void close_wave() {
    if (tfp_ && open_) tfp_->close();
    open_ = false;
    tfp_.reset();
  }
  uint64_t cycle() const { return cycle_; }

  // Inputs of the current cycle are set; evaluate its combinational outputs.
  void settle() { top_->eval(); }

  // The rising edge that ends the current cycle.
  void edge() {
    dump(2 * cycle_);
    top_->clk_i = 1;
    top_->eval();
    dump(2 * cycle_ + 1);
    top_->clk_i = 0;
    cycle_++;
  }

 private:
  void dump(uint64_t t) {
    if (!tfp_) return;
    bool in = cycle_ >= o_.from && cycle_ <= o_.to;
    if (in && !open_) {
      tfp_->open(o_.wave.c_str());
      open_ = true;
    }
    if (in) tfp_->dump(t);
    if (!in && open_ && cycle_ > o_.to) {
      tfp_->close();
      open_ = false;
      tfp_.reset();
    }
  }

  std::unique_ptr<Vmmu_top> top_;
  std::unique_ptr<VerilatedFstC> tfp_;
  const Options &o_;
  uint64_t cycle_ = 0;
  bool open_ = false;
};

// ---- the checker ------------------------------------------------------------------------------

struct Expected {
  uint64_t index;  // stimulus item number
  StimItem item;
  struct mmu_response resp;  // requests
  uint64_t done;             // control operations: completion cycle
  uint64_t accept;           // when the model accepted it
  uint64_t mem_end;          // memory accesses the model had made once it answered
  std::optional<uint64_t> rtl_accept;
};

const char *src_name(unsigned s) {
  static const char *n[] = {"l1", "stlb", "walk", "none"};
  return s < 4 ? n[s] : "?";
}

std::string describe_item(const StimItem &it) {
  char b[200];
  if (it.is_ctrl)
    snprintf(b, sizeof b, "%s value=0x%" PRIx64 " type=%u pcid=%u wp=%d nxe=%d",
             mmu_ctrl_name(it.ctrl.op), it.ctrl.value, it.ctrl.invpcid_type, it.ctrl.pcid,
             it.ctrl.wp, it.ctrl.nxe);
  else
    snprintf(b, sizeof b, "%s %s va=0x%" PRIx64, mmu_access_name(it.req.type),
             it.req.user ? "user" : "sup", it.req.vaddr);
  return b;
}

std::string describe_resp(const struct mmu_response &r, unsigned is2m_or_shift, bool shift) {
  char b[200];
  unsigned size = shift ? (is2m_or_shift == PAGE_SHIFT_2M) : is2m_or_shift;
  snprintf(b, sizeof b,
           "{paddr=0x%" PRIx64 " size=%s fault=%s ec=0x%x level=%u src=%s accept=%" PRIu64
           " resp=%" PRIu64 "}",
           r.paddr, r.fault ? "-" : size ? "2M" : "4K", mmu_fault_name(r.fault), r.error_code,
           r.level, src_name(r.source), r.accept_cycle, r.resp_cycle);
  return b;
}

class Cosim {
 public:
  Cosim(const Options &o, const struct mmu_config &cfg)
      : o_(o), cfg_(cfg), timing_(*find_mem_profile(o.mem), o.seed), dut_(o) {}

  int run();

 private:
  [[noreturn]] void mismatch(const std::string &what);
  void step();
  void drive_memory_inputs();
  void observe_memory();
  void compare_response(Expected &e);
  void compare_counters();

  const Options &o_;
  struct mmu_config cfg_;
  MemTiming timing_;
  Dut dut_;
  World world_;
  struct mmu *model_ = nullptr;
  ModelMemory mm_{};
  std::unique_ptr<Stimulus> stim_;

  std::deque<Expected> expected_;  // accepted or presented, not answered yet, oldest first
  std::optional<size_t> presented_;  // index into expected_ of the item being presented
  uint64_t arrival_ = 0;             // when it is presented
  uint64_t last_arrival_ = 0, last_accept_ = 0;
  uint64_t items_ = 0, requests_ = 0, ctrls_ = 0, faults_ = 0, directed_checks_ = 0;
  uint64_t src_count_[4] = {};

  // The memory port on the RTL side.
  uint64_t rtl_count_ = 0;  // accesses the RTL made
  std::optional<uint64_t> req_since_;  // cycle the current request was first presented
  bool rsp_pending_ = false;
  uint64_t rsp_cycle_ = 0, rsp_data_ = 0;
  uint64_t last_event_ = 0;
};

[[noreturn]] void Cosim::mismatch(const std::string &what) {
  fprintf(stderr, "cosim MISMATCH cfg=%s seed=%" PRIu64 " mem=%s stim=%s cycle %" PRIu64 ": %s\n",
          COSIM_NAME, o_.seed, o_.mem.c_str(), o_.stim.c_str(), dut_.cycle(), what.c_str());
  fprintf(stderr, "cosim replay: %s\n", replay_command(o_).c_str());
  fflush(stderr);
  if (!o_.wave.empty()) {
    dut_.close_wave();
    fprintf(stderr, "cosim: waveform of cycles %" PRIu64 "..%" PRIu64 " in %s; view it with: "
            "gtkwave %s waves/mmu.gtkw\n", o_.from, std::min(o_.to, dut_.cycle()),
            o_.wave.c_str(), o_.wave.c_str());
  }
  if (o_.auto_wave && o_.wave.empty()) {
    uint64_t c = dut_.cycle();
    std::string file = "waves/mismatch-" COSIM_NAME "-seed" + std::to_string(o_.seed) + ".fst";
    fprintf(stderr, "cosim: re-running to write cycles %" PRIu64 "..%" PRIu64 " to %s\n",
            c > 300 ? c - 300 : 0, c + 5, file.c_str());
    fflush(stderr);
    mkdir("waves", 0755);  // may exist
    std::vector<std::string> args = o_.argv;
    for (std::string a : {std::string("--wave"), file, std::string("--from"),
                          std::to_string(c > 300 ? c - 300 : 0), std::string("--to"),
                          std::to_string(c + 5), std::string("--no-auto-wave"),
                          std::string("--quiet")})
      args.push_back(a);
    std::vector<char *> av;
    for (std::string &s : args) av.push_back(s.data());
    av.push_back(nullptr);
    execv("/proc/self/exe", av.data());
    perror("cosim: re-running for the waveform");
  }
  exit(1);
}

void Cosim::drive_memory_inputs() {
  Vmmu_top &t = dut_.top();
  t.mem_req_ready_i = timing_.ready(dut_.cycle());
  t.mem_rsp_valid_i = rsp_pending_ && rsp_cycle_ == dut_.cycle();
  t.mem_rsp_rdata_i = t.mem_rsp_valid_i ? rsp_data_ : 0;
}

// The RTL's memory request of this cycle, if it is accepted: compared with the model's.
void Cosim::observe_memory() {
  Vmmu_top &t = dut_.top();
  uint64_t now = dut_.cycle();
  if (t.mem_rsp_valid_i) rsp_pending_ = false;
  if (!t.mem_req_valid_o) {
    req_since_.reset();
    return;
  }
  if (!req_since_) req_since_ = now;
  if (!t.mem_req_ready_i) return;
  char b[400];
  if (mm_.pending.empty()) {
    snprintf(b, sizeof b, "RTL memory %s of 0x%" PRIx64 " issued at %" PRIu64
             ", but the model made no more accesses", t.mem_req_we_o ? "write" : "read",
             uint64_t(t.mem_req_addr_o), *req_since_);
    mismatch(b);
  }
  MemAccess m = mm_.pending.front();
  mm_.pending.pop_front();
  if (m.paddr != t.mem_req_addr_o || m.write != bool(t.mem_req_we_o) || m.issue != *req_since_ ||
      m.accept != now || (m.write && m.data != t.mem_req_wdata_o)) {
    snprintf(b, sizeof b, "memory access #%" PRIu64 ": expected %s 0x%" PRIx64 " data 0x%" PRIx64
             " issued %" PRIu64 " accepted %" PRIu64 "; got %s 0x%" PRIx64 " data 0x%" PRIx64
             " issued %" PRIu64 " accepted %" PRIu64,
             rtl_count_, m.write ? "write" : "read", m.paddr, m.data, m.issue, m.accept,
             t.mem_req_we_o ? "write" : "read", uint64_t(t.mem_req_addr_o),
             uint64_t(t.mem_req_wdata_o), *req_since_, now);
    mismatch(b);
  }
  uint64_t data = 0;
  if (m.write) {
    phys_mem_write64(world_.pm, m.paddr, m.data);
  } else if (phys_mem_read64(world_.pm, m.paddr, &data)) {
    mismatch(std::string("RTL read: ") + phys_mem_error(world_.pm));
  } else if (data != m.data) {
    snprintf(b, sizeof b, "read of 0x%" PRIx64 ": memory changed under the model (harness bug)",
             m.paddr);
    mismatch(b);
  }
  rsp_pending_ = true;
  rsp_cycle_ = now + timing_.latency(rtl_count_++);
  rsp_data_ = data;
  req_since_.reset();
  if (rsp_cycle_ != m.done) mismatch("memory timing diverged (harness bug)");
}

void Cosim::compare_response(Expected &e) {
  Vmmu_top &t = dut_.top();
  struct mmu_response got{};
  got.paddr = t.resp_paddr_o;
  // A fault has no page: the model's page_shift is 0, and the RTL must not claim 2 MiB.
  got.page_shift = t.resp_is2m_o ? PAGE_SHIFT_2M : t.resp_fault_o ? 0 : PAGE_SHIFT_4K;
  got.fault = mmu_fault(t.resp_fault_o);
  got.error_code = t.resp_error_o;
  got.level = t.resp_level_o;
  got.source = mmu_source(t.resp_source_o);
  got.accept_cycle = *e.rtl_accept;
  got.resp_cycle = dut_.cycle();
  const struct mmu_response &x = e.resp;
  bool same = x.fault == got.fault && x.error_code == got.error_code && x.level == got.level &&
              x.source == got.source && x.accept_cycle == got.accept_cycle &&
              x.resp_cycle == got.resp_cycle && x.paddr == got.paddr &&
              x.page_shift == got.page_shift;
  if (!same)
    mismatch("request #" + std::to_string(e.index) + " " + describe_item(e.item) + ": expected " +
             describe_resp(x, x.page_shift, true) + " got " +
             describe_resp(got, got.page_shift, true));
  requests_++;
  faults_ += x.fault != MMU_FAULT_NONE;
  src_count_[x.source]++;
}

void Cosim::step() {
  Vmmu_top &t = dut_.top();
  uint64_t now = dut_.cycle();
  // Inputs.
  bool present = presented_ && now >= arrival_;
  const StimItem *it = present ? &expected_[*presented_].item : nullptr;
  t.req_valid_i = present && !it->is_ctrl;
  t.ctrl_valid_i = present && it->is_ctrl;
  if (present && !it->is_ctrl) {
    t.req_vaddr_i = it->req.vaddr;
    t.req_type_i = it->req.type;
    t.req_user_i = it->req.user;
  }
  if (present && it->is_ctrl) {
    t.ctrl_op_i = it->ctrl.op;
    t.ctrl_value_i = it->ctrl.value;
    t.ctrl_pcid_i = it->ctrl.pcid;
    t.ctrl_invpcid_type_i = it->ctrl.invpcid_type;
    t.ctrl_wp_i = it->ctrl.wp;
    t.ctrl_nxe_i = it->ctrl.nxe;
  }
  drive_memory_inputs();
  dut_.settle();

  // Outputs of this cycle. Responses first: they belong to the oldest item.
  if (t.resp_valid_o || t.ctrl_done_o) {
    if (expected_.empty() || !expected_.front().rtl_accept)
      mismatch(std::string("RTL answered (") + (t.resp_valid_o ? "response" : "control done") +
               ") with nothing in service");
    Expected &e = expected_.front();
    if (bool(t.ctrl_done_o) != e.item.is_ctrl || bool(t.resp_valid_o) == e.item.is_ctrl)
      mismatch("item #" + std::to_string(e.index) + " " + describe_item(e.item) +
               ": RTL gave a " + (t.resp_valid_o ? "translation response" : "control completion"));
    if (e.item.is_ctrl) {
      if (e.done != now || *e.rtl_accept != e.accept)
        mismatch("control #" + std::to_string(e.index) + " " + describe_item(e.item) +
                 ": expected accept " + std::to_string(e.accept) + " done " +
                 std::to_string(e.done) + ", got accept " + std::to_string(*e.rtl_accept) +
                 " done " + std::to_string(now));
      ctrls_++;
    } else {
      compare_response(e);
    }
    if (rtl_count_ != e.mem_end)
      mismatch("item #" + std::to_string(e.index) + " " + describe_item(e.item) +
               ": answered after " + std::to_string(rtl_count_) + " memory accesses in all, " +
               "the model after " + std::to_string(e.mem_end));
    expected_.pop_front();
    if (presented_) (*presented_)--;
    last_event_ = now;
  }
  if (present) {
    bool accepted = it->is_ctrl ? bool(t.ctrl_ready_o) : bool(t.req_ready_o);
    if (accepted) {
      expected_[*presented_].rtl_accept = now;
      last_accept_ = now;
      presented_.reset();
    }
  }
  observe_memory();
  dut_.edge();
  if (dut_.cycle() - last_event_ > 100000)
    mismatch("no response for 100000 cycles: the RTL hangs");
}

void Cosim::compare_counters() {
  Vmmu_top &t = dut_.top();
  const struct mmu_stats *s = mmu_stats(model_);
  auto sum_hits = [&](enum mmu_tlb_id id) {
    uint64_t hits, misses;
    mmu_tlb_totals(s, id, &hits, &misses);
    return hits;
  };
  uint64_t model_faults = 0, model_requests = 0;
  for (unsigned f = 1; f < MMU_FAULT_COUNT; f++) model_faults += s->faults[f];
  for (unsigned a = 0; a < MMU_ACC_COUNT; a++) model_requests += s->requests[a];
  struct {
    const char *name;
    uint64_t model, rtl;
  } c[] = {
      {"requests", model_requests, t.cnt_requests_o},
      {"itlb hits", sum_hits(MMU_TLB_ITLB), t.cnt_itlb_hits_o},
      {"dtlb hits", sum_hits(MMU_TLB_DTLB), t.cnt_dtlb_hits_o},
      {"stlb hits", sum_hits(MMU_TLB_STLB), t.cnt_stlb_hits_o},
      {"walks", s->walks, t.cnt_walks_o},
      {"walk reads", s->walk_reads, t.cnt_walk_reads_o},
      {"walk writes", s->walk_writes, t.cnt_walk_writes_o},
      {"psc pde hits", s->psc_hits[MMU_PSC_PDE], t.cnt_psc_pde_hits_o},
      {"psc pdpte hits", s->psc_hits[MMU_PSC_PDPTE], t.cnt_psc_pdpte_hits_o},
      {"psc pml4e hits", s->psc_hits[MMU_PSC_PML4E], t.cnt_psc_pml4e_hits_o},
      {"faults", model_faults, t.cnt_faults_o},
      {"dirty re-walks", s->dirty_rewalks, t.cnt_dirty_rewalks_o},
  };
  for (auto &x : c)
    if (x.model != x.rtl)
      mismatch(std::string("counter '") + x.name + "': model " + std::to_string(x.model) +
               ", RTL " + std::to_string(x.rtl));
}

int Cosim::run() {
  char err[256];
  world_.pm = phys_mem_create(cfg_.pa_bits, err, sizeof err);
  if (!world_.pm) {
    fprintf(stderr, "cosim: %s\n", err);
    return 2;
  }
  std::string serr;
  stim_ = make_stimulus(o_.stim, world_, o_.seed, o_.requests, serr);
  if (!stim_) {
    fprintf(stderr, "cosim: %s\n", serr.c_str());
    return 2;
  }
  mm_.pm = world_.pm;
  mm_.timing = &timing_;
  struct mmu_mem_port port = {ModelMemory::access, &mm_};
  model_ = mmu_create(&cfg_, &port, err, sizeof err);
  if (!model_) {
    fprintf(stderr, "cosim: %s\n", err);
    return 2;
  }
  if (!o_.quiet)
    printf("cosim cfg=%s seed=%" PRIu64 " stim=%s mem=%s requests=%" PRIu64 " params=[%s]\n"
           "cosim replay: %s\n",
           COSIM_NAME, o_.seed, stim_->describe().c_str(), o_.mem.c_str(), o_.requests,
           COSIM_PARAMS, replay_command(o_).c_str());
  fflush(stdout);
  auto t0 = std::chrono::steady_clock::now();

  bool done = false;
  while (!done || !expected_.empty() || presented_) {
    if (!presented_ && !done) {
      StimItem it;
      if (!stim_->next(it)) {
        done = true;
        continue;
      }
      if (!it.os.empty()) {
        // Page-table changes wait until nothing is in flight.
        while (!expected_.empty()) step();
        if (!mm_.pending.empty()) mismatch("the RTL left model memory accesses undone");
        for (auto &f : it.os) f();
      }
      uint64_t arrival = std::max(dut_.cycle(), last_accept_ + 1) + it.gap;
      if (items_ == 0) arrival = it.gap;
      arrival = std::max(arrival, last_arrival_);
      Expected e{};
      e.index = items_++;
      e.item = it;
      e.accept = std::max(arrival, mmu_next_free_cycle(model_));
      if (it.is_ctrl) {
        struct mmu_ctrl c = it.ctrl;
        c.cycle = arrival;
        uint64_t d;
        if (mmu_control(model_, &c, &d)) {
          fprintf(stderr, "cosim: stimulus item %" PRIu64 " (%s) refused by the model: %s\n",
                  e.index, describe_item(it).c_str(), mmu_error(model_));
          return 2;
        }
        e.done = d;
      } else {
        struct mmu_request r = it.req;
        r.cycle = arrival;
        if (mmu_translate(model_, &r, &e.resp)) {
          fprintf(stderr, "cosim: model: %s\n", mmu_error(model_));
          return 2;
        }
        if (it.expect) {
          directed_checks_++;
          bool ok = e.resp.fault == it.expect_fault &&
                    (it.expect_fault != MMU_FAULT_NONE || e.resp.paddr == it.expect_paddr);
          if (!ok) {
            fprintf(stderr, "cosim: directed check '%s' failed: %s gave %s, expected %s 0x%" PRIx64
                    "\n", it.what.c_str(), describe_item(it).c_str(),
                    describe_resp(e.resp, e.resp.page_shift, true).c_str(),
                    mmu_fault_name(it.expect_fault), it.expect_paddr);
            return 1;
          }
        }
      }
      e.mem_end = mm_.count;
      last_arrival_ = arrival;
      arrival_ = arrival;
      expected_.push_back(std::move(e));
      presented_ = expected_.size() - 1;
    }
    step();
  }
  compare_counters();

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!o_.quiet) {
    printf("cosim PASS cfg=%s seed=%" PRIu64 " stim=%s mem=%s: %" PRIu64 " translations (%" PRIu64
           " L1, %" PRIu64 " STLB, %" PRIu64 " walks, %" PRIu64 " faults), %" PRIu64
           " control operations, %" PRIu64 " directed checks, %" PRIu64 " cycles, 0 mismatches; "
           "%.2f Mcycles/s, %.0f translations/s\n",
           COSIM_NAME, o_.seed, o_.stim.c_str(), o_.mem.c_str(), requests_, src_count_[0],
           src_count_[1], src_count_[2], faults_, ctrls_, directed_checks_, dut_.cycle(),
           dut_.cycle() / secs / 1e6, requests_ / secs);
  }
  if (o_.stats) mmu_stats_print(mmu_stats(model_), stdout);
  mmu_destroy(model_);
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  Options o = parse(argc, argv);
  struct mmu_config cfg;
  std::string err;
  if (!config_from_params(cfg, err)) {
    fprintf(stderr, "cosim: %s\n", err.c_str());
    return 2;
  }
  Cosim c(o, cfg);
  return c.run();
}
