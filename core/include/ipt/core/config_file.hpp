#pragma once
// ipt.conf's syntax, shared by every part that reads it: `clé = valeur` lines, `#` comments,
// and sections in brackets. Keys before any section, or under [courriel], are the mail's;
// [signature] holds trust anchors, the timestamp server, the default level and seals. Each
// consumer checks its own keys and reports them with their line.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/result.hpp"

namespace ipt::core {

struct ConfigEntry {
  std::string key;
  std::string value;
  int line = 0;
};

struct ConfigFile {
  // Entries by section: "" for the mail's keys (before any section header, or [courriel]).
  std::map<std::string, std::vector<ConfigEntry>, std::less<>> sections;
  // Malformed lines and unknown sections, each "ipt.conf:4: ligne sans « = » …": a consumer
  // reports them with its own problems, all at once.
  std::vector<std::string> problems;

  const std::vector<ConfigEntry>& section(std::string_view name) const;
};

ConfigFile parse_config_file(std::string_view text, const std::string& file_name);

// Joins problems one per line into a failure; success when there are none.
Result<void> fail_on(const std::vector<std::string>& problems);

}  // namespace ipt::core
