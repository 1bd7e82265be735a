#include "verification_cache.hpp"

#include <list>
#include <mutex>
#include <unordered_map>

#include "openssl_util.hpp"

namespace ipt::signing::detail {

std::string options_key(const VerifyOptions& options) {
  std::string material = options.online_revocation ? "en-ligne" : "hors-ligne";
  for (const auto& anchor : options.trust_anchors) material += ":" + to_hex(sha256(anchor));
  return to_hex(sha256(Bytes(material.begin(), material.end())));
}

struct VerificationCache::Impl {
  struct Entry {
    std::string key;
    std::shared_ptr<const CachedVerification> value;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex mutex;
  std::list<Entry> entries;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index;
};

VerificationCache::VerificationCache() : impl_(std::make_unique<Impl>()) {}

VerificationCache& VerificationCache::process() {
  static VerificationCache cache;
  return cache;
}

std::shared_ptr<const CachedVerification> VerificationCache::find(const std::string& key) {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->index.find(key);
  if (it == impl_->index.end()) return nullptr;
  if (std::chrono::steady_clock::now() - it->second->at > max_age) {
    impl_->entries.erase(it->second);
    impl_->index.erase(it);
    return nullptr;
  }
  impl_->entries.splice(impl_->entries.begin(), impl_->entries, it->second);
  return it->second->value;
}

void VerificationCache::put(const std::string& key, std::shared_ptr<const CachedVerification> entry) {
  std::lock_guard lock(impl_->mutex);
  if (const auto it = impl_->index.find(key); it != impl_->index.end()) {
    impl_->entries.erase(it->second);
    impl_->index.erase(it);
  }
  impl_->entries.push_front({key, std::move(entry), std::chrono::steady_clock::now()});
  impl_->index[key] = impl_->entries.begin();
  while (impl_->entries.size() > capacity) {
    impl_->index.erase(impl_->entries.back().key);
    impl_->entries.pop_back();
  }
}

}  // namespace ipt::signing::detail
