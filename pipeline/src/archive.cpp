#include "ipt/pipeline/archive.hpp"

#include "archive_seal.hpp"
#include "document_lock.hpp"
#include "ipt/core/files.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <set>

#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/embedded_file.hpp"
#include "ipt/signing/verifier.hpp"
#include "ipt/templates/renderer.hpp"

namespace ipt::pipeline {

std::span<const EmbeddedFile> embedded_certificate_definitions();  // generated from definitions/

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int max_signatures = 16, max_dispatches = 4, max_files = 24, max_round_events = 48;

// The remote round's events as the certificate names them.
std::optional<std::string> round_event_fr(std::string_view action) {
  static constexpr std::pair<std::string_view, std::string_view> names[] = {
      {"round.start", "tour ouvert"},          {"round.invite", "invitation envoyée"},
      {"round.open", "lien ouvert"},           {"round.code_sent", "code envoyé"},
      {"round.code_wrong", "code erroné"},     {"round.code_confirmed", "identité confirmée"},
      {"round.signed", "a signé"},             {"round.decline", "a refusé"},
      {"round.completed", "tour terminé"},     {"round.cancel", "tour annulé"},
      {"round.remind", "rappel"},              {"round.reissue", "nouveau lien"},
      {"round.expired", "lien expiré"},        {"document.sign", "signature enregistrée"},
  };
  for (const auto& [code, label] : names) {
    if (code == action) return std::string(label);
  }
  return std::nullopt;
}
constexpr const char* archive_format = "ipt-archive-2";  // 2: the certificate is sealed and outside the manifest
constexpr const char* certificate_file = "certificat-achevement.pdf";

std::string now_utc(const char* format) { return core::format_utc(std::chrono::system_clock::now(), format); }

std::string iso(std::chrono::system_clock::time_point t) { return core::format_utc(t, "%d/%m/%Y %H:%M"); }

// "0123…" in four groups of sixteen, so that the PDF can wrap it.
std::string grouped(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 16) out += (out.empty() ? "" : " ") + hex.substr(i, 16);
  return out;
}

core::DossierFields certificate_fields() {
  core::DossierFields f;
  for (const char* key : {"archive.reference", "archive.version", "archive.date", "archive.procedure", "archive.manifeste",
                          "envois.aucun", "parcours.aucun"}) {
    f[key] = "";
  }
  for (int i = 0; i < max_signatures; ++i) {
    for (const char* k : {"document", "champ", "signataire", "date", "verification"}) f["signatures." + std::to_string(i) + "." + k] = "";
  }
  for (int i = 0; i < max_dispatches; ++i) {
    for (const char* k : {"objet", "destinataires", "etat"}) f["envois." + std::to_string(i) + "." + k] = "";
  }
  for (int i = 0; i < max_files; ++i) {
    for (const char* k : {"nom", "sha256"}) f["fichiers." + std::to_string(i) + "." + k] = "";
  }
  for (int i = 0; i < max_round_events; ++i) {
    for (const char* k : {"date", "evenement", "details"}) f["parcours." + std::to_string(i) + "." + k] = "";
  }
  return f;
}

// Made once per process (fonts read, measured and subset: several milliseconds), then shared:
// a batch archives thousands of dossiers.
core::Result<templates::Renderer> certificate_renderer() {
  static const core::Result<templates::Renderer> made = []() -> core::Result<templates::Renderer> {
    templates::FieldNames names;
    for (const auto& [k, v] : certificate_fields()) names.insert(k);
    IPT_TRY(set, templates::TemplateSet::parse(embedded_certificate_definitions(), names));
    return templates::Renderer::create(*std::move(set));
  }();
  return made;
}

struct FileToWrite {
  std::string relative;
  signing::Bytes bytes;
  std::string sha256{};  // hex; empty until computed (a document's comes from its verification)
};

std::string place_name(core::Lieu l) {
  switch (l) {
    case core::Lieu::pole: return "pole";
    case core::Lieu::ecole_ordinaire: return "ecole-ordinaire";
    case core::Lieu::ecole_partenaire: return "ecole-partenaire";
    case core::Lieu::ecole_specialisee: return "ecole-specialisee";
  }
  return "autre";
}

}  // namespace

namespace {

// One archiving of a dossier at a time, across processes (the CLI, a batch, the portal):
// "<out>/<reference>.lock", so that two never take the same version number, and a pending
// version another process is writing is never taken for a cut one.
core::Result<detail::DocumentLock> archive_lock(const fs::path& out, const std::string& reference) {
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return core::fail(out.string() + " : création impossible (" + ec.message() + ")");
  return detail::DocumentLock::acquire(out / reference);
}

}  // namespace

core::Result<void> finish_interrupted_archive(const core::Store& store, const fs::path& out, const std::string& reference) {
  const fs::path base = out / reference;
  std::error_code ec;
  if (!fs::is_directory(base, ec)) return {};
  IPT_TRY(lock, archive_lock(out, reference));
  std::vector<fs::path> pending;
  for (const auto& e : fs::directory_iterator(base, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(".v") && name.ends_with(".en-cours")) pending.push_back(e.path());
  }
  if (pending.empty()) return {};
  IPT_TRY(entries, store.audit_entries(reference));
  for (const auto& folder : pending) {
    const std::string name = folder.filename().string();
    const std::string version = name.substr(2, name.size() - 2 - std::string(".en-cours").size());
    const auto manifest = core::read_whole_file(folder / "manifest.json", 16u << 20);
    const std::string entry = "version " + version + ", manifeste sha256 " + (manifest ? core::sha256_hex(*manifest) : "");
    const bool committed = manifest && std::any_of(entries->begin(), entries->end(), [&](const core::AuditEntry& e) {
      return e.action == "dossier.archive" && e.details.starts_with(entry);
    });
    const fs::path final_folder = base / ("v" + version);
    if (committed && !fs::exists(final_folder, ec)) {
      fs::rename(folder, final_folder, ec);
      if (ec) return core::fail(final_folder.string() + " : impossible de finaliser l’archive (" + ec.message() + ")");
      IPT_TRY_VOID(core::sync_folder(base));
    } else {
      fs::remove_all(folder, ec);
    }
  }
  return {};
}

core::Result<ArchiveOutcome> archive_dossier(core::Store& store, const DossierDocuments& documents,
                                             const std::string& reference, const fs::path& out,
                                             const std::vector<signing::Bytes>& trust,
                                             const std::vector<DispatchRecord>& dispatches, const ArchiveSeal& seal,
                                             const std::string& actor) {
  IPT_TRY(stored, store.find_dossier(reference));
  if (!*stored) return core::fail("dossier « " + reference + " » inconnu");
  IPT_TRY_VOID(finish_interrupted_archive(store, out, reference));
  auto dossier = core::parse_dossier((*stored)->xml, reference);
  if (!dossier) return core::fail("dossier « " + reference + " » enregistré illisible");
  IPT_TRY(plan, core::make_plan(*dossier, core::SchoolCalendar::official()));

  // Everything is produced in memory first: a failure writes nothing.
  std::vector<FileToWrite> files;
  auto fields = certificate_fields();
  int signature_row = 0;
  for (const auto& d : plan->documents) {
    const std::string name(core::file_stem(d.document));
    const fs::path source = documents.folder(reference) / (name + ".pdf");
    auto bytes = signing::read_file(source);
    if (!bytes) return core::fail(name + " : absent du magasin de documents (ipt render --dossier " + reference + ")");
    signing::VerifyOptions options;
    options.trust_anchors = trust;
    auto report = signing::verify_pdf(*bytes, options);
    if (!report) return std::unexpected(report.error().with_context(name));
    // The verification hashed the file whole: the original and its copies have that digest.
    files.push_back({"originaux/" + name + ".pdf", *bytes, report->sha256});
    for (auto place : d.copies) files.push_back({"copies/" + place_name(place) + "/" + name + ".pdf", *bytes, report->sha256});
    for (const auto& step : d.signatures) {
      const bool present = std::any_of(report->signatures.begin(), report->signatures.end(),
                                       [&](const auto& s) { return s.field == step.field; });
      if (!present) return core::fail(name + " : la signature « " + step.field + " » (" + step.signataire + ") manque encore");
    }
    if (!d.signatures.empty() && !report->valid()) {
      return core::fail(name + " : les signatures ne se vérifient pas (voir ipt verify) ; rien n’a été archivé");
    }
    if (!d.signatures.empty()) files.push_back({"rapports/" + name + ".json", signing::to_bytes(signing::report_json(*report))});
    for (const auto& s : report->signatures) {
      if (signature_row >= max_signatures) break;
      const std::string row = "signatures." + std::to_string(signature_row++) + ".";
      fields[row + "document"] = name;
      fields[row + "champ"] = s.document_timestamp ? "horodatage" : s.field;
      fields[row + "signataire"] = s.signer + (s.organisation.empty() ? "" : ", " + s.organisation);
      fields[row + "date"] = s.timestamp_time ? iso(*s.timestamp_time) : s.claimed_time ? iso(*s.claimed_time) : "";
      fields[row + "verification"] = s.valid() ? "valide" : s.indication == signing::Indication::indeterminate ? "indéterminée" : "non valide";
    }
  }
  // Documents voided by a restarted round stay in the dossier's history, and so here.
  {
    const fs::path voided = documents.folder(reference) / "annules";
    std::error_code ec;
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(voided, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file()) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    for (const auto& p : found) {
      IPT_TRY(bytes, signing::read_file(p));
      files.push_back({"annules/" + fs::relative(p, voided).generic_string(), *bytes});
    }
  }
  IPT_TRY(entries, store.audit_entries(reference));
  json journal = json::array();
  for (const auto& e : *entries) {
    journal.push_back({{"n", e.seq}, {"date", e.at}, {"acteur", e.actor}, {"action", e.action}, {"dossier", e.dossier},
                       {"details", e.details}, {"empreinte_precedente", e.prev_hash}, {"empreinte", e.hash}});
  }
  files.push_back({"journal-audit.json", signing::to_bytes(journal.dump(2))});
  // Each remote signatory's path, from the audit trail: when, from which address and browser,
  // and the signed document's SHA-256 (the document.sign entries of a round name it).
  {
    const bool remote = std::any_of(entries->begin(), entries->end(), [](const auto& e) { return e.action == "round.start"; });
    int row = 0;
    for (const auto& e : *entries) {
      const auto label = round_event_fr(e.action);
      if (!remote || !label || row >= max_round_events) continue;
      const std::string prefix = "parcours." + std::to_string(row++) + ".";
      fields[prefix + "date"] = e.at.substr(0, 16);
      fields[prefix + "evenement"] = *label;
      // A signature's entry is long (its certificate): its place and hash say enough here.
      std::string details = e.action == "document.sign" ? e.details.substr(0, e.details.find(" ; ")) : e.details;
      if (details.size() > 180) details = details.substr(0, 177) + "…";  // three lines of the table at most
      fields[prefix + "details"] = details;
    }
    fields["parcours.aucun"] = row == 0 ? "oui" : "";
  }

  // The version: the next free v<N>, under the dossier's archive lock until it is renamed.
  IPT_TRY(lock, archive_lock(out, reference));
  const fs::path base = out / reference;
  int version = 1;
  while (fs::exists(base / ("v" + std::to_string(version)))) ++version;

  fields["archive.reference"] = reference;
  fields["archive.version"] = std::to_string(version);
  fields["archive.date"] = now_utc("%d/%m/%Y à %H:%M (UTC)");
  fields["archive.procedure"] = std::string(core::code(plan->procedure)) + " – " + std::string(core::french_title(plan->procedure));
  fields["envois.aucun"] = dispatches.empty() ? "oui" : "";
  for (size_t i = 0; i < dispatches.size() && i < static_cast<size_t>(max_dispatches); ++i) {
    const std::string row = "envois." + std::to_string(i) + ".";
    fields[row + "objet"] = dispatches[i].subject;
    fields[row + "destinataires"] = dispatches[i].recipients;
    fields[row + "etat"] = dispatches[i].state;
  }
  // Each file hashed once, for the certificate and for the manifest.
  std::vector<std::string> digests;
  digests.reserve(files.size());
  for (const auto& f : files) digests.push_back(f.sha256.empty() ? core::sha256_hex(signing::as_text(f.bytes)) : f.sha256);
  for (size_t i = 0; i < files.size() && i < static_cast<size_t>(max_files); ++i) {
    const std::string row = "fichiers." + std::to_string(i) + ".";
    fields[row + "nom"] = files[i].relative;
    fields[row + "sha256"] = grouped(digests[i]);
  }
  // The manifest lists every file but itself and the certificate, which seals it.
  json manifest_files = json::array();
  for (size_t i = 0; i < files.size(); ++i) {
    manifest_files.push_back({{"fichier", files[i].relative}, {"octets", files[i].bytes.size()}, {"sha256", digests[i]}});
  }
  const json manifest{{"format", archive_format},
                      {"reference", reference},
                      {"version", version},
                      {"date", now_utc("%Y-%m-%dT%H:%M:%SZ")},
                      {"version_dossier", (*stored)->version},
                      {"certificat", certificate_file},
                      {"fichiers", manifest_files}};
  const std::string manifest_text = manifest.dump(2);
  const std::string manifest_sha256 = core::sha256_hex(manifest_text);
  fields["archive.manifeste"] = grouped(manifest_sha256);

  auto renderer = certificate_renderer();
  if (!renderer) return std::unexpected(renderer.error().with_context("certificat d’achèvement"));
  const auto* definition = renderer->templates().find("certificat-achevement");
  if (!definition) return core::fail("certificat d’achèvement : définition absente");
  auto certificate = renderer->render(*definition, fields);
  if (!certificate) return std::unexpected(certificate.error().with_context("certificat d’achèvement"));
  IPT_TRY(sealed, detail::seal_certificate(signing::Bytes(certificate->begin(), certificate->end()), seal, trust));
  files.push_back({certificate_file, *std::move(sealed)});

  // Written under a temporary name, every file synced, then renamed: a version is complete
  // or absent, and the rename survives a crash.
  const fs::path temp = base / (".v" + std::to_string(version) + ".en-cours");
  std::error_code ec;
  fs::remove_all(temp, ec);
  fs::create_directories(base, ec);
  if (ec) return core::fail(base.string() + " : création impossible (" + ec.message() + ")");
  std::vector<core::FolderFile> contents;
  contents.reserve(files.size() + 1);
  for (const auto& f : files) contents.push_back({f.relative, signing::as_text(f.bytes)});
  contents.push_back({"manifest.json", manifest_text});
  if (auto written = core::write_new_folder(temp, contents); !written) {
    fs::remove_all(temp, ec);
    return std::unexpected(written.error());
  }
  IPT_TRY_VOID(core::sync_folder(base));
  IPT_TRY_VOID(core::sync_folder(base.parent_path()));  // when `base` is new
  // The commit: from here the version exists, and finish_interrupted_archive completes it.
  if (auto ok = store.record(actor, "dossier.archive", reference,
                             "version " + std::to_string(version) + ", manifeste sha256 " + manifest_sha256 + ", scellé");
      !ok) {
    fs::remove_all(temp, ec);
    return std::unexpected(ok.error());
  }
  const fs::path final_folder = base / ("v" + std::to_string(version));
  fs::rename(temp, final_folder, ec);
  if (ec) return core::fail(final_folder.string() + " : impossible de finaliser l’archive (" + ec.message() + ")");
  IPT_TRY_VOID(core::sync_folder(base));
  return ArchiveOutcome{final_folder, version, files.size() + 1};
}

core::Result<ArchiveCheck> verify_archive(const fs::path& folder, const std::vector<signing::Bytes>& trust,
                                          bool online_revocation, std::span<const ConfiguredSeal> seals) {
  auto manifest_bytes = signing::read_file(folder / "manifest.json", 16u << 20);
  if (!manifest_bytes) return core::fail(folder.string() + " : manifest.json absent ou illisible : ce n’est pas une archive");
  json manifest;
  try {
    manifest = json::parse(signing::as_text(*manifest_bytes));
    if (manifest.at("format") == "ipt-archive-1") {
      return core::fail(core::Category::integrity, folder.string() +
                        " : archive au format ipt-archive-1, sans cachet : son intégrité ne peut pas être établie "
                        "(classez le dossier à nouveau : ipt archive)");
    }
    if (manifest.at("format") != archive_format) return core::fail(folder.string() + " : format d’archive inconnu");
  } catch (const json::exception&) {
    return core::fail(folder.string() + "/manifest.json : illisible");
  }
  ArchiveCheck check;
  // The seal first: it is what makes the manifest's hashes worth checking.
  {
    auto certificate = signing::read_file(folder / certificate_file, 64u << 20);
    if (!certificate) {
      check.problems.push_back(std::string(certificate_file) + " : manquant : l’archive n’est pas scellée");
    } else {
      auto seal = detail::check_seal(*certificate, core::sha256_hex(signing::as_text(*manifest_bytes)), trust,
                                     online_revocation, seals);
      check.sealed = seal.ok;
      check.sealed_by = seal.sealed_by;
      check.problems.insert(check.problems.end(), seal.problems.begin(), seal.problems.end());
    }
  }
  std::set<std::string> listed{"manifest.json", certificate_file};
  try {
    for (const auto& entry : manifest.at("fichiers")) {
      const std::string relative = entry.at("fichier");
      listed.insert(relative);
      if (relative.find("..") != std::string::npos || (!relative.empty() && relative[0] == '/')) {
        check.problems.push_back(relative + " : chemin refusé");
        continue;
      }
      auto bytes = signing::read_file(folder / relative);
      ++check.files_checked;
      if (!bytes) {
        check.problems.push_back(relative + " : manquant");
        continue;
      }
      if (core::sha256_hex(signing::as_text(*bytes)) != entry.at("sha256").get<std::string>()) {
        check.problems.push_back(relative + " : modifié (empreinte différente de celle du manifeste)");
        continue;
      }
      if (relative.rfind("originaux/", 0) == 0) {
        signing::VerifyOptions options;
        options.trust_anchors = trust;
        options.online_revocation = online_revocation;
        auto report = signing::verify_pdf(*bytes, options);
        if (!report) {
          check.problems.push_back(relative + " : illisible (" + report.error().message + ")");
        } else if (!report->signatures.empty() && !report->valid()) {
          for (const auto& s : report->signatures) {
            for (const auto& p : s.problems) check.problems.push_back(relative + " : " + s.field + " : " + p.to_french());
          }
        }
      }
      if (relative == "journal-audit.json") {
        const auto journal = json::parse(signing::as_text(*bytes));
        long long previous_seq = 0;
        for (const auto& e : journal) {
          core::AuditEntry a{e.at("n"), e.at("date"), e.at("acteur"), e.at("action"), e.at("dossier"),
                             e.at("details"), e.at("empreinte_precedente"), e.at("empreinte")};
          if (core::audit_entry_hash(a) != a.hash) {
            check.problems.push_back("journal-audit.json : entrée n° " + std::to_string(a.seq) + " modifiée");
          }
          if (a.seq <= previous_seq) check.problems.push_back("journal-audit.json : entrées dans le désordre");
          previous_seq = a.seq;
        }
      }
    }
  } catch (const json::exception&) {
    check.problems.push_back("manifest.json ou journal-audit.json : structure inattendue");
  }
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string relative = fs::relative(it->path(), folder).string();
    if (!listed.contains(relative)) check.problems.push_back(relative + " : fichier ajouté, absent du manifeste");
  }
  check.ok = check.problems.empty();
  return check;
}

}  // namespace ipt::pipeline
