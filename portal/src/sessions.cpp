#include "sessions.hpp"

#include <algorithm>

#include "ipt/core/secrets.hpp"
#include "ipt/core/store.hpp"

namespace ipt::portal {

namespace {
constexpr auto idle_limit = std::chrono::minutes(30);
}

Sessions::Session* Sessions::find(const std::string& id) {
  if (id.empty()) return nullptr;
  const auto it = sessions_.find(core::sha256_hex(id));
  if (it == sessions_.end()) return nullptr;
  if (Clock::now() - it->second.last_use > idle_limit) {
    sessions_.erase(it);
    return nullptr;
  }
  it->second.last_use = Clock::now();
  return &it->second;
}

std::pair<std::string, bool> Sessions::ensure(const std::string& cookie) {
  std::lock_guard lock(mutex_);
  if (find(cookie)) return {cookie, false};
  // Expired sessions go when a new one comes: the map stays the size of the live ones.
  const auto now = Clock::now();
  std::erase_if(sessions_, [&](const auto& s) { return now - s.second.last_use > idle_limit; });
  const std::string id = core::random_token();
  sessions_[core::sha256_hex(id)] = Session{core::random_token(), {}, now};
  return {id, true};
}

std::string Sessions::csrf(const std::string& id) {
  std::lock_guard lock(mutex_);
  const Session* s = find(id);
  return s ? s->csrf : "";
}

bool Sessions::check_csrf(const std::string& id, const std::string& token) {
  std::lock_guard lock(mutex_);
  const Session* s = find(id);
  return s && !token.empty() && core::constant_time_equal(s->csrf, token);
}

void Sessions::confirm(const std::string& id, const std::string& link_token) {
  std::lock_guard lock(mutex_);
  if (Session* s = find(id)) s->confirmed.insert(core::sha256_hex(link_token));
}

bool Sessions::confirmed(const std::string& id, const std::string& link_token) {
  std::lock_guard lock(mutex_);
  const Session* s = find(id);
  return s && s->confirmed.contains(core::sha256_hex(link_token));
}

bool RateLimiter::allow(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  auto& times = events_[key];
  std::erase_if(times, [&](const auto& t) { return now - t > window_; });
  if (static_cast<int>(times.size()) >= limit_) return false;
  times.push_back(now);
  return true;
}

}  // namespace ipt::portal
