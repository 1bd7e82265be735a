#pragma once
// The steps `ipt batch` runs over many dossiers, one dossier each: import a file, render,
// the pole's seal on every document where the pole's signature is due, verify, archive,
// extend (new archive timestamps). Each does only what is not done yet (a document already
// rendered from the latest version, a field already signed, an archive already up to date,
// a document extended since the run began), so that a run resumed after an interruption does
// nothing twice. Each returns its outcome as a value (batch.hpp): a bad dossier fails alone.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/date.hpp"
#include "ipt/core/store.hpp"
#include "ipt/pipeline/batch.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/pipeline/dossier_overview.hpp"
#include "ipt/pipeline/signing_config.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/pades.hpp"
#include "ipt/signing/revocation_reuse.hpp"
#include "ipt/signing/timestamp_client.hpp"

namespace ipt::pipeline {

enum class BatchStep { import, render, sign, verify, archive, extend };
std::string_view code(BatchStep step);  // "import", "render", …
std::optional<BatchStep> parse_batch_step(std::string_view text);

// What a worker opens once and every dossier of the run shares.
struct BatchContext {
  core::Store* store = nullptr;
  DossierDocuments* documents = nullptr;
  const SigningConfig* config = nullptr;
  std::vector<signing::Bytes> trust;
  signing::KeySource* seal = nullptr;                 // the pole's seal: sign, archive
  signing::TimestampSource* timestamps = nullptr;     // sign (B-T and up), archive, extend
  signing::Level level = signing::Level::b_t;         // of the pole's signatures
  CompletionHook on_complete;                         // a completed Annexe 4's mail
  std::filesystem::path archive_folder;               // archive
  // extend: a document extended at or after this time (UTC, as the audit trail writes it) is
  // not extended again: what the run already did, and what a run just before it did.
  std::string extended_since;
  std::string actor;
};

// What a worker process opens once for the items it runs: its own database connection,
// renderer, documents and timestamp client (none when `tsa_url` is empty), with `context`
// pointing at them; the caller adds what is its own (trust anchors, keys, the mail hook…).
struct BatchWorker {
  core::Store store;
  templates::Renderer renderer;
  DossierDocuments documents;
  std::unique_ptr<signing::HttpTimestampClient> tsa;
  BatchContext context;
  // A certificate's OCSP answer or CRL is fetched once a minute by a worker, not once a
  // signature (ipt/signing/revocation_reuse.hpp).
  signing::RevocationReuse revocation_reuse;

  BatchWorker(core::Store s, templates::Renderer r, const std::string& tsa_url);
  BatchWorker(const BatchWorker&) = delete;
  BatchWorker& operator=(const BatchWorker&) = delete;
};
core::Result<std::shared_ptr<BatchWorker>> open_batch_worker(const std::filesystem::path& database, const std::string& tsa_url);

// `item` is a dossier reference, or for an import the path of a dossier XML file.
ItemOutcome run_step(BatchStep step, const BatchContext& context, const std::string& item);

// Every signature still awaited on the dossier's documents, in the plan's order, each with
// the key `key_for` gives for its signatory (the demo's PKI, a benchmark's keys: each opened
// once by the caller); the CPMS fills the opinion the dossier records. Each signature is the
// signing round's (DossierDocuments::sign: the right signer, the right fields, verified).
using KeyFor = std::function<core::Result<signing::KeySource*>(const core::Dossier& dossier, const core::SignatureStep& step)>;
ItemOutcome sign_in_order(const BatchContext& context, const std::string& reference, const KeyFor& key_for);

// Which dossiers of the store a run takes: named ones, or every one, narrowed by procedure
// ("A", "B1", "B2", "C") and by step ("a-signer", …; dossier_overview.hpp).
struct Selection {
  std::vector<std::string> references;
  bool all = false;
  std::optional<std::string> procedure;
  std::optional<DossierStep> step;
};
core::Result<std::vector<std::string>> select_dossiers(core::Store& store, const Selection& selection, core::Date today);
// The selection as a key for the run's journal: "tous procedure=C etape=a-signer".
std::string selection_key(const Selection& selection);

// The dossier files of an import: FILE.xml as given, a folder's *.xml in name order.
core::Result<std::vector<std::string>> import_files(const std::vector<std::string>& paths);

}  // namespace ipt::pipeline
