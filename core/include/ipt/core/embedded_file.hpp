#pragma once
// A data file compiled into the binary by cmake/EmbedFiles.cmake.
#include <span>
#include <string_view>

namespace ipt {

struct EmbeddedFile {
  std::string_view name;     // file name without directory, e.g. "2026-2027.xml"
  std::string_view content;  // the file's bytes
};

}  // namespace ipt
