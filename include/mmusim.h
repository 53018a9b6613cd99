/*
 * mmusim: a cycle-level model of an x86-64 MMU with its TLBs.
 * The whole public API; see README.md for a short example and
 * docs/ARCHITECTURE.md for the behaviour and timing it implements.
 */
#ifndef MMUSIM_H
#define MMUSIM_H

#include "mmusim/pte.h"
#include "mmusim/phys_mem.h"
#include "mmusim/aspace.h"
#include "mmusim/mmu.h"
#include "mmusim/trace.h"
#include "mmusim/study.h"

#endif
