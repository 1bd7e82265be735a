#pragma once
// Filing a dossier for the Inspection: a folder written once, never overwritten.
//
// OUT/<reference>/v<N>/ holds the signed originals (originaux/), the copies for the ordinary
// school and the partner school (copies/<lieu>/), each document's validation report
// (rapports/<document>.json, the `ipt verify --json` report), the dossier's audit trail
// (journal-audit.json), manifest.json listing every one of those files with its SHA-256, and
// a PDF/A certificate of completion (who signed what and when, what was sent to whom, with
// hashes) that carries the manifest's SHA-256 and is sealed by the pole (PAdES B-LTA with its
// seal key): the archive's integrity rests on that seal, not on hashes anyone can recompute.
// Filing again makes v<N+1> beside the earlier versions.
#include <filesystem>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/core/store.hpp"
#include <span>

#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/pipeline/signer_identity.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/timestamp_client.hpp"

namespace ipt::pipeline {

// Something sent about the dossier, for the certificate ("Annexe 4 …", "a@x, b@y", "envoyé").
struct DispatchRecord {
  std::string subject;
  std::string recipients;
  std::string state;
};

// The pole's seal key (ipt.conf's seal_key.pole) and a timestamp server: the certificate of
// completion is sealed at B-LTA.
struct ArchiveSeal {
  signing::KeySource* key = nullptr;
  signing::TimestampSource* timestamps = nullptr;
};

struct ArchiveOutcome {
  std::filesystem::path folder;
  int version = 0;
  size_t files = 0;
};

// A version is written under ".v<N>.en-cours" (every file synced), recorded in the audit trail
// (the entry, which names the manifest's SHA-256, is the archive's commit), then renamed to
// "v<N>". Finishes what a killed archiving left in <out>/<reference>: a pending version whose
// entry was committed is renamed into place, one whose entry was not is removed. Called by
// archive_dossier first, and by a batch before it decides that a dossier is archived already.
core::Result<void> finish_interrupted_archive(const core::Store& store, const std::filesystem::path& out,
                                              const std::string& reference);

// Fails, writing nothing, when a document of the plan is missing, a signed document does not
// verify (with `trust` and online revocation when its data is not in the document), or the
// seal cannot be applied (no key or timestamp server, a level not reached).
core::Result<ArchiveOutcome> archive_dossier(core::Store& store, const DossierDocuments& documents,
                                             const std::string& reference, const std::filesystem::path& out,
                                             const std::vector<signing::Bytes>& trust,
                                             const std::vector<DispatchRecord>& dispatches, const ArchiveSeal& seal,
                                             const std::string& actor);

struct ArchiveCheck {
  bool ok = false;
  bool sealed = false;    // the seal holds and names this manifest
  std::string sealed_by;  // who sealed it: "CN, O (SHA-256 …)"
  size_t files_checked = 0;
  std::vector<std::string> problems;  // French: "originaux/annexe-4.pdf : modifié (empreinte différente)"
};

// Checks the seal first (the certificate of completion's B-LTA signature, by one of `seals`
// for the pole when any is given, naming manifest.json's SHA-256), then recomputes every hash
// of the manifest, finds missing and unlisted files, re-verifies every signed original, and
// checks each archived audit entry's hash. `trust`: root certificates.
core::Result<ArchiveCheck> verify_archive(const std::filesystem::path& folder, const std::vector<signing::Bytes>& trust,
                                          bool online_revocation = true, std::span<const ConfiguredSeal> seals = {});

}  // namespace ipt::pipeline
