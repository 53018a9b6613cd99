// The memory timing both the RTL and the model see (tb/cosim and the SystemC bench): a seeded,
// deterministic choice of when the memory port is ready and how long each access takes.
//
//   ready(c)    whether the port accepts a request in cycle c: a function of the seed and c
//   latency(k)  cycles from accepting the k-th access (0, 1, ...) to its response: a function
//               of the seed and k
//
// Because both are pure functions, the RTL's port driver (cycle by cycle) and the model's
// memory port (one call per access) compute the same accept and response cycles, as long as
// their accesses are the same; when they are not, the co-simulation reports the difference.
#ifndef TB_COSIM_MEM_TIMING_H
#define TB_COSIM_MEM_TIMING_H

#include <cstdint>
#include <string>

struct MemProfile {
  const char *name;
  unsigned min_latency, max_latency;  // inclusive
  unsigned stall_percent;             // cycles not ready, in percent
  unsigned burst;                     // not-ready cycles come in runs of this many
};

// The profiles the regression uses; "fixed" is the spec's default memory.
static const MemProfile kMemProfiles[] = {
    {"fixed", 20, 20, 0, 1},
    {"fast", 1, 3, 0, 1},
    {"slow", 5, 60, 30, 1},
    {"bursty", 2, 30, 25, 16},
};

inline const MemProfile *find_mem_profile(const std::string &name) {
  for (const MemProfile &p : kMemProfiles)
    if (name == p.name) return &p;
  return nullptr;
}

class MemTiming {
 public:
  MemTiming(const MemProfile &p, uint64_t seed) : p_(p), seed_(seed) {}

  bool ready(uint64_t cycle) const {
    if (p_.stall_percent == 0) return true;
    return mix(seed_ ^ 0x5eedull, cycle / p_.burst) % 100 >= p_.stall_percent;
  }
  unsigned latency(uint64_t k) const {
    unsigned span = p_.max_latency - p_.min_latency + 1;
    return p_.min_latency + unsigned(mix(seed_ ^ 0x1a7eull, k) % span);
  }
  // The first cycle at or after `issue` in which the port is ready.
  uint64_t accept_cycle(uint64_t issue) const {
    while (!ready(issue)) issue++;
    return issue;
  }
  const MemProfile &profile() const { return p_; }

 private:
  static uint64_t mix(uint64_t a, uint64_t b) {
    uint64_t z = a * 0x9e3779b97f4a7c15ull + b;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  MemProfile p_;
  uint64_t seed_;
};

#endif
