#include "ipt/core/config_file.hpp"

#include <sstream>

namespace ipt::core {

namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

const std::vector<ConfigEntry>& ConfigFile::section(std::string_view name) const {
  static const std::vector<ConfigEntry> none;
  const auto it = sections.find(name);
  return it == sections.end() ? none : it->second;
}

Result<void> fail_on(const std::vector<std::string>& problems) {
  if (problems.empty()) return {};
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
  return fail(Category::invalid_input, message);
}

ConfigFile parse_config_file(std::string_view text, const std::string& file_name) {
  ConfigFile file;
  auto& sections = file.sections;
  auto& problems = file.problems;
  sections[""];
  std::string current;
  std::istringstream lines{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    const std::string content = trim(line);
    const std::string where = file_name + ":" + std::to_string(number) + ": ";
    if (content.empty() || content.front() == '#') continue;
    if (content.front() == '[') {
      if (content.back() != ']') {
        problems.push_back(where + "section mal fermée (format attendu : [nom])");
        continue;
      }
      current = trim(std::string_view(content).substr(1, content.size() - 2));
      if (current != "courriel" && current != "signature" && current != "portail") {
        problems.push_back(where + "section inconnue « " + current + " » (sections : [courriel], [signature], [portail])");
      }
      if (current == "courriel") current.clear();  // the mail's keys, as before any section
      sections[current];
      continue;
    }
    const auto eq = content.find('=');
    if (eq == std::string::npos) {
      problems.push_back(where + "ligne sans « = » (format attendu : clé = valeur)");
      continue;
    }
    sections[current].push_back({trim(std::string_view(content).substr(0, eq)), trim(std::string_view(content).substr(eq + 1)), number});
  }
  return file;
}

}  // namespace ipt::core
