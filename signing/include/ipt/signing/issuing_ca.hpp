#pragma once
// The pole's issuing CA: for a signatory who has no certificate of their own (a parent, a
// director without an eID reader), it makes a certificate in their name for one signature.
// The key is made in memory, signs once, and is destroyed with the KeySource that holds it:
// it is never written anywhere. The CA's own key stays in its KeySource (a PKCS#12 file or a
// PKCS#11 token): certificates and CRLs are signed through KeySource::sign, never by
// reading the CA's private key.
//
// Each certificate points at the CA's CRL (crl_url) and its certificate (ca_url), both
// published by `ipt serve`; the CRL is what the signing round embeds in the document's DSS
// when it extends the document to B-LTA.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/signing/key_source.hpp"

namespace ipt::signing {

// Whom a certificate names: CN "given surname", givenName, surname, O, and the e-mail in
// subjectAltName.
struct CertificateSubject {
  std::string given_name;
  std::string surname;
  std::string email;
  std::string organisation;  // empty for a person signing for themself (a parent)
};

class IssuingCa {
 public:
  // `key` must hold a CA certificate (basicConstraints CA, keyCertSign and cRLSign).
  static core::Result<IssuingCa> open(std::unique_ptr<KeySource> key, std::string crl_url, std::string ca_url);
  ~IssuingCa();
  IssuingCa(IssuingCa&&) noexcept;
  IssuingCa& operator=(IssuingCa&&) noexcept;

  // A new P-256 key and a certificate for `subject` (digitalSignature and nonRepudiation,
  // valid `lifetime` from a few minutes before `now`, never past the CA's own end).
  core::Result<std::unique_ptr<KeySource>> issue(const CertificateSubject& subject,
                                                 std::chrono::system_clock::time_point now,
                                                 std::chrono::days lifetime = std::chrono::days(3 * 365)) const;

  // The CA's CRL, signed now, valid `validity`; it lists no certificate (each key is
  // destroyed after its one signature, so there is nothing to revoke).
  core::Result<Bytes> crl(std::chrono::system_clock::time_point now,
                          std::chrono::hours validity = std::chrono::hours(7 * 24)) const;

  const Bytes& certificate() const;            // DER of the CA's certificate
  const std::vector<Bytes>& chain() const;     // the CA's own issuers, if any

  // A self-signed issuing CA for a pole (P-256, 10 years), written as a PKCS#12 file
  // readable by its owner only, protected by `password`. For `ipt ca create`.
  static core::Result<void> create_self_signed(const std::string& name, const std::filesystem::path& p12,
                                               const std::string& password, std::chrono::system_clock::time_point now);

 private:
  struct Impl;
  explicit IssuingCa(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipt::signing
