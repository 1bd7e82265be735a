#include "revocation_protocol.hpp"

#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include "openssl_util.hpp"

namespace ipt::localpki::detail {

namespace {

std::string encode_response(OCSP_RESPONSE* response) {
  unsigned char* der = nullptr;
  const int size = i2d_OCSP_RESPONSE(response, &der);
  if (size <= 0) return {};
  std::string bytes(reinterpret_cast<const char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return bytes;
}

core::Result<std::string> status_only(int status) {
  OcspRespPtr response(OCSP_response_create(status, nullptr));
  std::string der = response ? encode_response(response.get()) : std::string();
  if (der.empty()) return openssl_failure("OCSP : réponse impossible");
  return der;
}

core::Result<Asn1TimePtr> make_time(Clock::time_point t) {
  Asn1TimePtr time(ASN1_TIME_set(nullptr, to_time_t(t)));
  if (!time) return openssl_failure("date impossible");
  return time;
}

// The CA (root or intermediate) whose name and key hashes `id` carries, if any.
const Credential* find_ca(const Pki& pki, OCSP_CERTID* id) {
  ASN1_OBJECT* md_object = nullptr;
  if (OCSP_id_get0_info(nullptr, &md_object, nullptr, nullptr, id) != 1) return nullptr;
  const EVP_MD* md = EVP_get_digestbyobj(md_object);
  if (!md) return nullptr;
  for (const Credential* ca : {&pki.root(), &pki.intermediate()}) {
    OcspCertIdPtr ca_id(OCSP_cert_to_id(md, nullptr, ca->certificate()));
    if (ca_id && OCSP_id_issuer_cmp(ca_id.get(), id) == 0) return ca;
  }
  return nullptr;
}

bool issued_by(const Pki& pki, const Credential& ca, const std::string& serial) {
  for (const auto& c : pki.credentials()) {
    if (c.issuer_id() == ca.id() && c.serial_hex() == serial) return true;
  }
  return false;
}

}  // namespace

std::string make_ocsp_try_later() {
  auto der = status_only(OCSP_RESPONSE_STATUS_TRYLATER);
  return der ? *der : std::string();
}

core::Result<std::string> make_ocsp_reply(std::string_view request_der, const Pki& pki,
                                          const RevocationList& revoked, const OcspParameters& parameters) {
  const auto* data = reinterpret_cast<const unsigned char*>(request_der.data());
  OcspReqPtr request(d2i_OCSP_REQUEST(nullptr, &data, static_cast<long>(request_der.size())));
  const int count = request ? OCSP_request_onereq_count(request.get()) : 0;
  if (count <= 0) {
    openssl_errors();  // a bad request is the client's problem: do not leave it queued
    return status_only(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
  }
  // One signer per reply: the responder of the CA named by the first request. Requests
  // about another CA in the same reply get "unknown".
  const Credential* ca = find_ca(pki, OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), 0)));
  if (!ca) return status_only(OCSP_RESPONSE_STATUS_UNAUTHORIZED);

  auto this_update = make_time(parameters.now - std::chrono::minutes(1));  // as for CRLs, below
  auto next_update = make_time(parameters.now + parameters.validity);
  if (!this_update || !next_update) return std::unexpected(this_update ? next_update.error() : this_update.error());
  OcspBasicPtr basic(OCSP_BASICRESP_new());
  if (!basic) return openssl_failure("OCSP : réponse impossible");
  for (int i = 0; i < count; ++i) {
    OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), i));
    ASN1_INTEGER* serial = nullptr;
    OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial, id);
    int status = V_OCSP_CERTSTATUS_UNKNOWN;
    int reason = OCSP_REVOKED_STATUS_NOSTATUS;
    Asn1TimePtr revocation_time;
    if (serial && find_ca(pki, id) == ca) {
      const std::string hex = serial_hex(serial);
      if (const auto it = revoked.find({ca->id(), hex}); it != revoked.end()) {
        status = V_OCSP_CERTSTATUS_REVOKED;
        if (it->second.reason != RevocationReason::unspecified) reason = static_cast<int>(it->second.reason);
        IPT_TRY(t, make_time(it->second.time));
        revocation_time = std::move(*t);
      } else if (issued_by(pki, *ca, hex)) {
        status = V_OCSP_CERTSTATUS_GOOD;
      }
    }
    if (!OCSP_basic_add1_status(basic.get(), id, status, reason, revocation_time.get(), this_update->get(),
                                next_update->get())) {
      return openssl_failure("OCSP : statut impossible");
    }
  }
  if (OCSP_copy_nonce(basic.get(), request.get()) <= 0) return openssl_failure("OCSP : nonce impossible");
  const Credential& responder = pki.ocsp_responder_for(*ca);
  if (OCSP_basic_sign(basic.get(), responder.certificate(), responder.private_key(), EVP_sha256(), nullptr, 0) != 1) {
    return openssl_failure("OCSP : signature impossible");
  }
  OcspRespPtr response(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
  std::string der = response ? encode_response(response.get()) : std::string();
  if (der.empty()) return openssl_failure("OCSP : encodage impossible");
  return der;
}

core::Result<std::string> make_crl(const Credential& ca, const RevocationList& revoked,
                                   Clock::time_point now, std::chrono::seconds validity, std::uint64_t number) {
  const auto failure = [&](const char* what) { return openssl_failure("LCR « " + ca.id() + " » : " + what); };
  X509CrlPtr crl(X509_CRL_new());
  // Dated a minute back, as CAs do: a verifier whose clock is a little behind (or a virtual
  // machine's clock stepped back under load) would otherwise find the list "not yet valid".
  auto last_update = make_time(now - std::chrono::minutes(1));
  auto next_update = make_time(now + validity);
  if (!crl || !last_update || !next_update) return failure("mémoire insuffisante");
  if (X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.certificate())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last_update->get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update->get()) != 1) {
    return failure("en-tête impossible");
  }
  for (const auto& [key, revocation] : revoked) {
    if (key.first != ca.id()) continue;
    BIGNUM* raw = nullptr;
    if (BN_hex2bn(&raw, key.second.c_str()) == 0) return failure("numéro de série invalide");
    BignumPtr bn(raw);
    Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    auto when = make_time(revocation.time);
    X509RevokedPtr entry(X509_REVOKED_new());
    if (!serial || !when || !entry || X509_REVOKED_set_serialNumber(entry.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(entry.get(), when->get()) != 1) {
      return failure("entrée impossible");
    }
    // RFC 5280 5.3.1: the reason code "unspecified" should be absent.
    if (revocation.reason != RevocationReason::unspecified) {
      Handle<ASN1_ENUMERATED, ASN1_ENUMERATED_free> code(ASN1_ENUMERATED_new());
      if (!code || ASN1_ENUMERATED_set(code.get(), static_cast<long>(revocation.reason)) != 1 ||
          X509_REVOKED_add1_ext_i2d(entry.get(), NID_crl_reason, code.get(), 0, 0) != 1) {
        return failure("motif impossible");
      }
    }
    if (X509_CRL_add0_revoked(crl.get(), entry.get()) != 1) return failure("entrée impossible");
    entry.release();  // now owned by the CRL
  }
  Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
  if (!crl_number || ASN1_INTEGER_set_uint64(crl_number.get(), number) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, crl_number.get(), 0, 0) != 1) {
    return failure("numéro de LCR impossible");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca.certificate(), nullptr, nullptr, crl.get(), 0);
  X509ExtensionPtr authority_key_id(X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!authority_key_id || X509_CRL_add_ext(crl.get(), authority_key_id.get(), -1) != 1) {
    return failure("identifiant de clé impossible");
  }
  if (X509_CRL_sort(crl.get()) != 1 || X509_CRL_sign(crl.get(), ca.private_key(), EVP_sha256()) <= 0) {
    return failure("signature impossible");
  }
  unsigned char* der = nullptr;
  const int size = i2d_X509_CRL(crl.get(), &der);
  if (size <= 0) return failure("encodage impossible");
  std::string bytes(reinterpret_cast<const char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return bytes;
}

}  // namespace ipt::localpki::detail
