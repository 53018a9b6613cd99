// An example virtual platform (ctest test tlm_platform): a CPU-like initiator replays a memory
// trace through the MMU (mmusim::MmuTlm), whose page walker reads the page tables from a TLM
// memory (mmusim::PhysMemTarget). The initiator also plays a tiny operating system: on a
// not-present fault it maps the page to a fresh data frame and retries, as demand paging does.
//
//   tlm_platform [TRACE] [--period NS] [--mem-latency CYCLES] [--mem-delay NS]
//
// TRACE is any trace trace_open() reads (lackey, ChampSim, text, binary; plain, gzip or xz);
// the default is tb/traces/chase.lackey.gz. The clock period defaults to 1 ns; the walker's
// memory costs --mem-latency cycles (default 20) plus the memory's --mem-delay (default 0).
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "mmu_tlm.h"
#include "mmusim.h"
#include "phys_mem_target.h"

#ifndef MMUSIM_DEFAULT_TRACE
#define MMUSIM_DEFAULT_TRACE "tb/traces/chase.lackey.gz"
#endif

using namespace sc_core;

// Replays a trace as one process (PCID 1, user mode), mapping pages on first touch.
class TraceCpu : public sc_module {
 public:
  tlm_utils::simple_initiator_socket<TraceCpu> socket;
  uint64_t references = 0, faults_handled = 0, failed = 0;

  SC_HAS_PROCESS(TraceCpu);
  TraceCpu(sc_module_name name, const char *trace, mmusim::MmuTlm &mmu, struct phys_mem *pm,
           struct aspace *as)
      : sc_module(name), socket("socket"), trace_(trace), mmu_(mmu), pm_(pm), as_(as) {
    SC_THREAD(run);
  }

 private:
  static constexpr uint16_t kPcid = 1;

  void run() {
    char err[256];
    struct trace_reader *t = trace_open(trace_, TRACE_AUTO, err, sizeof err);
    if (!t) {
      fprintf(stderr, "platform: error: %s\n", err);
      failed++;
      return;
    }
    tlm_utils::tlm_quantumkeeper qk;  // loosely timed: run ahead, sync once a quantum
    qk.reset();
    sc_time delay = qk.get_local_time();
    mmu_.load_cr3(aspace_pml4(as_), kPcid, /*noflush*/ false, delay);  // control: a method call
    qk.set(delay);

    tlm::tlm_generic_payload p;
    unsigned char data[8];
    auto *ext = new mmusim::MmuTlmExtension;  // owned (and deleted) by the payload
    p.set_extension(ext);
    p.set_data_ptr(data);
    p.set_data_length(8);
    p.set_streaming_width(8);

    struct trace_record rec;
    int rc;
    while ((rc = trace_next(t, &rec)) == 1) {
      references++;
      for (int attempt = 0; attempt < 2; attempt++) {
        p.set_command(tlm::TLM_READ_COMMAND);
        p.set_address(rec.vaddr);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        ext->type = rec.type;
        ext->user = true;
        ext->pcid = kPcid;
        delay = qk.get_local_time();
        socket->b_transport(p, delay);  // data: the physical address, little-endian
        qk.set(delay);
        if (p.is_response_ok()) break;
        if (attempt == 0 && p.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE &&
            ext->fault == MMU_FAULT_NOT_PRESENT && demand_map(rec.vaddr)) {
          faults_handled++;  // retry: no invalidation needed, not-present entries are not cached
          continue;
        }
        fprintf(stderr, "platform: error: %s 0x%" PRIx64 ": %s, fault %s\n",
                mmu_access_name(rec.type), rec.vaddr, p.get_response_string().c_str(),
                mmu_fault_name(ext->fault));
        failed++;
        break;
      }
      qk.inc(mmu_.clock_period());  // the CPU's own work: a cycle between references
      if (qk.need_sync()) qk.sync();
    }
    if (rc < 0) {
      fprintf(stderr, "platform: error: %s\n", trace_error(t));
      failed++;
    }
    trace_close(t);
    qk.sync();
  }

  // Maps the 4 KiB page of va to a data frame: reserved address space, no host memory.
  bool demand_map(uint64_t va) {
    uint64_t pa;
    return phys_mem_reserve(pm_, PAGE_SIZE_4K, &pa) == 0 &&
           aspace_map(as_, va & ~(PAGE_SIZE_4K - 1), pa, PAGE_SHIFT_4K, PTE_RW | PTE_US) == 0;
  }

  const char *trace_;
  mmusim::MmuTlm &mmu_;
  struct phys_mem *pm_;
  struct aspace *as_;
};

int sc_main(int argc, char *argv[]) {
  const char *trace = MMUSIM_DEFAULT_TRACE;
  double period_ns = 1, mem_delay_ns = 0;
  unsigned mem_latency = 20;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--period") && i + 1 < argc)
      period_ns = atof(argv[++i]);
    else if (!strcmp(argv[i], "--mem-latency") && i + 1 < argc)
      mem_latency = unsigned(atoi(argv[++i]));
    else if (!strcmp(argv[i], "--mem-delay") && i + 1 < argc)
      mem_delay_ns = atof(argv[++i]);
    else if (argv[i][0] != '-')
      trace = argv[i];
    else {
      fprintf(stderr, "usage: %s [TRACE] [--period NS] [--mem-latency CYCLES] [--mem-delay NS]\n",
              argv[0]);
      return 2;
    }
  }

  // The machine: a sparse 46-bit physical memory and one address space, empty at first.
  char err[256];
  struct phys_mem *pm = phys_mem_create(46, err, sizeof err);
  struct aspace *as = pm ? aspace_create(pm, err, sizeof err) : nullptr;
  if (!as) {
    fprintf(stderr, "platform: error: %s\n", err);
    return 1;
  }
  struct mmu_config cfg;
  mmu_config_default(&cfg);
  tlm::tlm_global_quantum::instance().set(sc_time(1, SC_US));

  mmusim::MmuTlm mmu("mmu", cfg, sc_time(period_ns, SC_NS), mem_latency);
  mmusim::PhysMemTarget mem("mem", pm, sc_time(mem_delay_ns, SC_NS));
  TraceCpu cpu("cpu", trace, mmu, pm, as);
  cpu.socket.bind(mmu.target);
  mmu.mem.bind(mem.socket);

  auto t0 = std::chrono::steady_clock::now();
  sc_start();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  printf("platform: %" PRIu64 " references, %" PRIu64 " page faults handled, %" PRIu64
         " failed\n", cpu.references, cpu.faults_handled, cpu.failed);
  printf("simulated time: %s (%" PRIu64 " cycles of %s)\n", sc_time_stamp().to_string().c_str(),
         uint64_t(sc_time_stamp().value() / mmu.clock_period().value()),
         mmu.clock_period().to_string().c_str());
  printf("wall clock: %.3f s, %.0f references/s\n", secs, secs > 0 ? cpu.references / secs : 0);
  printf("memory: %" PRIu64 " page-table reads, %" PRIu64 " writes\n", mem.reads(), mem.writes());
  mmu.print_stats(stdout);

  aspace_destroy(as);
  phys_mem_destroy(pm);
  return cpu.failed ? 1 : 0;
}
