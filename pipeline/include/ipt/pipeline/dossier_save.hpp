#pragma once
// Saving a dossier edited in the workspace: a new version in the store, and, when its signing
// has begun, the round restarted (the signing-round issue's restart: the documents moved
// aside, re-rendered, signed again in the plan's order) with the coordinator's reason.
#include <optional>
#include <string>

#include "ipt/core/dossier.hpp"
#include "ipt/core/result.hpp"
#include "ipt/core/store.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/pipeline/signing_requests.hpp"

namespace ipt::pipeline {

// Whether the signatures of `reference` have begun: a remote round open, or a signature made
// or a round cancelled since the documents were last rendered.
core::Result<bool> signing_begun(core::Store& store, const std::string& reference);

struct SaveOutcome {
  core::ImportOutcome imported;
  bool round_restarted = false;
};

// Stores `xml` (already read into `dossier`) as the dossier's next version, and renders its
// documents again when they are older than it and nothing is signed on them. When its signing
// has begun, refuses (Category::refused, field "raison") without `restart_reason`; with one,
// cancels the open round and restarts the signatures with that reason. Steps in transactions
// of their own: saving again after an interruption finishes what was cut (the same XML is
// not stored twice; documents older than the dossier are restarted).
core::Result<SaveOutcome> save_dossier(core::Store& store, DossierDocuments& documents, SigningRequests& requests,
                                       const core::Dossier& dossier, const std::string& xml, const std::string& actor,
                                       const std::optional<std::string>& restart_reason);

}  // namespace ipt::pipeline
