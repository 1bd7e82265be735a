#pragma once
// Reading a whole file, and formatting instants in UTC: small helpers every library needs.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace ipt::core {

// The whole file, or nothing when it cannot be read or is larger than `max_bytes`.
std::optional<std::string> read_whole_file(const std::filesystem::path& path, size_t max_bytes = 64u << 20);

// `t` in UTC through strftime's `format` (e.g. "%Y-%m-%dT%H:%M:%SZ").
std::string format_utc(std::chrono::system_clock::time_point t, const char* format);

}  // namespace ipt::core
