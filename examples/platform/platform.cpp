// An example virtual platform (ctest test tlm_platform): a CPU-like initiator replays a memory
// trace through the MMU (mmusim::MmuTlm), whose page walker reads the page tables from a TLM
// memory (mmusim::PhysMemTarget). The initiator also plays a tiny operating system: on a
// not-present fault it maps the page to a fresh data frame and retries, as demand paging does.
//
//   tlm_platform [TRACE] [--mmu concurrent|blocking] [--period NS] [--mem-latency CYCLES]
//                [--mem-delay NS]
//
// TRACE is any trace trace_open() reads (lackey, ChampSim, text, binary; plain, gzip or xz);
// the default is tb/traces/chase.lackey.gz. The MMU is `concurrent` by default (2 walkers, an
// 8-entry miss queue, hit under miss: the two streams' requests are in flight together) or
// `blocking` (one request at a time, docs/ARCHITECTURE.md section 8). The clock period
// defaults to 1 ns (at most 1000 ns); the walker's memory costs --mem-latency cycles (default
// 20, at most 10000) plus the memory's --mem-delay (default 0, at most 10000 ns). Times are
// whole picoseconds. One trace only: the platform runs one process. Exit status: 0 (also for
// --help), 1 if the trace cannot be read or a reference failed, 2 for a bad command line.
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <ostream>
#include <stdexcept>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "mmu_tlm.h"
#include "mmusim.h"
#include "mmusim/trace.h"
#include "phys_mem_target.h"

#ifndef MMUSIM_DEFAULT_TRACE
#define MMUSIM_DEFAULT_TRACE "tb/traces/chase.lackey.gz"
#endif

using namespace sc_core;

// Replays an open trace as one process (PCID 1, user mode) on a core with two initiators into
// the MMU: the instruction stream (fetches, in trace order) and the data stream (loads and
// stores, in trace order). A reader thread splits the trace between them. A load or store waits
// until the fetch before it in the trace has been translated, as a core issues it after
// fetching its instruction; the fetch stream runs ahead of it by up to kAhead references, and
// with an MMU that takes several requests in flight the two streams' translations overlap. The
// CPU also plays a tiny operating system: on a not-present fault it maps the page to a fresh
// data frame and retries, as demand paging does.
class TraceCpu : public sc_module {
 public:
  tlm_utils::simple_initiator_socket<TraceCpu> ifetch, data;
  uint64_t references = 0, faults_handled = 0, failed = 0;

  SC_HAS_PROCESS(TraceCpu);
  // t is not owned; it must stay open until the simulation ends.
  TraceCpu(sc_module_name name, struct trace_reader *t, mmusim::MmuTlm &mmu, struct phys_mem *pm,
           struct aspace *as)
      : sc_module(name),
        ifetch("ifetch"),
        data("data"),
        t_(t),
        mmu_(mmu),
        pm_(pm),
        as_(as),
        fetches_(kAhead),
        accesses_(kAhead) {
    SC_THREAD(read);
    SC_THREAD(fetch_stream);
    SC_THREAD(data_stream);
  }

 private:
  static constexpr uint16_t kPcid = 1;
  static constexpr int kAhead = 32;  // references a stream's queue holds
  // A reference for a stream: the record, and how many fetches come before it in the trace.
  struct Ref {
    struct trace_record rec;
    uint64_t fetches_before;
    bool end;                                                          // no more references
    friend std::ostream &operator<<(std::ostream &os, const Ref &r) {  // sc_fifo prints with it
      return os << mmu_access_name(r.rec.type) << " 0x" << std::hex << r.rec.vaddr << std::dec;
    }
  };

  // Reads the trace and hands each reference to its stream. Loads CR3 first.
  void read() {
    sc_time delay;
    mmu_.load_cr3(aspace_pml4(as_), kPcid, /*noflush*/ false, delay);  // control: a method call
    wait(delay);
    started_.notify();
    Ref r = {};
    int rc;
    while ((rc = trace_next(t_, &r.rec)) == 1) {
      references++;
      if (r.rec.type == MMU_ACC_FETCH) {
        fetches_.write(r);
        r.fetches_before++;
      } else {
        accesses_.write(r);
      }
    }
    if (rc < 0) {
      fprintf(stderr, "platform: error: %s\n", trace_error(t_));
      failed++;
    }
    r.end = true;
    fetches_.write(r);
    accesses_.write(r);
  }

  void fetch_stream() { stream(ifetch, fetches_, true); }
  void data_stream() { stream(data, accesses_, false); }

  void stream(tlm_utils::simple_initiator_socket<TraceCpu> &socket, sc_fifo<Ref> &refs,
              bool is_fetch) {
    wait(started_);
    tlm::tlm_generic_payload p;
    unsigned char bytes[8];
    auto *ext = new mmusim::MmuTlmExtension;  // owned (and deleted) by the payload
    p.set_extension(ext);
    p.set_data_ptr(bytes);
    p.set_data_length(8);
    p.set_streaming_width(8);
    // Each stream keeps time exactly: it waits out its delay before each translation, so that
    // the MMU takes the two streams' requests in the order of their times. (Running ahead with
    // a quantum keeper, a stream would present its requests early, and a blocking MMU, which
    // takes them in the order of the calls, would make the other stream's wait behind them.)
    sc_time delay;
    for (Ref r = refs.read(); !r.end; r = refs.read()) {
      if (!is_fetch && r.fetches_before) {  // after its instruction's fetch
        while (fetched_ < r.fetches_before && !fetch_ended_) wait(fetched_event_);
        while (fetch_done_.size() > 1 && fetched_ - fetch_done_.size() + 1 < r.fetches_before)
          fetch_done_.pop_front();  // the times of fetches before it
        sc_time at = fetch_done_.empty() ? SC_ZERO_TIME : fetch_done_.front();
        if (at > sc_time_stamp() + delay) delay = at - sc_time_stamp();
      }
      for (int attempt = 0; attempt < 2; attempt++) {
        p.set_command(tlm::TLM_READ_COMMAND);
        p.set_address(r.rec.vaddr);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        ext->type = r.rec.type;
        ext->user = true;
        ext->pcid = kPcid;
        wait(delay);
        delay = SC_ZERO_TIME;
        socket->b_transport(p, delay);  // data: the physical address, little-endian
        if (p.is_response_ok()) break;
        if (attempt == 0 && p.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE &&
            ext->fault == MMU_FAULT_NOT_PRESENT && demand_map(r.rec.vaddr)) {
          continue;  // retry: no invalidation needed, not-present entries are not cached
        }
        fprintf(stderr, "platform: error: %s 0x%" PRIx64 ": %s, fault %s\n",
                mmu_access_name(r.rec.type), r.rec.vaddr, p.get_response_string().c_str(),
                mmu_fault_name(ext->fault));
        failed++;
        break;
      }
      if (is_fetch) {  // the fetch is done when its translation is
        fetch_done_.push_back(sc_time_stamp() + delay);
        fetched_++;
        fetched_event_.notify();
      }
      delay += mmu_.clock_period();  // the stream's own work: a cycle between references
    }
    wait(delay);
    if (is_fetch) {
      fetch_ended_ = true;  // no fetch left to wait for
      fetched_event_.notify();
    }
  }

  // Maps the 4 KiB page of va to a data frame (reserved address space, no host memory), unless
  // the other stream has mapped it since its request faulted.
  bool demand_map(uint64_t va) {
    va &= ~(PAGE_SIZE_4K - 1);
    uint64_t entry_pa, entry = 0;
    if (aspace_entry_paddr(as_, va, 1, &entry_pa) == 0 &&
        phys_mem_read64(pm_, entry_pa, &entry) == 0 && (entry & PTE_P))
      return true;
    uint64_t pa;
    if (phys_mem_reserve(pm_, PAGE_SIZE_4K, &pa) ||
        aspace_map(as_, va, pa, PAGE_SHIFT_4K, PTE_RW | PTE_US))
      return false;
    faults_handled++;
    return true;
  }

  struct trace_reader *t_;
  mmusim::MmuTlm &mmu_;
  struct phys_mem *pm_;
  struct aspace *as_;
  sc_fifo<Ref> fetches_, accesses_;
  sc_event started_, fetched_event_;
  uint64_t fetched_ = 0;  // fetches translated
  // When the last fetches translated were done (the newest last; the data stream drops those
  // it has passed), and whether the fetch stream has ended.
  std::deque<sc_time> fetch_done_;
  bool fetch_ended_ = false;
};

// A time option's value in ns: a decimal number from 0 (or more than 0 if !zero_ok) to max_ns,
// a whole number of the time resolution. false, with a message, if it is not one.
bool parse_ns(const char *opt, const char *value, bool zero_ok, double max_ns, sc_time &out) {
  char *end;
  errno = 0;
  double ns = strtod(value, &end);
  double units = ns * 1e-9 / sc_get_time_resolution().to_seconds();
  if (end != value && !*end && !errno && ns >= 0 && ns <= max_ns &&
      std::fabs(units - std::round(units)) < 1e-3 && (zero_ok || std::round(units) >= 1)) {
    out = sc_time::from_value(uint64_t(std::round(units)));
    return true;
  }
  fprintf(stderr, "platform: %s: '%s': expected ns, %s %g, in whole steps of %s\n", opt, value,
          zero_ok ? "from 0 to" : "more than 0 and at most", max_ns,
          sc_get_time_resolution().to_string().c_str());
  return false;
}

// A count option's value: a decimal number from 0 to max. false, with a message, if it is not.
bool parse_count(const char *opt, const char *value, unsigned max, unsigned &out) {
  char *end = nullptr;
  errno = 0;
  unsigned long v = isdigit(static_cast<unsigned char>(value[0])) ? strtoul(value, &end, 10) : 0;
  if (end && !*end && !errno && v <= max) {
    out = unsigned(v);
    return true;
  }
  fprintf(stderr, "platform: %s: '%s': expected a whole number from 0 to %u\n", opt, value, max);
  return false;
}

void usage(FILE *out) {
  fprintf(
      out,
      "usage: tlm_platform [TRACE] [--mmu concurrent|blocking] [--period NS]\n"
      "                    [--mem-latency CYCLES] [--mem-delay NS]\n"
      "Replays one trace (lackey, ChampSim, text or binary; plain, .gz or .xz; - for standard\n"
      "input; default %s) through the MMU as a TLM-2.0 module,\n"
      "from two initiators (the instruction and the data stream), mapping each page on its\n"
      "first, faulting, touch, and prints the statistics.\n"
      "  --mmu KIND            concurrent (default: 2 walkers, 8 miss-queue entries, hit under\n"
      "                        miss) or blocking (one request at a time)\n"
      "  --period NS           the clock period (default 1, at most 1000)\n"
      "  --mem-latency CYCLES  cycles of each walker memory access (default 20, at most 10000)\n"
      "  --mem-delay NS        the TLM memory's own delay (default 0, at most 10000)\n",
      MMUSIM_DEFAULT_TRACE);
}

int sc_main(int argc, char *argv[]) {
  const char *trace = nullptr;
  sc_time period(1, SC_NS), mem_delay = SC_ZERO_TIME;
  unsigned mem_latency = 20;
  bool blocking = false;
  for (int i = 1; i < argc; i++) {
    const char *opt = argv[i];
    bool has_value = i + 1 < argc, ok = true;
    if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(opt, "--mmu") && has_value) {
      const char *kind = argv[++i];
      blocking = !strcmp(kind, "blocking");
      if (!blocking && strcmp(kind, "concurrent")) {
        fprintf(stderr, "platform: --mmu: '%s': expected concurrent or blocking\n", kind);
        ok = false;
      }
    } else if (!strcmp(opt, "--period") && has_value) {
      ok = parse_ns(opt, argv[++i], false, 1000, period);
    } else if (!strcmp(opt, "--mem-latency") && has_value) {
      ok = parse_count(opt, argv[++i], 10000, mem_latency);
    } else if (!strcmp(opt, "--mem-delay") && has_value) {
      ok = parse_ns(opt, argv[++i], true, 10000, mem_delay);
    } else if ((opt[0] != '-' || !strcmp(opt, "-")) && trace) {  // the platform is one process
      fprintf(stderr, "platform: one trace at a time: %s, then %s\n", trace, opt);
      ok = false;
    } else if (opt[0] != '-' || !strcmp(opt, "-")) {  // "-": standard input
      trace = opt;
    } else {
      fprintf(stderr, "platform: unknown option or missing value: %s\n", opt);
      usage(stderr);
      ok = false;
    }
    if (!ok) return 2;
  }
  if (!trace) trace = MMUSIM_DEFAULT_TRACE;

  struct mmu_config cfg;
  if (blocking) mmu_config_blocking(&cfg);
  else mmu_config_default(&cfg);  // as the studies' default preset, skylake
  std::unique_ptr<mmusim::MmuTlm> mmu;
  try {
    mmu = std::make_unique<mmusim::MmuTlm>("mmu", cfg, period, mem_latency);
  } catch (const std::exception &e) {  // a configuration or clock MmuTlm refuses
    fprintf(stderr, "platform: error: %s\n", e.what());
    return 2;
  }
  char err[256];
  struct trace_reader *t = trace_open(trace, TRACE_AUTO, err, sizeof err);
  if (!t) {
    fprintf(stderr, "platform: error: %s\n", err);
    return 1;
  }
  // The machine: a sparse 46-bit physical memory and one address space, empty at first.
  struct phys_mem *pm = phys_mem_create(46, err, sizeof err);
  struct aspace *as = pm ? aspace_create(pm, err, sizeof err) : nullptr;
  if (!as) {
    fprintf(stderr, "platform: error: %s\n", err);
    phys_mem_destroy(pm);
    trace_close(t);
    return 1;
  }

  mmusim::PhysMemTarget mem("mem", pm, mem_delay);
  TraceCpu cpu("cpu", t, *mmu, pm, as);
  cpu.ifetch.bind(mmu->target);  // two initiators on the MMU's one target socket
  cpu.data.bind(mmu->target);
  mmu->mem.bind(mem.socket);

  auto t0 = std::chrono::steady_clock::now();
  sc_start();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  printf("platform: %" PRIu64 " references, %" PRIu64 " page faults handled, %" PRIu64 " failed\n",
         cpu.references, cpu.faults_handled, cpu.failed);
  printf("MMU: %s\n", blocking ? "blocking (one request at a time)"
                               : "concurrent (2 walkers, 8 miss-queue entries, hit under miss)");
  printf("simulated time: %s (%" PRIu64 " cycles of %s)\n", sc_time_stamp().to_string().c_str(),
         uint64_t(sc_time_stamp().value() / period.value()), period.to_string().c_str());
  printf("wall clock: %.3f s, %.0f references/s\n", secs, secs > 0 ? cpu.references / secs : 0);
  printf("memory: %" PRIu64 " page-table reads, %" PRIu64 " writes\n", mem.reads(), mem.writes());
  mmu->print_stats(stdout);

  trace_close(t);
  aspace_destroy(as);
  phys_mem_destroy(pm);
  return cpu.failed ? 1 : 0;
}
