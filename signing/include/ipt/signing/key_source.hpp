#pragma once
// Where a signer's key lives: a PKCS#12 file, a PKCS#11 token (Belgian eID, HSM), or
// outside this process (a remote signer, see pades.hpp's two-step signing).
//
// A KeySource gives the signing certificate and its chain, and signs data with SHA-256.
// It never hands out the private key.
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <variant>
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

// Where a password or PIN comes from. Never a command-line argument: a file (its first
// line), an environment variable, or, for tests, benchmarks and the demo, a value in memory.
struct SecretSource {
  enum class Kind { file, environment, value };
  Kind kind = Kind::file;
  std::string text{};  // the file's path, the variable's name, or the secret itself

  static SecretSource from_file(std::string path) { return {Kind::file, std::move(path)}; }
  static SecretSource from_environment(std::string name) { return {Kind::environment, std::move(name)}; }
  static SecretSource given(std::string secret) { return {Kind::value, std::move(secret)}; }
};
core::Result<std::string> read_secret(const SecretSource& source);

// A key described by where it lives; open_key_source() is the one place that turns a
// description into a KeySource (add a kind of key here, e.g. a remote signer's proxy).
struct Pkcs12Key {
  std::filesystem::path path;
  SecretSource password;
};
struct Pkcs11Key {
  Pkcs11Location location;  // module and token required: there is no default module
  SecretSource pin;
};
using KeyDescription = std::variant<Pkcs12Key, Pkcs11Key>;

// Reads the secret, then opens the key. Fails with Category::invalid_input when the
// description is incomplete (no PKCS#11 module or token), Category::refused for a wrong
// password or PIN, Category::not_found for a missing file, token or key.
core::Result<std::unique_ptr<KeySource>> open_key_source(const KeyDescription& description);

}  // namespace ipt::signing
