#pragma once
// Small readings of a request shared by the portal's routes (private to portal).
#include <httplib.h>

#include <string>

namespace ipt::portal {

// The value of cookie `name` in the request's Cookie header, or "".
inline std::string cookie_value(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  size_t start = 0;
  while (start < header.size()) {
    auto end = header.find(';', start);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(start, end - start);
    part.erase(0, part.find_first_not_of(' '));
    if (part.starts_with(name + "=")) return part.substr(name.size() + 1);
    start = end + 1;
  }
  return "";
}

// "m***@example.be": enough for a person to recognise their address, no more.
inline std::string masked(const std::string& email) {
  const auto at = email.find('@');
  if (at == std::string::npos || at == 0) return "***";
  return email.substr(0, 1) + "***" + email.substr(at);
}

}  // namespace ipt::portal
