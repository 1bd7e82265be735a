#include "arguments.hpp"

#include <algorithm>

namespace ipt::app {

std::optional<std::string> Arguments::value(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Arguments::values(std::string_view name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

ParseOutcome ArgumentParser::parse(const CommandSpec& spec, const std::vector<std::string>& args) {
  ParseOutcome outcome;
  Arguments parsed;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      parsed.positionals_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      outcome.help = true;
      return outcome;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const auto spec_it = std::find_if(spec.options.begin(), spec.options.end(),
                                      [&](const OptionSpec& o) { return o.name == name; });
    if (spec_it == spec.options.end()) {
      outcome.error = "option inconnue « " + name + " » (voir ipt " + spec.name + " --help)";
      return outcome;
    }
    if (spec_it->value_name.empty()) {
      if (inline_value) {
        outcome.error = "l’option " + name + " ne prend pas de valeur";
        return outcome;
      }
      parsed.flags_[name] = true;
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      outcome.error = "l’option " + name + " attend une valeur (" + spec_it->value_name + ")";
      return outcome;
    }
    auto& slot = parsed.values_[name];
    if (!slot.empty() && !spec_it->repeatable) {
      outcome.error = "l’option " + name + " est donnée deux fois";
      return outcome;
    }
    slot.push_back(value);
  }
  const int n = static_cast<int>(parsed.positionals_.size());
  if (n < spec.min_positionals) {
    outcome.error = "argument manquant — usage : " + spec.usage;
    return outcome;
  }
  if (n > spec.max_positionals) {
    outcome.error = "argument en trop « " + parsed.positionals_[static_cast<size_t>(spec.max_positionals)] +
                    " » — usage : " + spec.usage;
    return outcome;
  }
  outcome.arguments = std::move(parsed);
  return outcome;
}

std::string help_text(const CommandSpec& spec) {
  std::string text = "Usage : " + spec.usage + "\n\n" + spec.summary + "\n";
  if (!spec.description.empty()) text += "\n" + spec.description + "\n";
  text += "\nOptions :\n";
  auto line = [&](const std::string& left, const std::string& help) {
    std::string l = "  " + left;
    if (l.size() < 28) l.resize(28, ' ');
    else l += "\n" + std::string(28, ' ');
    text += l + help + "\n";
  };
  for (const auto& o : spec.options) {
    line(o.name + (o.value_name.empty() ? "" : " " + o.value_name), o.help);
  }
  line("--help", "affiche cette aide");
  return text;
}

}  // namespace ipt::app
