// The README's TLM-2.0 example, compiled and run by ctest (test tlm_quickstart): one translation
// through mmusim::MmuTlm, whose walker reads page tables from a TLM memory.
#include <cstdio>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "mmu_tlm.h"
#include "mmusim.h"
#include "phys_mem_target.h"

struct Cpu : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Cpu> socket;
  mmusim::MmuTlm &mmu;
  uint64_t pml4;

  SC_HAS_PROCESS(Cpu);
  Cpu(sc_core::sc_module_name n, mmusim::MmuTlm &m, uint64_t root)
      : sc_module(n), socket("socket"), mmu(m), pml4(root) {
    SC_THREAD(run);
  }

  void run() {
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;  // loosely timed: the local time offset
    mmu.load_cr3(pml4, /*pcid*/ 1, /*noflush*/ false, delay);  // control operations: methods
    tlm::tlm_generic_payload p;
    unsigned char data[8];
    auto *ext = new mmusim::MmuTlmExtension(MMU_ACC_READ, /*user*/ true, /*pcid*/ 1);
    p.set_extension(ext);  // the payload deletes it
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(0x2150);  // the virtual address
    p.set_data_ptr(data);
    p.set_data_length(8);
    p.set_streaming_width(8);
    // The response lands at sc_time_stamp() + delay: one request at a time (blocking), the
    // model's cycles x the clock period are added to delay; with requests in flight (the
    // default), b_transport waits for the response's cycle.
    socket->b_transport(p, delay);
    sc_core::sc_time at = sc_core::sc_time_stamp() + delay;
    if (p.is_response_ok())  // the data holds ext->paddr too, little-endian
      printf("0x%llx after %s\n", (unsigned long long)ext->paddr, at.to_string().c_str());
    else if (p.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE)
      printf("#PF %s, error code 0x%x\n", mmu_fault_name(ext->fault), ext->error_code);
    mmu.print_stats(stdout);
  }
};

int sc_main(int, char **) {
  char err[256];
  struct phys_mem *pm = phys_mem_create(46, err, sizeof err);  // page tables, as in quickstart.c
  struct aspace *as = aspace_create(pm, err, sizeof err);
  aspace_map(as, 0x2000, 0x109000, PAGE_SHIFT_4K, PTE_RW | PTE_US);

  struct mmu_config cfg;
  mmu_config_default(&cfg);
  mmusim::MmuTlm mmu("mmu", cfg, sc_core::sc_time(1, sc_core::SC_NS), /*memory cycles*/ 20);
  mmusim::PhysMemTarget mem("mem", pm);  // any TLM memory will do
  Cpu cpu("cpu", mmu, aspace_pml4(as));
  cpu.socket.bind(mmu.target);
  mmu.mem.bind(mem.socket);
  sc_core::sc_start();

  aspace_destroy(as);
  phys_mem_destroy(pm);
  return 0;
}
