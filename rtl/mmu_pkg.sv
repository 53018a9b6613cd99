// Types and constants shared by the MMU's modules: the architecture's field widths, the page-table
// entry as the manual draws it, the codes that cross the ports (fault, response source, access
// type, control operation, INVPCID type, replacement policy), and the reserved-bit rule of
// docs/ARCHITECTURE.md section 1. The enumerations number their values as the C model's enums in
// include/mmusim/mmu.h do, so a port value means the same on both sides of the co-simulation.
//
// Modules name everything here with its scope (mmu_pkg::fault_e), not with an import: Debian's
// Yosys 0.23 reads a package's types and functions by their scoped names but refuses
// `import mmu_pkg::*`, and refuses `return` in functions (so functions assign to their names).
//
// The physical-address width is a parameter of the modules (PaBits), and a package takes no
// parameters: a frame number is `logic [PfnW-1:0]` with PfnW = PaBits - mmu_pkg::PageShift4k in
// each module, and the TLB row that holds one is declared in mmu_tlb, which stores it.
package mmu_pkg;

  // ---- widths (section 1) ------------------------------------------------------------------
  localparam int unsigned VaBits = 48;        // a canonical address: bits 63:47 all equal
  localparam int unsigned PageShift4k = 12;
  localparam int unsigned PageShift2m = 21;
  localparam int unsigned LevelBits = 9;      // index bits of one level of the walk
  localparam int unsigned PcidBits = 12;
  localparam int unsigned Vpn4kBits = VaBits - PageShift4k;   // 36
  localparam int unsigned MaxPaBits = 52;     // the address field of an entry: bits 51:12

  typedef logic [63:0]           vaddr_t;     // as presented: any 64-bit value
  typedef logic [VaBits-1:0]     va_t;        // its canonical low 48 bits
  typedef logic [PcidBits-1:0]   pcid_t;
  // A page number as the TLBs tag it: VA[47:12] for a 4 KiB page, VA[47:21] zero-extended for a
  // 2 MiB page (the entry's size bit tells the two apart).
  typedef logic [Vpn4kBits-1:0]  vpn_t;
  typedef logic [LevelBits-1:0]  index_t;     // a table index, VA[12+9L-1 : 12+9(L-1)]
  typedef logic [2:0]            level_t;     // 4 PML4 .. 1 PT; 0 none

  // The page numbers of va, as the TLBs tag them.
  function automatic logic [Vpn4kBits-1:0] vpn_4k(logic [VaBits-1:0] va);
    vpn_4k = va[VaBits-1:PageShift4k];
  endfunction
  function automatic logic [Vpn4kBits-1:0] vpn_2m(logic [VaBits-1:0] va);
    vpn_2m = '0;
    vpn_2m[VaBits-PageShift2m-1:0] = va[VaBits-1:PageShift2m];
  endfunction

  localparam level_t LevelPml4 = 3'd4, LevelPdpt = 3'd3, LevelPd = 3'd2, LevelPt = 3'd1,
                     LevelNone = 3'd0;

  // ---- a page-table entry, as the SDM draws it (section 1) -----------------------------------
  typedef struct packed {
    logic        nx;       // 63    execute disable (with EFER.NXE)
    logic [10:0] ign_hi;   // 62:52 ignored
    logic [39:0] addr;     // 51:12 next table, or the page frame
    logic [2:0]  ign_lo;   // 11:9  ignored
    logic        g;        // 8     global, in a leaf
    logic        ps;       // 7     page size: a 2 MiB leaf at level 2; reserved at 4 and 3
    logic        d;        // 6     dirty, in a leaf
    logic        a;        // 5     accessed
    logic        pcd;      // 4
    logic        pwt;      // 3
    logic        us;       // 2     user
    logic        rw;       // 1     writable
    logic        p;        // 0     present
  } pte_t;

  // Bit positions of the flags, for the functions below (Yosys 0.23 reads no struct-typed
  // argument in a package function, so they take the entry as 64 bits).
  localparam int unsigned PteBitPs = 7;
  localparam int unsigned PteBitNx = 63;

  // Address-field bits that are reserved in a 2 MiB leaf: 20:13 (bit 12 is its PAT bit).
  localparam logic [63:0] Pde2mRsvdMask = 64'h0000_0000_001f_e000;
  localparam logic [63:0] PteAddrMask = 64'h000f_ffff_ffff_f000;

  // The reserved bits of entry e at `level` (model/pte.c, pte_reserved_mask): address bits from
  // pa_bits up to 51 everywhere, NX when EFER.NXE = 0, PS at levels 4 and 3 (no 1 GiB pages),
  // and bits 20:13 of a PDE with PS = 1.
  function automatic logic [63:0] pte_reserved_mask(logic [63:0] e, logic [2:0] level,
                                                    int unsigned pa_bits, logic nxe);
    logic [63:0] rsvd;
    rsvd = PteAddrMask & ~((64'h1 << pa_bits) - 64'h1);
    if (!nxe) rsvd[PteBitNx] = 1'b1;
    if (level == LevelPml4 || level == LevelPdpt) rsvd[PteBitPs] = 1'b1;
    if (level == LevelPd && e[PteBitPs]) rsvd = rsvd | Pde2mRsvdMask;
    pte_reserved_mask = rsvd;
  endfunction

  // Whether entry e at `level` maps a page: a PTE, or a PDE with PS = 1.
  function automatic logic pte_is_leaf(logic [63:0] e, logic [2:0] level);
    pte_is_leaf = level == LevelPt || (level == LevelPd && e[PteBitPs]);
  endfunction

  // The index of `level`'s entry for va: VA[12+9L-1 : 12+9(L-1)].
  function automatic logic [LevelBits-1:0] pte_index(logic [VaBits-1:0] va, logic [2:0] level);
    case (level)
      LevelPml4: pte_index = va[47:39];
      LevelPdpt: pte_index = va[38:30];
      LevelPd:   pte_index = va[29:21];
      default:   pte_index = va[20:12];
    endcase
  endfunction

  // ---- rights combined over the levels (section 2) -----------------------------------------
  typedef struct packed {
    logic rw;   // ANDed R/W
    logic us;   // ANDed U/S
    logic nx;   // ORed NX
  } rights_t;

  localparam rights_t RightsAll = 3'b110;  // rw, us, nx before the first level

  // ---- codes on the ports (enums of include/mmusim/mmu.h) ------------------------------------
  typedef enum logic [1:0] {
    AccRead  = 2'd0,
    AccWrite = 2'd1,
    AccFetch = 2'd2
  } access_e;

  typedef enum logic [2:0] {
    FaultNone         = 3'd0,
    FaultNotPresent   = 3'd1,
    FaultReserved     = 3'd2,
    FaultWrite        = 3'd3,
    FaultUser         = 3'd4,
    FaultNx           = 3'd5,
    FaultNonCanonical = 3'd6,
    FaultBusError     = 3'd7   // the memory answered a walker access with an error (16.5)
  } fault_e;

  typedef enum logic [1:0] {
    SrcL1   = 2'd0,
    SrcStlb = 2'd1,
    SrcWalk = 2'd2,
    SrcNone = 2'd3
  } source_e;

  typedef enum logic [2:0] {
    OpLoadCr3  = 3'd0,
    OpInvlpg   = 3'd1,
    OpInvpcid  = 3'd2,
    OpFlushAll = 3'd3,
    OpSetMode  = 3'd4
  } ctrl_op_e;

  typedef enum logic [1:0] {
    InvpcidAddr          = 2'd0,  // one address of one PCID
    InvpcidSingle        = 2'd1,  // every non-global entry of one PCID
    InvpcidAll           = 2'd2,  // everything, global entries too
    InvpcidAllNonGlobal  = 2'd3   // every non-global entry
  } invpcid_e;

  // Replacement policies, as parameter values (enum mmu_repl).
  localparam int unsigned ReplLru = 0, ReplPlru = 1, ReplFifo = 2, ReplRandom = 3;

  // The event counters of mmu_top (section 11), one bit each in mmu_counters' event vector; a
  // new counter is one more name here and one port of mmu_top.
  localparam int unsigned CntRequests = 0, CntItlbHits = 1, CntDtlbHits = 2, CntStlbHits = 3,
                          CntWalks = 4, CntWalkReads = 5, CntWalkWrites = 6,
                          CntPscPdeHits = 7, CntPscPdpteHits = 8, CntPscPml4eHits = 9,
                          CntFaults = 10, CntDirtyRewalks = 11,
                          CntItlbFills = 12, CntDtlbFills = 13, CntStlbFills = 14,
                          CntItlbEvictions = 15, CntDtlbEvictions = 16, CntStlbEvictions = 17,
                          CntPscPdeFills = 18, CntPscPdpteFills = 19, CntPscPml4eFills = 20,
                          CntPscPdeEvictions = 21, CntPscPdpteEvictions = 22,
                          CntPscPml4eEvictions = 23,
                          // Both response lanes may answer with a fault in one cycle: the miss
                          // lane's faults count here, added to CntFaults' at the port.
                          CntFaultsMissLane = 24, CntMergedMisses = 25;
  localparam int unsigned NumCounters = 26;
  // The latency histogram's buckets (docs/ARCHITECTURE.md section 11): bucket k counts the
  // responses whose latency (response cycle minus acceptance cycle) is in [2^k, 2^(k+1)); the
  // last also counts every longer one.
  localparam int unsigned LatencyBuckets = 16;

  // The access check at a leaf (section 2; model/pte.c, pte_check_access), on rights combined
  // over the levels (a rights_t's bits: Yosys 0.23 reads no struct-typed argument here) and an
  // access_e's code: U/S first, then R/W (honouring CR0.WP for supervisor writes), then NX (with
  // EFER.NXE). mmu_perm_check is this as a module.
  function automatic fault_e perm_fault(logic [2:0] rights, logic [1:0] access, logic user,
                                        logic wp, logic nxe);
    // rights: {rw, us, nx}. (The constants by their scoped names: Yosys 0.23 finds a package's
    // enum values in its functions by no other.)
    if (user && !rights[1]) begin
      perm_fault = mmu_pkg::FaultUser;
    end else if (access == 2'(mmu_pkg::AccWrite) && !rights[2] && (user || wp)) begin
      perm_fault = mmu_pkg::FaultWrite;
    end else if (access == 2'(mmu_pkg::AccFetch) && nxe && rights[0]) begin
      perm_fault = mmu_pkg::FaultNx;
    end else begin
      perm_fault = mmu_pkg::FaultNone;
    end
  endfunction

  // #PF error-code bits (section 2): I/D, RSVD, U/S, W/R, P.
  typedef struct packed {
    logic id;
    logic rsvd;
    logic us;
    logic wr;
    logic p;
  } pf_error_t;

endpackage
