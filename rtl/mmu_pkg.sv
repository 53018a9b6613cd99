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
  // The virtual address the MMU keeps: 57 bits, 5-level paging's (mmu_top's La57). With 4-level
  // paging a canonical address's bits 56:48 repeat bit 47, so the same 57-bit tags serve both
  // modes, as the model's (model/tlb_array.h).
  localparam int unsigned VaBits = 57;
  localparam int unsigned PageShift4k = 12;
  localparam int unsigned PageShift2m = 21;
  localparam int unsigned PageShift1g = 30;
  localparam int unsigned LevelBits = 9;      // index bits of one level of the walk
  localparam int unsigned PcidBits = 12;
  localparam int unsigned Vpn4kBits = VaBits - PageShift4k;   // 45
  localparam int unsigned MaxPaBits = 52;     // the address field of an entry: bits 51:12

  typedef logic [63:0]           vaddr_t;     // as presented: any 64-bit value
  typedef logic [VaBits-1:0]     va_t;        // its low 57 bits (canonical: the rest repeat bit 56)
  typedef logic [PcidBits-1:0]   pcid_t;
  // A page number as the TLBs tag it: VA[56:12] for a 4 KiB page, VA[56:21] or VA[56:30]
  // zero-extended for a 2 MiB or a 1 GiB page (the entry's size tells them apart).
  typedef logic [Vpn4kBits-1:0]  vpn_t;
  typedef logic [LevelBits-1:0]  index_t;     // a table index, VA[12+9L-1 : 12+9(L-1)]
  typedef logic [2:0]            level_t;     // 5 PML5, 4 PML4 .. 1 PT; 0 none

  // The page numbers of va, as the TLBs tag them.
  function automatic logic [Vpn4kBits-1:0] vpn_4k(logic [VaBits-1:0] va);
    vpn_4k = va[VaBits-1:PageShift4k];
  endfunction
  function automatic logic [Vpn4kBits-1:0] vpn_2m(logic [VaBits-1:0] va);
    vpn_2m = '0;
    vpn_2m[VaBits-PageShift2m-1:0] = va[VaBits-1:PageShift2m];
  endfunction
  function automatic logic [Vpn4kBits-1:0] vpn_1g(logic [VaBits-1:0] va);
    vpn_1g = '0;
    vpn_1g[VaBits-PageShift1g-1:0] = va[VaBits-1:PageShift1g];
  endfunction

  // ---- page sizes: an index, not a flag (section 4; enum mmu_size_id) -------------------------
  // A TLB entry's size is its tag's (the array it lives in); a 1 GiB page held as a 2 MiB
  // fraction (section 4) is an entry of size 2 MiB whose page is 1 GiB. (Such an entry keeps
  // the page's frame: its address is page_paddr's of the page, 1 GiB, whose offset bits 29:21
  // are the fraction's own, as its tag holds them.)
  typedef enum logic [1:0] {
    Size4k = 2'd0,
    Size2m = 2'd1,
    Size1g = 2'd2
  } size_e;
  localparam int unsigned SizeW = 2;

  // va's page number for pages of size sz (a size_e's code).
  function automatic logic [Vpn4kBits-1:0] vpn_of(logic [VaBits-1:0] va, logic [1:0] sz);
    case (sz)
      2'd0:    vpn_of = vpn_4k(va);
      2'd1:    vpn_of = vpn_2m(va);
      default: vpn_of = vpn_1g(va);
    endcase
  endfunction

  // The physical address of va in the page of size sz whose frame number is pfn (its bits below
  // the page's size are ignored): the frame's bits above the page offset, then va's offset.
  function automatic logic [MaxPaBits-1:0] page_paddr(logic [MaxPaBits-PageShift4k-1:0] pfn,
                                                      logic [VaBits-1:0] va, logic [1:0] sz);
    case (sz)
      2'd0:    page_paddr = {pfn, va[PageShift4k-1:0]};
      2'd1:    page_paddr = {pfn[MaxPaBits-PageShift4k-1:PageShift2m-PageShift4k],
                             va[PageShift2m-1:0]};
      default: page_paddr = {pfn[MaxPaBits-PageShift4k-1:PageShift1g-PageShift4k],
                             va[PageShift1g-1:0]};
    endcase
  endfunction

  // The level of a leaf that maps a page of size sz: 1 for 4 KiB, 2 for 2 MiB, 3 for 1 GiB.
  function automatic logic [2:0] level_of_size(logic [1:0] sz);
    level_of_size = 3'(sz) + 3'd1;
  endfunction

  // Whether a translation's result (no fault) is of a page a walk can map: one of the three
  // sizes, with the level of that size's leaf. (A fault's size and level are unconstrained here.)
  function automatic logic result_fits(logic [3:0] fault, logic [1:0] sz, logic [2:0] level);
    result_fits = fault != 4'(mmu_pkg::FaultNone) ||
                  (sz <= 2'(mmu_pkg::Size1g) && level == level_of_size(sz));
  endfunction

  // The paging-structure caches (mmu_pscs), by walk level - 2: [0] PDE, [1] PDPTE, [2] PML4E,
  // [3] PML5E (5-level paging only).
  localparam int unsigned NumPscs = 4;

  localparam level_t LevelPml5 = 3'd5, LevelPml4 = 3'd4, LevelPdpt = 3'd3, LevelPd = 3'd2, LevelPt = 3'd1,
                     LevelNone = 3'd0;

  // ---- a page-table entry, as the SDM draws it (section 1) -----------------------------------
  typedef struct packed {
    logic        nx;       // 63    execute disable (with EFER.NXE)
    logic [10:0] ign_hi;   // 62:52 ignored
    logic [39:0] addr;     // 51:12 next table, or the page frame
    logic [2:0]  ign_lo;   // 11:9  ignored
    logic        g;        // 8     global, in a leaf
    logic        ps;       // 7     page size: a 2 MiB leaf at level 2, a 1 GiB leaf at 3 (with
                           //       1 GiB pages); reserved at 5 and 4
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

  // Address-field bits that are reserved in a 2 MiB leaf, 20:13, and in a 1 GiB leaf, 29:13
  // (bit 12 is their PAT bit).
  localparam logic [63:0] Pde2mRsvdMask = 64'h0000_0000_001f_e000;
  localparam logic [63:0] Pdpte1gRsvdMask = 64'h0000_0000_3fff_e000;
  localparam logic [63:0] PteAddrMask = 64'h000f_ffff_ffff_f000;

  // The reserved bits of entry e at `level` (model/pte.c, pte_reserved_mask): address bits from
  // pa_bits up to 51 everywhere, NX when EFER.NXE = 0, PS at levels 5 and 4, and at 3 without
  // 1 GiB pages (pdpe1gb = 0), bits 20:13 of a PDE with PS = 1 and bits 29:13 of a PDPTE with
  // PS = 1.
  function automatic logic [63:0] pte_reserved_mask(logic [63:0] e, logic [2:0] level,
                                                    int unsigned pa_bits, logic nxe,
                                                    logic pdpe1gb);
    logic [63:0] rsvd;
    rsvd = PteAddrMask & ~((64'h1 << pa_bits) - 64'h1);
    if (!nxe) rsvd[PteBitNx] = 1'b1;
    if (level == LevelPml5 || level == LevelPml4) rsvd[PteBitPs] = 1'b1;  // never a page
    if (level == LevelPdpt && !pdpe1gb) rsvd[PteBitPs] = 1'b1;  // no 1 GiB pages
    if (level == LevelPdpt && pdpe1gb && e[PteBitPs]) rsvd = rsvd | Pdpte1gRsvdMask;
    if (level == LevelPd && e[PteBitPs]) rsvd = rsvd | Pde2mRsvdMask;
    pte_reserved_mask = rsvd;
  endfunction

  // Whether entry e at `level` maps a page: a PTE, a PDE with PS = 1, or with 1 GiB pages
  // (pdpe1gb) a PDPTE with PS = 1.
  function automatic logic pte_is_leaf(logic [63:0] e, logic [2:0] level, logic pdpe1gb);
    pte_is_leaf = level == LevelPt || (level == LevelPd && e[PteBitPs]) ||
                  (level == LevelPdpt && pdpe1gb && e[PteBitPs]);
  endfunction

  // Whether a 64-bit address is canonical: bits 63:47 all equal, or 63:56 with 5-level paging
  // (la57; section 1).
  function automatic logic va_canonical(logic [63:0] va, logic la57);
    va_canonical = la57 ? (va[63:56] == '0 || va[63:56] == '1)
                        : (va[63:47] == '0 || va[63:47] == '1);
  endfunction

  // The index of `level`'s entry for va: VA[12+9L-1 : 12+9(L-1)].
  function automatic logic [LevelBits-1:0] pte_index(logic [VaBits-1:0] va, logic [2:0] level);
    case (level)
      LevelPml5: pte_index = va[56:48];
      LevelPml4: pte_index = va[47:39];
      LevelPdpt: pte_index = va[38:30];
      LevelPd:   pte_index = va[29:21];
      default:   pte_index = va[20:12];
    endcase
  endfunction

  // ---- rights combined over the levels (section 2) -----------------------------------------
  // What a walk carries down the levels, and a paging-structure cache keeps with its entry.
  typedef struct packed {
    logic rw;   // ANDed R/W
    logic us;   // ANDed U/S
    logic nx;   // ORed NX
  } path_rights_t;

  localparam path_rights_t RightsAll = 3'b110;  // rw, us, nx before the first level

  // What a TLB entry keeps: the rights combined down to the leaf, and the leaf's protection key
  // (bits 62:59). The key is the top field, so that bits 2:0 are a path_rights_t.
  typedef struct packed {
    logic [3:0] pkey;
    logic       rw;
    logic       us;
    logic       nx;
  } rights_t;
  localparam int unsigned RightsW = 7;   // $bits(rights_t), for the flat vectors that carry it
  // The bits of a TLB row (mmu_tlb's row_t: tag, size, fraction, frame, rights, D) other than
  // the frame's, whose width (PaBits - 12) is a module parameter.
  localparam int unsigned TlbRowBitsNoPfn = Vpn4kBits + SizeW + 1 + RightsW + 1;
  localparam int unsigned PteKeyLsb = 59;

  // The state an access is checked against (section 2): CR0.WP, EFER.NXE, CR4.SMEP, CR4.SMAP,
  // CR4.PKE, EFLAGS.AC and PKRU, set by the set-mode and set-protection operations (mmu_ctrl).
  typedef struct packed {
    logic        wp;
    logic        nxe;
    logic        smep;
    logic        smap;
    logic        pke;
    logic        ac;
    logic [31:0] pkru;
  } mode_t;
  // Its fields' positions, for the functions below (which take it as a plain 38-bit vector).
  localparam int unsigned ModeWp = 37, ModeNxe = 36, ModeSmep = 35, ModeSmap = 34, ModePke = 33,
                          ModeAc = 32;

  // ---- codes on the ports (enums of include/mmusim/mmu.h) ------------------------------------
  typedef enum logic [1:0] {
    AccRead  = 2'd0,
    AccWrite = 2'd1,
    AccFetch = 2'd2
  } access_e;

  typedef enum logic [3:0] {
    FaultNone         = 4'd0,
    FaultNotPresent   = 4'd1,
    FaultReserved     = 4'd2,
    FaultWrite        = 4'd3,
    FaultUser         = 4'd4,
    FaultNx           = 4'd5,
    FaultNonCanonical = 4'd6,
    FaultBusError     = 4'd7,  // the memory answered a walker access with an error (16.5)
    FaultSmep         = 4'd8,  // a supervisor fetch from a user-mode address, CR4.SMEP = 1
    FaultSmap         = 4'd9,  // a supervisor data access to one, CR4.SMAP = 1, AC = 0 or implicit
    FaultPk           = 4'd10  // a data access to one that its protection key forbids (PKRU)
  } fault_e;
  localparam int unsigned FaultW = 4;

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
    OpSetMode  = 3'd4,
    OpSetProt  = 3'd5   // SMEP, SMAP, PKE, AC, PKRU (section 6): no flush
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
                          CntFaultsMissLane = 24, CntMergedMisses = 25,
                          // The PML5E cache's (5-level paging), as the others'.
                          CntPscPml5eHits = 26, CntPscPml5eFills = 27,
                          CntPscPml5eEvictions = 28;
  localparam int unsigned NumCounters = 29;
  // The latency histogram's buckets (docs/ARCHITECTURE.md section 11): bucket k counts the
  // responses whose latency (response cycle minus acceptance cycle) is in [2^k, 2^(k+1)); the
  // last also counts every longer one.
  localparam int unsigned LatencyBuckets = 16;

  // Whether the protection key in rights forbids the access (section 2, rule 6; model/pte.h,
  // pte_pkey_forbids): with CR4.PKE, a data access to a user-mode address whose key has AD set
  // in PKRU, or WD set for a write that is a user access or runs with CR0.WP. It decides the
  // error code's PK bit of any protection fault. pkey and us: the entry's (a rights_t's), mode:
  // a mode_t's bits.
  function automatic logic pkey_forbids(logic [3:0] pkey, logic us, logic [1:0] access,
                                        logic user, logic [37:0] mode);
    logic [1:0] kbits;
    kbits = 2'(mode[31:0] >> {pkey, 1'b0});
    pkey_forbids = mode[ModePke] && us && access != 2'(mmu_pkg::AccFetch) &&
                   (kbits[0] || (kbits[1] && access == 2'(mmu_pkg::AccWrite) &&
                                 (user || mode[ModeWp])));
  endfunction

  // The access check at a leaf (section 2; model/pte.h, pte_check_access), on the rights
  // combined over the levels with the leaf's key (a rights_t's bits: Yosys 0.23 reads no
  // struct-typed argument here), an access_e's code and the mode (a mode_t's bits), in the
  // contract's order: U/S, SMEP, SMAP (implicit: an implicit supervisor access, whatever AC),
  // R/W (honouring CR0.WP for supervisor writes), NX (with EFER.NXE), the protection key.
  // mmu_perm_check is this as a module.
  function automatic fault_e perm_fault(logic [6:0] rights, logic [1:0] access, logic user,
                                        logic implicit, logic [37:0] mode);
    // rights[2:0]: {rw, us, nx}. (The constants by their scoped names: Yosys 0.23 finds a
    // package's enum values in its functions by no other.)
    if (user && !rights[1]) begin
      perm_fault = mmu_pkg::FaultUser;
    end else if (!user && rights[1] && access == 2'(mmu_pkg::AccFetch) && mode[ModeSmep]) begin
      perm_fault = mmu_pkg::FaultSmep;
    end else if (!user && rights[1] && access != 2'(mmu_pkg::AccFetch) && mode[ModeSmap] &&
                 (implicit || !mode[ModeAc])) begin
      perm_fault = mmu_pkg::FaultSmap;
    end else if (access == 2'(mmu_pkg::AccWrite) && !rights[2] && (user || mode[ModeWp])) begin
      perm_fault = mmu_pkg::FaultWrite;
    end else if (access == 2'(mmu_pkg::AccFetch) && mode[ModeNxe] && rights[0]) begin
      perm_fault = mmu_pkg::FaultNx;
    end else if (pkey_forbids(rights[6:3], rights[1], access, user, mode)) begin
      perm_fault = mmu_pkg::FaultPk;
    end else begin
      perm_fault = mmu_pkg::FaultNone;
    end
  endfunction

  // Whether fault f (a fault_e) of the checks of SMEP, SMAP and protection keys fits the access
  // it answers (for the assertions): smep a supervisor fetch, smap a supervisor data access, pk
  // a data access.
  function automatic logic prot_fault_fits(logic [3:0] f, logic [1:0] access, logic user);
    prot_fault_fits = (f != 4'(mmu_pkg::FaultSmep) ||
                       (!user && access == 2'(mmu_pkg::AccFetch))) &&
                      (f != 4'(mmu_pkg::FaultSmap) ||
                       (!user && access != 2'(mmu_pkg::AccFetch))) &&
                      (f != 4'(mmu_pkg::FaultPk) || access != 2'(mmu_pkg::AccFetch));
  endfunction

  // A fault of the access check (perm_fault's): the error code's PK bit may go with it.
  function automatic logic is_perm_fault(logic [3:0] f);
    is_perm_fault = f == 4'(mmu_pkg::FaultUser) || f == 4'(mmu_pkg::FaultSmep) ||
                    f == 4'(mmu_pkg::FaultSmap) || f == 4'(mmu_pkg::FaultWrite) ||
                    f == 4'(mmu_pkg::FaultNx) || f == 4'(mmu_pkg::FaultPk);
  endfunction

  // #PF error-code bits (section 2): PK, I/D, RSVD, U/S, W/R, P.
  typedef struct packed {
    logic pk;
    logic id;
    logic rsvd;
    logic us;
    logic wr;
    logic p;
  } pf_error_t;

endpackage
