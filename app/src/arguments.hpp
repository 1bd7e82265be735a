#pragma once
// Command-line arguments of one `ipt` command. Written here rather than taken from a
// library because every message, the usage and the help must be French, as the users are.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ipt::app {

struct OptionSpec {
  std::string name;         // "--out"
  std::string value_name;   // "DOSSIER"; empty for a flag
  std::string help;         // French
  bool repeatable = false;
};

struct CommandSpec {
  std::string name;                      // "plan"
  std::string usage;                     // "ipt plan DOSSIER.xml [--json]"
  std::string summary;                   // one line, French
  std::string description;               // paragraphs, French
  std::vector<OptionSpec> options;
  int min_positionals = 0;
  int max_positionals = 0;
};

class Arguments {
 public:
  bool flag(std::string_view name) const { return flags_.contains(std::string(name)); }
  std::optional<std::string> value(std::string_view name) const;
  std::vector<std::string> values(std::string_view name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  friend struct ArgumentParser;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::map<std::string, bool, std::less<>> flags_;
  std::vector<std::string> positionals_;
};

// The outcome of parsing: the arguments, or a request for help, or a usage error.
struct ParseOutcome {
  std::optional<Arguments> arguments;
  bool help = false;
  std::string error;  // French, when neither of the above
};

struct ArgumentParser {
  static ParseOutcome parse(const CommandSpec& spec, const std::vector<std::string>& args);
};

std::string help_text(const CommandSpec& spec);

}  // namespace ipt::app
