#pragma once
// Certificates read from files, for trust anchors and for two-step signing.
#include <filesystem>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing {

// Every certificate of a PEM file (or one DER certificate), as DER. Fails when the file
// holds none.
core::Result<std::vector<Bytes>> load_certificates(const std::filesystem::path& path);

// "CN=Marie Lambert, O=Pôle territorial de Liège-Centre" → the CN and O, for messages.
std::string certificate_subject(const Bytes& der);

// What names a certificate's holder and identifies the certificate: for the identity check
// of a signature and its audit entry. A Belgian eID signing certificate names its holder in
// givenName (all first names) and surname, its CN being "Prénom Nom (Signature)".
struct CertificateIdentity {
  std::string common_name;
  std::string given_name;
  std::string surname;
  std::string organisation;
  std::vector<std::string> emails;  // subjectAltName rfc822Name entries, then emailAddress
  std::string subject;              // one line, RFC 2253
  std::string issuer;
  std::string serial;               // hexadecimal
  std::string sha256;               // of the DER, lower-case hexadecimal
};
core::Result<CertificateIdentity> describe_certificate(const Bytes& der);

}  // namespace ipt::signing
