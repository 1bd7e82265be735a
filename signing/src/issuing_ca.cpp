#include "ipt/signing/issuing_ca.hpp"

#include <openssl/ec.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>

#include <algorithm>

#include "ipt/core/files.hpp"
#include "openssl_util.hpp"

namespace ipt::signing {

namespace {

using namespace detail;

core::Error openssl_error(const std::string& what) {
  return core::Error{"autorité de certification : " + what + " (" + openssl_errors() + ")"};
}

void append_length(Bytes& out, size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<unsigned char>(n));
    return;
  }
  Bytes digits;
  for (; n > 0; n >>= 8) digits.insert(digits.begin(), static_cast<unsigned char>(n & 0xFF));
  out.push_back(static_cast<unsigned char>(0x80 | digits.size()));
  out.insert(out.end(), digits.begin(), digits.end());
}

// SEQUENCE { tbs, algorithm, BIT STRING signature }: the shape shared by a certificate and a
// CRL once their to-be-signed part is signed.
Bytes signed_structure(const Bytes& tbs, const Bytes& algorithm, const Bytes& signature) {
  Bytes bit_string{0x03};
  append_length(bit_string, signature.size() + 1);
  bit_string.push_back(0x00);  // no unused bits
  bit_string.insert(bit_string.end(), signature.begin(), signature.end());
  Bytes body = tbs;
  body.insert(body.end(), algorithm.begin(), algorithm.end());
  body.insert(body.end(), bit_string.begin(), bit_string.end());
  Bytes out{0x30};
  append_length(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// The DER that `to_der` (an OpenSSL i2d function bound to its value) writes.
template <class ToDer>
Bytes encode(ToDer to_der) {
  unsigned char* der = nullptr;
  const int n = to_der(&der);
  if (n <= 0) return {};
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

core::Result<EvpPkeyPtr> new_p256_key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return std::unexpected(openssl_error("clé P-256 impossible"));
  return key;
}

core::Result<void> add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return std::unexpected(openssl_error(std::string("extension ") + OBJ_nid2sn(nid)));
  }
  return {};
}

core::Result<void> add_name(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return {};
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1) {
    return std::unexpected(openssl_error(std::string("nom ") + field));
  }
  return {};
}

core::Result<void> set_random_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return std::unexpected(openssl_error("numéro de série"));
  bytes[0] &= 0x7F;  // positive
  bytes[0] |= 0x40;  // and of full length
  BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) return std::unexpected(openssl_error("numéro de série"));
  return {};
}

void set_time(ASN1_TIME* field, std::chrono::system_clock::time_point t) {
  ASN1_TIME_set(field, static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count()));
}

// A KeySource over a key held in memory: the issued key, used once, freed (and cleared by
// OpenSSL) when the KeySource goes.
class OneSignatureKey final : public KeySource {
 public:
  OneSignatureKey(EvpPkeyPtr key, Bytes certificate, std::vector<Bytes> chain)
      : key_(std::move(key)), certificate_(std::move(certificate)), chain_(std::move(chain)) {}
  const Bytes& certificate() const override { return certificate_; }
  const std::vector<Bytes>& chain() const override { return chain_; }
  core::Result<Bytes> sign(const Bytes& data) override {
    if (!key_) return core::fail(core::Category::refused, "clé à usage unique déjà utilisée : elle a été détruite");
    auto signature = sign_sha256(key_.get(), data, "clé à usage unique");
    key_.reset();  // one signature, then gone
    return signature;
  }

 private:
  EvpPkeyPtr key_;
  Bytes certificate_;
  std::vector<Bytes> chain_;
};

}  // namespace

struct IssuingCa::Impl {
  std::unique_ptr<KeySource> key;
  X509Ptr certificate;
  std::string crl_url;
  std::string ca_url;
  // A throw-away key of the CA's key type, to let OpenSSL write the signature algorithm into
  // a to-be-signed structure; the CA's KeySource then signs its bytes.
  EvpPkeyPtr algorithm_key;
  std::vector<Bytes> chain;

  // Signs `tbs` (DER) with the CA key; `algorithm` is the DER AlgorithmIdentifier.
  core::Result<Bytes> sign_structure(const Bytes& tbs, const Bytes& algorithm) const {
    IPT_TRY(signature, key->sign(tbs));
    return signed_structure(tbs, algorithm, *signature);
  }
};

IssuingCa::IssuingCa(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IssuingCa::~IssuingCa() = default;
IssuingCa::IssuingCa(IssuingCa&&) noexcept = default;
IssuingCa& IssuingCa::operator=(IssuingCa&&) noexcept = default;

const Bytes& IssuingCa::certificate() const { return impl_->key->certificate(); }
const std::vector<Bytes>& IssuingCa::chain() const { return impl_->chain; }

core::Result<IssuingCa> IssuingCa::open(std::unique_ptr<KeySource> key, std::string crl_url, std::string ca_url) {
  IPT_TRY(cert, parse_certificate(key->certificate()));
  if (X509_check_ca(cert->get()) == 0 || (X509_get_key_usage(cert->get()) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) != (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) {
    return core::fail(core::Category::invalid_input,
                      "autorité de certification : le certificat « " + subject_field(cert->get(), NID_commonName) +
                          " » n’est pas celui d’une autorité (basicConstraints CA, keyCertSign et cRLSign attendus)");
  }
  EVP_PKEY* public_key = X509_get0_pubkey(cert->get());
  EvpPkeyPtr algorithm_key;
  if (EVP_PKEY_is_a(public_key, "EC")) {
    char curve[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(public_key, "group", curve, sizeof curve, &length) != 1) {
      return std::unexpected(openssl_error("courbe de la clé"));
    }
    algorithm_key.reset(EVP_EC_gen(curve));
  } else if (EVP_PKEY_is_a(public_key, "RSA")) {
    algorithm_key.reset(EVP_RSA_gen(1024));  // only its type matters: it signs nothing that is kept
  }
  if (!algorithm_key) return core::fail(core::Category::invalid_input, "autorité de certification : clé ni EC ni RSA");
  auto impl = std::make_unique<Impl>();
  impl->chain.push_back(key->certificate());
  for (const auto& c : key->chain()) impl->chain.push_back(c);
  impl->key = std::move(key);
  impl->certificate = *std::move(cert);
  impl->crl_url = std::move(crl_url);
  impl->ca_url = std::move(ca_url);
  impl->algorithm_key = std::move(algorithm_key);
  return IssuingCa(std::move(impl));
}

core::Result<std::unique_ptr<KeySource>> IssuingCa::issue(const CertificateSubject& subject,
                                                          std::chrono::system_clock::time_point now,
                                                          std::chrono::days lifetime) const {
  if (subject.given_name.empty() || subject.surname.empty() || subject.email.empty()) {
    return core::fail(core::Category::invalid_input, "certificat à usage unique : prénom, nom et adresse électronique requis");
  }
  IPT_TRY(key, new_p256_key());
  X509* issuer = impl_->certificate.get();
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return std::unexpected(openssl_error("certificat"));
  IPT_TRY_VOID(set_random_serial(cert.get()));
  set_time(X509_getm_notBefore(cert.get()), now - std::chrono::minutes(5));
  auto end = now + lifetime;
  const auto ca_end = to_time_point(X509_get0_notAfter(issuer));
  end = std::min(end, ca_end);
  set_time(X509_getm_notAfter(cert.get()), end);
  X509_NAME* name = X509_get_subject_name(cert.get());
  IPT_TRY_VOID(add_name(name, "C", "BE"));
  IPT_TRY_VOID(add_name(name, "O", subject.organisation));
  IPT_TRY_VOID(add_name(name, "GN", subject.given_name));
  IPT_TRY_VOID(add_name(name, "SN", subject.surname));
  IPT_TRY_VOID(add_name(name, "CN", subject.given_name + " " + subject.surname));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) != 1 || X509_set_pubkey(cert.get(), key->get()) != 1) {
    return std::unexpected(openssl_error("certificat"));
  }
  IPT_TRY_VOID(add_extension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE"));
  IPT_TRY_VOID(add_extension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,nonRepudiation"));
  IPT_TRY_VOID(add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash"));
  IPT_TRY_VOID(add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always"));
  IPT_TRY_VOID(add_extension(cert.get(), issuer, NID_subject_alt_name, "email:" + subject.email));
  if (!impl_->crl_url.empty()) IPT_TRY_VOID(add_extension(cert.get(), issuer, NID_crl_distribution_points, "URI:" + impl_->crl_url));
  if (!impl_->ca_url.empty()) IPT_TRY_VOID(add_extension(cert.get(), issuer, NID_info_access, "caIssuers;URI:" + impl_->ca_url));
  // OpenSSL writes the algorithm into the to-be-signed part while signing with a key of the
  // CA's type; the CA's own KeySource then signs those bytes.
  if (X509_sign(cert.get(), impl_->algorithm_key.get(), EVP_sha256()) <= 0) return std::unexpected(openssl_error("certificat"));
  const Bytes tbs = encode([&](unsigned char** out) { return i2d_re_X509_tbs(cert.get(), out); });
  const X509_ALGOR* algorithm = nullptr;
  X509_get0_signature(nullptr, &algorithm, cert.get());
  IPT_TRY(der, impl_->sign_structure(tbs, encode([&](unsigned char** out) { return i2d_X509_ALGOR(algorithm, out); })));
  IPT_TRY(issued, parse_certificate(*der));
  if (X509_verify(issued->get(), X509_get0_pubkey(issuer)) != 1) {
    return std::unexpected(openssl_error("le certificat émis ne se vérifie pas avec la clé de l’autorité"));
  }
  return std::unique_ptr<KeySource>(new OneSignatureKey(*std::move(key), *der, impl_->chain));
}

core::Result<Bytes> IssuingCa::crl(std::chrono::system_clock::time_point now, std::chrono::hours validity) const {
  X509* issuer = impl_->certificate.get();
  X509CrlPtr crl(X509_CRL_new());
  Asn1TimePtr this_update(ASN1_TIME_new()), next_update(ASN1_TIME_new());
  if (!crl || !this_update || !next_update) return std::unexpected(openssl_error("liste de révocation"));
  // Dated a minute back, as CAs do: a verifier whose clock lags still finds it in force.
  set_time(this_update.get(), now - std::chrono::minutes(1));
  set_time(next_update.get(), now + validity);
  if (X509_CRL_set_version(crl.get(), 1) != 1 || X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer)) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 || X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
    return std::unexpected(openssl_error("liste de révocation"));
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, nullptr, nullptr, crl.get(), 0);
  X509ExtensionPtr aki(X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  Asn1IntegerPtr number(ASN1_INTEGER_new());
  ASN1_INTEGER_set_int64(number.get(), std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1 || X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1) {
    return std::unexpected(openssl_error("extensions de la liste de révocation"));
  }
  if (X509_CRL_sign(crl.get(), impl_->algorithm_key.get(), EVP_sha256()) <= 0) return std::unexpected(openssl_error("liste de révocation"));
  const Bytes tbs = encode([&](unsigned char** out) { return i2d_re_X509_CRL_tbs(crl.get(), out); });
  const X509_ALGOR* algorithm = nullptr;
  X509_CRL_get0_signature(crl.get(), nullptr, &algorithm);
  return impl_->sign_structure(tbs, encode([&](unsigned char** out) { return i2d_X509_ALGOR(algorithm, out); }));
}

core::Result<void> IssuingCa::create_self_signed(const std::string& name, const std::filesystem::path& p12,
                                                 const std::string& password, std::chrono::system_clock::time_point now) {
  if (name.empty()) return core::fail(core::Category::invalid_input, "autorité de certification : nom requis");
  IPT_TRY(key, new_p256_key());
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return std::unexpected(openssl_error("certificat"));
  IPT_TRY_VOID(set_random_serial(cert.get()));
  set_time(X509_getm_notBefore(cert.get()), now - std::chrono::hours(1));
  set_time(X509_getm_notAfter(cert.get()), now + std::chrono::days(3650));
  X509_NAME* subject = X509_get_subject_name(cert.get());
  IPT_TRY_VOID(add_name(subject, "C", "BE"));
  IPT_TRY_VOID(add_name(subject, "O", name));
  IPT_TRY_VOID(add_name(subject, "CN", name + " – autorité de signature"));
  if (X509_set_issuer_name(cert.get(), subject) != 1 || X509_set_pubkey(cert.get(), key->get()) != 1) {
    return std::unexpected(openssl_error("certificat"));
  }
  IPT_TRY_VOID(add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  IPT_TRY_VOID(add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  IPT_TRY_VOID(add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), key->get(), EVP_sha256()) <= 0) return std::unexpected(openssl_error("certificat"));
  Handle<PKCS12, PKCS12_free> bundle(PKCS12_create(password.c_str(), name.c_str(), key->get(), cert.get(), nullptr,
                                                   NID_aes_256_cbc, NID_aes_256_cbc, 100000, 100000, 0));
  if (!bundle) return std::unexpected(openssl_error("PKCS#12"));
  const Bytes der = encode([&](unsigned char** out) { return i2d_PKCS12(bundle.get(), out); });
  return core::write_file_atomically(p12, as_text(der));  // owner only, from its creation
}

}  // namespace ipt::signing
