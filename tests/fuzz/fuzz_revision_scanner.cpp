// Fuzz target: the revision scanner (signing's private reader of cross-reference tables)
// never crashes nor reads out of bounds, whatever the bytes.
#include <cstdint>

#include "pdf_structure.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ipt::signing::Bytes pdf(data, data + size);
  if (auto revisions = ipt::signing::detail::scan_revisions(pdf)) {
    for (const auto& r : *revisions) {
      for (const auto& [number, offset] : r.objects) (void)ipt::signing::detail::object_text(pdf, offset, number);
    }
  }
  return 0;
}
