// The one place where a key description becomes a KeySource.
#include "ipt/signing/key_source.hpp"

namespace ipt::signing {

core::Result<std::string> read_secret(const SecretSource& source) {
  switch (source.kind) {
    case SecretSource::Kind::file: return read_secret(source.text, "");
    case SecretSource::Kind::environment: return read_secret("", source.text);
    case SecretSource::Kind::value: return source.text;
  }
  return core::fail("source de secret inconnue");
}

core::Result<std::unique_ptr<KeySource>> open_key_source(const KeyDescription& description) {
  if (const auto* p12 = std::get_if<Pkcs12Key>(&description)) {
    IPT_TRY(password, read_secret(p12->password));
    return load_pkcs12(p12->path, *password);
  }
  const auto& token = std::get<Pkcs11Key>(description);
  if (token.location.module.empty()) {
    return core::fail(core::Category::invalid_input, "jeton PKCS#11 : module non précisé (--pkcs11-module MODULE.so)");
  }
  if (token.location.token_label.empty()) {
    return core::fail(core::Category::invalid_input, "jeton PKCS#11 : libellé du jeton non précisé (--token LIBELLÉ)");
  }
  IPT_TRY(pin, read_secret(token.pin));
  return open_pkcs11(token.location, *pin);
}

}  // namespace ipt::signing
