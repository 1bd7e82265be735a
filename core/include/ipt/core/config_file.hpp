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

// Entries by section: "" for the keys before any section header.
using ConfigSections = std::map<std::string, std::vector<ConfigEntry>, std::less<>>;

// Fails, naming every bad line ("ipt.conf:4: ligne sans « = »"), on malformed lines and on
// sections other than [courriel] and [signature].
Result<ConfigSections> parse_config_sections(std::string_view text, const std::string& file_name);

}  // namespace ipt::core
