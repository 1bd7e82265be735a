// ipt ca create --name NOM --out AC.p12 (--password-file F | --password-env VAR): the pole's
// issuing CA, which makes the signer portal's one-signature certificates.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"
#include "ipt/signing/issuing_ca.hpp"
#include "ipt/signing/key_source.hpp"

namespace ipt::app {

namespace {

int run_create(const Arguments& args, Io& io) {
  const auto name = args.value("--name");
  const auto out = args.value("--out");
  if (!name || !out) {
    io.err << "ipt ca create : --name NOM et --out FICHIER.p12 sont obligatoires\n";
    return exit_bad_input;
  }
  if (std::filesystem::exists(*out)) {
    io.err << "ipt ca create : " << *out << " existe déjà : une autorité n’est jamais remplacée par erreur\n";
    return exit_bad_input;
  }
  auto password = signing::read_secret(args.value("--password-file").value_or(""), args.value("--password-env").value_or(""));
  if (!password) return report_failure(io, "ca create", password.error());
  if (password->size() < 12) {
    io.err << "ipt ca create : mot de passe trop court (12 caractères au moins) : il protège la clé de l’autorité\n";
    return exit_bad_input;
  }
  auto made = signing::IssuingCa::create_self_signed(*name, *out, *password, std::chrono::system_clock::now());
  if (!made) return report_failure(io, "ca create", made.error());
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"fichier", *out}}.dump(2) << "\n";
  } else {
    io.out << "autorité de signature créée : " << *out << " (P-256, 10 ans, lisible par vous seul)\n"
           << "déclarez-la dans ipt.conf : [signature] issuing_ca = p12 " << *out << " ; password-file=…\n"
           << "et donnez son certificat aux vérificateurs comme racine de confiance.\n";
  }
  return exit_ok;
}

}  // namespace

Command ca_create_command() {
  return {{"ca create", "ipt ca create --name NOM --out AC.p12 (--password-file F | --password-env VAR) [--json]",
           "crée l’autorité de signature du pôle (certificats à usage unique du portail)",
           "Une autorité auto-signée au nom du pôle (clé P-256, 10 ans), dans un PKCS#12 protégé par\n"
           "le mot de passe et lisible par son propriétaire seul. Le portail s’en sert pour faire, à\n"
           "chaque signataire sans certificat, un certificat à son nom pour une signature : la clé est\n"
           "faite en mémoire, signe une fois et est détruite.",
           {{"--name", "NOM", "nom du pôle, tel que les certificats le porteront"},
            {"--out", "FICHIER", "le PKCS#12 à écrire (jamais remplacé)"},
            {"--password-file", "FICHIER", "mot de passe (première ligne du fichier)"},
            {"--password-env", "VARIABLE", "mot de passe dans une variable d’environnement"},
            {"--json", "", "sortie JSON pour un programme"}},
           0, 0},
          run_create};
}

}  // namespace ipt::app
