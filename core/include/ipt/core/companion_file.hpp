#pragma once
// A file replaced again and again (a document, revision after revision) through a companion
// kept beside it: each new version is written into the companion, synced, and the two names
// are exchanged in one step (renameat2 with RENAME_EXCHANGE), after which the companion,
// now holding the previous version, is emptied for the next time. Readers of the file see
// the old version or the new one, never half of one, as with a temporary file renamed over
// it; but no file is created or deleted for each version. On ext4 without a journal (this
// machine's disk, docs/BENCHMARKS.md) each inode allocated after many deletions checks every
// recently freed one, which made the file system a third of a school year's batch.
#include <filesystem>
#include <string_view>

#include "ipt/core/result.hpp"

namespace ipt::core {

// `bytes` into `companion` (owner only; created the first time), written over what it held,
// cut to their length and synced. Fails naming the file and the system's reason; the file
// beside it is untouched either way.
Result<void> write_companion(const std::filesystem::path& companion, std::string_view bytes);

// Exchanges the names of `companion` and `file`, then empties the companion. Where the file
// system cannot exchange names (or `file` does not exist yet), the companion is renamed over
// `file` instead.
Result<void> exchange_with_companion(const std::filesystem::path& companion, const std::filesystem::path& file);

// Empties `companion` (a version that was not kept): nothing to do when it does not exist.
Result<void> empty_companion(const std::filesystem::path& companion);

}  // namespace ipt::core
