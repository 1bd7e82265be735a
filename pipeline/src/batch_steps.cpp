#include "ipt/pipeline/batch_steps.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "ipt/core/diagnostic.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/files.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/core/school_calendar.hpp"
#include "ipt/pipeline/archive.hpp"
#include "ipt/pipeline/dispatch.hpp"

namespace ipt::pipeline {

namespace fs = std::filesystem;

std::string_view code(BatchStep step) {
  switch (step) {
    case BatchStep::import: return "import";
    case BatchStep::render: return "render";
    case BatchStep::sign: return "sign";
    case BatchStep::verify: return "verify";
    case BatchStep::archive: return "archive";
    case BatchStep::extend: return "extend";
  }
  return "";
}

std::optional<BatchStep> parse_batch_step(std::string_view text) {
  for (auto s : {BatchStep::import, BatchStep::render, BatchStep::sign, BatchStep::verify, BatchStep::archive, BatchStep::extend}) {
    if (code(s) == text) return s;
  }
  return std::nullopt;
}

namespace {

using Clock = std::chrono::steady_clock;

ItemOutcome outcome(const std::string& item, ItemStatus status, std::string detail) {
  ItemOutcome o;
  o.item = item;
  o.status = status;
  o.detail = std::move(detail);
  return o;
}

ItemOutcome failure(const std::string& item, const core::Error& error) { return outcome(item, ItemStatus::failed, error.message); }

std::string plural(size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n > 1 ? many : one); }

ItemOutcome import_one(const BatchContext& c, const std::string& file) {
  auto xml = core::read_whole_file(file);
  if (!xml) return outcome(file, ItemStatus::failed, file + " : lecture impossible");
  auto dossier = core::parse_dossier(*xml, fs::path(file).filename().string());
  if (!dossier) {
    std::string reason = core::format_diagnostics(dossier.error());
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    return outcome(file, ItemStatus::failed, reason);
  }
  auto imported = c.store->import_dossier(*dossier, *xml, c.actor);
  if (!imported) return failure(file, imported.error());
  if (imported->unchanged) return outcome(file, ItemStatus::skipped, imported->reference + " : déjà importé (version " + std::to_string(imported->version) + ")");
  auto o = outcome(file, ItemStatus::done, imported->reference + " : version " + std::to_string(imported->version));
  o.counts["dossiers"] = 1;
  return o;
}

ItemOutcome render_one(const BatchContext& c, const std::string& reference) {
  auto current = c.documents->documents_current(reference);
  if (!current) return failure(reference, current.error());
  if (*current) return outcome(reference, ItemStatus::skipped, "documents déjà produits depuis la dernière version");
  auto rendered = c.documents->render(reference, c.actor);
  if (!rendered) return failure(reference, rendered.error());
  auto o = outcome(reference, ItemStatus::done, plural(rendered->size(), "document produit", "documents produits"));
  o.counts["documents"] = static_cast<long long>(rendered->size());
  return o;
}

bool signed_field(const DossierStatus& status, const std::string& document, const std::string& field) {
  for (const auto& d : status.documents) {
    if (d.name != document) continue;
    for (const auto& s : d.signatures) {
      if (s.field == field) return s.signed_;
    }
  }
  return false;
}

// The pole's signature on every document where it is the next one the plan awaits.
ItemOutcome seal_one(const BatchContext& c, const std::string& reference) {
  if (!c.seal) return outcome(reference, ItemStatus::failed, "aucun cachet du pôle (seal_key.pole)");
  auto status = c.documents->status(reference, c.trust);
  if (!status) return failure(reference, status.error());
  if (status->documents_version != 0 && status->documents_version < status->version) {
    return outcome(reference, ItemStatus::failed,
                   "documents de la version " + std::to_string(status->documents_version) + ", dossier en version " +
                       std::to_string(status->version) + " : relancez le tour de signatures");
  }
  long long signed_now = 0;
  std::vector<std::string> waiting;
  for (const auto& document : status->documents) {
    if (!document.present || document.complete) continue;
    const auto next = std::find_if(document.signatures.begin(), document.signatures.end(), [](const SignatureState& s) { return !s.signed_; });
    if (next == document.signatures.end()) continue;
    if (next->role != core::Role::pole) {
      waiting.push_back(document.name + " attend " + std::string(core::code(next->role)));
      continue;
    }
    SignRequest request;
    request.reference = reference;
    request.document = document.name;
    request.options.field = next->field;
    request.options.level = c.level;
    request.key = c.seal;
    request.timestamps = c.timestamps;
    request.trust_anchors = c.trust;
    request.actor = c.actor;
    request.config = c.config;
    auto signed_ = c.documents->sign(request, c.on_complete);
    if (!signed_) {
      // Another process (a second batch, the portal) may have signed it meanwhile: not a failure.
      auto again = c.documents->status(reference, c.trust);
      if (again && signed_field(*again, document.name, next->field)) continue;
      return failure(reference, signed_.error());
    }
    ++signed_now;
  }
  if (signed_now == 0) {
    return outcome(reference, ItemStatus::skipped,
                   waiting.empty() ? "aucune signature du pôle attendue" : "aucune signature du pôle attendue (" + waiting.front() + (waiting.size() > 1 ? ", …)" : ")"));
  }
  auto o = outcome(reference, ItemStatus::done, plural(static_cast<size_t>(signed_now), "signature du pôle", "signatures du pôle"));
  o.counts["signatures"] = signed_now;
  return o;
}

ItemOutcome verify_one(const BatchContext& c, const std::string& reference) {
  auto status = c.documents->status(reference, c.trust);
  if (!status) return failure(reference, status.error());
  size_t documents = 0, valid = 0, awaited = 0;
  std::vector<std::string> problems;
  for (const auto& document : status->documents) {
    if (!document.present) {
      awaited += document.signatures.size();
      continue;
    }
    ++documents;
    for (const auto& s : document.signatures) {
      if (!s.signed_) {
        ++awaited;
      } else if (s.indication == signing::Indication::valid) {
        ++valid;
      } else {
        std::string why = document.name + " " + s.field + " : " + std::string(signing::french(s.indication));
        if (!s.problems.empty()) why += " (" + s.problems.front().to_french() + ")";
        problems.push_back(why);
      }
    }
  }
  if (!problems.empty()) {
    std::string detail = problems.front();
    for (size_t i = 1; i < problems.size(); ++i) detail += " ; " + problems[i];
    return outcome(reference, ItemStatus::failed, detail);
  }
  auto o = outcome(reference, ItemStatus::done,
                   plural(documents, "document", "documents") + ", " + plural(valid, "signature valide", "signatures valides") +
                       (awaited ? ", " + plural(awaited, "signature attendue", "signatures attendues") : ""));
  o.counts["signatures"] = static_cast<long long>(valid);
  return o;
}

// Archived already when nothing that goes into an archive happened after the last one.
std::optional<std::string> archived_already(const core::Store& store, const std::string& reference) {
  auto entries = store.audit_entries(reference);
  if (!entries) return std::nullopt;
  static const std::set<std::string> changes{"dossier.import", "document.render", "document.sign", "document.extend",
                                             "round.restart",  "round.cancel",    "mail.sent",     "mail.written",
                                             "mail.failed"};
  for (auto e = entries->rbegin(); e != entries->rend(); ++e) {
    if (e->action == "dossier.archive") return e->details;
    if (changes.contains(e->action)) return std::nullopt;
  }
  return std::nullopt;
}

ItemOutcome archive_one(const BatchContext& c, const std::string& reference) {
  if (!c.seal || !c.timestamps) return outcome(reference, ItemStatus::failed, "le cachet du pôle et un serveur d’horodatage sont requis");
  if (auto finished = finish_interrupted_archive(*c.store, c.archive_folder, reference); !finished) {
    return failure(reference, finished.error());
  }
  if (archived_already(*c.store, reference)) return outcome(reference, ItemStatus::skipped, "déjà archivé, rien de nouveau depuis");
  auto archived = archive_dossier(*c.store, *c.documents, reference, c.archive_folder, c.trust,
                                  dispatches_of(c.store->path(), reference), ArchiveSeal{c.seal, c.timestamps}, c.actor);
  if (!archived) return failure(reference, archived.error());
  auto o = outcome(reference, ItemStatus::done,
                   "archive version " + std::to_string(archived->version) + " (" + std::to_string(archived->files) + " fichiers)");
  o.counts["archives"] = 1;
  o.produced = archived->folder.string();
  return o;
}

ItemOutcome extend_one(const BatchContext& c, const std::string& reference) {
  if (!c.timestamps) return outcome(reference, ItemStatus::failed, "un serveur d’horodatage est requis");
  auto extended = c.documents->extend(reference, *c.timestamps, c.trust, c.actor, c.extended_since);
  if (!extended) return failure(reference, extended.error());
  if (extended->extended.empty()) {
    return outcome(reference, ItemStatus::skipped,
                   extended->skipped.empty() ? "aucun document signé" : extended->skipped.front());
  }
  auto o = outcome(reference, ItemStatus::done,
                   plural(extended->extended.size(), "document prolongé", "documents prolongés") + " (nouvel horodatage d’archive)");
  o.counts["documents"] = static_cast<long long>(extended->extended.size());
  return o;
}

}  // namespace

BatchWorker::BatchWorker(core::Store s, templates::Renderer r, const std::string& tsa_url)
    : store(std::move(s)), renderer(std::move(r)), documents(store, renderer) {
  if (!tsa_url.empty()) tsa = std::make_unique<signing::HttpTimestampClient>(tsa_url);
  context.store = &store;
  context.documents = &documents;
  context.timestamps = tsa.get();
}

core::Result<std::shared_ptr<BatchWorker>> open_batch_worker(const fs::path& database, const std::string& tsa_url) {
  IPT_TRY(store, core::Store::open(database));
  IPT_TRY(renderer, templates::Renderer::create_embedded());
  return std::make_shared<BatchWorker>(std::move(*store), std::move(*renderer), tsa_url);
}

ItemOutcome run_step(BatchStep step, const BatchContext& context, const std::string& item) {
  const auto start = Clock::now();
  ItemOutcome o;
  switch (step) {
    case BatchStep::import: o = import_one(context, item); break;
    case BatchStep::render: o = render_one(context, item); break;
    case BatchStep::sign: o = seal_one(context, item); break;
    case BatchStep::verify: o = verify_one(context, item); break;
    case BatchStep::archive: o = archive_one(context, item); break;
    case BatchStep::extend: o = extend_one(context, item); break;
  }
  o.stages[std::string(code(step))] = std::chrono::duration<double>(Clock::now() - start).count();
  return o;
}

ItemOutcome sign_in_order(const BatchContext& c, const std::string& reference, const KeyFor& key_for) {
  const auto start = Clock::now();
  auto stored = c.store->find_dossier(reference);
  if (!stored) return failure(reference, stored.error());
  if (!*stored) return outcome(reference, ItemStatus::failed, "dossier inconnu");
  auto dossier = core::parse_dossier((*stored)->xml, reference);
  if (!dossier) return outcome(reference, ItemStatus::failed, "le dossier enregistré ne se lit plus");
  auto plan = core::make_plan(*dossier, core::SchoolCalendar::official());
  if (!plan) return failure(reference, plan.error());
  auto status = c.documents->status(reference, c.trust);
  if (!status) return failure(reference, status.error());
  long long signatures = 0, completed = 0;
  for (const auto& document : plan->documents) {
    const std::string name(core::file_stem(document.document));
    const auto* state = [&]() -> const DocumentStatus* {
      for (const auto& d : status->documents) {
        if (d.name == name) return &d;
      }
      return nullptr;
    }();
    if (!state || !state->present || state->complete) continue;
    const bool has_opinion = document.document == core::Document::annexe_2c || document.document == core::Document::annexe_4;
    for (const auto& step : document.signatures) {
      if (signed_field(*status, name, step.field)) continue;
      auto key = key_for(*dossier, step);
      if (!key) return failure(reference, key.error().with_context(name + " " + step.field));
      SignRequest request;
      request.reference = reference;
      request.document = name;
      request.options.field = step.field;
      request.options.level = c.level;
      request.options.reason = step.avis ? "Avis du CPMS" : "Accord sur le document";
      if (step.role == core::Role::cpms && has_opinion) {
        const bool unfavourable = dossier->cpms.avis == core::AvisCpms::defavorable;
        request.options.fills.push_back({"avis_cpms", unfavourable ? "defavorable" : "favorable"});
      }
      request.key = *key;
      request.timestamps = c.timestamps;
      request.trust_anchors = c.trust;
      request.actor = c.actor + " (" + step.signataire + ")";
      request.config = c.config;
      auto signed_ = c.documents->sign(request, c.on_complete);
      if (!signed_) return failure(reference, signed_.error());
      ++signatures;
      completed += signed_->complete;
    }
  }
  auto o = outcome(reference, signatures ? ItemStatus::done : ItemStatus::skipped,
                   signatures ? plural(static_cast<size_t>(signatures), "signature", "signatures") : "aucune signature attendue");
  o.counts["signatures"] = signatures;
  o.counts["documents signés"] = completed;
  o.stages["signature"] = std::chrono::duration<double>(Clock::now() - start).count();
  return o;
}

core::Result<std::vector<std::string>> select_dossiers(core::Store& store, const Selection& selection, core::Date today) {
  std::vector<std::string> candidates = selection.references;
  if (selection.all || candidates.empty()) {
    if (!selection.all && !selection.procedure && !selection.step) {
      return core::fail(core::Category::invalid_input, "choisissez les dossiers : --dossier RÉF, --procedure, --etape ou --all");
    }
    IPT_TRY(listed, store.list_dossiers());
    candidates.clear();
    for (const auto& d : *listed) candidates.push_back(d.reference);
  } else {
    for (const auto& reference : candidates) {
      IPT_TRY(found, store.find_dossier(reference));
      if (!*found) return core::fail(core::Category::not_found, "dossier " + reference + " inconnu");
    }
  }
  if (!selection.procedure && !selection.step) return candidates;
  std::vector<std::string> out;
  for (const auto& reference : candidates) {
    IPT_TRY(o, overview(store, reference, today));
    if (selection.procedure) {
      const std::string p(core::code(o->plan.procedure));
      if (p != *selection.procedure && !p.starts_with(*selection.procedure + "-")) continue;
    }
    if (selection.step && o->step != *selection.step) continue;
    out.push_back(reference);
  }
  return out;
}

std::string selection_key(const Selection& selection) {
  std::string key = selection.all || selection.references.empty() ? "tous" : "";
  for (const auto& r : selection.references) key += (key.empty() ? "" : ",") + r;
  if (selection.procedure) key += " procedure=" + *selection.procedure;
  if (selection.step) key += " etape=" + std::string(code(*selection.step));
  return key;
}

core::Result<std::vector<std::string>> import_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".xml") found.push_back(entry.path().string());
      }
      if (ec) return core::fail(core::Category::invalid_input, p + " : lecture du dossier impossible (" + ec.message() + ")");
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      out.push_back(p);
    } else {
      return core::fail(core::Category::not_found, p + " : fichier ou dossier introuvable");
    }
  }
  return out;
}

}  // namespace ipt::pipeline
