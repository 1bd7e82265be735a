#pragma once
// What was sent about a dossier, for its certificate of completion (from the outbox).
#include <filesystem>
#include <string>
#include <vector>

#include "ipt/pipeline/archive.hpp"

namespace ipt::app {

std::vector<pipeline::DispatchRecord> dispatches_of(const std::filesystem::path& database, const std::string& reference);

}  // namespace ipt::app
