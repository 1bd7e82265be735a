#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/core/companion_file.hpp"
#include "ipt/core/files.hpp"

#include <algorithm>
#include <set>
#include <cctype>
#include <ctime>

#include "ipt/core/dossier_fields.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/reference.hpp"
#include "ipt/signing/form_fields.hpp"
#include "ipt/templates/field_owners.hpp"
#include "document_lock.hpp"

namespace ipt::pipeline {

namespace fs = std::filesystem;

namespace {

struct Loaded {
  core::Dossier dossier;
  core::Plan plan;
  int version = 0;
};

core::Result<Loaded> load(const core::Store& store, const std::string& reference) {
  IPT_TRY(stored, store.find_dossier(reference));
  if (!*stored) return core::fail(core::Category::not_found, "dossier « " + reference + " » inconnu (importez-le d’abord : ipt import)");
  auto dossier = core::parse_dossier((*stored)->xml, reference + " (version " + std::to_string((*stored)->version) + ")");
  if (!dossier) return core::fail(core::Category::integrity, "dossier « " + reference + " » enregistré illisible : " + dossier.error().front().to_string());
  IPT_TRY(plan, core::make_plan(*dossier, core::SchoolCalendar::official()));
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

}  // namespace

DossierDocuments::DossierDocuments(core::Store& store, const templates::Renderer& renderer)
    : store_(store), renderer_(renderer) {}

fs::path DossierDocuments::folder(const std::string& reference) const {
  return store_.data_folder() / "documents" / reference;
}

core::Result<std::vector<StoredDocument>> DossierDocuments::render(const std::string& reference, const std::string& actor) {
  IPT_TRY_VOID(core::check_reference(reference));
  IPT_TRY(loaded, load(store_, reference));
  const auto fields = core::dossier_fields(loaded->dossier, core::SchoolCalendar::official());
  std::error_code ec;
  fs::create_directories(folder(reference), ec);
  if (ec) return core::fail(core::Category::internal, folder(reference).string() + " : création impossible (" + ec.message() + ")");
  std::vector<std::pair<StoredDocument, signing::Bytes>> rendered;
  std::vector<detail::DocumentLock> locks;  // held until every document is written
  for (const auto& d : loaded->plan.documents) {
    StoredDocument doc;
    doc.name = std::string(core::file_stem(d.document));
    doc.path = folder(reference) / (doc.name + ".pdf");
    IPT_TRY(lock, detail::DocumentLock::acquire(doc.path));
    locks.push_back(*std::move(lock));
    detail::remove_stale_temporaries(doc.path);
    IPT_TRY_VOID(recover_pending(reference, doc.path));
    if (fs::exists(doc.path)) {
      auto existing = signing::read_file(doc.path);
      if (existing) {
        auto report = signing::verify_pdf(*existing, offline({}));
        if (report && !report->signatures.empty()) {
          return core::fail(core::Category::refused, doc.name + " : déjà signé ; il n’est pas produit à nouveau");
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
  std::vector<StoredDocument> out;
  std::string details = "version " + std::to_string(loaded->version);
  for (auto& [doc, bytes] : rendered) {
    IPT_TRY_VOID(signing::write_file_atomically(doc.path, bytes));
    details += ", " + doc.name + " sha256 " + doc.sha256;
    out.push_back(doc);
  }
  IPT_TRY_VOID(store_.record(actor, "document.render", reference, details));
  return out;
}

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string problems_of(const signing::VerificationReport& report) {
  std::vector<std::string> out;
  for (const auto& s : report.signatures) {
    for (const auto& p : s.problems) out.push_back(s.field + " : " + p.to_french());
  }
  for (const auto& p : report.problems) out.push_back(p.to_french());
  return out.empty() ? std::string(signing::french(report.indication)) : join(out);
}

// What identifies a certificate in the audit trail (no secret; the holder's name is the
// signature's evidence).
std::string certificate_details(const signing::CertificateIdentity& c) {
  return "certificat : " + c.subject + " ; émetteur : " + c.issuer + " ; n° de série " + c.serial + " ; empreinte SHA-256 " + c.sha256;
}

// The CPMS gives its opinion before it signs; an unfavourable one carries its written reasons
// (circular 8783: the opinion is written). `values` are the document's, with this signature's fills.
std::optional<std::string> opinion_problem(const std::map<std::string, std::string>& values) {
  const auto opinion = values.find("avis_cpms");
  if (opinion == values.end()) return std::nullopt;  // this document asks for no opinion
  if (opinion->second.empty()) return "le CPMS signe avec son avis : remplissez avis_cpms (favorable ou defavorable)";
  const auto text = values.find("avis_ecrit_cpms");
  const auto blank = [](const std::string& t) { return std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }); };
  if (opinion->second == "defavorable" && text != values.end() && blank(text->second)) {
    return "un avis défavorable du CPMS est motivé par écrit : remplissez avis_ecrit_cpms";
  }
  return std::nullopt;
}

}  // namespace

namespace {

// The dossier version the stored documents come from: the last "document.render" entry
// ("version 2, annexe-4 sha256 …"); 0 when none.
int rendered_version(const std::vector<core::AuditEntry>& entries) {
  int version = 0;
  for (const auto& e : entries) {
    if (e.action == "document.render" && e.details.starts_with("version ")) version = std::atoi(e.details.c_str() + 8);
    if (e.action == "round.restart") version = 0;  // until rendered again
  }
  return version;
}

}  // namespace

core::Result<std::optional<std::string>> DossierDocuments::recover_pending(const std::string& reference, const fs::path& path) {
  // "<document>.nouveau" is the document's companion (core/companion_file.hpp): normally
  // empty; after an interruption it holds either the new revision, recorded or not, or (when
  // the names were exchanged but the companion not yet emptied) the previous one. Of the two
  // files, the document is the one whose digest the audit trail recorded last.
  const fs::path pending = path.string() + ".nouveau";
  std::error_code ec;
  const auto size = fs::file_size(pending, ec);
  if (ec || size == 0) return std::optional<std::string>{};
  auto bytes = signing::read_file(pending);
  const std::string sha = bytes ? core::sha256_hex(signing::as_text(*bytes)) : "";
  auto current = signing::read_file(path);
  const std::string current_sha = current ? core::sha256_hex(signing::as_text(*current)) : "";
  IPT_TRY(entries, store_.audit_entries(reference));
  const auto last_recorded = [&](const std::string& digest, bool revisions_only) -> std::optional<size_t> {
    if (digest.empty()) return std::nullopt;
    std::optional<size_t> at;
    for (size_t i = 0; i < entries->size(); ++i) {
      const auto& e = (*entries)[i];
      const bool kind = e.action == "document.sign" || e.action == "document.extend" || (!revisions_only && e.action == "document.render");
      if (kind && e.details.find("sha256 " + digest) != std::string::npos) at = i;
    }
    return at;
  };
  const auto pending_at = last_recorded(sha, true);
  const auto current_at = last_recorded(current_sha, false);
  if (pending_at && (!current_at || *pending_at > *current_at)) {
    IPT_TRY_VOID(core::exchange_with_companion(pending, path));
    return std::optional<std::string>{"promue"};
  }
  IPT_TRY_VOID(core::empty_companion(pending));
  return std::optional<std::string>{"retirée"};
}

core::Result<int> DossierDocuments::recover_all() {
  const fs::path root = store_.data_folder() / "documents";
  std::error_code ec;
  std::vector<std::pair<std::string, fs::path>> pending;
  for (fs::directory_iterator dossier(root, ec), end; !ec && dossier != end; dossier.increment(ec)) {
    if (!dossier->is_directory() || !core::check_reference(dossier->path().filename().string())) continue;
    for (fs::directory_iterator file(dossier->path(), ec), stop; !ec && file != stop; file.increment(ec)) {
      const std::string name = file->path().filename().string();
      std::error_code size_error;
      if (name.ends_with(".pdf.nouveau") && file->file_size(size_error) > 0 && !size_error) {
        pending.emplace_back(dossier->path().filename().string(), file->path().parent_path() / name.substr(0, name.size() - 8));
      }
    }
  }
  int recovered = 0;
  for (const auto& [reference, path] : pending) {
    IPT_TRY(lock, detail::DocumentLock::acquire(path));
    IPT_TRY(done, recover_pending(reference, path));
    recovered += done->has_value();
  }
  return recovered;
}

namespace {

// A document signed elsewhere is the stored one plus exactly one revision, closed by the new
// signature of `field` over the whole file: nothing rewritten, nothing added after it.
core::Result<void> check_single_revision(const signing::Bytes& stored, const signing::Bytes& upload,
                                         size_t stored_revisions, const signing::VerificationReport& report,
                                         const std::string& document, const std::string& field) {
  const auto refused = [&](const std::string& why) {
    return core::fail(core::Category::refused, document + " : document déposé refusé : " + why);
  };
  if (upload.size() <= stored.size() || !std::equal(stored.begin(), stored.end(), upload.begin())) {
    return refused("ce n’est pas le document du dossier complété d’une signature (il a été réécrit, ou c’est un autre "
                   "document) : signez le fichier téléchargé sans l’enregistrer sous une autre forme");
  }
  const auto* signature = report.find(field);
  if (!signature->covers_whole_file) {
    return refused("la signature de « " + field + " » n’est pas la dernière révision du fichier (quelque chose a été ajouté après elle)");
  }
  if (report.revisions != stored_revisions + 1) {
    return refused(std::to_string(report.revisions - stored_revisions) + " révisions ajoutées au lieu d’une seule (la signature)");
  }
  for (const auto& s : report.signatures) {
    if (s.field != field && s.revision >= signature->revision) return refused("une autre signature a été ajoutée (« " + s.field + " »)");
  }
  for (const auto& s : report.signatures) {
    for (const auto& change : s.later_changes) {
      if (!change.allowed()) return refused("la nouvelle révision change ce qu’elle ne peut pas changer : " + change.detail);
    }
  }
  return {};
}

}  // namespace

core::Result<SignOutcome> DossierDocuments::sign(const SignRequest& request, const CompletionHook& on_complete) {
  IPT_TRY_VOID(core::check_reference(request.reference));
  IPT_TRY(loaded, load(store_, request.reference));
  const auto* planned = find_document(loaded->plan, request.document);
  if (!planned) {
    return core::fail(core::Category::refused, "« " + request.document + " » ne fait pas partie du plan du dossier " + request.reference + " (" +
                      plan_documents(loaded->plan) + ")");
  }
  const auto step = std::find_if(planned->signatures.begin(), planned->signatures.end(),
                                 [&](const core::SignatureStep& s) { return s.field == request.options.field; });
  if (step == planned->signatures.end()) {
    std::string fields;
    for (const auto& s : planned->signatures) fields += (fields.empty() ? "" : ", ") + s.field;
    return core::fail(core::Category::refused, request.document + " : le champ « " + request.options.field + " » n’est pas prévu par le plan" +
                      (fields.empty() ? " (document sans signature)" : " (champs : " + fields + ")"));
  }
  const bool elsewhere = request.signed_elsewhere.has_value();
  if (!request.key && !elsewhere) return core::fail(core::Category::invalid_input, request.document + " : aucune clé de signature");
  std::vector<signing::Bytes> trust = request.trust_anchors;
  if (request.config) {
    for (const auto& t : request.config->trust) trust.push_back(t.certificate);
  }
  // The signer: the key's certificate, or the one in the uploaded document's new signature.
  std::optional<signing::VerificationReport> uploaded;
  signing::Bytes signer_certificate;
  if (elsewhere) {
    signing::VerifyOptions options;
    options.trust_anchors = trust;
    options.timeout = std::chrono::seconds(5);
    auto report = signing::verify_pdf(*request.signed_elsewhere, options);
    if (!report) return std::unexpected(report.error().with_context(request.document + " (document déposé)"));
    const auto* signature = report->find(request.options.field);
    if (!signature || signature->certificate.empty()) {
      return core::fail(core::Category::refused, request.document + " : le document déposé ne porte pas de signature dans « " +
                                                     request.options.field + " »");
    }
    signer_certificate = signature->certificate;
    uploaded = *std::move(report);
  } else {
    signer_certificate = request.key->certificate();
  }
  IPT_TRY(signer, signing::describe_certificate(signer_certificate));
  const SigningConfig no_config;
  const SigningConfig& config = request.config ? *request.config : no_config;
  const std::string where = request.document + " " + request.options.field;
  // A refusal is recorded with its reason and the certificate tried, then returned.
  auto refuse = [&](const std::string& reason) -> core::Result<SignOutcome> {
    (void)store_.record(request.actor, "document.sign.refused", request.reference,
                        where + " : " + reason + " ; " + certificate_details(*signer));
    return core::fail(core::Category::refused, request.document + " : signature refusée : " + reason);
  };

  const fs::path path = folder(request.reference) / (request.document + ".pdf");
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  IPT_TRY(lock, detail::DocumentLock::acquire(path));
  detail::remove_stale_temporaries(path);
  IPT_TRY_VOID(recover_pending(request.reference, path));
  auto current = signing::read_file(path);
  if (!current) return core::fail(core::Category::not_found, request.document + " : document absent du dossier (produisez-le d’abord : ipt render --dossier " + request.reference + ")");

  // Documents of an older version of the dossier are not signed: they say what it said.
  {
    IPT_TRY(entries, store_.audit_entries(request.reference));
    const int documents_version = rendered_version(*entries);
    if (documents_version != 0 && documents_version < loaded->version) {
      return core::fail(core::Category::refused, request.document + " : le document est celui de la version " +
                                                     std::to_string(documents_version) + " du dossier, qui est en version " +
                                                     std::to_string(loaded->version) +
                                                     " : relancez le tour de signatures (ipt round restart " + request.reference +
                                                     " --reason …)");
    }
  }
  // The plan's order: every earlier signatory has signed, and what is there verifies.
  signing::VerifyOptions verify_options;
  verify_options.trust_anchors = trust;
  verify_options.timeout = std::chrono::seconds(5);
  auto before = signing::verify_pdf(*current, verify_options);
  if (!before) return std::unexpected(before.error().with_context(request.document));
  for (auto it = planned->signatures.begin(); it != step; ++it) {
    if (!before->find(it->field)) {
      return core::fail(core::Category::refused, request.document + " : ce n’est pas encore le tour de « " + request.options.field + " » : « " + it->field +
                        " » (" + it->signataire + ") signe d’abord");
    }
  }
  if (before->find(request.options.field)) return core::fail(core::Category::refused, request.document + " : le champ « " + request.options.field + " » est déjà signé");
  if (!before->signatures.empty() && !acceptable(*before, config)) {
    return refuse("les signatures déjà présentes ne se vérifient pas (" + problems_of(*before) + ")");
  }

  // The right signer.
  const auto who = planned_signatory(loaded->dossier, step->role);
  if (!who) return core::fail(core::Category::refused, request.document + " : aucun signataire prévu pour « " + request.options.field + " »");
  const auto identity = check_signer(*signer, *who, config.seals);
  if (!identity.accepted()) return refuse(identity.reason);

  // The right fields: a signatory fills only its own box. What a document signed elsewhere
  // filled is read from the difference of its values with the stored document's.
  const templates::TemplateDefinition* definition = renderer_.templates().find(planned->document);
  const templates::FieldOwners owners = definition ? templates::field_owners(*definition) : templates::FieldOwners{};
  std::vector<signing::FieldFill> fills = request.options.fills;
  if (elsewhere) {
    IPT_TRY_VOID(check_single_revision(*current, *request.signed_elsewhere, before->revisions, *uploaded, request.document,
                                       request.options.field));
    IPT_TRY(before_values, signing::read_field_values(*current));
    IPT_TRY(after_values, signing::read_field_values(*request.signed_elsewhere));
    fills.clear();
    for (const auto& [name, value] : *after_values) {
      const auto old_value = before_values->find(name);
      if (old_value == before_values->end() || old_value->second != value) fills.push_back({name, value});
    }
  }
  for (const auto& fill : fills) {
    const auto owner = owners.find(fill.field);
    if (owner == owners.end()) return refuse("le champ « " + fill.field + " » n’est pas à remplir par un signataire (donnée du dossier ou champ inconnu)");
    if (owner->second != step->role) {
      return refuse("le champ « " + fill.field + " » appartient à « " + std::string(core::code(owner->second)) + " », pas à « " +
                    std::string(core::code(step->role)) + " »");
    }
  }
  if (step->role == core::Role::cpms) {
    auto values = signing::read_field_values(*current);
    if (!values) return std::unexpected(values.error().with_context(request.document));
    for (const auto& fill : fills) (*values)[fill.field] = fill.value;
    if (const auto problem = opinion_problem(*values)) return refuse(*problem);
  }

  signing::SignatureOptions options = request.options;
  options.certify = step == planned->signatures.begin();
  options.lock_all = std::next(step) == planned->signatures.end();
  for (const auto& [field, role] : owners) {
    if (role == step->role) options.lock_fields.push_back(field);
    else options.keep_open.push_back(field);  // the later signatories' boxes stay theirs to fill
  }
  auto signed_pdf = elsewhere ? core::Result<signing::Bytes>(*request.signed_elsewhere)
                              : signing::sign_pdf(*current, options, *request.key, request.timestamps, trust);
  if (!signed_pdf) return std::unexpected(signed_pdf.error().with_context(request.document));
  SignOutcome outcome;
  outcome.signer = *signer;
  outcome.complete = options.lock_all;
  // The last signature: the document carries its validation data and an archive timestamp,
  // so that it verifies offline for years.
  if (outcome.complete && request.timestamps) {
    auto extended = signing::extend_to_lta(*signed_pdf, *request.timestamps, trust);
    if (!extended) return std::unexpected(extended.error().with_context(request.document + " (extension B-LTA)"));
    signed_pdf = std::move(extended);
    outcome.extended = true;
  }

  // The new revision replaces the stored one only once it verifies.
  auto report = signing::verify_pdf(*signed_pdf, verify_options);
  if (!report) return std::unexpected(report.error().with_context(request.document + " (vérification)"));
  if (!acceptable(*report, config)) {
    return core::fail(core::Category::integrity, request.document + " : la nouvelle révision ne se vérifie pas (" + problems_of(*report) + ") — le document reste inchangé");
  }
  outcome.report = *report;
  // The verification hashed the whole file already (the digest its verdict is kept under).
  outcome.document = {request.document, path, signed_pdf->size(), report->sha256};

  const fs::path pending = path.string() + ".nouveau";
  IPT_TRY_VOID(core::write_companion(pending, signing::as_text(*signed_pdf)));
  const std::string level = elsewhere ? "signé ailleurs et déposé" : std::string(signing::code(options.level));
  const std::string details = where + " " + level + ", sha256 " + outcome.document.sha256 +
                              (outcome.complete ? ", signatures complètes" : "") + (outcome.extended ? ", prolongé en B-LTA" : "") +
                              " ; " + certificate_details(*signer) + " ; identité : " + identity.reason;
  const bool run_hook = outcome.complete && planned->document == core::Document::annexe_4 && on_complete;
  auto recorded = store_.record_with(request.actor, "document.sign", request.reference, details, [&](core::Transaction& tx) -> core::Result<void> {
    if (request.on_recorded) IPT_TRY_VOID(request.on_recorded(tx));
    if (!run_hook) return {};
    return on_complete(tx, loaded->dossier, *signed_pdf);
  });
  if (!recorded) {
    (void)core::empty_companion(pending);  // the failure reported is the recording's
    return std::unexpected(recorded.error());
  }
  outcome.hook_ran = run_hook;
  if (auto placed = core::exchange_with_companion(pending, path); !placed) {
    return core::fail(core::Category::internal, placed.error().message + " ; la révision signée est dans " + pending.string());
  }
  return outcome;
}

core::Result<DossierDocuments::Extended> DossierDocuments::extend(const std::string& reference,
                                                                  signing::TimestampSource& timestamps,
                                                                  const std::vector<signing::Bytes>& trust,
                                                                  const std::string& actor,
                                                                  const std::string& extended_since) {
  IPT_TRY_VOID(core::check_reference(reference));
  IPT_TRY(loaded, load(store_, reference));
  Extended out;
  std::set<std::string> recently_extended;
  if (!extended_since.empty()) {
    IPT_TRY(entries, store_.audit_entries(reference));
    for (const auto& e : *entries) {
      if (e.action == "document.extend" && e.at >= extended_since) recently_extended.insert(e.details.substr(0, e.details.find(' ')));
    }
  }
  for (const auto& d : loaded->plan.documents) {
    if (d.signatures.empty()) continue;
    const std::string name(core::file_stem(d.document));
    const fs::path path = folder(reference) / (name + ".pdf");
    IPT_TRY(lock, detail::DocumentLock::acquire(path));
    detail::remove_stale_temporaries(path);
    IPT_TRY_VOID(recover_pending(reference, path));
    if (recently_extended.contains(name)) {
      out.skipped.push_back(name + " : déjà prolongé par ce lot");
      continue;
    }
    auto current = signing::read_file(path);
    if (!current) {
      out.skipped.push_back(name + " : pas encore produit");
      continue;
    }
    signing::VerifyOptions options;
    options.trust_anchors = trust;
    options.online_revocation = false;
    IPT_TRY(before, signing::verify_pdf(*current, options));
    const bool complete = std::all_of(d.signatures.begin(), d.signatures.end(),
                                      [&](const core::SignatureStep& s) { return before->find(s.field) != nullptr; });
    if (!complete) {
      out.skipped.push_back(name + " : signatures en cours");
      continue;
    }
    auto extended = signing::extend_to_lta(*current, timestamps, trust);
    if (!extended) return std::unexpected(extended.error().with_context(name + " (nouvel horodatage d’archive)"));
    IPT_TRY(report, signing::verify_pdf(*extended, options));
    if (!report->valid()) return core::fail(core::Category::integrity, name + " : le document prolongé ne se vérifie pas hors ligne (" + problems_of(*report) + ") — inchangé");
    StoredDocument doc{name, path, extended->size(), report->sha256};  // the verification hashed it
    const fs::path pending = path.string() + ".nouveau";
    IPT_TRY_VOID(core::write_companion(pending, signing::as_text(*extended)));
    if (auto recorded = store_.record(actor, "document.extend", reference, name + " horodatage d’archive, sha256 " + doc.sha256); !recorded) {
      (void)core::empty_companion(pending);  // the failure reported is the recording's
      return std::unexpected(recorded.error());
    }
    IPT_TRY_VOID(core::exchange_with_companion(pending, path));
    out.extended.push_back(std::move(doc));
  }
  return out;
}

core::Result<std::vector<StoredDocument>> DossierDocuments::restart_round(const std::string& reference, const std::string& reason,
                                                                         const std::string& actor) {
  IPT_TRY_VOID(core::check_reference(reference));
  if (reason.find_first_not_of(" \t\n") == std::string::npos) {
    return core::fail(core::Category::invalid_input, "la relance du tour de signatures demande sa raison (--reason TEXTE)");
  }
  IPT_TRY(loaded, load(store_, reference));
  IPT_TRY(entries, store_.audit_entries(reference));
  const int voided_version = rendered_version(*entries);
  const fs::path dir = folder(reference);
  std::vector<detail::DocumentLock> locks;
  std::vector<fs::path> present;
  for (const auto& d : loaded->plan.documents) {
    const fs::path path = dir / (std::string(core::file_stem(d.document)) + ".pdf");
    IPT_TRY(lock, detail::DocumentLock::acquire(path));
    locks.push_back(*std::move(lock));
    detail::remove_stale_temporaries(path);
    IPT_TRY_VOID(recover_pending(reference, path));
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".pdf") present.push_back(entry.path());
  }
  // A fresh folder per restart: nothing voided is ever overwritten.
  fs::path voided;
  for (int n = 1;; ++n) {
    voided = dir / "annules" / ("v" + std::to_string(voided_version) + "-" + std::to_string(n));
    if (!fs::exists(voided, ec)) break;
  }
  fs::create_directories(voided, ec);
  if (ec) return core::fail(core::Category::internal, voided.string() + " : création impossible (" + ec.message() + ")");
  std::string details = "version " + std::to_string(voided_version) + " annulée, dossier en version " + std::to_string(loaded->version) +
                        " ; raison : " + reason;
  for (const auto& p : present) {
    IPT_TRY(bytes, signing::read_file(p));
    details += " ; " + p.stem().string() + " sha256 " + core::sha256_hex(signing::as_text(*bytes));
  }
  // The audit entry first: a process killed after it leaves documents that a new restart voids.
  IPT_TRY_VOID(store_.record(actor, "round.restart", reference, details));
  for (const auto& p : present) {
    fs::rename(p, voided / p.filename(), ec);
    if (ec) return core::fail(core::Category::internal, p.string() + " : déplacement impossible (" + ec.message() + ")");
  }
  locks.clear();
  return render(reference, actor);
}

core::Result<bool> DossierDocuments::documents_current(const std::string& reference) const {
  IPT_TRY(loaded, load(store_, reference));
  IPT_TRY(entries, store_.audit_entries(reference));
  if (rendered_version(*entries) != loaded->version) return false;
  return std::all_of(loaded->plan.documents.begin(), loaded->plan.documents.end(), [&](const auto& d) {
    return fs::exists(folder(reference) / (std::string(core::file_stem(d.document)) + ".pdf"));
  });
}

core::Result<DossierStatus> DossierDocuments::status(const std::string& reference,
                                                      const std::vector<signing::Bytes>& trust) const {
  IPT_TRY(loaded, load(store_, reference));
  DossierStatus status{reference, loaded->version, 0, std::string(core::code(loaded->plan.procedure)), {}};
  IPT_TRY(entries, store_.audit_entries(reference));
  status.documents_version = rendered_version(*entries);
  for (const auto& d : loaded->plan.documents) {
    DocumentStatus doc;
    doc.name = std::string(core::file_stem(d.document));
    const fs::path path = folder(reference) / (doc.name + ".pdf");
    std::optional<signing::VerificationReport> report;
    if (auto bytes = signing::read_file(path)) {
      doc.present = true;
      // Revocation is checked online where the document carries no validation data yet.
      signing::VerifyOptions options;
      options.trust_anchors = trust;
      options.timeout = std::chrono::seconds(5);
      if (auto r = signing::verify_pdf(*bytes, options)) report = *r;
      // The verification's digest of the whole file, when it could read it.
      doc.sha256 = report ? report->sha256 : core::sha256_hex(signing::as_text(*bytes));
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
