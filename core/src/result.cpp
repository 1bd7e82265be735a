#include "ipt/core/result.hpp"

namespace ipt::core {

std::string_view code(Category category) {
  switch (category) {
    case Category::invalid_input: return "invalid_input";
    case Category::not_found: return "not_found";
    case Category::refused: return "refused";
    case Category::integrity: return "integrity";
    case Category::external_service: return "external_service";
    case Category::internal: return "internal";
  }
  return "internal";
}

int http_status(Category category) {
  switch (category) {
    case Category::invalid_input: return 400;     // Bad Request
    case Category::not_found: return 404;         // Not Found
    case Category::refused: return 409;           // Conflict: the state or a rule forbids it
    case Category::integrity: return 422;         // Unprocessable Content: well-formed, not intact
    case Category::external_service: return 502;  // Bad Gateway: a service behind us failed
    case Category::internal: return 500;
  }
  return 500;
}

std::string Place::to_string() const {
  std::string out = file;
  if (line > 0) out += (out.empty() ? "ligne " : ":") + std::to_string(line);
  for (const std::string* part : {&document, &field}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ": ";
    out += *part;
  }
  return out;
}

std::unexpected<Error> fail(Category category, std::string reason, Place place) {
  std::string message = place.empty() ? std::move(reason) : place.to_string() + ": " + reason;
  return std::unexpected<Error>(Error{std::move(message), category, std::move(place)});
}

}  // namespace ipt::core
