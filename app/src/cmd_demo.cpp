// ipt demo: the main job on the shipped example dossiers, end to end on embedded defaults.
#include <filesystem>
#include <fstream>
#include <ostream>

#include "common.hpp"
#include "ipt/core/embedded_file.hpp"
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
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(dir / (std::string("ipt.sqlite") + suffix), ec);
  return std::nullopt;
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
    io.out << "\n[" << index << "/" << examples.size() << "] " << name << " importé (version "
           << imported->version << ")\n"
           << std::string(72, '-') << "\n"
           << plan_text(*dossier, *plan);
  }
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
