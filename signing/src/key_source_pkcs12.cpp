#include <openssl/pkcs12.h>

#include <cstdlib>
#include <fstream>

#include "ipt/signing/key_source.hpp"
#include "openssl_util.hpp"

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
  const auto mac_verifies = [&] {
    const bool ok = PKCS12_verify_mac(p12.get(), password.c_str(), static_cast<int>(password.size())) == 1;
    ERR_clear_error();
    return ok;
  };
  // The MAC is always checked, and a file without one refused. With a non-empty password,
  // PKCS12_parse checks the MAC itself: checking it beforehand too would derive the MAC key
  // twice (10,000 iterations in localpki's files, about a quarter of the opening's cost), so
  // it is checked alone only when parsing fails, to tell a wrong password from a damaged
  // file. An empty password keeps the check first (PKCS12_parse would also try "no password").
  if (!PKCS12_mac_present(p12.get()) || (password.empty() && !mac_verifies())) {
    return core::fail(core::Category::refused, path.string() + " : mot de passe incorrect");
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  if (PKCS12_parse(p12.get(), password.c_str(), &key, &cert, &ca) != 1) {
    const std::string reason = openssl_errors();
    if (!mac_verifies()) return core::fail(core::Category::refused, path.string() + " : mot de passe incorrect");
    return core::fail(core::Category::invalid_input, path.string() + " : lecture du PKCS#12 impossible (" + reason + ")");
  }
  EvpPkeyPtr key_holder(key);
  X509Ptr cert_holder(cert);
  X509StackPtr ca_holder(ca);
  if (!key || !cert) return core::fail(core::Category::invalid_input, path.string() + " : le PKCS#12 ne contient pas de clé et de certificat");
  if (X509_check_private_key(cert, key) != 1) {
    ERR_clear_error();
    return core::fail(core::Category::invalid_input, path.string() + " : la clé ne correspond pas au certificat");
  }
  std::vector<Bytes> chain;
  for (int i = 0; ca && i < sk_X509_num(ca); ++i) chain.push_back(der_of(sk_X509_value(ca, i)));
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
