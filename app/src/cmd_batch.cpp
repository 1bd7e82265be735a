// ipt batch ÉTAPE …: one step over many dossiers of the store, on every core, resumable.
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <ostream>

#include "common.hpp"
#include "ipt/core/files.hpp"
#include "ipt/core/date.hpp"
#include "ipt/pipeline/batch.hpp"
#include "ipt/pipeline/batch_journal.hpp"
#include "ipt/pipeline/batch_steps.hpp"
#include "ipt/pipeline/dispatch.hpp"
#include "ipt/signing/timestamp_client.hpp"
#include "key_options.hpp"
#include "mail_common.hpp"
#include "progress.hpp"

namespace ipt::app {

namespace {

namespace fs = std::filesystem;
using pipeline::BatchStep;

// What every worker process opens once: the pipeline's (pipeline::BatchWorker), and its
// own copy of the configuration and the pole's seal.
struct WorkerState {
  std::shared_ptr<pipeline::BatchWorker> worker;
  pipeline::SigningConfig config;
  std::unique_ptr<signing::KeySource> seal;
};

bool needs_seal(BatchStep step) { return step == BatchStep::sign || step == BatchStep::archive; }
bool needs_tsa(BatchStep step) { return step == BatchStep::archive || step == BatchStep::extend; }

std::optional<pipeline::DossierStep> parse_dossier_step(std::string_view text) {
  for (auto s : {pipeline::DossierStep::to_complete, pipeline::DossierStep::to_sign, pipeline::DossierStep::waiting_minister,
                 pipeline::DossierStep::to_send, pipeline::DossierStep::sent, pipeline::DossierStep::archived}) {
    if (pipeline::code(s) == text) return s;
  }
  return std::nullopt;
}

nlohmann::json report_json(BatchStep step, const pipeline::BatchReport& report, const pipeline::BatchJournal& journal,
                           size_t already, int jobs) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : report.items) {
    items.push_back({{"element", i.item}, {"statut", pipeline::code(i.status)}, {"detail", i.detail}, {"produit", i.produced},
                     {"duree_s", i.seconds}});
  }
  return {{"etape", pipeline::code(step)},
          {"lot", journal.run()},
          {"repris", journal.resumed()},
          {"commence", journal.started_at()},
          {"deja_traites_avant_reprise", already},
          {"processus", jobs},
          {"elements", report.items.size()},
          {"faits", report.done},
          {"deja_faits", report.skipped},
          {"echecs", report.failed},
          {"interrompu", report.interrupted},
          {"non_commences", report.not_started},
          {"duree_s", report.seconds},
          {"comptes", report.counts},
          {"details", items}};
}

int run(const Arguments& args, Io& io) {
  const auto step = pipeline::parse_batch_step(args.positionals()[0]);
  if (!step) {
    io.err << "ipt batch : étape inconnue « " << args.positionals()[0]
           << " » (import, render, sign, verify, archive ou extend)\n";
    return exit_bad_input;
  }
  const std::vector<std::string> files(args.positionals().begin() + 1, args.positionals().end());
  if (*step == BatchStep::import && files.empty()) {
    io.err << "ipt batch import : donnez les fichiers ou dossiers de dossiers XML à importer\n";
    return exit_bad_input;
  }
  if (*step != BatchStep::import && !files.empty()) {
    io.err << "ipt batch " << pipeline::code(*step) << " : argument en trop « " << files.front()
           << " » (les dossiers se choisissent par --dossier, --procedure, --etape ou --all)\n";
    return exit_bad_input;
  }
  const auto jobs_given = jobs_option(args, io, "batch");
  if (!jobs_given) return exit_bad_input;
  const int jobs = *jobs_given;
  const std::string command = "batch " + std::string(pipeline::code(*step));
  const auto config = read_signing_config(args);
  if (!config) return report_failure(io, command, config.error());
  const auto trust = all_trust(args);
  if (!trust) return report_failure(io, command, trust.error());
  const std::string tsa_url = args.value("--tsa").value_or(config->tsa_url);
  if (needs_tsa(*step) && tsa_url.empty()) {
    return report_failure(io, command, core::Error{"un serveur d’horodatage est requis (--tsa URL ou tsa_url dans [signature] d’ipt.conf)",
                                                   core::Category::invalid_input});
  }
  const auto archive_out = args.value("--out");
  if (*step == BatchStep::archive && !archive_out) {
    io.err << "ipt batch archive : l’option --out DOSSIER est obligatoire\n";
    return exit_bad_input;
  }
  std::optional<signing::Level> level;
  if (const auto l = args.value("--level")) {
    level = signing::parse_level(*l);
    if (!level) {
      io.err << "ipt batch : --level : niveau inconnu (B-B, B-T, B-LT ou B-LTA)\n";
      return exit_bad_input;
    }
  }
  // The seal is opened here once to report a wrong password or a missing key before any
  // work; each worker opens its own (a PKCS#11 session does not survive fork).
  if (needs_seal(*step)) {
    if (auto seal = open_pole_seal(args, *config); !seal) return report_failure(io, command, seal.error());
  }
  auto mail_config = read_mail_config(args);
  if (!mail_config) return report_failure(io, command, mail_config.error());
  const fs::path database = database_path(args);

  // The items, chosen before any worker starts (the selection reads the store once).
  std::vector<std::string> items;
  std::string key;
  if (*step == BatchStep::import) {
    auto found = pipeline::import_files(files);
    if (!found) return report_failure(io, command, found.error());
    items = *std::move(found);
    std::string joined;
    for (const auto& f : files) joined += fs::absolute(f).string() + "\n";
    key = "fichiers " + core::sha256_hex(joined);
  } else {
    pipeline::Selection selection;
    selection.references = args.values("--dossier");
    selection.all = args.flag("--all");
    selection.procedure = args.value("--procedure");
    if (const auto e = args.value("--etape")) {
      selection.step = parse_dossier_step(*e);
      if (!selection.step) {
        io.err << "ipt batch : --etape : étape inconnue « " << *e << " » (a-completer, a-signer, attente-ministre, a-envoyer, envoye, archive)\n";
        return exit_bad_input;
      }
    }
    auto store = open_database(args);
    if (!store) return report_failure(io, command, store.error());
    auto selected = pipeline::select_dossiers(*store, selection, core::Date::today());
    if (!selected) return report_failure(io, command, selected.error());
    items = *std::move(selected);
    key = pipeline::selection_key(selection);
  }
  auto journal = pipeline::BatchJournal::open(database, std::string(pipeline::code(*step)), key);
  if (!journal) return report_failure(io, command, journal.error());
  std::vector<std::string> todo;
  for (const auto& item : items) {
    if (!journal->finished().contains(item)) todo.push_back(item);
  }
  const size_t already = items.size() - todo.size();
  if (items.empty()) {
    io.out << "ipt " << command << " : aucun dossier ne correspond à la sélection\n";
    return exit_ok;
  }
  const bool json = args.flag("--json");
  if (journal->resumed()) {
    io.err << "ipt " << command << " : reprise du lot " << journal->run() << " commencé le " << journal->started_at() << " ("
           << already << " sur " << items.size() << " déjà traités)\n";
  }

  const std::string actor = core::current_actor();
  // A document extended by this run, or by any run of the last day, is not extended again: a
  // run killed after it finished, then started again, does not extend twice (a new archive
  // timestamp is needed years apart, not minutes).
  const std::string day_ago = core::utc_millis(std::chrono::system_clock::now() - std::chrono::hours(24));
  const std::string extended_since = std::min(journal->started_at(), day_ago);
  const BatchStep chosen = *step;
  // The worker's state lives as long as the worker: shared by the function it returns.
  pipeline::WorkerSetup setup = [&, chosen]() -> core::Result<pipeline::ItemWorker> {
    IPT_TRY(worker, pipeline::open_batch_worker(database, tsa_url));
    auto state = std::make_shared<WorkerState>();
    state->worker = *std::move(worker);
    state->config = *config;
    if (needs_seal(chosen)) {
      IPT_TRY(seal, open_pole_seal(args, *config));
      state->seal = std::move(*seal);
    }
    auto& c = state->worker->context;
    c.config = &state->config;
    c.trust = *trust;
    c.seal = state->seal.get();
    c.level = level.value_or(config->level.value_or(c.timestamps ? signing::Level::b_t : signing::Level::b_b));
    c.on_complete = pipeline::annexe4_mail_hook(*mail_config);
    if (archive_out) c.archive_folder = *archive_out;
    c.extended_since = extended_since;
    c.actor = actor;
    return pipeline::ItemWorker([state, chosen](const std::string& item) { return pipeline::run_step(chosen, state->worker->context, item); });
  };

  Progress progress(io.err, "ipt " + command, Progress::stderr_is_terminal(), json || args.flag("--quiet"));
  // Non-interactive, the per-item lines go to standard output (they are the command's output).
  Progress lines(io.out, "", false, args.flag("--quiet"));
  Progress& shown = Progress::stderr_is_terminal() || json ? progress : lines;
  pipeline::BatchOptions options;
  options.jobs = jobs;
  bool journal_failed = false;
  options.on_item = [&](const pipeline::ItemOutcome& outcome, size_t finished, size_t total) {
    shown.item(outcome, already + finished, already + total);
    if (auto r = journal->record(outcome); !r && !journal_failed) {
      journal_failed = true;
      io.err << "ipt " << command << " : journal du lot : " << r.error().message << "\n";
    }
  };
  auto report = pipeline::run_batch(todo, setup, options);
  shown.finish();
  if (!report) return report_failure(io, command, report.error());
  // Interrupted, the run stays open: the same command resumes it.
  if (!report->interrupted) {
    if (auto r = journal->close(); !r) return report_failure(io, command, r.error());
  }

  if (json) {
    io.out << report_json(chosen, *report, *journal, already, jobs).dump(2) << "\n";
  } else {
    const double rate = report->seconds > 0 ? static_cast<double>(report->items.size()) / report->seconds : 0;
    io.out << "ipt " << command << " : " << items.size() << " élément(s) — " << report->done << " fait(s), " << report->skipped
           << " déjà fait(s)" << (already ? ", " + std::to_string(already) + " traité(s) avant la reprise" : "") << ", "
           << report->failed << " échec(s), en " << french_duration(report->seconds) << " (" << french_decimal(rate) << " par seconde, "
           << std::min<size_t>(static_cast<size_t>(jobs), std::max<size_t>(todo.size(), 1)) << " processus)\n";
    for (const auto& [what, n] : report->counts) io.out << "  " << what << " : " << n << "\n";
    const auto failed = pipeline::failures(*report);
    if (!failed.empty()) {
      io.out << "Échecs :\n";
      for (const auto& f : failed) io.out << "  " << f << "\n";
    }
  }
  if (report->interrupted) {
    io.err << "ipt " << command << " : interrompu, " << report->not_started << " élément(s) non commencé(s) ; relancez la même commande pour "
           << "reprendre le lot " << journal->run() << "\n";
    return exit_failure;
  }
  return report->failed ? exit_failure : exit_ok;
}

}  // namespace

Command batch_command() {
  std::vector<OptionSpec> options{
      {"--all", "", "tous les dossiers de la base"},
      {"--dossier", "RÉF", "ce dossier (répétable)", true},
      {"--procedure", "P", "les dossiers de cette procédure : A, B1, B2 ou C"},
      {"--etape", "ÉTAPE", "les dossiers à cette étape : a-completer, a-signer, attente-ministre, a-envoyer, envoye, archive"},
      {"--jobs", "N", "processus de travail (défaut : un par cœur, plus un)"},
      {"--out", "DOSSIER", "archive : dossier des archives"},
      {"--tsa", "URL", "serveur d’horodatage (défaut : tsa_url d’ipt.conf)"},
      {"--level", "NIVEAU", "sign : niveau des signatures du pôle (défaut : celui d’ipt.conf)"},
      {"--trust", "CA.pem", "certificat racine de confiance, répétable (s’ajoute à ceux d’ipt.conf)", true},
      config_option(),
      database_option(),
      {"--quiet", "", "n’affiche que les échecs et le bilan"},
      {"--json", "", "bilan en JSON pour un programme"}};
  for (auto& o : key_options()) options.push_back(std::move(o));
  return {{"batch", "ipt batch ÉTAPE [FICHIER.xml|DOSSIER...] [--all | --dossier RÉF... | --procedure P | --etape ÉTAPE] [--jobs N] [--json]",
           "une étape sur de nombreux dossiers, sur tous les cœurs, avec reprise",
           "ÉTAPE est l’une de :\n"
           "  import FICHIER.xml|DOSSIER...  importe chaque dossier XML (ceux d’un dossier, par ordre de nom)\n"
           "  render    produit les documents du plan (ceux qui ne sont pas à jour)\n"
           "  sign      appose le cachet du pôle (seal_key.pole, ou --p12/--token) sur chaque document\n"
           "            dont la signature du pôle est la prochaine attendue\n"
           "  verify    vérifie chaque signature des documents\n"
           "  archive   classe chaque dossier pour l’Inspection dans --out (sauf s’il l’est déjà, à jour)\n"
           "  extend    ajoute un nouvel horodatage d’archive à chaque document signé complet\n"
           "            (sauf à ceux qui en ont reçu un dans les dernières 24 heures)\n"
           "Les dossiers se choisissent par --dossier, --procedure, --etape ou --all. Le travail est\n"
           "réparti sur --jobs processus (défaut : un par cœur, plus un, qui travaille pendant que les\n"
           "autres attendent le disque ou l’horodatage) ; chaque dossier est traité à part, un\n"
           "dossier en échec n’arrête pas les autres. Sur un terminal, une barre montre l’avancement,\n"
           "le débit et le temps restant ; sinon une ligne par dossier. Interrompu, le même lot reprend\n"
           "où il s’était arrêté quand on relance la même commande, sans rien refaire. Le bilan dit ce\n"
           "qui a échoué et pourquoi. Statut 0 sans échec, 1 sinon.",
           options,
           1, 1000000},
          run};
}

}  // namespace ipt::app
