// ipt render DOSSIER.xml --out DIR [--only NAME] [--pdfa 1b|2u]: the documents of a plan as PDF/A forms.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"
#include "ipt/core/dossier_fields.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/templates/renderer.hpp"

namespace ipt::app {

namespace {

// ipt render --dossier REF: into the data store, recorded in the audit trail.
int run_stored(const Arguments& args, Io& io, const std::string& reference) {
  auto store = open_database(args);
  if (!store) return report_failure(io, "render", store.error());
  if (auto found = find_stored_dossier(*store, reference); !found) return report_failure(io, "render", found.error());
  auto renderer = templates::Renderer::create_embedded();
  if (!renderer) return report_failure(io, "render", renderer.error());
  pipeline::DossierDocuments documents(*store, *renderer);
  auto written = documents.render(reference, core::current_actor());
  if (!written) return report_failure(io, "render", written.error().with_context("dossier " + reference));
  auto out = nlohmann::json::array();
  for (const auto& d : *written) {
    if (args.flag("--json")) out.push_back({{"document", d.name}, {"fichier", d.path.string()}, {"octets", d.bytes}, {"sha256", d.sha256}});
    else io.out << "écrit " << d.path.string() << " (" << d.bytes / 1024 << " Kio)\n";
  }
  if (args.flag("--json")) io.out << out.dump(2) << "\n";
  return exit_ok;
}

int run(const Arguments& args, Io& io) {
  if (const auto reference = args.value("--dossier")) {
    if (!args.positionals().empty() || args.value("--out")) {
      io.err << "ipt render : --dossier produit dans le magasin de documents ; ne donnez ni fichier ni --out\n";
      return exit_bad_input;
    }
    return run_stored(args, io, *reference);
  }
  if (args.positionals().empty()) {
    io.err << "ipt render : argument manquant — usage : ipt render DOSSIER.xml --out DOSSIER, ou ipt render --dossier RÉFÉRENCE\n";
    return exit_bad_input;
  }
  const auto dossier = read_dossier(args.positionals()[0], nullptr, io, "render");
  if (!dossier) return exit_bad_input;
  const auto out_dir = args.value("--out");
  if (!out_dir) {
    io.err << "ipt render : l’option --out DOSSIER est obligatoire\n";
    return exit_bad_input;
  }
  templates::RenderOptions options;
  if (const auto pdfa = args.value("--pdfa")) {
    if (*pdfa == "1b") options.pdfa_part = 1;
    else if (*pdfa != "2u" && *pdfa != "2b") {
      io.err << "ipt render : --pdfa : valeur « " << *pdfa << " » inconnue (1b ou 2u)\n";
      return exit_bad_input;
    }
  }
  std::optional<core::SchoolCalendar> loaded;
  const auto* selected = select_calendar(args, io, "render", loaded);
  if (!selected) return exit_bad_input;
  const auto& calendar = *selected;
  const auto plan = core::make_plan(*dossier, calendar);
  if (!plan) return report_failure(io, "render", plan.error());
  std::vector<core::Document> documents;
  for (const auto& d : plan->documents) documents.push_back(d.document);
  if (const auto only = args.value("--only")) {
    const auto wanted = std::find_if(documents.begin(), documents.end(),
                                     [&](core::Document d) { return core::file_stem(d) == *only; });
    if (wanted == documents.end()) {
      std::string names;
      for (auto d : documents) names += (names.empty() ? "" : ", ") + std::string(core::file_stem(d));
      io.err << "ipt render : --only : « " << *only << " » ne fait pas partie du plan de ce dossier (" << names << ")\n";
      return exit_bad_input;
    }
    documents = {*wanted};
  }
  auto renderer = templates::Renderer::create_embedded();
  if (!renderer) return report_failure(io, "render", renderer.error());
  const auto fields = core::dossier_fields(*dossier, calendar);
  // Render everything before writing anything: a dossier value that does not fit stops the
  // whole command with nothing half-written.
  std::vector<std::pair<std::filesystem::path, signing::Bytes>> outputs;
  for (auto document : documents) {
    auto pdf = renderer->render_document(document, fields, options);
    if (!pdf) {
      // A value that does not fit its box: the dossier's input, not a defect.
      const auto error = assume_category(pdf.error(), core::Category::invalid_input);
      return report_failure(io, "render",
                            error.with_context(args.positionals()[0] + " : " + std::string(core::file_stem(document))));
    }
    outputs.emplace_back(std::filesystem::path(*out_dir) / (std::string(core::file_stem(document)) + ".pdf"),
                         signing::Bytes(pdf->begin(), pdf->end()));
  }
  std::error_code ec;
  std::filesystem::create_directories(*out_dir, ec);
  if (ec) {
    io.err << "ipt render : " << *out_dir << " : création impossible (" << ec.message() << ")\n";
    return exit_failure;
  }
  auto written = nlohmann::json::array();
  for (const auto& [path, bytes] : outputs) {
    if (auto ok = signing::write_file_atomically(path, bytes); !ok) {
      return report_failure(io, "render", ok.error());
    }
    if (args.flag("--json")) written.push_back({{"fichier", path.string()}, {"octets", bytes.size()}});
    else io.out << "écrit " << path.string() << " (" << bytes.size() / 1024 << " Kio)\n";
  }
  if (args.flag("--json")) io.out << written.dump(2) << "\n";
  return exit_ok;
}

}  // namespace

Command render_command() {
  return {{"render", "ipt render DOSSIER.xml --out DOSSIER [--only NOM] [--pdfa 2u|1b] [--json] [--calendar DOSSIER] | ipt render --dossier RÉFÉRENCE [--db FICHIER]",
           "produit les documents du plan d’un dossier en formulaires PDF/A",
           "Écrit chaque document que le plan du dossier prévoit (annexe-1.pdf, annexe-2b.pdf,\n"
           "annexe-2c.pdf, annexe-3.pdf, annexe-4.pdf, declaration-premiere-ipt.pdf,\n"
           "declaration-prolongation-ipt.pdf, motivations-PARTENAIRE.pdf), avec des champs de signature vides\n"
           "(sig_pole, sig_ecole_ordinaire, sig_cpms, sig_responsable). Tout est produit avant\n"
           "d’écrire quoi que ce soit ; chaque fichier est écrit sous un nom temporaire puis renommé.\n"
           "Avec --dossier, les documents du dossier importé sont produits dans le magasin de\n"
           "documents (à côté de la base de données) et l’opération est inscrite au journal d’audit.",
           {{"--out", "DOSSIER", "dossier de sortie"},
            {"--only", "NOM", "un seul document, par exemple annexe-4"},
            {"--pdfa", "2u|1b", "niveau PDF/A (défaut 2u ; 1b pour les validateurs PDF/A-1)"},
            {"--dossier", "RÉFÉRENCE", "produit les documents d’un dossier importé dans le magasin"},
            database_option(),
            {"--json", "", "sortie JSON pour un programme"},
            calendar_option()},
           0, 1},
          run};
}

}  // namespace ipt::app
