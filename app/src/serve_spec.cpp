#include "serve_spec.hpp"

#include "common.hpp"
#include "mail_common.hpp"

namespace ipt::app {

CommandSpec serve_spec() {
  return {"serve", "ipt serve [--ecoute ADRESSE:PORT] [--config ipt.conf] [--db FICHIER]",
          "le portail de signature à distance (et l’envoi des courriels)",
          "Sert les pages où chaque signataire ouvre son lien, lit les documents, confirme son\n"
          "identité par un code reçu par courriel, remplit sa partie et signe, ou refuse en écrivant\n"
          "sa raison. Publie le certificat et la liste de révocation de l’autorité de signature du\n"
          "pôle (/ac/certificat, /ac/crl) et envoie la file d’envoi en continu. Écoute sur\n"
          "127.0.0.1:8783 par défaut ([portail] ecoute) ; HTTPS avec certificat_tls et cle_tls ;\n"
          "derrière un proxy inverse, déclarez son adresse ([portail] proxy). Arrêt : Ctrl-C.\n"
          "Le portail est le programme ipt-serve, installé à côté d’ipt.",
          {{"--ecoute", "ADRESSE:PORT", "où écouter (défaut : [portail] ecoute, sinon 127.0.0.1:8783)"},
           config_option(),
           database_option()},
          0,
          0};
}

}  // namespace ipt::app
