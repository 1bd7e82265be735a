// Fuzz target: the template definition reader never crashes, whatever the bytes.
#include <cstdint>
#include <string_view>

#include "ipt/core/dossier_fields.hpp"
#include "ipt/templates/template_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  (void)ipt::templates::parse_definition(xml, "fuzz.xml", ipt::core::dossier_field_names());
  return 0;
}
