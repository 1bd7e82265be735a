// Fuzz target: the revision scanner (signing's private reader of cross-reference tables) and
// the revision writer over it (the objects a signature reads and writes) never crash nor read
// out of bounds, whatever the bytes, and what the writer writes scans again.
#include <cstdint>
#include <cstdlib>

#include "pdf_revision.hpp"
#include "pdf_structure.hpp"

namespace {

using namespace ipt::signing::detail;

void write_a_signature(const ipt::signing::Bytes& pdf) {
  auto revision = PdfRevision::open(pdf);
  if (!revision) return;
  (void)revision->filled_fields();
  for (const auto& [name, value] : revision->values()) (void)revision->fill({name, value.empty() ? "Off" : value});
  (void)revision->lock(revision->unlocked_fields());
  SignatureSpec spec;
  spec.field = "sig_pole";
  spec.certify = true;
  spec.lock_fields = {"avis_cpms"};
  spec.appearance_lines = {"Signé électroniquement par", "Pôle"};
  spec.reserved_bytes = 64;
  if (!revision->add_signature(spec)) {
    spec.document_timestamp = true;
    spec.field = "horodatage";
    (void)revision->add_signature(spec);
  }
  ipt::signing::ValidationData data;
  data.certificates = {ipt::signing::to_bytes("certificat")};
  (void)revision->add_validation_data(data);
  if (auto written = revision->write(); written && !scan_revisions(written->pdf)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ipt::signing::Bytes pdf(data, data + size);
  if (auto revisions = scan_revisions(pdf)) {
    for (const auto& r : *revisions) {
      for (const auto& [number, offset] : r.objects) (void)object_text(pdf, offset, number);
    }
    write_a_signature(pdf);
  }
  return 0;
}
