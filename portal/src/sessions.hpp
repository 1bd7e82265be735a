#pragma once
// Browser sessions of the signer portal, kept in memory: a random id in an HttpOnly,
// SameSite=Strict cookie (stored here only as its SHA-256), the anti-forgery token its forms
// carry, and which links this browser has confirmed with a one-time code. A confirmation
// belongs to a browser, not to a link: a forwarded link without the code signs nothing.
// Sessions end after 30 minutes without use, and with the process.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ipt::portal {

class Sessions {
 public:
  using Clock = std::chrono::steady_clock;

  // The session of `cookie` when it is known and alive, else a new one. Returns its id (to
  // set as the cookie when new) and whether it is new.
  std::pair<std::string, bool> ensure(const std::string& cookie);
  // The form token of session `id` ("" when the session is unknown).
  std::string csrf(const std::string& id);
  bool check_csrf(const std::string& id, const std::string& token);
  void confirm(const std::string& id, const std::string& link_token);
  bool confirmed(const std::string& id, const std::string& link_token);

 private:
  struct Session {
    std::string csrf;
    std::set<std::string> confirmed;  // SHA-256 of the link tokens this browser confirmed
    Clock::time_point last_use;
  };
  Session* find(const std::string& id);  // with mutex_ held
  std::mutex mutex_;
  std::map<std::string, Session> sessions_;  // by SHA-256 of the id
};

// At most `limit` events per `window` for each key (an address, a link): codes, logins.
class RateLimiter {
 public:
  RateLimiter(int limit, std::chrono::seconds window) : limit_(limit), window_(window) {}
  bool allow(const std::string& key);

 private:
  int limit_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> events_;
};

}  // namespace ipt::portal
