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
    std::function<core::Result<void>(sqlite3* db, const core::Dossier& dossier, const signing::Bytes& signed_pdf)>;

struct SignRequest {
  std::string reference;
  std::string document;  // "annexe-4"
  signing::SignatureOptions options;
  signing::KeySource* key = nullptr;
  signing::TimestampSource* timestamps = nullptr;
  std::vector<signing::Bytes> trust_anchors;
  std::string actor;
};

struct SignOutcome {
  StoredDocument document;
  signing::VerificationReport report;
  bool complete = false;  // every signature the plan asks for is there
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

  // The plan's documents and, for each, which signatures it carries (verified offline).
  core::Result<DossierStatus> status(const std::string& reference, const std::vector<signing::Bytes>& trust) const;

 private:
  core::Store& store_;
  const templates::Renderer& renderer_;
};

}  // namespace ipt::pipeline
