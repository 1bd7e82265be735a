#pragma once
// Where a signer's key lives: a PKCS#12 file, a PKCS#11 token (Belgian eID, HSM), or
// outside this process (a remote signer, see pades.hpp's two-step signing).
//
// A KeySource gives the signing certificate and its chain, and signs data with SHA-256.
// It never hands out the private key.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing {

class KeySource {
 public:
  virtual ~KeySource() = default;
  // DER of the signing certificate.
  virtual const Bytes& certificate() const = 0;
  // DER of the intermediate certificates, issuer first; may be empty.
  virtual const std::vector<Bytes>& chain() const = 0;
  // The signature value over `data` (hashed with SHA-256 by the key's own mechanism):
  // PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value for EC. Fails with a French reason.
  virtual core::Result<Bytes> sign(const Bytes& data) = 0;
};

// Reads a PKCS#12 file. A wrong password is its own error ("mot de passe incorrect").
core::Result<std::unique_ptr<KeySource>> load_pkcs12(const std::filesystem::path& path,
                                                     const std::string& password);

struct Pkcs11Location {
  std::filesystem::path module;  // e.g. /usr/lib/softhsm/libsofthsm2.so
  std::string token_label;       // the token is found by label, never by slot number
  std::string key_label;         // certificate and private key share this label; empty: the first key
};

// Logs in to a PKCS#11 token with `pin` and finds the key and its certificate.
core::Result<std::unique_ptr<KeySource>> open_pkcs11(const Pkcs11Location& location,
                                                     const std::string& pin);

// Reads a secret for a key source without putting it on a command line: from a file (first
// line) or from an environment variable. Exactly one of the two must be given.
core::Result<std::string> read_secret(const std::string& file, const std::string& environment_variable);

}  // namespace ipt::signing
