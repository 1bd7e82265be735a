#include "revocation.hpp"

#include <algorithm>

#include "revocation_fetch.hpp"

namespace ipt::signing::detail {

std::optional<std::string> ocsp_url(X509* cert) {
  STACK_OF(OPENSSL_STRING)* urls = X509_get1_ocsp(cert);
  std::optional<std::string> out;
  if (urls && sk_OPENSSL_STRING_num(urls) > 0) out = sk_OPENSSL_STRING_value(urls, 0);
  X509_email_free(urls);
  return out;
}

std::optional<std::string> crl_url(X509* cert) {
  auto* points = static_cast<STACK_OF(DIST_POINT)*>(X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr));
  std::optional<std::string> out;
  for (int i = 0; points && i < sk_DIST_POINT_num(points) && !out; ++i) {
    DIST_POINT* point = sk_DIST_POINT_value(points, i);
    if (!point->distpoint || point->distpoint->type != 0) continue;
    GENERAL_NAMES* names = point->distpoint->name.fullname;
    for (int k = 0; k < sk_GENERAL_NAME_num(names); ++k) {
      GENERAL_NAME* name = sk_GENERAL_NAME_value(names, k);
      if (name->type == GEN_URI) {
        out = std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.uniformResourceIdentifier)),
                          static_cast<size_t>(ASN1_STRING_length(name->d.uniformResourceIdentifier)));
        break;
      }
    }
  }
  sk_DIST_POINT_pop_free(points, DIST_POINT_free);
  return out;
}

std::vector<Bytes> certificates_in(CMS_ContentInfo* cms) {
  std::vector<Bytes> out;
  X509StackPtr certs(CMS_get1_certs(cms));
  for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) out.push_back(der_of(sk_X509_value(certs.get(), i)));
  return out;
}

core::Result<Bytes> ocsp_request_for(X509* cert, X509* issuer) {
  OcspReqPtr request(OCSP_REQUEST_new());
  OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
  if (!request || !id || !OCSP_request_add0_id(request.get(), id)) {
    OCSP_CERTID_free(id);
    return core::fail("requête OCSP impossible (" + openssl_errors() + ")");
  }
  OCSP_request_add1_nonce(request.get(), nullptr, -1);
  unsigned char* der = nullptr;
  const int n = i2d_OCSP_REQUEST(request.get(), &der);
  if (n <= 0) return core::fail("requête OCSP impossible (" + openssl_errors() + ")");
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

core::Result<ValidationData> fetch_validation_data(const std::vector<Bytes>& chain, const std::vector<Bytes>& anchors,
                                                   std::chrono::milliseconds timeout) {
  ValidationData data;
  std::vector<X509Ptr> pool;
  for (const auto* list : {&chain, &anchors}) {
    for (const auto& der : *list) {
      IPT_TRY(cert, parse_certificate(der));
      pool.push_back(std::move(*cert));
    }
  }
  auto add_certificate = [&](const Bytes& der) {
    if (std::find(data.certificates.begin(), data.certificates.end(), der) == data.certificates.end()) {
      data.certificates.push_back(der);
    }
  };
  for (const auto& c : pool) add_certificate(der_of(c.get()));
  for (const auto& c : pool) {
    X509* cert = c.get();
    if (X509_check_issued(cert, cert) == X509_V_OK) continue;  // a root: trusted as such
    X509* issuer = nullptr;
    for (const auto& candidate : pool) {
      if (X509_check_issued(candidate.get(), cert) == X509_V_OK) issuer = candidate.get();
    }
    const std::string who = "certificat « " + subject_field(cert, NID_commonName) + " »";
    if (!issuer) return core::fail(who + " : émetteur introuvable pour les données de révocation");
    if (const auto url = ocsp_url(cert)) {
      auto reply = fetch_ocsp(*url, cert, issuer, timeout);
      if (!reply) return std::unexpected(reply.error().with_context(who + " : OCSP"));
      auto basic = parse_ocsp_basic(*reply);
      if (!basic) return core::fail(who + " : réponse OCSP refusée ou illisible");
      for (int i = 0; i < sk_X509_num(OCSP_resp_get0_certs(basic->get())); ++i) {
        add_certificate(der_of(sk_X509_value(OCSP_resp_get0_certs(basic->get()), i)));
      }
      data.ocsp_responses.push_back(*std::move(reply));
    } else if (const auto crl = crl_url(cert)) {
      auto list = fetch_crl(*crl, timeout);
      if (!list) return std::unexpected(list.error().with_context(who + " : CRL"));
      data.crls.push_back(*std::move(list));
    } else {
      return core::fail(who + " : aucune adresse OCSP ni CRL dans le certificat");
    }
  }
  return data;
}

}  // namespace ipt::signing::detail
