#include "ipt/core/files.hpp"

#include <ctime>
#include <fstream>

namespace ipt::core {

std::optional<std::string> read_whole_file(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const auto size = in.tellg();
  if (size < 0 || static_cast<size_t>(size) > max_bytes) return std::nullopt;
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) return std::nullopt;
  return bytes;
}

std::string format_utc(std::chrono::system_clock::time_point t, const char* format) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];
  const size_t n = std::strftime(buffer, sizeof buffer, format, &utc);
  return std::string(buffer, n);
}

}  // namespace ipt::core
