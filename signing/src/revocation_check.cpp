#include "revocation_check.hpp"

#include <atomic>
#include <map>
#include <mutex>

#include "revocation_fetch.hpp"
#include "revocation.hpp"

namespace ipt::signing::detail {

namespace {

using TimePoint = std::chrono::system_clock::time_point;

X509StorePtr store_of(const std::vector<X509Ptr>& anchors) {
  X509StorePtr store(X509_STORE_new());
  for (const auto& a : anchors) X509_STORE_add_cert(store.get(), a.get());
  return store;
}

// OCSP responses whose signature and responder held, by the bytes that were checked and the
// certificates they were checked against. One response comes back many times: a batch hands
// out the same answer for a minute (RevocationReuse), and a document carries its answers in
// its /DSS, read again at each of its verifications; a year's batch checked 252 responses for
// 16 dossiers, 14 different ones. A response held is kept ten minutes, as a document's
// verdict is (the responder's chain is checked at the current time); failures are not kept.
std::atomic<size_t> ocsp_checked{0};
std::mutex held_mutex;
std::map<std::string, TimePoint>& held_responses() {
  static auto& held = *new std::map<std::string, TimePoint>();  // never destroyed (exit order)
  return held;
}
constexpr auto held_for = std::chrono::minutes(10);

std::string response_key(OCSP_BASICRESP* basic, STACK_OF(X509)* untrusted, const std::vector<X509Ptr>& anchors) {
  unsigned char* der = nullptr;
  const int n = i2d_OCSP_BASICRESP(basic, &der);
  if (n <= 0) return {};
  const std::string response = to_hex(sha256(der, static_cast<size_t>(n)));
  OPENSSL_free(der);
  return response + certificates_key(untrusted, anchors);
}

// OCSP_basic_verify, once per response and set of certificates within `held_for`.
bool response_holds(OCSP_BASICRESP* basic, STACK_OF(X509)* untrusted, const std::vector<X509Ptr>& anchors) {
  const std::string key = response_key(basic, untrusted, anchors);
  const auto now = std::chrono::system_clock::now();
  if (!key.empty()) {
    std::lock_guard lock(held_mutex);
    if (auto it = held_responses().find(key); it != held_responses().end() && now < it->second) return true;
  }
  ++ocsp_checked;
  const auto store = store_of(anchors);
  if (OCSP_basic_verify(basic, untrusted, store.get(), 0) != 1) {
    ERR_clear_error();
    return false;
  }
  if (!key.empty()) {
    std::lock_guard lock(held_mutex);
    if (held_responses().size() >= 1024) held_responses().clear();
    held_responses()[key] = now + held_for;
  }
  return true;
}

// The verdict of one OCSP basic response about `id`, or nothing when it does not speak of it.
std::optional<RevocationCheck> judge_ocsp(OCSP_BASICRESP* basic, OCSP_CERTID* id, const std::vector<X509Ptr>& anchors,
                                          STACK_OF(X509)* untrusted, TimePoint at, RevocationSource source) {
  int status = -1, reason = 0;
  ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
  if (OCSP_resp_find_status(basic, id, &status, &reason, &revoked_at, &this_update, &next_update) != 1) return std::nullopt;
  RevocationCheck r;
  r.source = source;
  if (!response_holds(basic, untrusted, anchors)) {
    r.problem = ProblemCode::revocation_untrusted;
    r.detail = "signature du répondeur OCSP";
    return r;
  }
  if (status == V_OCSP_CERTSTATUS_GOOD) {
    r.status = RevocationStatus::good;
  } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
    r.status = RevocationStatus::revoked;
    if (!revoked_at || to_time_point(revoked_at) <= at) r.problem = ProblemCode::certificate_revoked;
  } else {
    r.status = RevocationStatus::unknown;
    r.problem = ProblemCode::revocation_unknown;
  }
  return r;
}

// The verdict of a CRL about `cert`, or nothing when the CRL is not its issuer's.
std::optional<RevocationCheck> judge_crl(X509_CRL* crl, X509* cert, X509* issuer, TimePoint at, RevocationSource source) {
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(cert)) != 0) return std::nullopt;
  RevocationCheck r;
  r.source = source;
  if (X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
    ERR_clear_error();
    r.problem = ProblemCode::revocation_untrusted;
    r.detail = "signature de la CRL";
    return r;
  }
  X509_REVOKED* entry = nullptr;
  if (X509_CRL_get0_by_cert(crl, &entry, cert) == 1) {
    r.status = RevocationStatus::revoked;
    if (to_time_point(X509_REVOKED_get0_revocationDate(entry)) <= at) r.problem = ProblemCode::certificate_revoked;
  } else {
    r.status = RevocationStatus::good;
  }
  return r;
}

RevocationCheck unavailable(std::string detail) {
  RevocationCheck r;
  r.problem = ProblemCode::revocation_unavailable;
  r.detail = std::move(detail);
  return r;
}

}  // namespace

RevocationCheck check_revocation(const RevocationQuery& q, const ValidationPool& pool, const std::vector<X509Ptr>& anchors,
                                 STACK_OF(X509)* untrusted, bool online, std::chrono::milliseconds timeout) {
  OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), q.certificate, q.issuer));
  std::optional<RevocationCheck> untrusted_answer;  // kept in case nothing better is found
  for (const auto& basic : pool.ocsp) {
    if (!basic) continue;
    if (auto r = judge_ocsp(basic.get(), id.get(), anchors, untrusted, q.at, RevocationSource::dss_ocsp)) {
      if (r->problem != ProblemCode::revocation_untrusted) return *r;
      untrusted_answer = r;
    }
  }
  for (const auto& crl : pool.crls) {
    if (auto r = judge_crl(crl.get(), q.certificate, q.issuer, q.at, RevocationSource::dss_crl)) {
      if (r->problem != ProblemCode::revocation_untrusted) return *r;
      untrusted_answer = r;
    }
  }
  if (!online) return untrusted_answer.value_or(unavailable("rien dans le document, vérification en ligne désactivée"));

  std::string why;
  if (const auto url = ocsp_url(q.certificate)) {
    auto reply = fetch_ocsp(*url, q.certificate, q.issuer, timeout);
    if (!reply) {
      why = "OCSP : " + reply.error().message;
    } else {
      auto basic = parse_ocsp_basic(*reply);
      if (!basic) {
        why = "OCSP : réponse refusée ou illisible";
      } else {
        if (auto r = judge_ocsp(basic->get(), id.get(), anchors, untrusted, q.at, RevocationSource::online_ocsp)) return *r;
        why = "OCSP : la réponse ne parle pas de ce certificat";
      }
    }
  }
  if (const auto url = crl_url(q.certificate)) {
    auto reply = fetch_crl(*url, timeout);
    if (!reply) {
      why += (why.empty() ? "" : " ; ") + std::string("CRL : ") + reply.error().message;
    } else {
      const unsigned char* p = reply->data();
      X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(reply->size())));
      ERR_clear_error();
      if (crl) {
        if (auto r = judge_crl(crl.get(), q.certificate, q.issuer, q.at, RevocationSource::online_crl)) return *r;
      }
      why += (why.empty() ? "" : " ; ") + std::string("CRL illisible ou d’un autre émetteur");
    }
  }
  if (untrusted_answer) return *untrusted_answer;
  return unavailable(why.empty() ? "aucune adresse OCSP ni CRL dans le certificat" : why);
}

size_t ocsp_responses_checked() { return ocsp_checked.load(); }

}  // namespace ipt::signing::detail
