#pragma once
// Binary data exchanged between the signing stages (PDF files, DER structures, digests).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/files.hpp"
#include "ipt/core/result.hpp"

namespace ipt::signing {

using Bytes = std::vector<unsigned char>;

inline Bytes to_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }
inline std::string_view as_text(const Bytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string to_hex(const Bytes& bytes);
core::Result<Bytes> from_hex(std::string_view hex);

// Reads a whole file (with a size limit against hostile input).
core::Result<Bytes> read_file(const std::filesystem::path& path, size_t max_bytes = 256u << 20);
// core::write_file_atomically for bytes (mode 0600): a reader never sees half a file, and a
// failure leaves the previous file as it was.
inline core::Result<void> write_file_atomically(const std::filesystem::path& path, const Bytes& bytes) {
  return core::write_file_atomically(path, as_text(bytes));
}

}  // namespace ipt::signing
