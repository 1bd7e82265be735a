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
#include "progress.hpp"
#include "ipt/pipeline/batch.hpp"
#include "ipt/pipeline/batch_steps.hpp"
#include "ipt/signing/timestamp_client.hpp"
#include "ipt/core/files.hpp"
#include <chrono>
#include <memory>

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

// A stage's worker (pipeline::BatchWorker: its own connection, renderer, documents and
// timestamp client) with the demo's trust anchor, seal and mail hook.
core::Result<std::shared_ptr<pipeline::BatchWorker>> open_worker(const fs::path& database, const DemoSigning& signer,
                                                                 const mail::MailConfig& mail_config, const fs::path& dir) {
  IPT_TRY(w, pipeline::open_batch_worker(database, signer.timestamp_url()));
  auto& c = (*w)->context;
  c.trust = signer.trust();
  c.level = signing::Level::b_t;
  c.on_complete = pipeline::annexe4_mail_hook(mail_config);
  c.archive_folder = dir / "archives";
  c.actor = "ipt-demo";
  IPT_TRY(seal, signer.seal());
  c.seal = *seal;
  return w;
}

struct Stage {
  std::string name;
  double seconds = 0;
};

// One stage of the demo through the bulk code (pipeline::run_batch), its progress shown.
core::Result<pipeline::BatchReport> run_stage(const std::string& title, const std::vector<std::string>& items,
                                              const pipeline::WorkerSetup& setup, int jobs, std::vector<Stage>& stages, Io& io) {
  io.out << "\n" << title << " (" << items.size() << " dossiers, " << std::min<size_t>(static_cast<size_t>(jobs), items.size())
         << " processus)\n";
  const bool terminal = Progress::stderr_is_terminal();
  Progress progress(terminal ? io.err : io.out, "  " + title, terminal);
  pipeline::BatchOptions options;
  options.jobs = jobs;
  options.on_item = [&](const pipeline::ItemOutcome& o, size_t finished, size_t total) { progress.item(o, finished, total); };
  auto report = pipeline::run_batch(items, setup, options);
  progress.finish();
  if (!report) return report;
  if (report->interrupted) return core::fail(title + " : interrompu");
  stages.push_back({title, report->seconds});
  if (report->failed) {
    const auto failed = pipeline::failures(*report);
    return core::fail(title + " : " + std::to_string(report->failed) + " échec(s), dont " + failed.front());
  }
  return report;
}

int run(const Arguments& args, Io& io) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path dir = args.value("--out").value_or("ipt-demo");
  if (auto problem = prepare_folder(dir)) {
    io.err << "ipt demo : " << problem->c_str() << "\n";
    return exit_bad_input;
  }
  const auto jobs_given = jobs_option(args, io, "demo");
  if (!jobs_given) return exit_bad_input;
  const int jobs = *jobs_given;
  auto fail = [&](const std::string& what, const core::Error& e) {
    io.err << "ipt demo : " << what << (what.empty() ? "" : " : ") << e.message << "\n";
    return exit_failure;
  };
  const fs::path database = dir / "ipt.sqlite";
  // The example dossiers, as files the user can open: the import reads them as `ipt batch
  // import` would.
  const fs::path dossiers_dir = dir / "dossiers";
  std::error_code ec;
  fs::create_directories(dossiers_dir, ec);
  std::vector<core::Dossier> dossiers;
  std::vector<std::string> files;
  for (const auto& example : embedded_examples()) {
    auto dossier = core::parse_dossier(example.content, std::string(example.name));
    if (!dossier) {
      io.err << core::format_diagnostics(dossier.error());
      return exit_failure;
    }
    dossiers.push_back(*std::move(dossier));
    const fs::path file = dossiers_dir / std::string(example.name);
    if (auto w = core::write_file_atomically(file, example.content); !w) return fail("", w.error());
    files.push_back(file.string());
  }
  // The demo's PKI issues each planned signatory a certificate.
  auto signer = DemoSigning::start(dir, dossiers);
  if (!signer) return fail("", signer.error());
  const DemoSigning& demo = **signer;
  io.out << "ipt demo : " << dossiers.size() << " dossiers d’exemple (" << dossiers_dir.string() << "), base de données "
         << database.string() << "\n"
         << "PKI de démonstration : " << (dir / "pki").string() << " ; horodatage : " << demo.timestamp_url() << "\n";
  mail::MailConfig mail_config;
  mail_config.sender = "coordination@pole.example";
  mail_config.sender_name = "Pôle territorial (démonstration)";
  std::vector<Stage> stages;

  // 1. Import, in this process (a few milliseconds).
  pipeline::WorkerSetup import_setup = [&]() -> core::Result<pipeline::ItemWorker> {
    IPT_TRY(opened, open_worker(database, demo, mail_config, dir));
    std::shared_ptr<pipeline::BatchWorker> w = *std::move(opened);
    return pipeline::ItemWorker([w](const std::string& file) { return pipeline::run_step(pipeline::BatchStep::import, w->context, file); });
  };
  auto imported = run_stage("1. Import", files, import_setup, 1, stages, io);
  if (!imported) return fail("", imported.error());

  // The plans, as `ipt plan` prints them.
  const auto& calendar = core::SchoolCalendar::official();
  std::vector<std::string> references;
  int index = 0;
  for (const auto& dossier : dossiers) {
    const auto plan = core::make_plan(dossier, calendar);
    if (!plan) return fail(dossier.reference, plan.error());
    references.push_back(dossier.reference);
    io.out << "\n[" << ++index << "/" << dossiers.size() << "] " << dossier.reference << "\n"
           << std::string(72, '-') << "\n"
           << plan_text(dossier, *plan);
  }

  // 2. Documents and signatures, on every core: render, then every signatory in the plan's
  // order with their own certificate (B-T; the last signature extends to B-LTA and queues
  // the Annexe 4 for the Administration), each new revision verified once.
  pipeline::WorkerSetup produce_setup = [&]() -> core::Result<pipeline::ItemWorker> {
    IPT_TRY(opened, open_worker(database, demo, mail_config, dir));
    std::shared_ptr<pipeline::BatchWorker> w = *std::move(opened);
    const DemoSigning* keys = &demo;
    return pipeline::ItemWorker([w, keys](const std::string& reference) {
      pipeline::ItemOutcome out;
      out.item = reference;
      out.status = pipeline::ItemStatus::done;
      if (!pipeline::absorb(out, pipeline::run_step(pipeline::BatchStep::render, w->context, reference))) return out;
      pipeline::absorb(out, pipeline::sign_in_order(w->context, reference, [keys](const core::Dossier& d, const core::SignatureStep& s) {
        return keys->key_for(d, s);
      }));
      return out;
    });
  };
  auto produced = run_stage("2. Documents et signatures", references, produce_setup, jobs, stages, io);
  if (!produced) return fail("", produced.error());

  // 3. The Administration's mail: no SMTP server in a demo, the outbox writes .eml files.
  const auto send_start = std::chrono::steady_clock::now();
  auto outbox = mail::Outbox::open(database);
  if (!outbox) return fail("file d’envoi", outbox.error());
  mail::FileTransport files_out(dir / "outbox");
  auto pass = pipeline::send_and_record(*outbox, files_out, core::current_actor());
  if (!pass) return fail("file d’envoi", pass.error());
  stages.push_back({"3. Envoi", std::chrono::duration<double>(std::chrono::steady_clock::now() - send_start).count()});
  io.out << "\n3. Envoi : " << pass->sent << " Annexe(s) 4 pour l’Administration (" << mail_config.admin_address
         << ") écrite(s) en .eml dans " << files_out.folder().string() << " (aucun serveur SMTP configuré ; voir « ipt outbox list »)\n";

  // 4. Archives for the Inspection, sealed by the pole at B-LTA, each checked.
  const auto seals = demo.seals();
  pipeline::WorkerSetup archive_setup = [&]() -> core::Result<pipeline::ItemWorker> {
    IPT_TRY(opened, open_worker(database, demo, mail_config, dir));
    std::shared_ptr<pipeline::BatchWorker> w = *std::move(opened);
    return pipeline::ItemWorker([w, seals](const std::string& reference) {
      auto archived = pipeline::run_step(pipeline::BatchStep::archive, w->context, reference);
      if (archived.status == pipeline::ItemStatus::failed) return archived;
      const fs::path latest = archived.produced;  // the version just written
      auto check = pipeline::verify_archive(latest, w->context.trust, true, seals);
      if (!check || !check->ok) {
        archived.status = pipeline::ItemStatus::failed;
        archived.detail = "archive " + latest.string() + " : " + (check ? check->problems.front() : check.error().message);
        return archived;
      }
      archived.detail += ", scellée par le pôle (B-LTA), vérifiée : intacte";
      return archived;
    });
  };
  auto filed = run_stage("4. Archives", references, archive_setup, jobs, stages, io);
  if (!filed) return fail("", filed.error());

  auto store = core::Store::open(database);
  if (!store) return fail("", store.error());
  const auto verdict = store->verify_audit();
  if (!verdict || !verdict->intact) {
    io.err << "ipt demo : journal d’audit : " << (verdict ? verdict->problem : verdict.error().message) << "\n";
    return exit_failure;
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto count = [](const pipeline::BatchReport& r, const char* what) { return r.counts.contains(what) ? r.counts.at(what) : 0LL; };
  io.out << "\n" << std::string(72, '=') << "\n"
         << "Terminé : " << dossiers.size() << " dossiers importés, planifiés, produits, signés et archivés ; "
         << "journal d’audit intact (" << verdict->entries << " entrées).\n"
         << "  Documents : " << count(*produced, "documents") << " en PDF/A-2 dans " << (dir / "documents").string() << "/<référence>/\n"
         << "  Signatures : " << count(*produced, "signatures") << " (PAdES B-T, chacune vérifiée) ; "
         << count(*produced, "documents signés") << " documents signés par tous, prolongés en B-LTA\n"
         << "  Envoyé : " << pass->sent << " Annexe(s) 4 à " << mail_config.admin_address << " (.eml dans " << files_out.folder().string() << ")\n"
         << "  Archives : " << count(*filed, "archives") << " dans " << (dir / "archives").string()
         << "/<référence>/v<N>/ (originaux, copies, rapports de validation, journal d’audit,\n"
         << "    certificat d’achèvement scellé par le pôle, manifeste), chacune vérifiée\n"
         << "  Durée :";
  for (const auto& st : stages) io.out << " " << st.name.substr(3) << " " << french_duration(st.seconds) << " ;";
  io.out << " en tout " << french_duration(total) << "\n"
         << "Autorité racine de la démonstration : " << demo.root_certificate().string() << "\n"
         << "(Chaque document entièrement signé emporte ses données de validation et un horodatage\n"
         << "d’archive, et se vérifie hors ligne après la démonstration :\n"
         << "ipt verify FICHIER.pdf --trust " << demo.root_certificate().string() << " --offline)\n";
  return exit_ok;
}

}  // namespace

Command demo_command() {
  return {{"demo", "ipt demo [--out DOSSIER] [--jobs N]",
           "démonstration de bout en bout sur les dossiers d’exemple",
           "Importe les dossiers d’exemple livrés avec ipt (écrits dans DOSSIER/dossiers/) dans une\n"
           "base de données neuve, par le même code que « ipt batch », affiche\n"
           "le plan de chacun, produit ses documents en PDF/A, les fait signer dans l’ordre du plan\n"
           "(PAdES B-T) par une PKI de démonstration créée à la première exécution, avec un serveur\n"
           "d’horodatage et un répondeur OCSP lancés sur 127.0.0.1 le temps de la démonstration,\n"
           "met chaque Annexe 4 signée en file pour l’Administration (écrite en .eml : aucun serveur\n"
           "SMTP n’est configuré), classe chaque dossier et vérifie l’archive et le journal d’audit.\n"
           "Tout est écrit dans le dossier de démonstration (défaut : ./ipt-demo) ; la base est\n"
           "recréée à chaque exécution. Chaque étape montre son avancement ; le bilan dit ce qui a été\n"
           "produit et où, combien de signatures, ce qui a été envoyé et la durée de chaque étape.",
           {{"--out", "DOSSIER", "dossier de démonstration (défaut : ./ipt-demo)"},
            {"--jobs", "N", "processus de travail (défaut : un par cœur, plus un)"}},
           0, 0},
          run};
}

}  // namespace ipt::app
