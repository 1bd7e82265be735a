#pragma once
// What the revisions after a signature changed, object by object (private to signing).
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/signing/verifier.hpp"
#include "pdf_structure.hpp"

namespace ipt::signing::detail {

// The changes made by revisions `first_later` .. end (0-based indexes into `revisions`),
// judged against a signature that certified the document (`certified`, DocMDP P=2 — or not)
// and locked `locked_fields`.
core::Result<std::vector<LaterChange>> analyse_changes(const Bytes& pdf, const std::vector<Revision>& revisions,
                                                       size_t first_later, const std::vector<std::string>& locked_fields);

}  // namespace ipt::signing::detail
