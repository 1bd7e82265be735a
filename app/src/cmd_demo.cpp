// ipt demo: the main job on the shipped example dossiers, end to end on embedded defaults.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "common.hpp"
#include "ipt/pipeline/dispatch.hpp"
#include "demo_signing.hpp"
#include "ipt/pipeline/archive.hpp"
#include "ipt/core/dossier_fields.hpp"
#include "ipt/core/embedded_file.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/templates/renderer.hpp"
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
    if (!fs::is_directory(dir, ec)) return dir.string() + " existe et n’est pas un dossier";
    const bool empty = fs::is_empty(dir, ec);
    if (!empty && !fs::exists(dir / marker_name, ec)) {
      return dir.string() + " n’est pas vide et n’a pas été créé par « ipt demo » : choisissez un autre --out";
    }
  }
  fs::create_directories(dir, ec);
  if (ec) return dir.string() + " : création impossible (" + ec.message() + ")";
  std::ofstream(dir / marker_name) << "Dossier de démonstration créé par ipt demo.\n";
  // A fresh database, so fresh documents and outbox: the archives (written once) and the PKI stay.
  for (const char* suffix : {"", "-wal", "-shm", ".outbox-lock"}) fs::remove(dir / (std::string("ipt.sqlite") + suffix), ec);
  fs::remove_all(dir / "documents", ec);
  fs::remove_all(dir / "outbox", ec);
  return std::nullopt;
}

// Renders the dossier's documents into the store and has them signed in the plan's order
// (each new revision verified before it replaces the previous). When an Annexe 4 is
// complete, `on_complete` queues it for the Administration in the same transaction.
core::Result<void> produce_documents(const core::Dossier& dossier, const core::Plan& plan,
                                     pipeline::DossierDocuments& documents, const DemoSigning& signer,
                                     const pipeline::CompletionHook& on_complete, Io& io) {
  auto rendered = documents.render(dossier.reference, core::current_actor());
  if (!rendered) return std::unexpected(rendered.error());
  io.out << "\nDocuments (" << documents.folder(dossier.reference).string() << ") :\n";
  for (const auto& document : plan.documents) {
    const std::string stem(core::file_stem(document.document));
    if (document.signatures.empty()) {
      io.out << "  " << stem << ".pdf : produit (sans signature)\n";
      continue;
    }
    if (auto ok = signer.sign_document(documents, dossier, document, on_complete); !ok) {
      return std::unexpected(ok.error().with_context(stem));
    }
    io.out << "  " << stem << ".pdf : " << document.signatures.size()
           << (document.signatures.size() > 1 ? " signatures" : " signature") << " (B-T), chacune vérifiée"
           << (document.document == core::Document::annexe_4 ? " ; mise en file pour l’Administration" : "") << "\n";
  }
  return {};
}

// Files a dossier and checks the archive.
core::Result<void> file_dossier(const std::string& reference, core::Store& store, pipeline::DossierDocuments& documents,
                                const DemoSigning& signer, const fs::path& dir, Io& io) {
  IPT_TRY(seal_key, signer.open_seal());
  signing::HttpTimestampClient tsa(signer.timestamp_url());
  auto archived = pipeline::archive_dossier(store, documents, reference, dir / "archives", signer.trust(),
                                            pipeline::dispatches_of(store.path(), reference),
                                            pipeline::ArchiveSeal{seal_key->get(), &tsa}, core::current_actor());
  if (!archived) return std::unexpected(archived.error().with_context("archivage"));
  const auto seals = signer.seals();
  auto check = pipeline::verify_archive(archived->folder, signer.trust(), true, seals);
  if (!check) return std::unexpected(check.error().with_context("vérification de l’archive"));
  if (!check->ok) return core::fail("archive " + archived->folder.string() + " : " + check->problems.front());
  io.out << "  " << reference << " : " << archived->folder.string() << " (" << archived->files
         << " fichiers), scellée par le pôle (B-LTA), vérifiée : intacte\n";
  return {};
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
  auto renderer = templates::Renderer::create_embedded();
  if (!renderer) {
    io.err << "ipt demo : " << renderer.error().message << "\n";
    return exit_failure;
  }
  // The example dossiers first: the demo's PKI issues each planned signatory a certificate.
  std::vector<core::Dossier> dossiers;
  for (const auto& example : embedded_examples()) {
    auto dossier = core::parse_dossier(example.content, std::string(example.name));
    if (!dossier) {
      io.err << core::format_diagnostics(dossier.error());
      return exit_failure;
    }
    dossiers.push_back(*std::move(dossier));
  }
  auto signer = DemoSigning::start(dir, dossiers);
  if (!signer) {
    io.err << "ipt demo : " << signer.error().message << "\n";
    return exit_failure;
  }
  io.out << "PKI de démonstration : " << (dir / "pki").string() << " ; horodatage : " << (*signer)->timestamp_url() << "\n";
  pipeline::DossierDocuments documents(*store, *renderer);
  // No SMTP server in a demo: the outbox writes each message as an .eml file instead.
  auto outbox = mail::Outbox::open(store->path());
  if (!outbox) {
    io.err << "ipt demo : " << outbox.error().message << "\n";
    return exit_failure;
  }
  mail::MailConfig mail_config;
  mail_config.sender = "coordination@pole.example";
  mail_config.sender_name = "Pôle territorial (démonstration)";
  const auto on_complete = pipeline::annexe4_mail_hook(mail_config);
  const auto examples = embedded_examples();
  io.out << "ipt demo : " << examples.size() << " dossiers d’exemple, base de données " << store->path().string() << "\n";
  int index = 0;
  std::vector<std::string> references;
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
    references.push_back(dossier->reference);
    io.out << "\n[" << index << "/" << examples.size() << "] " << name << " importé (version "
           << imported->version << ")\n"
           << std::string(72, '-') << "\n"
           << plan_text(*dossier, *plan);
    if (auto ok = produce_documents(*dossier, *plan, documents, **signer, on_complete, io); !ok) {
      io.err << "ipt demo : " << name << " : " << ok.error().message << "\n";
      return exit_failure;
    }
  }
  mail::FileTransport files(dir / "outbox");
  auto pass = pipeline::send_and_record(*outbox, files, actor);
  if (!pass) {
    io.err << "ipt demo : file d’envoi : " << pass.error().message << "\n";
    return exit_failure;
  }
  io.out << "\n" << std::string(72, '=') << "\nAnnexe 4 à l’Administration (" << mail_config.admin_address << ") : "
         << pass->sent << " message(s) écrit(s) en .eml dans " << files.folder().string()
         << " (aucun serveur SMTP configuré ; voir « ipt outbox list »)\n";
  io.out << "\nArchives pour l’Inspection :\n";
  for (const auto& reference : references) {
    if (auto ok = file_dossier(reference, *store, documents, **signer, dir, io); !ok) {
      io.err << "ipt demo : " << reference << " : " << ok.error().message << "\n";
      return exit_failure;
    }
  }
  const auto verdict = store->verify_audit();
  if (!verdict || !verdict->intact) {
    io.err << "ipt demo : journal d’audit : " << (verdict ? verdict->problem : verdict.error().message) << "\n";
    return exit_failure;
  }
  io.out << "\n" << std::string(72, '=') << "\n"
         << "Terminé : " << examples.size() << " dossiers importés, planifiés, produits, signés et archivés ; "
         << "journal d’audit intact (" << verdict->entries << " entrées).\n"
         << "Base de données : " << store->path().string() << "\n"
         << "Documents : " << (dir / "documents").string() << "/<référence>/ ; messages : " << (dir / "outbox").string() << "/\n"
         << "Archives (originaux, copies, rapports de\n"
         << "validation, journal d’audit, certificat d’achèvement, manifeste) : " << (dir / "archives").string() << "/<référence>/v<N>/\n"
         << "Autorité racine de la démonstration : " << (*signer)->root_certificate().string() << "\n"
         << "(Chaque document entièrement signé est prolongé en B-LTA : il emporte ses données de\n"
         << "validation et un horodatage d’archive, et se vérifie hors ligne après la démonstration :\n"
         << "ipt verify FICHIER.pdf --trust " << (*signer)->root_certificate().string() << " --offline)\n";
  return exit_ok;
}

}  // namespace

Command demo_command() {
  return {{"demo", "ipt demo [--out DOSSIER]",
           "démonstration de bout en bout sur les dossiers d’exemple",
           "Importe les dossiers d’exemple livrés avec ipt dans une base de données neuve, affiche\n"
           "le plan de chacun, produit ses documents en PDF/A, les fait signer dans l’ordre du plan\n"
           "(PAdES B-T) par une PKI de démonstration créée à la première exécution, avec un serveur\n"
           "d’horodatage et un répondeur OCSP lancés sur 127.0.0.1 le temps de la démonstration,\n"
           "met chaque Annexe 4 signée en file pour l’Administration (écrite en .eml : aucun serveur\n"
           "SMTP n’est configuré), classe chaque dossier et vérifie l’archive et le journal d’audit.\n"
           "Tout est écrit dans le dossier de démonstration (défaut : ./ipt-demo) ; la base est\n"
           "recréée à chaque exécution.",
           {{"--out", "DOSSIER", "dossier de démonstration (défaut : ./ipt-demo)"}},
           0, 0},
          run};
}

}  // namespace ipt::app
