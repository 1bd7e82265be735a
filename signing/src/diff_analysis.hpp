#pragma once
// What the revisions after a signature changed, object by object (private to signing).
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/signing/verifier.hpp"
#include "pdf_objects.hpp"
#include "pdf_structure.hpp"

namespace ipt::signing::detail {

// The changes made by revisions `first_later` .. end (0-based indexes into `revisions`),
// judged against a signature that certified the document (`certified`, DocMDP P=2 — or not)
// and locked `locked_fields`.
// The same for every signature of one document: each revision's state is made once, and all
// of them read from one cache of parsed objects (`parsed`, which the caller may share with
// its own reading of the document): an object is parsed once, whichever revisions name it.
class RevisionHistory {
 public:
  // `pdf` and `revisions` must outlive it.
  RevisionHistory(const Bytes& pdf, const std::vector<Revision>& revisions, std::shared_ptr<ParsedObjects> parsed = nullptr);
  ~RevisionHistory();
  RevisionHistory(const RevisionHistory&) = delete;
  RevisionHistory& operator=(const RevisionHistory&) = delete;

  // The fields read-only once revision `index` (0-based) is written: a signature closing that
  // revision may see none of them change.
  core::Result<std::set<std::string>> read_only_after(size_t index);
  // The changes of revisions `first_later` .. end, judged for a signature that locked
  // `locked` (FieldMDP) in a revision where `read_only` were read-only.
  core::Result<std::vector<LaterChange>> changes(size_t first_later, const std::vector<std::string>& locked,
                                                 const std::set<std::string>& read_only);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

core::Result<std::vector<LaterChange>> analyse_changes(const Bytes& pdf, const std::vector<Revision>& revisions,
                                                       size_t first_later, const std::vector<std::string>& locked_fields);

}  // namespace ipt::signing::detail
