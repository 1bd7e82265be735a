#include "revocation_fetch.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <optional>

#include "http_client.hpp"
#include "ipt/signing/revocation_reuse.hpp"
#include "revocation.hpp"

namespace ipt::signing {

namespace {

using Clock = std::chrono::system_clock;

struct Kept {
  Bytes answer;
  Clock::time_point until;
};

// The process's answers, by "ocsp " + responder + certificate id, or "crl " + address. Only
// while a scope is open (max_age set); the portal's threads may check concurrently.
struct Answers {
  std::mutex mutex;
  std::optional<std::chrono::seconds> max_age;
  std::map<std::string, Kept> kept;
};

Answers& answers() {
  static Answers a;
  return a;
}

std::atomic<std::size_t> fetched{0}, reused{0};
constexpr std::size_t max_kept = 512;  // a few KiB each

bool keeping() {
  auto& a = answers();
  const std::lock_guard lock(a.mutex);
  return a.max_age.has_value();
}

std::optional<Bytes> kept_answer(const std::string& key) {
  auto& a = answers();
  const std::lock_guard lock(a.mutex);
  if (!a.max_age) return std::nullopt;
  const auto it = a.kept.find(key);
  if (it == a.kept.end()) return std::nullopt;
  if (Clock::now() >= it->second.until) {
    a.kept.erase(it);
    return std::nullopt;
  }
  ++reused;
  return it->second.answer;
}

// Keeps `answer` until the scope's age or `next_update`, whichever comes first.
void keep(const std::string& key, const Bytes& answer, std::optional<Clock::time_point> next_update) {
  auto& a = answers();
  const std::lock_guard lock(a.mutex);
  if (!a.max_age) return;
  const auto now = Clock::now();
  auto until = now + *a.max_age;
  if (next_update && *next_update < until) until = *next_update;
  // Bounded, so that a worker's memory stays flat over a year of dossiers, each with its
  // signatories' certificates: what has expired goes first, then everything.
  if (a.kept.size() >= max_kept) {
    std::erase_if(a.kept, [&](const auto& entry) { return now >= entry.second.until; });
    if (a.kept.size() >= max_kept) a.kept.clear();
  }
  a.kept[key] = Kept{answer, until};
}

}  // namespace

RevocationReuse::RevocationReuse(std::chrono::seconds max_age) {
  auto& a = answers();
  const std::lock_guard lock(a.mutex);
  a.max_age = max_age;
}

RevocationReuse::~RevocationReuse() {
  auto& a = answers();
  const std::lock_guard lock(a.mutex);
  a.max_age.reset();
  a.kept.clear();
}

RevocationFetches revocation_fetches() { return {fetched.load(), reused.load()}; }

namespace detail {

core::Result<Bytes> fetch_ocsp(const std::string& url, X509* cert, X509* issuer, std::chrono::milliseconds timeout) {
  OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
  unsigned char* der = nullptr;
  const int n = id ? i2d_OCSP_CERTID(id.get(), &der) : -1;
  if (n <= 0) return core::fail("requête OCSP impossible (" + openssl_errors() + ")");
  const std::string key = "ocsp " + url + " " + std::string(reinterpret_cast<const char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  if (auto answer = kept_answer(key)) return *std::move(answer);

  IPT_TRY(request, ocsp_request_for(cert, issuer));
  IPT_TRY(reply, http_post(url, "application/ocsp-request", *request, timeout));
  ++fetched;
  // Kept (in a scope) only when it is a signed answer about this certificate, and no longer
  // than it says; outside a scope it is not decoded here, only by the caller.
  if (!keeping()) return reply;
  if (auto basic = parse_ocsp_basic(*reply)) {
    int status = -1, reason = 0;
    ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
    if (OCSP_resp_find_status(basic->get(), id.get(), &status, &reason, &revoked_at, &this_update, &next_update) == 1) {
      keep(key, *reply, next_update ? std::optional(to_time_point(next_update)) : std::nullopt);
    }
  }
  ERR_clear_error();
  return reply;
}

core::Result<Bytes> fetch_crl(const std::string& url, std::chrono::milliseconds timeout) {
  const std::string key = "crl " + url;
  if (auto answer = kept_answer(key)) return *std::move(answer);
  IPT_TRY(reply, http_get(url, timeout));
  ++fetched;
  if (!keeping()) return reply;
  const unsigned char* p = reply->data();
  if (X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(reply->size()))); crl) {
    const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get());
    keep(key, *reply, next ? std::optional(to_time_point(next)) : std::nullopt);
  }
  ERR_clear_error();
  return reply;
}

}  // namespace detail
}  // namespace ipt::signing
