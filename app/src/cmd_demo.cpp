// ipt demo: the main job on the shipped example dossiers, end to end on embedded defaults.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "common.hpp"
#include "ipt/core/embedded_file.hpp"
#include "ipt/mail/annexe4.hpp"
#include "ipt/mail/outbox.hpp"
#include "ipt/mail/transport.hpp"
#include "output.hpp"

namespace ipt::app {

std::span<const EmbeddedFile> embedded_examples();  // generated from examples/*.xml

namespace {

namespace fs = std::filesystem;

constexpr const char* marker_name = ".ipt-demo";

// The demo owns its folder: it refuses a non-empty folder it did not create, and starts
// every run from a fresh database.
std::optional<std::string> prepare_folder(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return dir.string() + " existe et n'est pas un dossier";
    const bool empty = fs::is_empty(dir, ec);
    if (!empty && !fs::exists(dir / marker_name, ec)) {
      return dir.string() + " n'est pas vide et n'a pas été créé par « ipt demo » : choisissez un autre --out";
    }
  }
  fs::create_directories(dir, ec);
  if (ec) return dir.string() + " : création impossible (" + ec.message() + ")";
  std::ofstream(dir / marker_name) << "Dossier de démonstration créé par ipt demo.\n";
  for (const char* suffix : {"", "-wal", "-shm", ".outbox-lock"}) fs::remove(dir / (std::string("ipt.sqlite") + suffix), ec);
  fs::remove_all(dir / "outbox", ec);
  return std::nullopt;
}

// A one-page PDF standing in for the signed Annexe 4 until the templates and signing stages
// produce the real one.
std::string placeholder_annexe4(const std::string& reference) {
  const std::string text = "Annexe 4 - Bilan d'integration - dossier " + reference + " (demonstration, non signee)";
  const std::string stream = "BT /F1 12 Tf 56 780 Td (" + text + ") Tj ET";
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  };
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

// The mail step of the demo: each procedure-C dossier's Annexe 4 is queued for the
// Administration, then one outbox pass runs with the file transport (no SMTP server is
// configured in a demo), which writes the messages as .eml files.
bool send_annexes4(const fs::path& dir, const std::vector<std::pair<std::string, std::string>>& fins, Io& io) {
  auto outbox = mail::Outbox::open(dir / "ipt.sqlite");
  if (!outbox) {
    io.err << "ipt demo : " << outbox.error().message << "\n";
    return false;
  }
  for (const auto& [reference, pole] : fins) {
    mail::MailConfig config;
    config.sender = "coordination@pole.example";
    config.sender_name = pole;
    auto message = mail::make_annexe4_message(config, reference, placeholder_annexe4(reference));
    auto queued = message ? outbox->enqueue(*message, reference) : std::unexpected(message.error());
    if (!queued) {
      io.err << "ipt demo : " << reference << " : " << queued.error().message << "\n";
      return false;
    }
  }
  mail::FileTransport files(dir / "outbox");
  auto report = outbox->send_due(files);
  if (!report || report->sent != static_cast<int>(fins.size())) {
    io.err << "ipt demo : file d'envoi : " << (report ? report->server_problem : report.error().message) << "\n";
    return false;
  }
  io.out << "\nAnnexe 4 à l'Administration (" << mail::default_admin_address << ") : " << report->sent
         << " message(s) mis en file puis écrit(s) en .eml dans " << files.folder().string()
         << " (aucun serveur SMTP configuré ; voir « ipt outbox list »)\n";
  return true;
}

int run(const Arguments& args, Io& io) {
  const fs::path dir = args.value("--out").value_or("ipt-demo");
  if (auto problem = prepare_folder(dir)) {
    io.err << "ipt demo : " << *problem << "\n";
    return exit_bad_input;
  }
  auto store = core::Store::open(dir / "ipt.sqlite");
  if (!store) {
    io.err << "ipt demo : " << store.error().message << "\n";
    return exit_failure;
  }
  const auto& calendar = core::SchoolCalendar::official();
  const std::string actor = core::current_actor();
  const auto examples = embedded_examples();
  io.out << "ipt demo : " << examples.size() << " dossiers d'exemple, base de données " << store->path().string() << "\n";
  int index = 0;
  std::vector<std::pair<std::string, std::string>> fins;  // reference, pole name
  for (const auto& example : examples) {
    ++index;
    const std::string name(example.name);
    auto dossier = core::parse_dossier(example.content, name);
    if (!dossier) {
      io.err << core::format_diagnostics(dossier.error());
      return exit_failure;
    }
    auto imported = store->import_dossier(*dossier, example.content, actor);
    if (!imported) {
      io.err << "ipt demo : " << name << " : " << imported.error().message << "\n";
      return exit_failure;
    }
    const auto plan = core::make_plan(*dossier, calendar);
    if (!plan) {
      io.err << "ipt demo : " << name << " : " << plan.error().message << "\n";
      return exit_failure;
    }
    if (plan->procedure == core::Procedure::fin_ipt) fins.emplace_back(dossier->reference, dossier->pole.nom);
    io.out << "\n[" << index << "/" << examples.size() << "] " << name << " importé (version "
           << imported->version << ")\n"
           << std::string(72, '-') << "\n"
           << plan_text(*dossier, *plan);
  }
  if (!send_annexes4(dir, fins, io)) return exit_failure;
  const auto verdict = store->verify_audit();
  if (!verdict || !verdict->intact) {
    io.err << "ipt demo : journal d'audit : " << (verdict ? verdict->problem : verdict.error().message) << "\n";
    return exit_failure;
  }
  io.out << "\n" << std::string(72, '=') << "\n"
         << "Terminé : " << examples.size() << " dossiers importés et planifiés ; journal d'audit intact ("
         << verdict->entries << " entrées).\n"
         << "Base de données : " << store->path().string() << "\n";
  return exit_ok;
}

}  // namespace

Command demo_command() {
  return {{"demo", "ipt demo [--out DOSSIER]",
           "démonstration de bout en bout sur les dossiers d'exemple",
           "Importe les dossiers d'exemple livrés avec ipt dans une base de données neuve,\n"
           "affiche le plan de chacun et vérifie le journal d'audit. Tout est écrit dans le\n"
           "dossier de démonstration (défaut : ./ipt-demo), recréé à chaque exécution.",
           {{"--out", "DOSSIER", "dossier de démonstration (défaut : ./ipt-demo)"}},
           0, 0},
          run};
}

}  // namespace ipt::app
