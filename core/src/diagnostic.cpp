#include "ipt/core/diagnostic.hpp"

namespace ipt::core {

std::string Diagnostic::to_string() const {
  std::string text = file;
  text += ':';
  text += std::to_string(line);
  text += ": ";
  if (!path.empty()) {
    text += path;
    text += ": ";
  }
  text += reason;
  return text;
}

std::string format_diagnostics(const Diagnostics& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) {
    text += d.to_string();
    text += '\n';
  }
  return text;
}

Error to_error(const Diagnostics& diagnostics) {
  std::string message = format_diagnostics(diagnostics);
  if (!message.empty()) message.pop_back();
  Place place;
  if (!diagnostics.empty()) place = {diagnostics.front().file, diagnostics.front().line, diagnostics.front().path, {}};
  return Error{std::move(message), Category::invalid_input, std::move(place)};
}

}  // namespace ipt::core
