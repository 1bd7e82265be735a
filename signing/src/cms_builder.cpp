#include "cms_builder.hpp"

#include <algorithm>

namespace ipt::signing::detail {

namespace {

void append_der_length(Bytes& out, size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<unsigned char>(length));
    return;
  }
  Bytes digits;
  for (size_t n = length; n > 0; n >>= 8) digits.insert(digits.begin(), static_cast<unsigned char>(n & 0xFF));
  out.push_back(static_cast<unsigned char>(0x80 | digits.size()));
  out.insert(out.end(), digits.begin(), digits.end());
}

// DER SET OF: the elements' encodings sorted as octet strings (X.690 11.6).
Bytes der_set_of(std::vector<Bytes> elements) {
  std::sort(elements.begin(), elements.end());
  size_t total = 0;
  for (const auto& e : elements) total += e.size();
  Bytes out{0x31};
  append_der_length(out, total);
  for (const auto& e : elements) out.insert(out.end(), e.begin(), e.end());
  return out;
}

}  // namespace

Bytes signature_value_of(CMS_SignerInfo* signer) {
  ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(signer);
  return Bytes(ASN1_STRING_get0_data(value), ASN1_STRING_get0_data(value) + ASN1_STRING_length(value));
}

core::Result<std::vector<X509Ptr>> parse_certificates(const std::vector<Bytes>& chain) {
  std::vector<X509Ptr> out;
  out.reserve(chain.size());
  for (const auto& der : chain) {
    IPT_TRY(c, parse_certificate(der));
    out.push_back(*std::move(c));
  }
  return out;
}

core::Result<CmsSkeleton> build_cms(const Bytes& document_digest, const Bytes& certificate,
                                    const std::vector<Bytes>& chain) {
  IPT_TRY(cert, parse_certificate(certificate));
  IPT_TRY(parsed_chain, parse_certificates(chain));
  return build_cms(document_digest, cert->get(), *parsed_chain);
}

core::Result<CmsSkeleton> build_cms(const Bytes& document_digest, X509* cert, const std::vector<X509Ptr>& chain) {
  CmsSkeleton skeleton;
  skeleton.cms.reset(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_PARTIAL | CMS_DETACHED | CMS_BINARY));
  if (!skeleton.cms) return core::fail("CMS : création impossible (" + openssl_errors() + ")");
  CMS_set_detached(skeleton.cms.get(), 1);
  // Only the public key is needed to set the algorithms; the private key signs elsewhere.
  EVP_PKEY* public_key = X509_get0_pubkey(cert);
  skeleton.signer = CMS_add1_signer(skeleton.cms.get(), cert, public_key, EVP_sha256(),
                                    CMS_PARTIAL | CMS_BINARY | CMS_CADES | CMS_NOSMIMECAP);
  if (!skeleton.signer) return core::fail("CMS : signataire refusé (" + openssl_errors() + ")");
  if (CMS_signed_add1_attr_by_NID(skeleton.signer, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                  OBJ_nid2obj(NID_pkcs7_data), -1) != 1 ||
      CMS_signed_add1_attr_by_NID(skeleton.signer, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
                                  document_digest.data(), static_cast<int>(document_digest.size())) != 1) {
    return core::fail("CMS : attributs signés impossibles (" + openssl_errors() + ")");
  }
  for (const auto& c : chain) {
    if (CMS_add1_cert(skeleton.cms.get(), c.get()) != 1) return core::fail("CMS : chaîne refusée (" + openssl_errors() + ")");
  }
  std::vector<Bytes> attributes;
  for (int i = 0; i < CMS_signed_get_attr_count(skeleton.signer); ++i) {
    unsigned char* der = nullptr;
    const int n = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(skeleton.signer, i), &der);
    if (n <= 0) return core::fail("CMS : encodage impossible (" + openssl_errors() + ")");
    attributes.emplace_back(der, der + n);
    OPENSSL_free(der);
  }
  skeleton.signed_attributes = der_set_of(std::move(attributes));
  return skeleton;
}

core::Result<Bytes> finish_cms(CmsSkeleton& skeleton, const Bytes& signature_value,
                               const std::optional<Bytes>& timestamp_token) {
  // A wrong value (another key, other data) is caught here rather than by the verifier.
  X509* cert = nullptr;
  CMS_SignerInfo_get0_algs(skeleton.signer, nullptr, &cert, nullptr, nullptr);
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!cert || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, X509_get0_pubkey(cert)) != 1 ||
      EVP_DigestVerify(ctx.get(), signature_value.data(), signature_value.size(), skeleton.signed_attributes.data(),
                       skeleton.signed_attributes.size()) != 1) {
    ERR_clear_error();
    return core::fail(core::Category::invalid_input, "la valeur de signature ne correspond pas au certificat ou aux données à signer");
  }
  ASN1_STRING_set(CMS_SignerInfo_get0_signature(skeleton.signer), signature_value.data(),
                  static_cast<int>(signature_value.size()));
  if (timestamp_token) {
    if (CMS_unsigned_add1_attr_by_NID(skeleton.signer, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
                                      timestamp_token->data(), static_cast<int>(timestamp_token->size())) != 1) {
      return core::fail("CMS : horodatage impossible à joindre (" + openssl_errors() + ")");
    }
  }
  unsigned char* der = nullptr;
  const int n = i2d_CMS_ContentInfo(skeleton.cms.get(), &der);
  if (n <= 0) return core::fail("CMS : encodage impossible (" + openssl_errors() + ")");
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

}  // namespace ipt::signing::detail
