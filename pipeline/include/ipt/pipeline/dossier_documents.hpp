#pragma once
// A dossier's documents in the data store, beside the database:
// <data folder>/documents/<reference>/<document>.pdf.
//
// Rendering stores every document of the plan; signing signs the stored copy in place, in
// the plan's order, and keeps the previous revision until the new one is verified; each step
// is recorded in the audit trail. When the last signature of an Annexe 4 lands and the
// document verifies, a completion hook runs in the same transaction as the audit entry (the
// mail to the Administration is queued there: see mail/).
//
// A signature is refused, with its reason recorded in the audit trail (no secret), when the
// certificate is not the planned signatory's own (signer_identity.hpp), when a fill names a
// field that belongs to another role or to the dossier's data, when the CPMS signs without
// its opinion (an unfavourable one without its written text), or when the signatures already
// there do not verify. Each signature locks its signatory's box; the last one of a document
// locks every field left and, with a timestamp server, extends the document to B-LTA.
//
// Nothing lost, nothing twice: the document is locked (flock) from the checks to the rename;
// the signed revision is written as "<document>.pdf.nouveau", the audit entry (naming its
// SHA-256) and the hook commit in one transaction, then the file is renamed. A process
// killed between the commit and the rename leaves a pending revision that the next render or
// signature of that document promotes (its audit entry names it) or removes (it does not).
//
// The signatures a document carries are read back from the document itself (`status`),
// never stored twice.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/plan.hpp"
#include "ipt/core/result.hpp"
#include "ipt/core/store.hpp"
#include "ipt/pipeline/signing_config.hpp"
#include "ipt/signing/certificates.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/pades.hpp"
#include "ipt/signing/verifier.hpp"
#include "ipt/templates/renderer.hpp"

namespace ipt::pipeline {

struct StoredDocument {
  std::string name;  // "annexe-4"
  std::filesystem::path path;
  size_t bytes = 0;
  std::string sha256;
};

// Runs inside the transaction that records a completed Annexe 4's last signature.
using CompletionHook =
    std::function<core::Result<void>(core::Transaction& tx, const core::Dossier& dossier, const signing::Bytes& signed_pdf)>;

struct SignRequest {
  std::string reference;
  std::string document;  // "annexe-4"
  signing::SignatureOptions options;  // certify, lock_fields and lock_all are set from the plan
  signing::KeySource* key = nullptr;
  signing::TimestampSource* timestamps = nullptr;
  std::vector<signing::Bytes> trust_anchors;  // besides config->trust
  std::string actor;
  // ipt.conf's [signature]: seals, trust anchors and what is accepted when revocation cannot
  // be established. Null: no seal, refused.
  const SigningConfig* config = nullptr;
  // Runs inside the transaction that records this signature (e.g. a remote round marking
  // its signatory as signed and inviting the next): both commit, or neither.
  std::function<core::Result<void>(core::Transaction& tx)> on_recorded{};
  // A document signed elsewhere (a director with the Belgian eID in Acrobat Reader), instead
  // of `key`: accepted only if it is the stored document plus one revision holding the
  // signature of `options.field` by the planned signatory, which fills only their own fields
  // and changes nothing else. Every other rule of the round applies unchanged.
  std::optional<signing::Bytes> signed_elsewhere{};
};

struct SignOutcome {
  StoredDocument document;
  signing::VerificationReport report;
  signing::CertificateIdentity signer;
  bool complete = false;  // every signature the plan asks for is there
  bool extended = false;  // the complete document was extended to B-LTA
  bool hook_ran = false;
};

struct SignatureState {
  std::string field;
  core::Role role;
  std::string expected_signatory;  // from the plan
  bool signed_ = false;
  std::string signer;              // from the certificate
  std::string at;                  // ISO 8601, timestamp or claimed time
  signing::Indication indication = signing::Indication::invalid;
  std::vector<signing::Problem> problems;
};

struct DocumentStatus {
  std::string name;
  bool present = false;
  std::string sha256;
  std::vector<SignatureState> signatures;  // in the plan's order
  bool complete = false;
};

struct DossierStatus {
  std::string reference;
  int version = 0;
  // The dossier version the stored documents were rendered from (0: not rendered). Lower
  // than `version` after a corrected dossier was imported: the documents say what the old
  // version said, and the round must be restarted (restart_round).
  int documents_version = 0;
  std::string procedure;
  std::vector<DocumentStatus> documents;
};

class DossierDocuments {
 public:
  DossierDocuments(core::Store& store, const templates::Renderer& renderer);

  std::filesystem::path folder(const std::string& reference) const;

  // Renders every document of the dossier's plan (latest imported version) into the store.
  // Refuses to overwrite a document that already carries a signature.
  core::Result<std::vector<StoredDocument>> render(const std::string& reference, const std::string& actor);

  // Signs the stored document in place. Refuses a field the plan does not give this document,
  // or one whose turn has not come (an earlier signatory has not signed).
  core::Result<SignOutcome> sign(const SignRequest& request, const CompletionHook& on_complete = {});

  // A new archive timestamp on every complete document of the dossier (signing::extend_to_lta:
  // the validation data of the last timestamp, then a new one), to run before the last
  // timestamp's certificate expires. Each document is replaced only once it verifies offline,
  // under its lock, with an audit entry naming its new SHA-256 ("document.extend").
  // Documents still being signed are left alone (and named in the result), and so are those
  // extended at or after `extended_since` (UTC ISO 8601 as the audit trail writes it; empty:
  // none), so that a batch resumed after an interruption does not extend a document twice.
  struct Extended {
    std::vector<StoredDocument> extended;
    std::vector<std::string> skipped;  // "annexe-2c : signatures en cours"
  };
  core::Result<Extended> extend(const std::string& reference, signing::TimestampSource& timestamps,
                                const std::vector<signing::Bytes>& trust, const std::string& actor,
                                const std::string& extended_since = {});

  // Voids the signing round after a correction: every stored document (signed or not) moves
  // to documents/<reference>/annules/v<version>-<n>/ — kept in the dossier's history and its
  // archive —, the restart is audited with its reason and the voided documents' SHA-256
  // ("round.restart"), and the latest version is rendered anew; the signatures start again in
  // the plan's order. `reason` is required (the audit trail says who, when and why).
  core::Result<std::vector<StoredDocument>> restart_round(const std::string& reference, const std::string& reason,
                                                          const std::string& actor);

  // Whether every document of the plan is in the store and was rendered from the dossier's
  // latest version: read from the audit trail and the folder, nothing verified (cheap, for a
  // caller that only decides whether to render).
  core::Result<bool> documents_current(const std::string& reference) const;

  // The plan's documents and, for each, which signatures it carries (verified offline).
  core::Result<DossierStatus> status(const std::string& reference, const std::vector<signing::Bytes>& trust) const;

  core::Store& store() const { return store_; }
  const templates::Renderer& renderer() const { return renderer_; }

  // Finishes what killed processes left: every non-empty "<document>.pdf.nouveau" (the
  // document's companion, core/companion_file.hpp) of the store is promoted when the audit
  // trail recorded its SHA-256 after the document's, emptied otherwise (each under its
  // document's lock). A long-running server runs it when it starts, so that what it shows
  // matches the audit trail; returns how many were promoted or emptied.
  core::Result<int> recover_all();

 private:
  // A revision left in the document's companion by a killed process is promoted when the
  // audit trail recorded its SHA-256 after the document's, emptied otherwise. Call with the
  // document's lock held.
  core::Result<std::optional<std::string>> recover_pending(const std::string& reference, const std::filesystem::path& path);

  core::Store& store_;
  const templates::Renderer& renderer_;
};

}  // namespace ipt::pipeline
