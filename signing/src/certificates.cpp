#include "ipt/signing/certificates.hpp"

#include <openssl/pem.h>

#include "openssl_util.hpp"

namespace ipt::signing {

using namespace detail;

core::Result<std::vector<Bytes>> load_certificates(const std::filesystem::path& path) {
  IPT_TRY(bytes, read_file(path, 8u << 20));
  std::vector<Bytes> out;
  BioPtr bio(BIO_new_mem_buf(bytes->data(), static_cast<int>(bytes->size())));
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    out.push_back(der_of(cert));
    X509_free(cert);
  }
  ERR_clear_error();
  if (out.empty()) {
    if (auto der = parse_certificate(*bytes)) out.push_back(der_of(der->get()));
    ERR_clear_error();
  }
  if (out.empty()) return core::fail(core::Category::invalid_input, path.string() + " : aucun certificat (PEM ou DER) dans ce fichier");
  return out;
}

std::string certificate_subject(const Bytes& der) {
  auto cert = parse_certificate(der);
  if (!cert) return "certificat illisible";
  std::string cn = subject_field(cert->get(), NID_commonName);
  const std::string o = subject_field(cert->get(), NID_organizationName);
  return o.empty() ? cn : cn + " (" + o + ")";
}

namespace {

std::string one_line(X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

core::Result<CertificateIdentity> describe_certificate(const Bytes& der) {
  IPT_TRY(cert, parse_certificate(der));
  X509* c = cert->get();
  CertificateIdentity id;
  id.common_name = subject_field(c, NID_commonName);
  id.given_name = subject_field(c, NID_givenName);
  id.surname = subject_field(c, NID_surname);
  id.organisation = subject_field(c, NID_organizationName);
  if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(c, NID_subject_alt_name, nullptr, nullptr))) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
      if (n->type != GEN_EMAIL) continue;
      const ASN1_IA5STRING* s = n->d.rfc822Name;
      id.emails.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
    }
    GENERAL_NAMES_free(names);
  }
  if (const std::string e = subject_field(c, NID_pkcs9_emailAddress); !e.empty()) id.emails.push_back(e);
  id.subject = one_line(X509_get_subject_name(c));
  id.issuer = one_line(X509_get_issuer_name(c));
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), nullptr)) {
    char* hex = BN_bn2hex(bn);
    id.serial = hex ? hex : "";
    OPENSSL_free(hex);
    BN_free(bn);
  }
  id.sha256 = to_hex(sha256(der));
  ERR_clear_error();
  return id;
}

}  // namespace ipt::signing
