#pragma once
// Files written whole or not at all: temporary name in the same folder, fsync, rename.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "ipt/core/result.hpp"

namespace ipt::localpki::detail {

// Creates or replaces `path` with `content`, permissions `mode` (set before any byte is
// written, so a key is never readable by others, even briefly).
core::Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode);
core::Result<std::string> read_file(const std::filesystem::path& path);

}  // namespace ipt::localpki::detail
