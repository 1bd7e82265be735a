#include <openssl/pkcs12.h>

#include <cstdlib>
#include <fstream>

#include "ipt/signing/key_source.hpp"
#include "openssl_util.hpp"
#include "pkcs12_contents.hpp"

namespace ipt::signing {

namespace {

using namespace detail;

class Pkcs12KeySource final : public KeySource {
 public:
  Pkcs12KeySource(EvpPkeyPtr key, Bytes certificate, std::vector<Bytes> chain)
      : key_(std::move(key)), certificate_(std::move(certificate)), chain_(std::move(chain)) {}

  const Bytes& certificate() const override { return certificate_; }
  const std::vector<Bytes>& chain() const override { return chain_; }

  core::Result<Bytes> sign(const Bytes& data) override { return sign_sha256(key_.get(), data, "clé PKCS#12"); }

 private:
  EvpPkeyPtr key_;
  Bytes certificate_;
  std::vector<Bytes> chain_;
};

}  // namespace

core::Result<std::unique_ptr<KeySource>> load_pkcs12(const std::filesystem::path& path,
                                                     const std::string& password) {
  IPT_TRY(bytes, read_file(path, 1u << 20));
  const unsigned char* p = bytes->data();
  Handle<PKCS12, PKCS12_free> p12(d2i_PKCS12(nullptr, &p, static_cast<long>(bytes->size())));
  if (!p12) return core::fail(core::Category::invalid_input, path.string() + " : fichier PKCS#12 illisible");
  // The MAC is always checked, and a file without one refused: it tells a wrong password
  // from a damaged file before anything is decrypted. pkcs12_contents.cpp checks an
  // HMAC-SHA-256 MAC and reads safes that use PBES2 with PBKDF2-HMAC-SHA-256 and AES, its
  // key derivations side by side and each from prepared SHA-256 states (a third of
  // OpenSSL's time for each); PKCS12_parse reads anything else (and checks the MAC again:
  // the uncommon case). An empty password goes to PKCS12_parse, which also tries "no
  // password".
  if (!PKCS12_mac_present(p12.get())) return core::fail(core::Category::refused, path.string() + " : mot de passe incorrect");
  auto reading = password.empty() ? Pkcs12Reading{} : read_pkcs12(*bytes, p12.get(), password);
  // A MAC that holds here holds; one that does not is asked of OpenSSL too, so that a file
  // this reader would misread is never refused as a wrong password.
  if (!reading.mac_holds || !*reading.mac_holds) {
    const bool ok = PKCS12_verify_mac(p12.get(), password.c_str(), static_cast<int>(password.size())) == 1;
    ERR_clear_error();
    if (!ok) return core::fail(core::Category::refused, path.string() + " : mot de passe incorrect");
  }
  EvpPkeyPtr key_holder;
  X509Ptr cert_holder;
  std::vector<X509Ptr> others;
  auto& contents = reading.contents;
  if (contents) {
    if (!*contents) return std::unexpected((*contents).error().with_context(path.string()));
    key_holder = std::move((*contents)->key);
    cert_holder = std::move((*contents)->certificate);
    others = std::move((*contents)->chain);
  } else {
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    if (PKCS12_parse(p12.get(), password.c_str(), &key, &cert, &ca) != 1) {
      return core::fail(core::Category::invalid_input,
                        path.string() + " : lecture du PKCS#12 impossible (" + openssl_errors() + ")");
    }
    key_holder.reset(key);
    cert_holder.reset(cert);
    X509StackPtr ca_holder(ca);
    while (ca && sk_X509_num(ca) > 0) others.emplace_back(sk_X509_shift(ca));
  }
  EVP_PKEY* key = key_holder.get();
  X509* cert = cert_holder.get();
  if (!key || !cert) return core::fail(core::Category::invalid_input, path.string() + " : le PKCS#12 ne contient pas de clé et de certificat");
  if (X509_check_private_key(cert, key) != 1) {
    ERR_clear_error();
    return core::fail(core::Category::invalid_input, path.string() + " : la clé ne correspond pas au certificat");
  }
  std::vector<Bytes> chain;
  for (const auto& c : others) chain.push_back(der_of(c.get()));
  return std::make_unique<Pkcs12KeySource>(std::move(key_holder), der_of(cert), std::move(chain));
}

core::Result<std::string> read_secret(const std::string& file, const std::string& environment_variable) {
  if (file.empty() == environment_variable.empty()) {
    return core::fail(core::Category::invalid_input, "donnez le secret par un fichier ou par une variable d’environnement (un seul des deux)");
  }
  if (!environment_variable.empty()) {
    const char* value = std::getenv(environment_variable.c_str());
    if (!value) return core::fail(core::Category::not_found, "variable d’environnement " + environment_variable + " absente");
    return std::string(value);
  }
  std::ifstream in(file);
  if (!in) return core::fail(core::Category::not_found, file + " : fichier de mot de passe illisible");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace ipt::signing
