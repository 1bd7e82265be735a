#pragma once
// An archive folder as one ZIP file for download (APPNOTE 6.3: entries stored uncompressed,
// the signed PDFs do not compress, each with its CRC-32), under one top folder so that it
// unpacks as `ipt archive` wrote it. Files are added in path order; nothing else.
#include <filesystem>
#include <string>

#include "ipt/core/result.hpp"

namespace ipt::pipeline {

// The ZIP of every regular file under `folder`, each named `top/<path relative to folder>`.
// Fails, naming the file, on one it cannot read, and on more than 65,535 files or 4 GiB
// (no ZIP64 here: an archive holds a dossier's few documents).
core::Result<std::string> zip_folder(const std::filesystem::path& folder, const std::string& top);

}  // namespace ipt::pipeline
