// A 64-bit word in a TLM data buffer, little-endian (x86 byte order): how MmuTlm returns a
// physical address and how page-table entries travel between the walker and a TLM memory.
#ifndef MMUSIM_TLM_LE64_H
#define MMUSIM_TLM_LE64_H

#include <cstdint>

namespace mmusim {

inline void put_le64(unsigned char *b, uint64_t v) {
  for (unsigned i = 0; i < 8; i++) b[i] = static_cast<unsigned char>(v >> (8 * i));
}

inline uint64_t get_le64(const unsigned char *b) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 8; i++) v |= uint64_t(b[i]) << (8 * i);
  return v;
}

}  // namespace mmusim

#endif
