#include "ipt/signing/form_fields.hpp"

#include "pdf_revision.hpp"

namespace ipt::signing {

core::Result<std::map<std::string, std::string>> read_field_values(const Bytes& pdf) {
  IPT_TRY(revision, detail::PdfRevision::open(pdf));
  return revision->values();
}

}  // namespace ipt::signing
