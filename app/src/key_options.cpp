#include "key_options.hpp"

namespace ipt::app {

std::vector<OptionSpec> key_options() {
  return {{"--p12", "FICHIER", "clé et certificat PKCS#12"},
          {"--password-file", "FICHIER", "mot de passe du PKCS#12 (première ligne du fichier)"},
          {"--password-env", "VARIABLE", "mot de passe du PKCS#12 dans une variable d’environnement"},
          {"--token", "LIBELLÉ", "jeton PKCS#11 (carte eID, HSM) désigné par son libellé"},
          {"--pkcs11-module", "FICHIER", "module PKCS#11 du jeton (obligatoire avec --token)"},
          {"--key", "LIBELLÉ", "libellé de la clé sur le jeton"},
          {"--pin-file", "FICHIER", "PIN du jeton (première ligne du fichier)"},
          {"--pin-env", "VARIABLE", "PIN du jeton dans une variable d’environnement"}};
}

core::Result<signing::KeyDescription> key_description(const Arguments& args) {
  if (!args.value("--p12") && !args.value("--token")) {
    return core::fail(core::Category::invalid_input, "donnez la clé : --p12 FICHIER ou --token LIBELLÉ (PKCS#11)");
  }
  const auto file = args.value("--password-file").value_or(args.value("--pin-file").value_or(""));
  const auto environment = args.value("--password-env").value_or(args.value("--pin-env").value_or(""));
  if (file.empty() == environment.empty()) {
    return core::fail(core::Category::invalid_input,
                      "donnez le secret par un fichier ou par une variable d’environnement (un seul des deux)");
  }
  const auto secret = file.empty() ? signing::SecretSource::from_environment(environment)
                                   : signing::SecretSource::from_file(file);
  if (const auto p12 = args.value("--p12")) return signing::Pkcs12Key{*p12, secret};
  return signing::Pkcs11Key{
      {args.value("--pkcs11-module").value_or(""), *args.value("--token"), args.value("--key").value_or("")}, secret};
}

}  // namespace ipt::app
