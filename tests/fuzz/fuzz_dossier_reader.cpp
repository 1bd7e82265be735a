// Fuzz target: the strict dossier reader never crashes, whatever the bytes.
#include <cstdint>
#include <string_view>

#include "ipt/core/dossier_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  (void)ipt::core::parse_dossier(xml, "fuzz.xml");
  return 0;
}
