#include "ipt/signing/bytes.hpp"

#include <fstream>

namespace ipt::signing {

std::string to_hex(const Bytes& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0xF];
  }
  return out;
}

core::Result<Bytes> from_hex(std::string_view hex) {
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  out.reserve(hex.size() / 2);
  int high = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    const int v = value(c);
    if (v < 0) return core::fail(core::Category::invalid_input, "hexadécimal invalide");
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<unsigned char>(high * 16 + v));
      high = -1;
    }
  }
  if (high >= 0) out.push_back(static_cast<unsigned char>(high * 16));  // PDF: a final odd digit is followed by 0
  return out;
}

core::Result<Bytes> read_file(const std::filesystem::path& path, size_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return core::fail(core::Category::not_found, "fichier illisible ou introuvable", {.file = path.string()});
  if (size > max_bytes) {
    return core::fail(core::Category::invalid_input, "fichier trop volumineux (" + std::to_string(size) + " octets)",
                      {.file = path.string()});
  }
  std::ifstream in(path, std::ios::binary);
  Bytes bytes(size);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
    return core::fail(core::Category::not_found, "lecture impossible", {.file = path.string()});
  }
  return bytes;
}

}  // namespace ipt::signing
