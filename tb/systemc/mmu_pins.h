// mmu_top Verilated as a SystemC module (verilator --sc), and PIN_T(port): the C++ type
// Verilator gave one of its ports (bool, uint32_t or uint64_t, by width), so that the bench's
// signals match it for every RTL configuration.
#ifndef TB_SYSTEMC_MMU_PINS_H
#define TB_SYSTEMC_MMU_PINS_H

// Verilator's headers are not warning-free under -Wextra.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "Vmmu_top.h"
#include "verilated.h"
#include "verilated_fst_sc.h"
#pragma GCC diagnostic pop

#include <type_traits>

// (Verilator declares the ports as references into the model.)
#define PIN_T(port) std::remove_reference_t<decltype(Vmmu_top::port)>::data_type

#endif
