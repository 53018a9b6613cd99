/*
 * mmusim: a cycle-level model of an x86-64 MMU with its TLBs.
 * The whole API of the reference model (libmmusim: the MMU and the
 * simulated machine, libc only); see README.md for a short example and
 * docs/ARCHITECTURE.md for the behaviour and timing it implements.
 * The trace reader and trace studies are apart: mmusim/trace.h and
 * mmusim/study.h (study/include/), libraries mmusim_trace and mmusim_study.
 */
#ifndef MMUSIM_H
#define MMUSIM_H

#include "mmusim/pte.h"
#include "mmusim/phys_mem.h"
#include "mmusim/aspace.h"
#include "mmusim/mmu.h"

#endif
