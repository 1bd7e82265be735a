#include "openssl_util.hpp"

#include <mutex>
#include <string>
#include <unordered_map>

#include <openssl/asn1.h>

#include "signed_data_certificates.hpp"

namespace ipt::signing::detail {

std::string openssl_errors() {
  std::string text;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += " ; ";
    text += buffer;
  }
  return text.empty() ? "erreur OpenSSL inconnue" : text;
}

Bytes der_of(X509* cert) {
  unsigned char* out = nullptr;
  const int n = i2d_X509(cert, &out);
  if (n <= 0) return {};
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

std::string certificates_key(STACK_OF(X509)* untrusted, const std::vector<X509Ptr>& anchors) {
  std::string key;
  for (int i = 0; untrusted && i < sk_X509_num(untrusted); ++i) key += ":" + to_hex(sha256(der_of(sk_X509_value(untrusted, i))));
  key += "|";
  for (const auto& a : anchors) key += ":" + to_hex(sha256(der_of(a.get())));
  return key;
}

// Decoding a certificate is costly in OpenSSL 3.0 (its public key goes through the provider
// decoders, about 0.1 ms): the same certificates (a signer's chain, the trust anchors, a
// TSA's) come back with every signature, so this process keeps the ones it decoded, shared
// by reference count. Bounded: cleared when full.
namespace {

// The process's decoded certificates, by DER.
struct DecodedCertificates {
  std::mutex mutex;
  std::unordered_map<std::string, X509Ptr> by_der;
  static constexpr size_t capacity = 512;

  void put(std::string der, X509* cert) {
    std::lock_guard lock(mutex);
    if (by_der.size() >= capacity) by_der.clear();
    X509_up_ref(cert);
    by_der.insert_or_assign(std::move(der), X509Ptr(cert));
  }
};

DecodedCertificates& decoded_certificates() {
  // Never destroyed: freeing certificates after OpenSSL's own clean-up at exit would crash.
  static auto& decoded = *new DecodedCertificates();
  return decoded;
}

}  // namespace

core::Result<X509Ptr> parse_certificate(const Bytes& der) {
  auto& decoded = decoded_certificates();
  std::string key(der.begin(), der.end());
  {
    std::lock_guard lock(decoded.mutex);
    if (auto it = decoded.by_der.find(key); it != decoded.by_der.end()) {
      X509_up_ref(it->second.get());
      return X509Ptr(it->second.get());
    }
  }
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return core::fail(core::Category::invalid_input, "certificat illisible (" + openssl_errors() + ")");
  decoded.put(std::move(key), cert.get());
  return cert;
}

void remember_certificate(X509* cert) {
  const Bytes der = der_of(cert);
  decoded_certificates().put(std::string(der.begin(), der.end()), cert);
}

namespace {

// The structure decoded without its certificates, which are then added back from the cache
// of parsed ones (signed_data_certificates.hpp); nothing when that fails, and the caller
// decodes the whole. `add` adds one certificate to the structure.
template <typename Structure, typename Decode, typename Add>
Structure decoded_with_cached_certificates(const SplitSignedData& split, Decode decode, Add add) {
  std::vector<X509Ptr> certificates;
  for (const auto& c : split.certificates) {
    auto parsed = parse_certificate(c);
    if (!parsed) return Structure();
    certificates.push_back(std::move(*parsed));
  }
  const unsigned char* p = split.without_certificates.data();
  Structure structure(decode(nullptr, &p, static_cast<long>(split.without_certificates.size())));
  for (const auto& c : certificates) {
    if (structure && add(structure.get(), c.get()) != 1) structure.reset();
  }
  ERR_clear_error();
  return structure;
}

}  // namespace

core::Result<PKCS7Ptr> parse_pkcs7(const Bytes& der) {
  if (const auto split = split_certificates(der)) {
    if (PKCS7Ptr token = decoded_with_cached_certificates<PKCS7Ptr>(*split, d2i_PKCS7, PKCS7_add_certificate)) return token;
  }
  PKCS7Ptr token;
  const unsigned char* p = der.data();
  token.reset(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  if (!token) return core::fail(core::Category::invalid_input, "structure PKCS#7 illisible (" + openssl_errors() + ")");
  return token;
}

core::Result<OcspBasicPtr> parse_ocsp_basic(const Bytes& der) {
  if (const auto split = split_ocsp_certificates(der)) {
    OcspBasicPtr basic = decoded_with_cached_certificates<OcspBasicPtr>(*split, d2i_OCSP_BASICRESP, OCSP_basic_add1_cert);
    if (basic) return basic;
  }
  const unsigned char* p = der.data();
  OcspRespPtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  if (!response || OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    ERR_clear_error();
    return core::fail(core::Category::invalid_input, "réponse OCSP refusée ou illisible");
  }
  OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
  if (!basic) return core::fail(core::Category::invalid_input, "réponse OCSP illisible (" + openssl_errors() + ")");
  return basic;
}

core::Result<CmsPtr> parse_cms(const Bytes& der) {
  if (const auto split = split_certificates(der)) {
    if (CmsPtr cms = decoded_with_cached_certificates<CmsPtr>(*split, d2i_CMS_ContentInfo, CMS_add1_cert)) return cms;
  }
  const unsigned char* p = der.data();
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  if (!cms) return core::fail(core::Category::invalid_input, "structure CMS illisible (" + openssl_errors() + ")");
  return cms;
}

Bytes sha256(const unsigned char* data, size_t size) {
  Bytes digest(32);
  unsigned int n = 0;
  EVP_Digest(data, size, digest.data(), &n, EVP_sha256(), nullptr);
  return digest;
}

core::Result<Bytes> sign_sha256(EVP_PKEY* key, const Bytes& data, const std::string& who) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  // No engine: a token's EVP_PKEY (libp11) carries its own methods.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data.data(), data.size()) != 1) {
    return core::fail(who + " : signature impossible (" + openssl_errors() + ")");
  }
  Bytes signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, data.data(), data.size()) != 1) {
    return core::fail(who + " : signature impossible (" + openssl_errors() + ")");
  }
  signature.resize(length);
  return signature;
}

std::string subject_field(X509* cert, int nid) {
  X509_NAME* name = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace ipt::signing::detail
