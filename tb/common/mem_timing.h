// The memory timing both the RTL and the model see (tb/cosim and the SystemC bench): a seeded,
// deterministic choice of when the memory port is ready and how long each access takes.
//
//   ready(c)    whether the port accepts a request in cycle c: a function of the seed and c
//   latency(k)  cycles from accepting the k-th access (0, 1, ...) to its response: a function
//               of the seed and k
//   error(k)    whether the k-th access is answered with an error instead of data (a bus error,
//               docs/ARCHITECTURE.md 16.5; the memory does not perform it): a function of the
//               seed and k
//
// Because both are pure functions, the RTL's port driver (cycle by cycle) and the model's
// memory port (one call per access) compute the same accept and response cycles, as long as
// their accesses are the same; when they are not, the co-simulation reports the difference.
#ifndef TB_COMMON_MEM_TIMING_H
#define TB_COMMON_MEM_TIMING_H

#include <cstdint>
#include <cstdlib>
#include <string>

struct MemProfile {
  std::string name;
  unsigned min_latency, max_latency;  // inclusive
  unsigned stall_percent;             // cycles not ready, in percent
  unsigned burst;                     // not-ready cycles come in runs of this many
  unsigned error_permille = 0;        // accesses answered with an error, per thousand
};

// The profiles the regression uses; "fixed" is the spec's default memory.
static const MemProfile kMemProfiles[] = {
    {"fixed", 20, 20, 0, 1},   {"fast", 1, 3, 0, 1},         {"slow", 5, 60, 30, 1},
    {"bursty", 2, 30, 25, 16}, {"errors", 2, 30, 10, 1, 25},  // a bus error in one access in 40: every level of a walk
};

// A profile by name, or one described as "lat=MIN[-MAX][,stall=PERCENT][,burst=N][,err=PERMILLE]"
// (for example "lat=8", a fixed 8-cycle memory, or "lat=4-40,stall=20,burst=8,err=10", where one
// access in 100 answers with an error). Returns false with the reason in err.
inline bool parse_mem_profile(const std::string &spec, MemProfile &p, std::string &err) {
  for (const MemProfile &k : kMemProfiles)
    if (spec == k.name) return p = k, true;
  if (spec.compare(0, 4, "lat=") != 0) {
    err = "unknown memory profile '" + spec +
          "' (fixed, fast, slow, bursty, errors, or lat=MIN[-MAX]"
          "[,stall=PERCENT][,burst=N][,err=PERMILLE])";
    return false;
  }
  p = {spec, 0, 0, 0, 1};
  const char *s = spec.c_str() + 4;
  auto number = [&](unsigned &v, unsigned lo, unsigned hi) {
    char *end;
    unsigned long x = strtoul(s, &end, 10);
    if (end == s || x < lo || x > hi) return false;
    v = unsigned(x);
    s = end;
    return true;
  };
  bool ok = number(p.min_latency, 1, 100000);
  p.max_latency = p.min_latency;
  if (ok && *s == '-') s++, ok = number(p.max_latency, p.min_latency, 100000);
  while (ok && *s == ',') {
    s++;
    if (std::string(s).compare(0, 6, "stall=") == 0) s += 6, ok = number(p.stall_percent, 0, 90);
    else if (std::string(s).compare(0, 6, "burst=") == 0) s += 6, ok = number(p.burst, 1, 100000);
    else if (std::string(s).compare(0, 4, "err=") == 0)
      s += 4, ok = number(p.error_permille, 0, 500);
    else ok = false;
  }
  if (!ok || *s) {
    err = "memory profile '" + spec +
          "': expected lat=MIN[-MAX][,stall=PERCENT][,burst=N][,err=PERMILLE] with "
          "1 <= MIN <= MAX, a stall percentage up to 90, a burst of at least 1 and errors "
          "up to 500 per thousand";
    return false;
  }
  return true;
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
  bool error(uint64_t k) const {
    return p_.error_permille && mix(seed_ ^ 0xe4404ull, k) % 1000 < p_.error_permille;
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
