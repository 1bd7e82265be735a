#pragma once
// Filing a dossier for the Inspection: a folder written once, never overwritten.
//
// OUT/<reference>/v<N>/ holds the signed originals (originaux/), the copies for the ordinary
// school and the partner school (copies/<lieu>/), each document's validation report
// (rapports/<document>.json, the `ipt verify --json` report), the dossier's audit trail
// (journal-audit.json), a PDF/A certificate of completion (who signed what and when, what was
// sent to whom, with hashes), and manifest.json listing every file with its SHA-256. Filing
// again makes v<N+1> beside the earlier versions.
#include <filesystem>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/core/store.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::pipeline {

// Something sent about the dossier, for the certificate ("Annexe 4 …", "a@x, b@y", "envoyé").
struct DispatchRecord {
  std::string subject;
  std::string recipients;
  std::string state;
};

struct ArchiveOutcome {
  std::filesystem::path folder;
  int version = 0;
  size_t files = 0;
};

// Fails, writing nothing, when a document of the plan is missing or a signed document does
// not verify (with `trust` and online revocation when its data is not in the document).
core::Result<ArchiveOutcome> archive_dossier(core::Store& store, const DossierDocuments& documents,
                                             const std::string& reference, const std::filesystem::path& out,
                                             const std::vector<signing::Bytes>& trust,
                                             const std::vector<DispatchRecord>& dispatches, const std::string& actor);

struct ArchiveCheck {
  bool ok = false;
  size_t files_checked = 0;
  std::vector<std::string> problems;  // French: "originaux/annexe-4.pdf : modifié (empreinte différente)"
};

// Recomputes every hash of the manifest, finds missing and unlisted files, re-verifies every
// signed original, and checks each archived audit entry's hash. `trust`: root certificates.
core::Result<ArchiveCheck> verify_archive(const std::filesystem::path& folder, const std::vector<signing::Bytes>& trust,
                                          bool online_revocation = true);

}  // namespace ipt::pipeline
