#include "key_options.hpp"

namespace ipt::app {

core::Result<signing::KeyDescription> key_description(const Arguments& args) {
  if (!args.value("--p12") && !args.value("--token")) {
    return core::fail(core::Category::invalid_input, "donnez la clé : --p12 FICHIER ou --token LIBELLÉ (PKCS#11)");
  }
  const auto file = args.value("--password-file").value_or(args.value("--pin-file").value_or(""));
  const auto environment = args.value("--password-env").value_or(args.value("--pin-env").value_or(""));
  if (file.empty() == environment.empty()) {
    return core::fail(core::Category::invalid_input,
                      "donnez le secret par un fichier ou par une variable d'environnement (un seul des deux)");
  }
  const auto secret = file.empty() ? signing::SecretSource::from_environment(environment)
                                   : signing::SecretSource::from_file(file);
  if (const auto p12 = args.value("--p12")) return signing::Pkcs12Key{*p12, secret};
  return signing::Pkcs11Key{
      {args.value("--pkcs11-module").value_or(""), *args.value("--token"), args.value("--key").value_or("")}, secret};
}

}  // namespace ipt::app
