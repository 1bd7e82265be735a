#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/core/files.hpp"

#include <algorithm>
#include <ctime>

#include "ipt/core/dossier_fields.hpp"
#include "ipt/core/dossier_reader.hpp"

namespace ipt::pipeline {

namespace fs = std::filesystem;

namespace {

struct Loaded {
  core::Dossier dossier;
  core::Plan plan;
  int version = 0;
};

core::Result<Loaded> load(const core::Store& store, const std::string& reference) {
  auto stored = store.find_dossier(reference);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return core::fail("dossier « " + reference + " » inconnu (importez-le d'abord : ipt import)");
  auto dossier = core::parse_dossier((*stored)->xml, reference + " (version " + std::to_string((*stored)->version) + ")");
  if (!dossier) return core::fail("dossier « " + reference + " » enregistré illisible : " + dossier.error().front().to_string());
  auto plan = core::make_plan(*dossier, core::SchoolCalendar::official());
  if (!plan) return std::unexpected(plan.error());
  return Loaded{*std::move(dossier), *std::move(plan), (*stored)->version};
}

const core::DocumentPlan* find_document(const core::Plan& plan, const std::string& name) {
  for (const auto& d : plan.documents) {
    if (core::file_stem(d.document) == name) return &d;
  }
  return nullptr;
}

std::string plan_documents(const core::Plan& plan) {
  std::string names;
  for (const auto& d : plan.documents) names += (names.empty() ? "" : ", ") + std::string(core::file_stem(d.document));
  return names;
}

std::string iso(std::chrono::system_clock::time_point t) { return core::format_utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

signing::VerifyOptions offline(const std::vector<signing::Bytes>& trust) {
  signing::VerifyOptions o;
  o.trust_anchors = trust;
  o.online_revocation = false;
  return o;
}

// A signing interrupted after its audit entry but before the rename left "<doc>.pdf.nouveau":
// the audit trail already holds it, so finish the rename.
void finish_interrupted_signing(const fs::path& path) {
  const fs::path pending = path.string() + ".nouveau";
  std::error_code ec;
  if (fs::exists(pending, ec)) fs::rename(pending, path, ec);
}

}  // namespace

DossierDocuments::DossierDocuments(core::Store& store, const templates::Renderer& renderer)
    : store_(store), renderer_(renderer) {}

fs::path DossierDocuments::folder(const std::string& reference) const {
  return store_.data_folder() / "documents" / reference;
}

core::Result<std::vector<StoredDocument>> DossierDocuments::render(const std::string& reference, const std::string& actor) {
  auto loaded = load(store_, reference);
  if (!loaded) return std::unexpected(loaded.error());
  const auto fields = core::dossier_fields(loaded->dossier, core::SchoolCalendar::official());
  std::vector<std::pair<StoredDocument, signing::Bytes>> rendered;
  for (const auto& d : loaded->plan.documents) {
    StoredDocument doc;
    doc.name = std::string(core::file_stem(d.document));
    doc.path = folder(reference) / (doc.name + ".pdf");
    finish_interrupted_signing(doc.path);
    if (fs::exists(doc.path)) {
      auto existing = signing::read_file(doc.path);
      if (existing) {
        auto report = signing::verify_pdf(*existing, offline({}));
        if (report && !report->signatures.empty()) {
          return core::fail(doc.name + " : déjà signé ; il n'est pas produit à nouveau");
        }
      }
    }
    auto pdf = renderer_.render_document(d.document, fields);
    if (!pdf) return std::unexpected(pdf.error().with_context(doc.name));
    signing::Bytes bytes(pdf->begin(), pdf->end());
    doc.bytes = bytes.size();
    doc.sha256 = core::sha256_hex(signing::as_text(bytes));
    rendered.emplace_back(std::move(doc), std::move(bytes));
  }
  std::error_code ec;
  fs::create_directories(folder(reference), ec);
  if (ec) return core::fail(folder(reference).string() + " : création impossible (" + ec.message() + ")");
  std::vector<StoredDocument> out;
  std::string details = "version " + std::to_string(loaded->version);
  for (auto& [doc, bytes] : rendered) {
    if (auto ok = signing::write_file_atomically(doc.path, bytes); !ok) return std::unexpected(ok.error());
    details += ", " + doc.name + " sha256 " + doc.sha256;
    out.push_back(doc);
  }
  if (auto ok = store_.record(actor, "document.render", reference, details); !ok) return std::unexpected(ok.error());
  return out;
}

core::Result<SignOutcome> DossierDocuments::sign(const SignRequest& request, const CompletionHook& on_complete) {
  auto loaded = load(store_, request.reference);
  if (!loaded) return std::unexpected(loaded.error());
  const auto* planned = find_document(loaded->plan, request.document);
  if (!planned) {
    return core::fail("« " + request.document + " » ne fait pas partie du plan du dossier " + request.reference + " (" +
                      plan_documents(loaded->plan) + ")");
  }
  const auto step = std::find_if(planned->signatures.begin(), planned->signatures.end(),
                                 [&](const core::SignatureStep& s) { return s.field == request.options.field; });
  if (step == planned->signatures.end()) {
    std::string fields;
    for (const auto& s : planned->signatures) fields += (fields.empty() ? "" : ", ") + s.field;
    return core::fail(request.document + " : le champ « " + request.options.field + " » n'est pas prévu par le plan" +
                      (fields.empty() ? " (document sans signature)" : " (champs : " + fields + ")"));
  }
  const fs::path path = folder(request.reference) / (request.document + ".pdf");
  finish_interrupted_signing(path);
  auto current = signing::read_file(path);
  if (!current) return core::fail(request.document + " : document absent du dossier (produisez-le d'abord : ipt render --dossier " + request.reference + ")");

  // The plan's order: every earlier signatory has signed.
  auto before = signing::verify_pdf(*current, offline(request.trust_anchors));
  if (!before) return std::unexpected(before.error().with_context(request.document));
  auto is_signed = [&](const signing::VerificationReport& r, const std::string& field) {
    return std::any_of(r.signatures.begin(), r.signatures.end(), [&](const auto& s) { return s.field == field; });
  };
  for (auto it = planned->signatures.begin(); it != step; ++it) {
    if (!is_signed(*before, it->field)) {
      return core::fail(request.document + " : ce n'est pas encore le tour de « " + request.options.field + " » : « " + it->field +
                        " » (" + it->signataire + ") signe d'abord");
    }
  }
  signing::SignatureOptions options = request.options;
  options.certify = step == planned->signatures.begin();
  auto signed_pdf = signing::sign_pdf(*current, options, *request.key, request.timestamps, request.trust_anchors);
  if (!signed_pdf) return std::unexpected(signed_pdf.error().with_context(request.document));

  // The new revision replaces the stored one only once it verifies.
  signing::VerifyOptions verify_options;
  verify_options.trust_anchors = request.trust_anchors;
  auto report = signing::verify_pdf(*signed_pdf, verify_options);
  if (!report) return std::unexpected(report.error().with_context(request.document + " (vérification)"));
  if (!report->valid()) {
    std::string problems;
    for (const auto& s : report->signatures) {
      for (const auto& p : s.problems) problems += (problems.empty() ? "" : " ; ") + s.field + " : " + p.to_french();
    }
    for (const auto& p : report->problems) problems += (problems.empty() ? "" : " ; ") + p.to_french();
    return core::fail(request.document + " : la nouvelle révision ne se vérifie pas (" + problems + ") — le document reste inchangé");
  }
  SignOutcome outcome;
  outcome.report = *report;
  outcome.complete = std::all_of(planned->signatures.begin(), planned->signatures.end(),
                                 [&](const core::SignatureStep& s) { return is_signed(*report, s.field); });
  outcome.document = {request.document, path, signed_pdf->size(), core::sha256_hex(signing::as_text(*signed_pdf))};

  const fs::path pending = path.string() + ".nouveau";
  if (auto ok = signing::write_file_atomically(pending, *signed_pdf); !ok) return std::unexpected(ok.error());
  const std::string details = request.document + " " + request.options.field + " " + std::string(signing::code(options.level)) +
                              ", sha256 " + outcome.document.sha256 + (outcome.complete ? ", signatures complètes" : "");
  const bool run_hook = outcome.complete && planned->document == core::Document::annexe_4 && on_complete;
  auto recorded = store_.record_with(request.actor, "document.sign", request.reference, details, [&](sqlite3* db) -> core::Result<void> {
    if (!run_hook) return {};
    return on_complete(db, loaded->dossier, *signed_pdf);
  });
  if (!recorded) {
    std::error_code ec;
    fs::remove(pending, ec);
    return std::unexpected(recorded.error());
  }
  outcome.hook_ran = run_hook;
  std::error_code ec;
  fs::rename(pending, path, ec);
  if (ec) return core::fail(path.string() + " : remplacement impossible (" + ec.message() + ") ; la révision signée est dans " + pending.string());
  return outcome;
}

core::Result<DossierStatus> DossierDocuments::status(const std::string& reference,
                                                      const std::vector<signing::Bytes>& trust) const {
  auto loaded = load(store_, reference);
  if (!loaded) return std::unexpected(loaded.error());
  DossierStatus status{reference, loaded->version, std::string(core::code(loaded->plan.procedure)), {}};
  for (const auto& d : loaded->plan.documents) {
    DocumentStatus doc;
    doc.name = std::string(core::file_stem(d.document));
    const fs::path path = folder(reference) / (doc.name + ".pdf");
    finish_interrupted_signing(path);
    std::optional<signing::VerificationReport> report;
    if (auto bytes = signing::read_file(path)) {
      doc.present = true;
      doc.sha256 = core::sha256_hex(signing::as_text(*bytes));
      // Revocation is checked online where the document carries no validation data yet.
      signing::VerifyOptions options;
      options.trust_anchors = trust;
      options.timeout = std::chrono::seconds(5);
      if (auto r = signing::verify_pdf(*bytes, options)) report = *r;
    }
    for (const auto& step : d.signatures) {
      SignatureState s{step.field, step.role, step.signataire, false, "", "", signing::Indication::invalid, {}};
      if (report) {
        for (const auto& v : report->signatures) {
          if (v.field != step.field) continue;
          s.signed_ = true;
          s.signer = v.signer;
          if (v.timestamp_time) s.at = iso(*v.timestamp_time);
          else if (v.claimed_time) s.at = iso(*v.claimed_time);
          s.indication = v.indication;
          s.problems = v.problems;
        }
      }
      doc.signatures.push_back(s);
    }
    doc.complete = doc.present && std::all_of(doc.signatures.begin(), doc.signatures.end(), [](const auto& s) { return s.signed_; });
    status.documents.push_back(std::move(doc));
  }
  return status;
}

}  // namespace ipt::pipeline
