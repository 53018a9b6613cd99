// The lockstep checker: see lockstep.h.
#include "lockstep.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
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
           : r.page_shift == PAGE_SHIFT_1G ? "1G"
           : r.page_shift == PAGE_SHIFT_2M ? "2M"
           : r.page_shift == PAGE_SHIFT_4K ? "4K"
                                           : "?",
           mmu_fault_name(r.fault), r.error_code, r.level, mmu_source_name(r.source),
           r.accept_cycle, r.resp_cycle);
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
  while (!m->answers.empty() && *m->answers.begin() <= a->accept)
    m->answers.erase(m->answers.begin());  // answered already
  while (m->answers.count(a->done)) a->done++;
  m->answers.insert(a->done);
  MemAccess x{a->paddr, a->write,  a->set_bits, a->data, a->walker,
              a->issue, a->accept, a->done,     error};
  if (error) {
    // Answered with an error: the memory performs nothing (a read gets no data).
    if (!a->write) a->data = x.data = 0;
  } else if (!a->write) {
    // The newest value: memory, with the writes the RTL has not made yet, in order.
    if (phys_mem_read64(m->pm, a->paddr, &a->data)) return -1;
    for (const MemAccess &w : m->pending)
      if (w.write && !w.error && w.paddr == a->paddr)
        a->data = w.set_bits ? a->data | w.data : w.data;
    x.data = a->data;
  }
  m->pending.push_back(x);
  m->history.push_back(x);
  return error ? -1 : 0;
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
  world_.la57 = cfg_.la57;
  world_.pdpe1gb = cfg_.pdpe1gb;
  world_.fetch_fractions = (cfg_.itlb_1g.entries == 0 && cfg_.itlb_2m.entries > 0) ||
                           (cfg_.stlb_1g.entries == 0 && cfg_.stlb.entries > 0);
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

void Lockstep::rtl_assertion_failed(uint64_t cycle) {
  fflush(stdout);  // (Verilator prints the assertion's %Error line there)
  unless_halted([&] { mismatch(cycle, "an RTL assertion failed (its %Error line is above)"); });
}

void Lockstep::rtl_port_rule_broken(uint64_t cycle, const std::string &what) {
  unless_halted([&] { mismatch(cycle, what); });
}

// ---- traffic: present the stimulus, the model running cycle by cycle beside the RTL -----------
//
// In each cycle c, traffic_drive runs the model through c (mmu_advance) and takes its
// responses, then gives it what is presented in c: a control operation first (mmu_control,
// after the model has answered every request it accepted), then a request (mmu_try_issue in
// c). The model says whether it accepts the request in c; the RTL must say the same
// (traffic_sample). Responses are matched by ID: the RTL's response in c must be the model's
// response of c for that ID (response_sample).

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

// (From the newest: the items looked for are mostly those presented and not yet accepted.)
Lockstep::Item *Lockstep::item(uint64_t index) {
  for (auto it = open_.rbegin(); it != open_.rend(); ++it)
    if (it->index == index) return &*it;
  return nullptr;
}

// An ID no open request holds (accepted or presented, not answered by the RTL), going round
// every value of id_bits; false if all are held.
bool Lockstep::free_id(unsigned &id) {
  unsigned n = 1u << cfg_.id_bits;
  for (unsigned k = 0; k < n; k++) {
    unsigned cand = (next_id_ + k) % n;
    bool held = false;
    for (const Item &e : open_) held |= !e.item.is_ctrl && e.item.req.id == cand;
    if (!held) {
      id = cand;
      next_id_ = (cand + 5) % n;
      return true;
    }
  }
  return false;
}

// Opens next_ as an item presented from `arrival`.
void Lockstep::open(uint64_t arrival) {
  Item e{};
  e.index = items_++;
  e.item = std::move(*next_);
  next_.reset();
  e.arrival = arrival;
  if (cov_ && !e.item.with_previous)  // (a companion arrives with a control operation)
    arrivals_.push_back({e.item.is_ctrl, arrival, e.index});
  presented_.push_back(e.index);
  open_.push_back(std::move(e));
}

// Takes the next stimulus item if the MMU can be given it from `cycle` on, and presents it;
// with a request that goes with it (a control operation's companion), that one too. Returns
// false if there is nothing to present yet.
bool Lockstep::fetch_and_present(uint64_t cycle) {
  if (!fetch()) return false;
  StimItem &it = *next_;
  if (!it.os.empty()) {
    // Page-table changes wait until nothing is in flight.
    if (!open_.empty() || mmu_outstanding(model_)) return false;
    if (!mm_.pending.empty()) mismatch(cycle, "the RTL left model memory accesses undone");
    try {
      for (auto &f : it.os) f();
    } catch (const std::exception &e) {
      error_ = e.what();
      return false;
    }
    it.os.clear();
  }
  if (!it.is_ctrl && !free_id(it.req.id)) return false;
  bool is_ctrl = it.is_ctrl;
  uint64_t arrival = std::max(cycle, last_accept_ + 1) + it.gap;
  if (items_ == 0) arrival = it.gap;
  arrival = std::max(arrival, last_arrival_);
  last_arrival_ = arrival;
  if (cov_ && is_ctrl)
    for (const Item &x : open_)
      if (!x.item.is_ctrl && (!x.model_resp || x.model_resp->resp_cycle > arrival)) {
        cov_->control_in_flight(it.ctrl.op);
        break;
      }
  open(arrival);
  // A request presented in the same cycle as this control operation (which goes first).
  if (is_ctrl && fetch() && next_->with_previous && !next_->is_ctrl && next_->os.empty() &&
      free_id(next_->req.id)) {
    open(arrival);
    if (cov_) cov_->same_cycle();
  }
  return true;
}

// The coverage of arrivals: an item presented while the one before it was in service, known
// once the one before has its answer from the model.
void Lockstep::answered(uint64_t index, uint64_t end, MmuCoverage::Service service) {
  if (!cov_) return;
  ends_[index] = {end, service};
  while (!arrivals_.empty()) {
    const Arrival &a = arrivals_.front();
    MmuCoverage::Service busy = MmuCoverage::IDLE;
    if (a.index > 0) {
      auto prev = ends_.find(a.index - 1);
      if (prev == ends_.end()) break;
      if (a.arrival < prev->second.first) busy = prev->second.second;
    }
    cov_->arrival(a.is_ctrl, busy);
    arrivals_.pop_front();
  }
  while (ends_.size() > 4) ends_.erase(ends_.begin());
}

// Takes the model's responses: each is the expected answer of the open request with its ID.
bool Lockstep::take_model_responses(uint64_t cycle) {
  struct mmu_response r;
  bool answered_any = false;
  while (mmu_poll(model_, &r)) {
    answered_any = true;
    Item *e = nullptr;
    for (Item &x : open_)
      if (!e && !x.item.is_ctrl && x.model_accept && !x.model_resp && x.item.req.id == r.id) e = &x;
    if (!e) mismatch(cycle, "the model answered ID " + std::to_string(r.id) + " (harness bug)");
    e->model_resp = r;
    earliest_due_ = std::min(earliest_due_, r.resp_cycle);
    MmuCoverage::Service service = MmuCoverage::IDLE;
    if (cov_) {
      std::vector<MmuCoverage::Access> acc;
      for (uint64_t k = std::max(e->mem_first, mm_.history_base); k < mm_.count; k++) {
        const MemAccess &m = mm_.history[k - mm_.history_base];
        acc.push_back({m.paddr, m.write, m.data, m.error});
      }
      struct mmu_request q = e->item.req;
      q.cycle = e->arrival;
      try {
        service = cov_->request(q, r, acc, e->before, *mmu_stats(model_), e->l1_held, e->stlb_held);
      } catch (const std::logic_error &x) {
        error_status_ = 1;
        error_ = x.what();
        return false;
      }
    }
    answered(e->index, r.resp_cycle, service);
    // A directed item's expectation is about the page tables; a bus error (a memory profile
    // with errors) answers it otherwise, and is compared with the RTL like any response.
    if (e->item.expect && r.fault != MMU_FAULT_BUS_ERROR) {
      directed_checks_++;
      bool ok = r.fault == e->item.expect_fault &&
                (e->item.expect_fault != MMU_FAULT_NONE || r.paddr == e->item.expect_paddr);
      if (!ok) {
        char b[120];
        snprintf(b, sizeof b, "%s 0x%" PRIx64, mmu_fault_name(e->item.expect_fault),
                 e->item.expect_paddr);
        error_status_ = 1;  // the model disagrees with the scenario's expectation
        error_ = "directed check '" + e->item.what + "' failed: " + describe_item(e->item) +
                 " gave " + describe_resp(r) + ", expected " + b;
        return false;
      }
    }
  }
  // The accesses coverage may still ask for: from those of the oldest request not answered
  // (looked for once a request is answered: until then, the oldest stays).
  if (!answered_any || mm_.history.empty()) return true;
  uint64_t keep = mm_.count;
  for (const Item &x : open_)
    if (!x.item.is_ctrl && !x.model_resp) keep = std::min(keep, x.mem_first);
  while (mm_.history_base < keep && !mm_.history.empty()) {
    mm_.history.pop_front();
    mm_.history_base++;
  }
  return true;
}

// Gives the model the control operation presented from e.arrival, once it has answered every
// request it accepted (16.7: the operation is accepted after them).
bool Lockstep::model_control(uint64_t cycle, Item &e) {
  while (mmu_outstanding(model_))
    if (mmu_advance(model_, mmu_next_event(model_))) {
      error_ = std::string("model: ") + mmu_error(model_);
      return false;
    }
  if (!take_model_responses(cycle)) return false;
  uint64_t last = 0;  // the last answer of a request accepted before the operation
  for (const Item &x : open_)
    if (x.model_resp) last = std::max(last, x.model_resp->resp_cycle);
  struct mmu_ctrl c = e.item.ctrl;
  c.cycle = e.arrival;
  e.ctrl_accept = std::max({e.arrival, mmu_next_free_cycle(model_), last});
  if (cov_) cov_->control(model_, c);
  if (mmu_control(model_, &c, &e.ctrl_done)) {
    error_ = "stimulus item " + std::to_string(e.index) + " (" + describe_item(e.item) +
             ") refused by the model: " + mmu_error(model_);
    return false;
  }
  earliest_due_ = std::min(earliest_due_, e.ctrl_done);
  e.model_accept = e.ctrl_accept;
  answered(e.index, e.ctrl_done, MmuCoverage::CONTROL);
  return true;
}

// Presents the request of item e to the model in `cycle`: it accepts it or not. Before the
// cycle the model last named as the first it could accept it in, it cannot (nothing else is
// given to the model meanwhile: the next item waits for this one).
bool Lockstep::model_request(uint64_t cycle, Item &e) {
  if (cycle < e.retry) return true;
  struct mmu_request r = e.item.req;
  r.cycle = e.arrival;
  if (cov_) {
    e.before = *mmu_stats(model_);
    uint16_t pcid = mmu_current_pcid(model_);
    enum mmu_tlb_id l1 = r.type == MMU_ACC_FETCH ? MMU_TLB_ITLB : MMU_TLB_DTLB;
    e.l1_held = mmu_tlb_holds(model_, l1, r.vaddr, pcid);
    e.stlb_held = mmu_tlb_holds(model_, MMU_TLB_STLB, r.vaddr, pcid);
  }
  e.mem_first = mm_.count;
  int rc = mmu_try_issue(model_, &r, cycle, &e.retry);
  if (rc < 0) {
    error_ = "stimulus item " + std::to_string(e.index) + " (" + describe_item(e.item) +
             ") refused by the model: " + mmu_error(model_);
    return false;
  }
  if (rc == 0) e.model_accept = cycle;
  return take_model_responses(cycle);
}

void Lockstep::traffic_drive_checked(uint64_t cycle, RequestPins &p) {
  // With no request presented, the ID pins change anyway: an RTL that takes an ID it did not
  // accept answers with the wrong one.
  p.req_id = unsigned(cycle) & ((1u << cfg_.id_bits) - 1);
  if (!error_.empty()) return;
  if (mmu_advance(model_, cycle)) {
    error_ = std::string("model: ") + mmu_error(model_);
    return;
  }
  if (!take_model_responses(cycle)) return;
  if (presented_.empty() && !stim_done_ && !fetch_and_present(cycle)) return;
  for (uint64_t index : presented_) {  // a control operation first, then its companion
    Item &e = *item(index);
    if (cycle < e.arrival) return;
    if (e.item.is_ctrl) {
      if (!e.model_accept && !model_control(cycle, e)) return;
      p.ctrl_valid = true;
      p.ctrl_op = e.item.ctrl.op;
      p.ctrl_value = e.item.ctrl.value;
      p.ctrl_pcid = e.item.ctrl.pcid;
      p.ctrl_invpcid_type = e.item.ctrl.invpcid_type;
      p.ctrl_wp = e.item.ctrl.wp;
      p.ctrl_nxe = e.item.ctrl.nxe;
      p.ctrl_smep = e.item.ctrl.smep;
      p.ctrl_smap = e.item.ctrl.smap;
      p.ctrl_pke = e.item.ctrl.pke;
      p.ctrl_ac = e.item.ctrl.ac;
      p.ctrl_pkru = e.item.ctrl.pkru;
    } else {
      if (!model_request(cycle, e)) return;
      p.req_valid = true;
      p.req_vaddr = e.item.req.vaddr;
      p.req_type = e.item.req.type;
      p.req_user = e.item.req.user;
      p.req_implicit = e.item.req.implicit;
      p.req_id = e.item.req.id;
    }
  }
}

void Lockstep::traffic_sample(uint64_t cycle, bool req_ready, bool ctrl_ready) {
  unless_halted([&] { traffic_sample_checked(cycle, req_ready, ctrl_ready); });
}

// Whether the RTL accepted what was presented in `cycle` when the model did.
void Lockstep::traffic_sample_checked(uint64_t cycle, bool req_ready, bool ctrl_ready) {
  for (size_t k = 0; k < presented_.size();) {
    Item &e = *item(presented_[k]);
    if (cycle < e.arrival) return;
    bool rtl = e.item.is_ctrl ? ctrl_ready : req_ready;
    bool model = e.model_accept == cycle;
    if (rtl != model) {
      std::string what = (e.item.is_ctrl ? "control #" : "request #") + std::to_string(e.index) +
                         " " + describe_item(e.item) + " presented since " +
                         std::to_string(e.arrival) + ": ";
      if (rtl)
        what += "RTL accepted it, the model does not" +
                (e.model_accept ? " (it accepts it in " + std::to_string(*e.model_accept) + ")"
                                : std::string());
      else what += "the model accepts it, the RTL does not (ready low)";
      mismatch(cycle, what);
    }
    if (!rtl) {
      k++;
      continue;
    }
    e.rtl_accept = cycle;
    last_accept_ = cycle;
    last_event_ = cycle;
    presented_.erase(presented_.begin() + k);
  }
}

// ---- the checker ------------------------------------------------------------------------------

void Lockstep::compare_response(uint64_t cycle, Item &e, unsigned lane, const ResponseLane &p) {
  struct mmu_response got {};
  got.paddr = p.paddr;
  // A fault has no page: the model's page_shift is 0, and the RTL must not claim a large page
  // (size 0, 4 KiB's code, is the port's value then). Size 3 is no size: it matches nothing.
  static const unsigned kShiftOfSize[4] = {PAGE_SHIFT_4K, PAGE_SHIFT_2M, PAGE_SHIFT_1G, 255};
  got.page_shift = p.size == 0 && p.fault ? 0 : kShiftOfSize[p.size & 3];
  got.fault = mmu_fault(p.fault);
  got.error_code = p.error;
  got.level = p.level;
  got.source = mmu_source(p.source);
  got.accept_cycle = *e.rtl_accept;
  got.resp_cycle = cycle;
  got.id = p.id;
  const struct mmu_response &x = *e.model_resp;
  // The lane: the hit lane answers from the L1 or the address check, the miss lane the rest.
  unsigned want_lane = x.source == MMU_SRC_L1 || x.source == MMU_SRC_NONE ? 0 : 1;
  bool same = x.fault == got.fault && x.error_code == got.error_code && x.level == got.level &&
              x.source == got.source && x.accept_cycle == got.accept_cycle &&
              x.resp_cycle == got.resp_cycle && x.paddr == got.paddr &&
              x.page_shift == got.page_shift && x.id == got.id && lane == want_lane;
  if (!same)
    mismatch(cycle, "request #" + std::to_string(e.index) + " " + describe_item(e.item) +
                        ": expected " + describe_resp(x) + " on the " +
                        (want_lane ? "miss" : "hit") + " lane, got " + describe_resp(got) +
                        " on the " + (lane ? "miss" : "hit") + " lane");
  requests_++;
  faults_ += x.fault != MMU_FAULT_NONE;
  src_count_[x.source]++;
}

void Lockstep::response_sample_checked(uint64_t cycle, const ResponsePins &p) {
  // What the model answers in this cycle, or should have answered before: looked for from the
  // earliest cycle an open item is due in (none is due before).
  if (cycle >= earliest_due_) {
    earliest_due_ = UINT64_MAX;
    for (const Item &e : open_) {
      uint64_t due = e.item.is_ctrl ? e.ctrl_done : e.model_resp ? e.model_resp->resp_cycle : 0;
      if (e.model_accept && (e.item.is_ctrl || e.model_resp))
        earliest_due_ = std::min(earliest_due_, due);
      if (!e.rtl_accept || !e.model_accept || (!e.item.is_ctrl && !e.model_resp) || due > cycle)
        continue;
      bool rtl = e.item.is_ctrl ? p.ctrl_done
                                : (p.lane[0].valid && p.lane[0].id == e.item.req.id) ||
                                      (p.lane[1].valid && p.lane[1].id == e.item.req.id);
      if (due < cycle || !rtl) {
        std::string said;
        for (unsigned l = 0; l < 2; l++)
          if (p.lane[l].valid)
            said += std::string(said.empty() ? "" : " and") + " answers ID " +
                    std::to_string(p.lane[l].id) + (l ? " (miss lane)" : " (hit lane)");
        mismatch(cycle, (e.item.is_ctrl ? "control #" : "request #") + std::to_string(e.index) +
                            " " + describe_item(e.item) + ": the model " +
                            (e.item.is_ctrl ? "completes it" : "answers it") + " in cycle " +
                            std::to_string(due) + ", the RTL" +
                            (said.empty() ? std::string(" gives no response") : said) +
                            (p.ctrl_done ? " and completes an operation" : ""));
      }
    }
  }
  for (unsigned l = 0; l < 2; l++) {
    const ResponseLane &r = p.lane[l];
    if (!r.valid) continue;
    Item *e = nullptr;
    for (Item &x : open_)
      if (!e && !x.item.is_ctrl && x.rtl_accept && x.item.req.id == r.id) e = &x;
    if (!e)
      mismatch(cycle, "RTL answered ID " + std::to_string(r.id) + " on the " +
                          (l ? "miss" : "hit") + " lane, which no accepted request holds");
    if (!e->model_resp || e->model_resp->resp_cycle != cycle) {
      char rtl[160];
      snprintf(rtl, sizeof rtl, "paddr=0x%" PRIx64 " size=%u fault=%s ec=0x%x level=%u src=%s",
               r.paddr, r.size, mmu_fault_name(mmu_fault(r.fault)), r.error, r.level,
               mmu_source_name(mmu_source(r.source)));
      mismatch(cycle, "request #" + std::to_string(e->index) + " " + describe_item(e->item) +
                          " (ID " + std::to_string(r.id) + "): RTL answered it on the " +
                          (l ? "miss" : "hit") + " lane {" + rtl + "}, the model " +
                          (e->model_resp ? "in cycle " + std::to_string(e->model_resp->resp_cycle)
                                         : std::string("not yet")));
    }
    compare_response(cycle, *e, l, r);
    close(cycle, *e);
  }
  if (p.ctrl_done) {
    Item *e = nullptr;
    for (Item &x : open_)  // the oldest: one accepted in this cycle may be sampled already
      if (!e && x.item.is_ctrl && x.rtl_accept) e = &x;
    if (!e) mismatch(cycle, "RTL completed a control operation with none in service");
    if (*e->rtl_accept != e->ctrl_accept || e->ctrl_done != cycle)
      mismatch(cycle, "control #" + std::to_string(e->index) + " " + describe_item(e->item) +
                          ": expected accept " + std::to_string(e->ctrl_accept) + " done " +
                          std::to_string(e->ctrl_done) + ", got accept " +
                          std::to_string(*e->rtl_accept) + " done " + std::to_string(cycle));
    ctrls_++;
    close(cycle, *e);
  }
  if (!open_.empty() && cycle - last_event_ > 100000)
    mismatch(cycle, "no response for 100000 cycles: the RTL hangs");
}

// The RTL answered e, as the model did: it is done.
void Lockstep::close(uint64_t cycle, const Item &e) {
  last_event_ = cycle;
  for (auto it = open_.begin(); it != open_.end(); ++it)
    if (it->index == e.index) {
      open_.erase(it);
      return;
    }
}

// ---- the memory the RTL sees --------------------------------------------------------------------

void Lockstep::memory_drive(uint64_t cycle, MemInPins &p) const {
  p = MemInPins{};
  if (halted_at_) return;
  p.req_ready = timing_.ready(cycle);
  auto r = rsps_.find(cycle);
  if (r != rsps_.end()) {
    p.rsp_valid = true;
    p.rsp_tag = r->second.tag;
    p.rsp_err = r->second.err;
    p.rsp_rdata = r->second.data;
  }
}

// The RTL's memory request of this cycle, if it is accepted: compared with the model's.
void Lockstep::memory_sample_checked(uint64_t cycle, const MemOutPins &p, bool req_ready) {
  rsps_.erase(cycle);  // (driven in this cycle)
  if (!mm_.pending.empty() && mm_.pending.front().accept < cycle) {
    const MemAccess &m = mm_.pending.front();
    char b[200];
    snprintf(b, sizeof b,
             "memory access #%" PRIu64 ": the model's %s of 0x%" PRIx64
             " by walker %u was "
             "accepted in %" PRIu64 " (issued %" PRIu64 "); the RTL has not made it",
             rtl_count_, m.write ? "write" : "read", m.paddr, m.walker, m.accept, m.issue);
    mismatch(cycle, b);
  }
  if (!p.req_valid) {
    req_since_.reset();
    return;
  }
  if (!req_since_) req_since_ = cycle;
  if (!req_ready) return;
  char b[400];
  auto kind = [](bool write, bool set_bits) {
    return !write ? "read" : set_bits ? "set-bits write" : "write";
  };
  if (mm_.pending.empty()) {
    snprintf(b, sizeof b,
             "RTL memory %s of 0x%" PRIx64 " by walker %u issued at %" PRIu64
             ", but the model made no more accesses",
             kind(p.req_we, p.req_setbits), p.req_addr, p.req_tag, *req_since_);
    mismatch(cycle, b);
  }
  MemAccess m = mm_.pending.front();
  mm_.pending.pop_front();
  if (m.paddr != p.req_addr || m.write != p.req_we || (m.write && m.set_bits != p.req_setbits) ||
      m.walker != p.req_tag || m.issue != *req_since_ || m.accept != cycle ||
      (m.write && m.data != p.req_wdata)) {
    snprintf(b, sizeof b,
             "memory access #%" PRIu64 ": expected walker %u %s 0x%" PRIx64 " data 0x%" PRIx64
             " issued %" PRIu64 " accepted %" PRIu64 "; got walker %u %s 0x%" PRIx64
             " data 0x%" PRIx64 " issued %" PRIu64 " accepted %" PRIu64,
             rtl_count_, m.walker, kind(m.write, m.set_bits), m.paddr, m.data, m.issue, m.accept,
             p.req_tag, kind(p.req_we, p.req_setbits), p.req_addr, p.req_wdata, *req_since_, cycle);
    mismatch(cycle, b);
  }
  uint64_t data = 0;
  if (m.error) {
    // The memory answers it with an error and performs nothing.
  } else if (m.write) {
    uint64_t old = 0;
    if (m.set_bits && phys_mem_read64(world_.pm, m.paddr, &old))
      mismatch(cycle, std::string("RTL set-bits write: ") + phys_mem_error(world_.pm));
    phys_mem_write64(world_.pm, m.paddr, old | m.data);
  } else if (phys_mem_read64(world_.pm, m.paddr, &data)) {
    mismatch(cycle, std::string("RTL read: ") + phys_mem_error(world_.pm));
  } else if (data != m.data) {
    snprintf(b, sizeof b, "read of 0x%" PRIx64 ": memory changed under the model (harness bug)",
             m.paddr);
    mismatch(cycle, b);
  }
  if (m.done <= cycle || rsps_.count(m.done))
    mismatch(cycle, "memory timing diverged (harness bug)");
  if (cov_) {
    // An access accepted before this one still waits for its later response.
    if (rsps_.upper_bound(m.done) != rsps_.end()) cov_->in_flight(MmuCoverage::MEM_OUT_OF_ORDER);
    if (m.write && m.set_bits) {
      for (const SetBits &x : set_bits_)
        if (x.paddr == m.paddr && x.walker != m.walker && cycle - x.cycle <= 100)
          cov_->in_flight(MmuCoverage::TWO_WALKERS_ENTRY);
      set_bits_[set_bits_next_++ % set_bits_.size()] = SetBits{m.paddr, m.walker, cycle};
    }
  }
  rsps_[m.done] = Rsp{m.walker, m.error, data};
  rtl_count_++;
  if (cov_) cov_->memory(cycle - *req_since_, m.done - cycle);
  last_rtl_accept_ = cycle;
  req_since_.reset();
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
      {"psc pml5e hits", s->psc_hits[MMU_PSC_PML5E], rtl.psc_pml5e_hits},
      {"faults", model_faults, rtl.faults},
      {"dirty re-walks", s->dirty_rewalks, rtl.dirty_rewalks},
      {"merged misses", s->merged_misses, rtl.merged_misses},
      {"miss-queue-full cycles", s->miss_queue_full_cycles, rtl.miss_queue_full},
      {"walks peak", s->walks_peak, rtl.walks_peak},
  };
  for (auto &x : c)
    if (x.model != x.rtl)
      mismatch(cycle, std::string("counter '") + x.name + "': model " + std::to_string(x.model) +
                          ", RTL " + std::to_string(x.rtl));
  for (unsigned w = 0; w < MMU_MAX_WALKERS; w++)
    if (s->walker_busy_cycles[w] != rtl.walker_busy[w])
      mismatch(cycle, "counter 'walker " + std::to_string(w) + " busy cycles': model " +
                          std::to_string(s->walker_busy_cycles[w]) + ", RTL " +
                          std::to_string(rtl.walker_busy[w]));
  for (unsigned k = 0; k < MMU_LATENCY_BUCKETS; k++)
    if (s->latency_hist[k] != rtl.latency[k])
      mismatch(cycle, "counter 'latency [" + std::to_string(1ull << k) +
                          (k + 1 < MMU_LATENCY_BUCKETS ? ", " + std::to_string(2ull << k) + ")"
                                                       : " and over") +
                          "': model " + std::to_string(s->latency_hist[k]) + ", RTL " +
                          std::to_string(rtl.latency[k]));
  // Fills and evictions, of every page size in a TLB.
  static const char *tlbs[] = {"itlb", "dtlb", "stlb"},
                    *pscs[] = {"psc pde", "psc pdpte", "psc pml4e", "psc pml5e"};
  for (unsigned t = 0; t < MMU_TLB_COUNT; t++) {
    const struct mmu_tlb_stats &ts = s->tlb[t];
    uint64_t fills = 0, evictions = 0;
    for (unsigned z = 0; z < MMU_SIZE_COUNT; z++) {
      fills += ts.fills[z];
      evictions += ts.evictions[z];
    }
    if (fills != rtl.tlb_fills[t] || evictions != rtl.tlb_evictions[t])
      mismatch(cycle, std::string("counters '") + tlbs[t] + " fills, evictions': model " +
                          std::to_string(fills) + ", " + std::to_string(evictions) + ", RTL " +
                          std::to_string(rtl.tlb_fills[t]) + ", " +
                          std::to_string(rtl.tlb_evictions[t]));
  }
  for (unsigned p = 0; p < kRtlPscs; p++)
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
