#pragma once
// Procedure A (Première IPT), step 4 of circular 8783: a partner who refuses the integration
// project motivates that position in writing. When a signatory of a Première IPT round
// declines, their written reason is that motivation: the dossier gets a new version with the
// concertation unfavourable and the partner's <desaccord> (author, motivation), the round is
// cancelled and voided (DossierDocuments::restart_round), and the new plan's documents are
// rendered — among them the partner's motivations sheet, for them to sign.
//
// Each step is one transaction of its own, in an order that can be run again: a process
// stopped between them leaves a state `ipt status` and `ipt request show` explain, and
// calling this again finishes the work (the import of identical content stores nothing).
#include <string>

#include "ipt/core/dossier.hpp"
#include "ipt/core/result.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/pipeline/signing_requests.hpp"

namespace ipt::pipeline {

// False (nothing done) for a dossier that is not a Première IPT, or a role without a planned
// signatory. Fails when the reason cannot be the motivation (the dossier reader's limits).
core::Result<bool> record_refused_concertation(DossierDocuments& documents, SigningRequests& requests,
                                               const std::string& reference, core::Role role, const std::string& reason,
                                               const std::string& actor);

}  // namespace ipt::pipeline
