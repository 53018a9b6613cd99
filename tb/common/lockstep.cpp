// The lockstep checker: see lockstep.h.
#include "lockstep.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

// ---- options and configuration ------------------------------------------------------------------

namespace {

// Prints the usage to `out`, after "PROGRAM: msg" if msg is not empty.
void print_usage(FILE *out, const std::string &program, const std::string &msg) {
  if (!msg.empty()) fprintf(out, "%s: %s\n", program.c_str(), msg.c_str());
  fprintf(out,
          "usage: %s [--seed N] [--requests N] [--stim random|directed|trace:FILE]\n"
          "       [--mem fixed|fast|slow|bursty|errors|\n"
          "              lat=MIN[-MAX][,stall=PCT][,burst=N][,err=PERMILLE]]\n"
          "       [--wave FILE.fst [--from C] [--to C]] [--no-auto-wave] [--quiet] [--stats]\n"
          "       [--fcov FILE] [--help]\n"
          "--fcov FILE writes the run's functional coverage to FILE (without it, to a file in\n"
          "$MMUSIM_FCOV_DIR if that is set); scripts/fcov-report merges such files.\n",
          program.c_str());
}

[[noreturn]] void usage(const std::string &program, const std::string &msg) {
  print_usage(stderr, program, msg);
  exit(2);
}

// `s` quoted for a POSIX shell if it holds anything but plain characters.
std::string shell_quote(const std::string &s) {
  bool plain = !s.empty();
  for (char ch : s)
    if (!isalnum(static_cast<unsigned char>(ch)) && !strchr("/._-+=:,@%", ch)) plain = false;
  if (plain) return s;
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

uint64_t parse_u64(const std::string &program, const char *opt, const char *s) {
  char *end;
  errno = 0;
  uint64_t v = strtoull(s, &end, 0);
  if (errno || *s == '\0' || *end != '\0' || *s == '-')
    usage(program, std::string(opt) + ": '" + s + "' is not a non-negative number");
  return v;
}

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

std::string describe_resp(const struct mmu_response &r) {
  char b[200];
  snprintf(b, sizeof b,
           "{id=%u paddr=0x%" PRIx64 " size=%s fault=%s ec=0x%x level=%u src=%s accept=%" PRIu64
           " resp=%" PRIu64 "}",
           r.id, r.paddr,
           r.fault                         ? "-"
           : r.page_shift == PAGE_SHIFT_2M ? "2M"
                                           : "4K",
           mmu_fault_name(r.fault), r.error_code, r.level, src_name(r.source), r.accept_cycle,
           r.resp_cycle);
  return b;
}

}  // namespace

LockstepOptions LockstepOptions::parse(const std::string &program, int argc, char **argv) {
  LockstepOptions o;
  o.program = program;
  for (int i = 0; i < argc; i++) o.argv.push_back(argv[i]);
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto val = [&](void) -> const char * {
      if (i + 1 >= argc) usage(program, a + " needs a value");
      return argv[++i];
    };
    if (a == "--seed") o.seed = parse_u64(program, "--seed", val());
    else if (a == "--requests") o.requests = parse_u64(program, "--requests", val());
    else if (a == "--stim") o.stim = val();
    else if (a == "--mem") o.mem = val();
    else if (a == "--wave") o.wave = val();
    else if (a == "--from") o.from = parse_u64(program, "--from", val());
    else if (a == "--to") o.to = parse_u64(program, "--to", val());
    else if (a == "--no-auto-wave") o.auto_wave = false;
    else if (a == "--quiet") o.quiet = true;
    else if (a == "--stats") o.stats = true;
    else if (a == "--fcov") o.fcov = val();
    else if (a == "--wave-rerun") o.wave_rerun = true;  // internal: rerun_with_wave's run
    else if (a == "--help" || a == "-h") {
      print_usage(stdout, program, "");
      exit(0);
    } else usage(program, "unknown option " + a);
  }
  if (o.fcov.empty() && !o.wave_rerun)
    if (const char *dir = getenv("MMUSIM_FCOV_DIR"); dir && *dir)
      o.fcov = std::string(dir) + "/" + program + ".seed" + std::to_string(o.seed) + "." +
               std::to_string(getpid()) + ".fcov";
  if (o.from > o.to)
    usage(program, "--from " + std::to_string(o.from) + " is after --to " + std::to_string(o.to));
  std::string err;
  if (!parse_mem_profile(o.mem, o.mem_profile, err)) usage(program, "--mem: " + err);
  if (!o.wave.empty()) {  // the waveform writers fail silently
    FILE *f = fopen(o.wave.c_str(), "wb");
    if (!f) usage(program, "--wave: cannot write " + o.wave + ": " + strerror(errno));
    fclose(f);
  }
  return o;
}

std::string LockstepOptions::replay_command() const {
  // argv[0] as the user gave it: runnable from the folder they ran it from.
  std::string bin = argv.empty() ? program : argv[0];
  return shell_quote(bin) + " --seed " + std::to_string(seed) + " --requests " +
         std::to_string(requests) + " --stim " + shell_quote(stim) + " --mem " + shell_quote(mem);
}

void rerun_with_wave(const LockstepOptions &o, uint64_t c) {
  if (!o.auto_wave) return;
  // The source tree's waves/ (where waves/mmu.gtkw is), not ./waves of wherever it was run.
  std::string dir = MMUSIM_SOURCE_DIR "/waves";
  std::string file = dir + "/mismatch-" + o.program + "-seed" + std::to_string(o.seed) + ".fst";
  uint64_t from = c > 300 ? c - 300 : 0, to = c + kWaveCyclesAfter;
  fprintf(stderr, "%s: re-running to write cycles %" PRIu64 "..%" PRIu64 " to %s\n",
          o.program.c_str(), from, to, file.c_str());
  fflush(stderr);
  mkdir(dir.c_str(), 0755);  // may exist
  std::vector<std::string> args = o.argv;
  for (std::string a : {std::string("--wave"), file, std::string("--from"), std::to_string(from),
                        std::string("--to"), std::to_string(to), std::string("--no-auto-wave"),
                        std::string("--quiet"), std::string("--wave-rerun")})
    args.push_back(a);
  std::vector<char *> av;
  for (std::string &s : args) av.push_back(s.data());
  av.push_back(nullptr);
  execv("/proc/self/exe", av.data());
  perror("re-running for the waveform");
}

std::string write_wave_view(const std::string &fst, uint64_t start, uint64_t marker,
                            std::string &err) {
  const std::string src = MMUSIM_SOURCE_DIR "/waves/mmu.gtkw";
  FILE *in = fopen(src.c_str(), "r");
  if (!in) return err = "cannot read " + src + ": " + strerror(errno), "";
  char *abs = realpath(fst.c_str(), nullptr);
  std::string fst_abs = abs ? abs : fst;
  free(abs);
  std::string view = fst;
  if (view.size() > 4 && view.compare(view.size() - 4, 4, ".fst") == 0)
    view.resize(view.size() - 4);
  view += ".gtkw";
  FILE *out = fopen(view.c_str(), "w");
  if (!out) {
    fclose(in);
    return err = "cannot write " + view + ": " + strerror(errno), "";
  }
  fprintf(out, "[dumpfile] \"%s\"\n[timestart] %" PRIu64 "\n", fst_abs.c_str(), start);
  // The marker line: zoom (about 4 pixels a 1 ns cycle), primary marker, no named markers.
  fprintf(out, "*-12.000000 %" PRIu64, marker);
  for (int i = 0; i < 26; i++) fputs(" -1", out);
  fputc('\n', out);
  const std::string rel = "waves/filters/", full = MMUSIM_SOURCE_DIR "/waves/filters/";
  char line[1024];
  while (fgets(line, sizeof line, in)) {
    std::string l = line;
    if (l.rfind("[timestart]", 0) == 0 || l.rfind("[dumpfile]", 0) == 0 || l.rfind("*-", 0) == 0)
      continue;
    size_t at = l.find(rel);
    if (l[0] == '^' && at != std::string::npos) l.replace(at, rel.size(), full);
    fputs(l.c_str(), out);
  }
  fclose(in);
  if (fclose(out) != 0) return err = "cannot write " + view + ": " + strerror(errno), "";
  return view;
}

bool config_from_rtl_params(const std::string &params, struct mmu_config &c, std::string &err) {
  char buf[256];
  if (mmu_config_from_rtl_params(&c, params.c_str(), buf, sizeof buf) == 0) return true;
  err = buf;
  return false;
}

// ---- the model's memory port ------------------------------------------------------------------

int Lockstep::ModelMemory::access(void *ctx, struct mmu_mem_access *a) {
  ModelMemory *m = static_cast<ModelMemory *>(ctx);
  a->accept = m->timing->accept_cycle(a->issue);
  bool error = m->timing->error(m->count);
  a->done = a->accept + m->timing->latency(m->count++);
  if (error) {
    // Answered with an error: the memory performs nothing (a read gets no data).
    if (!a->write) a->data = 0;
    m->pending.push_back({a->paddr, a->write, a->data, a->issue, a->accept, a->done, true});
    return -1;
  }
  if (!a->write) {
    // The newest value: a write the RTL has not made yet, or memory.
    bool found = false;
    for (auto it = m->pending.rbegin(); it != m->pending.rend() && !found; ++it)
      if (it->write && !it->error && it->paddr == a->paddr) {
        a->data = it->data;
        found = true;
      }
    if (!found && phys_mem_read64(m->pm, a->paddr, &a->data)) return -1;
  }
  m->pending.push_back({a->paddr, a->write, a->data, a->issue, a->accept, a->done, false});
  return 0;
}

// ---- set-up -------------------------------------------------------------------------------------

Lockstep::Lockstep(const LockstepOptions &o, const struct mmu_config &cfg,
                   const std::string &params, std::function<void(uint64_t)> on_mismatch)
    : o_(o),
      cfg_(cfg),
      params_(params),
      on_mismatch_(std::move(on_mismatch)),
      timing_(o.mem_profile, o.seed) {}

Lockstep::~Lockstep() {
  mmu_destroy(model_);
}

bool Lockstep::start(std::string &err) {
  char buf[256];
  world_.pm = phys_mem_create(cfg_.pa_bits, buf, sizeof buf);
  if (!world_.pm) return err = buf, false;
  stim_ = make_stimulus(o_.stim, world_, o_.seed, o_.requests, err);
  if (!stim_) return false;
  mm_.pm = world_.pm;
  mm_.timing = &timing_;
  struct mmu_mem_port port = {ModelMemory::access, &mm_};
  model_ = mmu_create(&cfg_, &port, buf, sizeof buf);
  if (!model_) return err = buf, false;
  if (!o_.fcov.empty()) cov_ = std::make_unique<MmuCoverage>(cfg_);
  if (!o_.quiet)
    printf("%s seed=%" PRIu64 " stim=%s mem=%s requests=%" PRIu64
           " params=[%s]\n"
           "%s replay: %s\n",
           o_.program.c_str(), o_.seed, stim_->describe().c_str(), o_.mem.c_str(), o_.requests,
           params_.c_str(), o_.program.c_str(), o_.replay_command().c_str());
  fflush(stdout);
  return true;
}

[[noreturn]] void Lockstep::mismatch(uint64_t cycle, const std::string &what) {
  // The waveform re-run repeats the run that already said all this.
  if (!o_.wave_rerun)
    fprintf(stderr, "%s MISMATCH seed=%" PRIu64 " mem=%s stim=%s cycle %" PRIu64 ": %s\n",
            o_.program.c_str(), o_.seed, o_.mem.c_str(), o_.stim.c_str(), cycle, what.c_str());
  // The replay command is printed once: at the start, or here if the start was quiet.
  if (o_.quiet && !o_.wave_rerun)
    fprintf(stderr, "%s replay: %s\n", o_.program.c_str(), o_.replay_command().c_str());
  fflush(stderr);
  if (on_mismatch_) on_mismatch_(cycle);
  if (hold_) {
    halted_at_ = cycle;
    throw Halt{};
  }
  exit(1);
}

// Runs a pin callback's body unless the checker holds after a mismatch (which the body's own
// mismatch, thrown as Halt, ends it with).
template <typename F>
void Lockstep::unless_halted(F &&body) {
  if (halted_at_) return;
  try {
    body();
  } catch (const Halt &) {
  }
}

void Lockstep::traffic_drive(uint64_t cycle, RequestPins &p) {
  p = RequestPins{};
  unless_halted([&] { traffic_drive_checked(cycle, p); });
  if (halted_at_) p = RequestPins{};
}

void Lockstep::response_sample(uint64_t cycle, const ResponsePins &p) {
  unless_halted([&] { response_sample_checked(cycle, p); });
}

void Lockstep::memory_sample(uint64_t cycle, const MemOutPins &p, bool req_ready) {
  unless_halted([&] { memory_sample_checked(cycle, p, req_ready); });
}

void Lockstep::compare_counters(uint64_t cycle, const RtlCounters &rtl) {
  unless_halted([&] { compare_counters_checked(cycle, rtl); });
}

// ---- traffic: present the stimulus, the model predicting each answer ---------------------------

// Takes the next stimulus item into next_, if it holds none. Returns false at the end of the
// stimulus or on a bad item (error_ says why).
bool Lockstep::fetch() {
  if (next_) return true;
  StimItem it;
  bool more;
  try {
    more = stim_->next(it);
  } catch (const std::exception &e) {  // a bad trace line, say: bad input, not a mismatch
    error_ = e.what();
    return false;
  }
  if (!more) {
    stim_done_ = true;
    return false;
  }
  next_ = std::move(it);
  return true;
}

// Takes the next stimulus item if the MMU can be given it in `cycle`, asks the model for its
// answer, and makes it the presented item; with a request that goes with it (a control
// operation's companion), that one too. Returns false if there is nothing to present yet.
bool Lockstep::fetch_and_predict(uint64_t cycle) {
  if (!fetch()) return false;
  StimItem &it = *next_;
  if (!it.os.empty()) {
    // Page-table changes wait until nothing is in flight.
    if (!expected_.empty()) return false;
    if (!mm_.pending.empty()) mismatch(cycle, "the RTL left model memory accesses undone");
    try {
      for (auto &f : it.os) f();
    } catch (const std::exception &e) {
      error_ = e.what();
      return false;
    }
  }
  uint64_t arrival = std::max(cycle, last_accept_ + 1) + it.gap;
  if (items_ == 0) arrival = it.gap;
  arrival = std::max(arrival, last_arrival_);
  if (!predict(arrival)) return false;
  last_arrival_ = arrival;
  arrival_ = arrival;
  presented_ = expected_.size() - 1;
  // A request presented in the same cycle as this control operation (which goes first).
  if (expected_.back().item.is_ctrl && fetch() && next_->with_previous && !next_->is_ctrl &&
      next_->os.empty()) {
    if (!predict(arrival)) return false;
    companion_ = expected_.size() - 1;
    if (cov_) cov_->same_cycle();
  }
  return true;
}

// Gives the model next_, presented in `arrival`, and queues its expected answer.
bool Lockstep::predict(uint64_t arrival) {
  Expected e{};
  e.index = items_++;
  e.item = std::move(*next_);
  next_.reset();
  e.accept = std::max(arrival, mmu_next_free_cycle(model_));
  if (cov_ && !e.item.with_previous)  // (a companion arrives with a control operation)
    cov_->arrival(e.item.is_ctrl,
                  e.index > 0 && arrival < last_end_ ? last_service_ : MmuCoverage::IDLE);
  if (e.item.is_ctrl) {
    struct mmu_ctrl c = e.item.ctrl;
    c.cycle = arrival;
    if (cov_) cov_->control(model_, c);
    if (mmu_control(model_, &c, &e.done)) {
      error_ = "stimulus item " + std::to_string(e.index) + " (" + describe_item(e.item) +
               ") refused by the model: " + mmu_error(model_);
      return false;
    }
    e.end = e.done;
    e.service = MmuCoverage::CONTROL;
  } else {
    // Request IDs go round every value of id_bits (one is outstanding at a time here).
    e.item.req.id = unsigned(e.index * 5 + 3) & ((1u << cfg_.id_bits) - 1);
    struct mmu_request r = e.item.req;
    r.cycle = arrival;
    struct mmu_stats before {};
    bool l1_held = false, stlb_held = false;
    uint64_t first = mm_.count;
    if (cov_) {
      before = *mmu_stats(model_);
      uint16_t pcid = mmu_current_pcid(model_);
      enum mmu_tlb_id l1 = r.type == MMU_ACC_FETCH ? MMU_TLB_ITLB : MMU_TLB_DTLB;
      l1_held = mmu_tlb_holds(model_, l1, r.vaddr, pcid);
      stlb_held = mmu_tlb_holds(model_, MMU_TLB_STLB, r.vaddr, pcid);
    }
    if (mmu_translate(model_, &r, &e.resp)) {
      error_ = std::string("model: ") + mmu_error(model_);
      return false;
    }
    e.end = e.resp.resp_cycle;
    if (cov_) {
      std::vector<MmuCoverage::Access> acc;
      for (size_t i = mm_.pending.size() - (mm_.count - first); i < mm_.pending.size(); i++)
        acc.push_back({mm_.pending[i].paddr, mm_.pending[i].write, mm_.pending[i].data,
                       mm_.pending[i].error});
      try {
        e.service = cov_->request(r, e.resp, acc, before, *mmu_stats(model_), l1_held, stlb_held);
      } catch (const std::logic_error &x) {
        error_status_ = 1;
        error_ = x.what();
        return false;
      }
    }
    // A directed item's expectation is about the page tables; a bus error (a memory profile
    // with errors) answers it otherwise, and is compared with the RTL like any response.
    if (e.item.expect && e.resp.fault != MMU_FAULT_BUS_ERROR) {
      directed_checks_++;
      bool ok = e.resp.fault == e.item.expect_fault &&
                (e.item.expect_fault != MMU_FAULT_NONE || e.resp.paddr == e.item.expect_paddr);
      if (!ok) {
        char b[120];
        snprintf(b, sizeof b, "%s 0x%" PRIx64, mmu_fault_name(e.item.expect_fault),
                 e.item.expect_paddr);
        error_status_ = 1;  // the model disagrees with the scenario's expectation
        error_ = "directed check '" + e.item.what + "' failed: " + describe_item(e.item) +
                 " gave " + describe_resp(e.resp) + ", expected " + b;
        return false;
      }
    }
  }
  e.mem_end = mm_.count;
  last_end_ = e.end;
  last_service_ = e.service;
  expected_.push_back(std::move(e));
  return true;
}

void Lockstep::traffic_drive_checked(uint64_t cycle, RequestPins &p) {
  // With no request presented, the ID pins change anyway: an RTL that takes an ID it did not
  // accept answers with the wrong one.
  p.req_id = unsigned(cycle) & ((1u << cfg_.id_bits) - 1);
  if (!presented_ && !stim_done_ && error_.empty() && !fetch_and_predict(cycle)) return;
  if (!presented_ || cycle < arrival_) return;
  const StimItem &it = expected_[*presented_].item;
  if (companion_) {
    const StimItem &rq = expected_[*companion_].item;
    p.req_valid = true;
    p.req_vaddr = rq.req.vaddr;
    p.req_type = rq.req.type;
    p.req_user = rq.req.user;
    p.req_id = rq.req.id;
  }
  if (it.is_ctrl) {
    p.ctrl_valid = true;
    p.ctrl_op = it.ctrl.op;
    p.ctrl_value = it.ctrl.value;
    p.ctrl_pcid = it.ctrl.pcid;
    p.ctrl_invpcid_type = it.ctrl.invpcid_type;
    p.ctrl_wp = it.ctrl.wp;
    p.ctrl_nxe = it.ctrl.nxe;
  } else {
    p.req_valid = true;
    p.req_vaddr = it.req.vaddr;
    p.req_type = it.req.type;
    p.req_user = it.req.user;
    p.req_id = it.req.id;
  }
}

void Lockstep::traffic_sample(uint64_t cycle, bool req_ready, bool ctrl_ready) {
  if (!presented_ || cycle < arrival_) return;
  Expected &e = expected_[*presented_];
  if (e.item.is_ctrl ? ctrl_ready : req_ready) {
    e.rtl_accept = cycle;
    last_accept_ = cycle;
    presented_.reset();
  }
  if (!companion_) return;
  // The control operation's companion: taken with it (which the RTL must not do: the compared
  // acceptance cycle says so), or presented on its own from now on.
  if (req_ready) {
    expected_[*companion_].rtl_accept = cycle;
    last_accept_ = cycle;
    companion_.reset();
  } else if (!presented_) {
    presented_ = companion_;
    companion_.reset();
  }
}

// ---- the checker ------------------------------------------------------------------------------

void Lockstep::compare_response(uint64_t cycle, Expected &e, const ResponsePins &p) {
  struct mmu_response got {};
  got.paddr = p.resp_paddr;
  // A fault has no page: the model's page_shift is 0, and the RTL must not claim 2 MiB.
  got.page_shift = p.resp_is2m ? PAGE_SHIFT_2M : p.resp_fault ? 0 : PAGE_SHIFT_4K;
  got.fault = mmu_fault(p.resp_fault);
  got.error_code = p.resp_error;
  got.level = p.resp_level;
  got.source = mmu_source(p.resp_source);
  got.accept_cycle = *e.rtl_accept;
  got.resp_cycle = cycle;
  got.id = p.resp_id;
  const struct mmu_response &x = e.resp;
  bool same = x.fault == got.fault && x.error_code == got.error_code && x.level == got.level &&
              x.source == got.source && x.accept_cycle == got.accept_cycle &&
              x.resp_cycle == got.resp_cycle && x.paddr == got.paddr &&
              x.page_shift == got.page_shift && x.id == got.id;
  if (!same)
    mismatch(cycle, "request #" + std::to_string(e.index) + " " + describe_item(e.item) +
                        ": expected " + describe_resp(x) + " got " + describe_resp(got));
  requests_++;
  faults_ += x.fault != MMU_FAULT_NONE;
  src_count_[x.source]++;
}

void Lockstep::response_sample_checked(uint64_t cycle, const ResponsePins &p) {
  if (p.resp_valid || p.ctrl_done) {
    if (expected_.empty() || !expected_.front().rtl_accept)
      mismatch(cycle, std::string("RTL answered (") + (p.resp_valid ? "response" : "control done") +
                          ") with nothing in service");
    Expected &e = expected_.front();
    if (p.ctrl_done != e.item.is_ctrl || p.resp_valid == e.item.is_ctrl)
      mismatch(cycle, "item #" + std::to_string(e.index) + " " + describe_item(e.item) +
                          ": RTL gave a " +
                          (p.resp_valid ? "translation response" : "control completion"));
    if (e.item.is_ctrl) {
      if (e.done != cycle || *e.rtl_accept != e.accept)
        mismatch(cycle, "control #" + std::to_string(e.index) + " " + describe_item(e.item) +
                            ": expected accept " + std::to_string(e.accept) + " done " +
                            std::to_string(e.done) + ", got accept " +
                            std::to_string(*e.rtl_accept) + " done " + std::to_string(cycle));
      ctrls_++;
    } else {
      compare_response(cycle, e, p);
    }
    // Memory accesses the RTL made before this cycle (memory_sample may already have counted one
    // of this cycle).
    uint64_t made = rtl_count_ - (last_rtl_accept_ == cycle);
    if (made != e.mem_end)
      mismatch(cycle, "item #" + std::to_string(e.index) + " " + describe_item(e.item) +
                          ": answered after " + std::to_string(made) +
                          " memory accesses in all, the model after " + std::to_string(e.mem_end));
    expected_.pop_front();
    if (presented_) (*presented_)--;
    if (companion_) (*companion_)--;
    last_event_ = cycle;
  }
  if (cycle - last_event_ > 100000) mismatch(cycle, "no response for 100000 cycles: the RTL hangs");
}

// ---- the memory the RTL sees --------------------------------------------------------------------

void Lockstep::memory_drive(uint64_t cycle, MemInPins &p) const {
  p = MemInPins{};
  if (halted_at_) return;
  p.req_ready = timing_.ready(cycle);
  p.rsp_valid = rsp_pending_ && rsp_cycle_ == cycle;
  p.rsp_err = p.rsp_valid && rsp_err_;
  p.rsp_rdata = p.rsp_valid ? rsp_data_ : 0;
}

// The RTL's memory request of this cycle, if it is accepted: compared with the model's.
void Lockstep::memory_sample_checked(uint64_t cycle, const MemOutPins &p, bool req_ready) {
  if (rsp_pending_ && rsp_cycle_ == cycle) rsp_pending_ = false;
  if (!p.req_valid) {
    req_since_.reset();
    return;
  }
  if (!req_since_) req_since_ = cycle;
  if (!req_ready) return;
  char b[400];
  if (mm_.pending.empty()) {
    snprintf(b, sizeof b,
             "RTL memory %s of 0x%" PRIx64 " issued at %" PRIu64
             ", but the model made no more accesses",
             p.req_we ? "write" : "read", p.req_addr, *req_since_);
    mismatch(cycle, b);
  }
  MemAccess m = mm_.pending.front();
  mm_.pending.pop_front();
  if (m.paddr != p.req_addr || m.write != p.req_we || m.issue != *req_since_ || m.accept != cycle ||
      (m.write && m.data != p.req_wdata)) {
    snprintf(b, sizeof b,
             "memory access #%" PRIu64 ": expected %s 0x%" PRIx64 " data 0x%" PRIx64
             " issued %" PRIu64 " accepted %" PRIu64 "; got %s 0x%" PRIx64 " data 0x%" PRIx64
             " issued %" PRIu64 " accepted %" PRIu64,
             rtl_count_, m.write ? "write" : "read", m.paddr, m.data, m.issue, m.accept,
             p.req_we ? "write" : "read", p.req_addr, p.req_wdata, *req_since_, cycle);
    mismatch(cycle, b);
  }
  uint64_t data = 0;
  if (m.error) {
    // The memory answers it with an error and performs nothing.
  } else if (m.write) {
    phys_mem_write64(world_.pm, m.paddr, m.data);
  } else if (phys_mem_read64(world_.pm, m.paddr, &data)) {
    mismatch(cycle, std::string("RTL read: ") + phys_mem_error(world_.pm));
  } else if (data != m.data) {
    snprintf(b, sizeof b, "read of 0x%" PRIx64 ": memory changed under the model (harness bug)",
             m.paddr);
    mismatch(cycle, b);
  }
  rsp_pending_ = true;
  rsp_cycle_ = cycle + timing_.latency(rtl_count_++);
  if (cov_) cov_->memory(cycle - *req_since_, rsp_cycle_ - cycle);
  rsp_data_ = data;
  rsp_err_ = m.error;
  last_rtl_accept_ = cycle;
  req_since_.reset();
  if (rsp_cycle_ != m.done) mismatch(cycle, "memory timing diverged (harness bug)");
}

// ---- the end of a run ---------------------------------------------------------------------------

void Lockstep::compare_counters_checked(uint64_t cycle, const RtlCounters &rtl) {
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
      {"requests", model_requests, rtl.requests},
      {"itlb hits", sum_hits(MMU_TLB_ITLB), rtl.itlb_hits},
      {"dtlb hits", sum_hits(MMU_TLB_DTLB), rtl.dtlb_hits},
      {"stlb hits", sum_hits(MMU_TLB_STLB), rtl.stlb_hits},
      {"walks", s->walks, rtl.walks},
      {"walk reads", s->walk_reads, rtl.walk_reads},
      {"walk writes", s->walk_writes, rtl.walk_writes},
      {"psc pde hits", s->psc_hits[MMU_PSC_PDE], rtl.psc_pde_hits},
      {"psc pdpte hits", s->psc_hits[MMU_PSC_PDPTE], rtl.psc_pdpte_hits},
      {"psc pml4e hits", s->psc_hits[MMU_PSC_PML4E], rtl.psc_pml4e_hits},
      {"faults", model_faults, rtl.faults},
      {"dirty re-walks", s->dirty_rewalks, rtl.dirty_rewalks},
  };
  for (auto &x : c)
    if (x.model != x.rtl)
      mismatch(cycle, std::string("counter '") + x.name + "': model " + std::to_string(x.model) +
                          ", RTL " + std::to_string(x.rtl));
  // Fills and evictions, of both page sizes in a TLB.
  static const char *tlbs[] = {"itlb", "dtlb", "stlb"},
                    *pscs[] = {"psc pde", "psc pdpte", "psc pml4e"};
  for (unsigned t = 0; t < MMU_TLB_COUNT; t++) {
    const struct mmu_tlb_stats &ts = s->tlb[t];
    uint64_t fills = ts.fills[MMU_SIZE_4K] + ts.fills[MMU_SIZE_2M];
    uint64_t evictions = ts.evictions[MMU_SIZE_4K] + ts.evictions[MMU_SIZE_2M];
    if (fills != rtl.tlb_fills[t] || evictions != rtl.tlb_evictions[t])
      mismatch(cycle, std::string("counters '") + tlbs[t] + " fills, evictions': model " +
                          std::to_string(fills) + ", " + std::to_string(evictions) + ", RTL " +
                          std::to_string(rtl.tlb_fills[t]) + ", " +
                          std::to_string(rtl.tlb_evictions[t]));
  }
  for (unsigned p = 0; p < MMU_PSC_COUNT; p++)
    if (s->psc_fills[p] != rtl.psc_fills[p] || s->psc_evictions[p] != rtl.psc_evictions[p])
      mismatch(cycle, std::string("counters '") + pscs[p] + " fills, evictions': model " +
                          std::to_string(s->psc_fills[p]) + ", " +
                          std::to_string(s->psc_evictions[p]) + ", RTL " +
                          std::to_string(rtl.psc_fills[p]) + ", " +
                          std::to_string(rtl.psc_evictions[p]));
}

void Lockstep::report_pass(uint64_t cycles, double seconds) const {
  if (o_.quiet) return;
  printf("%s PASS seed=%" PRIu64 " stim=%s mem=%s: %" PRIu64 " translations (%" PRIu64
         " L1, %" PRIu64 " STLB, %" PRIu64 " walks, %" PRIu64 " faults), %" PRIu64
         " control operations, %" PRIu64 " directed checks, %" PRIu64
         " cycles, 0 mismatches; "
         "%.2f Mcycles/s, %.0f translations/s\n",
         o_.program.c_str(), o_.seed, o_.stim.c_str(), o_.mem.c_str(), requests_, src_count_[0],
         src_count_[1], src_count_[2], faults_, ctrls_, directed_checks_, cycles,
         cycles / seconds / 1e6, requests_ / seconds);
  fflush(stdout);
}

bool Lockstep::write_coverage(std::string &err) const {
  if (!cov_) return true;
  std::string run = o_.program + " --seed " + std::to_string(o_.seed) + " --stim " + o_.stim +
                    " --mem " + o_.mem + " --requests " + std::to_string(o_.requests);
  return cov_->write(o_.fcov, run, err);
}

void Lockstep::print_stats() const {
  mmu_stats_print(mmu_stats(model_), stdout);
}
