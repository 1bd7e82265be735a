// ipt extend REFERENCE: a new archive timestamp on each complete document of a dossier.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"
#include "mail_common.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/signing/timestamp_client.hpp"
#include "ipt/templates/renderer.hpp"

namespace ipt::app {

namespace {

int run(const Arguments& args, Io& io) {
  const std::string reference = args.positionals()[0];
  auto config = read_signing_config(args);
  if (!config) return report_failure(io, "extend", assume_category(config.error(), core::Category::invalid_input));
  auto extra = read_trust(args);
  if (!extra) return report_failure(io, "extend", assume_category(extra.error(), core::Category::invalid_input));
  auto trust = config->trust_anchors();
  trust.insert(trust.end(), extra->begin(), extra->end());
  const std::string url = args.value("--tsa").value_or(config->tsa_url);
  if (url.empty()) {
    io.err << "ipt extend : un serveur d’horodatage est requis (--tsa URL, ou tsa_url dans la section [signature] de ipt.conf)\n";
    return exit_bad_input;
  }
  if (trust.empty()) {
    io.err << "ipt extend : une autorité de confiance est requise (--trust CA.pem, ou trust dans ipt.conf)\n";
    return exit_bad_input;
  }
  auto store = open_database(args);
  if (!store) return report_failure(io, "extend", store.error());
  auto renderer = templates::Renderer::create_embedded();
  if (!renderer) return report_failure(io, "extend", renderer.error());
  pipeline::DossierDocuments documents(*store, *renderer);
  signing::HttpTimestampClient tsa(url);
  auto done = documents.extend(reference, tsa, trust, core::current_actor());
  if (!done) return report_failure(io, "extend", done.error().with_context("dossier " + reference));
  if (args.flag("--json")) {
    auto extended = nlohmann::json::array();
    for (const auto& d : done->extended) extended.push_back({{"document", d.name}, {"sha256", d.sha256}});
    io.out << nlohmann::json{{"reference", reference}, {"prolonges", extended}, {"laisses", done->skipped}}.dump(2) << "\n";
    return exit_ok;
  }
  for (const auto& d : done->extended) io.out << d.name << ".pdf : nouvel horodatage d’archive (sha256 " << d.sha256 << ")\n";
  for (const auto& s : done->skipped) io.out << s << " : laissé tel quel\n";
  if (done->extended.empty()) io.out << "aucun document complet à prolonger\n";
  return exit_ok;
}

}  // namespace

Command extend_command() {
  return {{"extend", "ipt extend RÉFÉRENCE [--tsa URL] [--trust CA.pem]... [--config FICHIER] [--db FICHIER] [--json]",
           "ajoute un horodatage d’archive aux documents signés d’un dossier",
           "Pour chaque document dont toutes les signatures sont présentes : ajoute au document les\n"
           "données de validation de son dernier horodatage, puis un nouvel horodatage d’archive\n"
           "(PAdES B-LTA). À faire avant l’expiration du certificat du dernier horodatage, pour que\n"
           "les documents se vérifient encore hors ligne. Chaque document n’est remplacé qu’une fois\n"
           "vérifié ; chaque prolongation est inscrite au journal d’audit.",
           {{"--tsa", "URL", "serveur d’horodatage (défaut : tsa_url de ipt.conf)"},
            {"--trust", "CA.pem", "certificat racine de confiance, en plus de ceux de ipt.conf, répétable", true},
            database_option(),
            config_option(),
            {"--json", "", "sortie JSON pour un programme"}},
           1, 1},
          run};
}

}  // namespace ipt::app
