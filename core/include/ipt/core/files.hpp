#pragma once
// Reading a whole file, writing one atomically, and formatting instants in UTC: small helpers
// every library needs.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ipt/core/result.hpp"

namespace ipt::core {

// The whole file, or nothing when it cannot be read or is larger than `max_bytes`.
std::optional<std::string> read_whole_file(const std::filesystem::path& path, size_t max_bytes = 64u << 20);

// Creates or replaces `path` with `bytes`: writes a temporary file in the same folder (mode
// `mode`, set before any byte is written, so a key is never readable by others, even
// briefly), syncs it, then renames it over `path`. A reader never sees half a file, and a
// failure leaves the previous file as it was and no temporary behind. Fails (Category::
// internal, the message naming the path and the system's reason) when the folder is not
// writable or the disk is full.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                                   std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                                 std::filesystem::perms::owner_write);

// `t` in UTC through strftime's `format` (e.g. "%Y-%m-%dT%H:%M:%SZ").
std::string format_utc(std::chrono::system_clock::time_point t, const char* format);

// `t` in UTC to the millisecond, "2026-11-29T12:04:48.123Z": the audit trail's and the
// outbox's timestamps, which compare as strings in time order.
std::string utc_millis(std::chrono::system_clock::time_point t);

}  // namespace ipt::core
