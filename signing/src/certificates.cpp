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

}  // namespace ipt::signing
