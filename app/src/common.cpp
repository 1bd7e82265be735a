#include "common.hpp"

#include <algorithm>
#include <cstdlib>
#include "ipt/core/files.hpp"
#include "ipt/pipeline/batch.hpp"
#include "ipt/signing/certificates.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace ipt::app {

OptionSpec database_option() {
  return {"--db", "FICHIER",
          "base de données SQLite (défaut : $IPT_DB, sinon ~/.local/share/ipt-dossiers/ipt.sqlite)"};
}

std::optional<std::string> read_file(const std::filesystem::path& path) { return core::read_whole_file(path); }

std::optional<core::Dossier> read_dossier(const std::filesystem::path& path, std::string* xml, Io& io,
                                          const std::string& command) {
  const auto text = read_file(path);
  if (!text) {
    io.err << "ipt " << command << " : " << path.string() << " : fichier illisible ou introuvable\n";
    return std::nullopt;
  }
  auto dossier = core::parse_dossier(*text, path.string());
  if (!dossier) {
    io.err << core::format_diagnostics(dossier.error());
    const auto n = dossier.error().size();
    io.err << "ipt " << command << " : " << path.string() << " : " << n << (n > 1 ? " problèmes" : " problème")
           << ", rien n’a été fait\n";
    return std::nullopt;
  }
  if (xml) *xml = *text;
  return *std::move(dossier);
}

core::Result<core::Store> open_database(const Arguments& args) {
  const std::filesystem::path path = args.value("--db").value_or(core::default_database_path().string());
  return core::Store::open(path);
}

std::optional<core::Store> open_store(const Arguments& args, Io& io, const std::string& command) {
  auto store = open_database(args);
  if (!store) {
    io.err << "ipt " << command << " : " << store.error().message << "\n";
    return std::nullopt;
  }
  return *std::move(store);
}

int report_failure(Io& io, std::string_view command, const core::Error& error) {
  io.err << "ipt " << command << " : " << error.message << "\n";
  return exit_status(error);
}

core::Error assume_category(core::Error error, core::Category category) {
  if (error.is(core::Category::internal)) error.category = category;
  return error;
}

core::Result<std::vector<signing::Bytes>> read_trust(const Arguments& args) {
  std::vector<signing::Bytes> anchors;
  for (const auto& path : args.values("--trust")) {
    IPT_TRY(certs, signing::load_certificates(path));
    anchors.insert(anchors.end(), certs->begin(), certs->end());
  }
  return anchors;
}

core::Result<core::StoredDossier> find_stored_dossier(const core::Store& store, const std::string& reference) {
  IPT_TRY(found, store.find_dossier(reference));
  if (!*found) {
    // The message names the dossier already: the place is for programs only.
    return std::unexpected(core::Error{"dossier « " + reference + " » inconnu", core::Category::not_found, {.document = reference}});
  }
  return **std::move(found);
}

OptionSpec calendar_option() {
  return {"--calendar", "DOSSIER", "calendriers scolaires à utiliser (fichiers AAAA-AAAA.xml) au lieu des calendriers intégrés"};
}

const core::SchoolCalendar* select_calendar(const Arguments& args, Io& io, const std::string& command,
                                            std::optional<core::SchoolCalendar>& loaded) {
  const auto dir = args.value("--calendar");
  if (!dir) return &core::SchoolCalendar::official();
  auto parsed = core::SchoolCalendar::load_directory(*dir);
  if (!parsed) {
    io.err << "ipt " << command << " : " << parsed.error().message << "\n";
    return nullptr;
  }
  loaded = *std::move(parsed);
  return &*loaded;
}

std::optional<int> jobs_option(const Arguments& args, Io& io, const std::string& command) {
  const auto value = args.value("--jobs");
  if (!value) return pipeline::default_jobs();
  const int jobs = std::atoi(value->c_str());
  if (jobs < 1 || jobs > 256) {
    io.err << "ipt " << command << " : --jobs : un nombre de processus entre 1 et 256\n";
    return std::nullopt;
  }
  return jobs;
}

}  // namespace ipt::app
