// ipt status REFERENCE: each document of the plan and the signatures it carries.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"
#include "mail_common.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/signing/certificates.hpp"
#include "ipt/signing/verdict.hpp"

namespace ipt::app {

namespace {

int run(const Arguments& args, Io& io) {
  const std::string reference = args.positionals()[0];
  auto anchors = all_trust(args);
  if (!anchors) return report_failure(io, "status", assume_category(anchors.error(), core::Category::invalid_input));
  const std::vector<signing::Bytes> trust = *std::move(anchors);
  auto store = open_store(args, io, "status");
  if (!store) return exit_failure;
  auto renderer = templates::Renderer::create_embedded();
  if (!renderer) {
    io.err << "ipt status : " << renderer.error().message << "\n";
    return exit_failure;
  }
  pipeline::DossierDocuments documents(*store, *renderer);
  auto status = documents.status(reference, trust);
  if (!status) {
    io.err << "ipt status : " << status.error().message << "\n";
    return exit_failure;
  }
  if (args.flag("--json")) {
    auto docs = nlohmann::json::array();
    for (const auto& d : status->documents) {
      auto sigs = nlohmann::json::array();
      for (const auto& s : d.signatures) {
        sigs.push_back({{"champ", s.field}, {"role", core::code(s.role)}, {"signataire_prevu", s.expected_signatory},
                        {"signe", s.signed_}, {"signataire", s.signer}, {"date", s.at},
                        {"indication", s.signed_ ? nlohmann::json(signing::code(s.indication)) : nlohmann::json(nullptr)}});
      }
      docs.push_back({{"document", d.name}, {"present", d.present}, {"sha256", d.sha256}, {"signatures", sigs},
                      {"complet", d.complete}});
    }
    io.out << nlohmann::json{{"reference", status->reference}, {"version", status->version},
                             {"version_des_documents", status->documents_version},
                             {"procedure", status->procedure}, {"documents", docs}}
                  .dump(2)
           << "\n";
    return exit_ok;
  }
  io.out << "Dossier " << status->reference << " (version " << status->version << ", procédure " << status->procedure << ")\n";
  if (status->documents_version != 0 && status->documents_version < status->version) {
    io.out << "  ATTENTION : les documents sont ceux de la version " << status->documents_version
           << " du dossier ; ils ne disent pas ce que dit la version " << status->version
           << ". Relancez le tour de signatures : ipt round restart " << status->reference << " --reason TEXTE\n";
  }
  for (const auto& d : status->documents) {
    io.out << "  " << d.name << ".pdf : "
           << (!d.present ? "pas encore produit" : d.signatures.empty() ? "produit (sans signature)"
                                                  : d.complete           ? "toutes les signatures"
                                                                         : "signatures en cours")
           << "\n";
    for (const auto& s : d.signatures) {
      io.out << "    " << s.field << " (" << s.expected_signatory << ") : ";
      if (s.signed_) {
        io.out << "signé par " << s.signer << " le " << s.at;
        if (s.indication != signing::Indication::valid) {
          io.out << " — " << signing::french(s.indication);
          for (const auto& p : s.problems) io.out << " ; " << p.to_french();
        }
      } else {
        io.out << "en attente";
      }
      io.out << "\n";
    }
  }
  return exit_ok;
}

}  // namespace

Command status_command() {
  return {{"status", "ipt status RÉFÉRENCE [--db FICHIER] [--trust CA.pem]... [--json]",
           "montre les documents d’un dossier et leurs signatures",
           "Pour chaque document du plan : produit ou non, et pour chaque signature prévue (dans\n"
           "l’ordre du plan), si elle est présente, par qui et quand. Les signatures sont lues dans\n"
           "les documents eux-mêmes et vérifiées hors ligne (--trust donne la racine de confiance).",
           {database_option(), config_option(), {"--trust", "CA.pem", "certificat racine de confiance (en plus de ceux de ipt.conf), répétable", true},
            {"--json", "", "sortie JSON pour un programme"}},
           1, 1},
          run};
}

}  // namespace ipt::app
