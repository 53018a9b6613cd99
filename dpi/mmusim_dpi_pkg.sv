// The mmusim reference model for SystemVerilog benches, through DPI-C (dpi/mmusim_dpi.c over
// mmusim/handle.h). Compile this package and dpi/mmusim_dpi.c with the bench, and link
// libmmusim_handle.so (or the model's sources): see the README's "DPI-C" section.
//
// A model is a chandle from mmusim_dpi_new (the keys of `mmusim run`, as JSON or "key=value"
// text) or mmusim_dpi_new_rtl (mmu_top's parameters, as an entry of rtl/configs.txt). Every
// function that can fail returns -1 and leaves the reason in mmusim_dpi_error(h); a model the
// configuration refused still is a handle, with mmusim_dpi_ok(h) == 0 and the reason. Nothing
// aborts the simulation: the bench decides.
//
// The model's memory is its own (mmusim_dpi_map writes page tables into it, mmusim_dpi_mem_*
// reads and writes it), or the bench's: after mmusim_dpi_use_bench_memory(h), called from the
// module that defines and exports
//   function int mmusim_dpi_bench_read(input longint unsigned paddr,
//                                      output longint unsigned value);
//   function int mmusim_dpi_bench_write(input longint unsigned paddr,
//                                       input longint unsigned value);
// (0, or non-zero for an access the memory answers with an error), every walker access of the
// model is one of these calls. Call it from the module's own code (an initial block), not from
// a task: the scope it records is the caller's (with Verilator 5.006, inside a task it is not
// the module's, and the model then read zeros: tb/dpi/tb_mmu_dpi.sv found it).
package mmusim_dpi_pkg;
  // Codes: enum mmu_access (req_type_i), enum mmu_fault (= mmu_pkg::fault_e), enum mmu_source,
  // enum mmu_ctrl_op (= mmu_pkg::ctrl_op_e), mmusim_ctrl_flag.
  localparam int AccRead = 0, AccWrite = 1, AccFetch = 2;
  localparam int FaultNone = 0;
  localparam int OpLoadCr3 = 0, OpInvlpg = 1, OpInvpcid = 2, OpFlushAll = 3, OpSetMode = 4,
                 OpSetProt = 5;
  localparam int FlagWp = 1, FlagNxe = 2, FlagSmep = 4, FlagSmap = 8, FlagPke = 16, FlagAc = 32,
                 FlagNoflush = 64;

  import "DPI-C" function chandle mmusim_dpi_new(input string configuration);
  import "DPI-C" function chandle mmusim_dpi_new_rtl(input string params, input int mem_latency);
  import "DPI-C" function void mmusim_dpi_free(input chandle h);
  import "DPI-C" function int mmusim_dpi_ok(input chandle h);
  import "DPI-C" function string mmusim_dpi_error(input chandle h);

  import "DPI-C" context function int mmusim_dpi_use_bench_memory(input chandle h);
  import "DPI-C" function int mmusim_dpi_map(input chandle h, input longint unsigned va,
                                             input longint unsigned pa, input int page_shift,
                                             input longint unsigned flags);
  import "DPI-C" function longint unsigned mmusim_dpi_root(input chandle h);
  import "DPI-C" function int mmusim_dpi_mem_read(input chandle h, input longint unsigned paddr,
                                                  output longint unsigned value);
  import "DPI-C" function int mmusim_dpi_mem_write(input chandle h,
                                                   input longint unsigned paddr,
                                                   input longint unsigned value);

  // One request to its response (the blocking form: mmu_translate).
  import "DPI-C" context function int mmusim_dpi_translate(
      input chandle h, input longint unsigned va, input int access, input int user,
      input int implicit, input longint unsigned cycle, output longint unsigned paddr,
      output int page_shift, output int fault, output int error_code, output int level,
      output int source, output longint unsigned accept, output longint unsigned resp_cycle,
      output int id);
  // Requests in flight (docs/ARCHITECTURE.md section 16): issue with an ID, advance the model's
  // cycle, poll responses (1: one was taken, 0: none waiting, -1: an error).
  import "DPI-C" context function int mmusim_dpi_issue(
      input chandle h, input longint unsigned va, input int access, input int user,
      input int implicit, input int id, input longint unsigned cycle,
      output longint unsigned accept);
  import "DPI-C" context function int mmusim_dpi_advance(input chandle h,
                                                         input longint unsigned cycle);
  import "DPI-C" context function int mmusim_dpi_poll(
      input chandle h, output longint unsigned paddr, output int page_shift, output int fault,
      output int error_code, output int level, output int source,
      output longint unsigned accept, output longint unsigned resp_cycle, output int id);
  import "DPI-C" function longint unsigned mmusim_dpi_next_event(input chandle h);
  import "DPI-C" function longint unsigned mmusim_dpi_next_free_cycle(input chandle h);
  import "DPI-C" function int mmusim_dpi_outstanding(input chandle h);

  // A control operation: op (OpLoadCr3 ...), value (CR3, with the PCID in bits 11:0, or an
  // address), flags (FlagWp ...), PKRU; the completion cycle in done.
  import "DPI-C" context function int mmusim_dpi_control(
      input chandle h, input int op, input longint unsigned cycle, input longint unsigned value,
      input int invpcid_type, input int pcid, input int flags, input int pkru,
      output longint unsigned done);

  // The statistics as JSON (the fields of `mmusim run --json`), and a study of a trace through
  // a configuration, its report as `mmusim run --json` writes it ("" and the reason in
  // mmusim_dpi_error(h) on an error; the text lasts until h's next one).
  import "DPI-C" function string mmusim_dpi_stats_json(input chandle h);
  import "DPI-C" function string mmusim_dpi_run_json(input chandle h, input string configuration,
                                                     input string trace);
endpackage
