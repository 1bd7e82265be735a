// Extending a document to B-LTA: the validation data of every signature and timestamp it
// carries in one /DSS revision, then a document timestamp over the whole.

#include <algorithm>

#include "ipt/signing/pades.hpp"
#include "ipt/signing/verifier.hpp"
#include "pdf_signatures.hpp"
#include "pdf_structure.hpp"
#include "revocation.hpp"

namespace ipt::signing {

using namespace detail;

namespace {

void add_unique(std::vector<Bytes>& pool, const Bytes& der) {
  if (std::find(pool.begin(), pool.end(), der) == pool.end()) pool.push_back(der);
}

// Every certificate the document's signatures and timestamps carry (with those of the
// signature timestamp tokens inside each CMS).
core::Result<std::vector<Bytes>> certificates_of(const Bytes& pdf) {
  IPT_TRY(revisions, scan_revisions(pdf, NestingCheck::none));
  PdfObjects doc(as_text(pdf).substr(0, revisions->back().end), *revisions, revisions->size() - 1);
  if (!doc.catalog()) return core::fail("document illisible (catalogue /Root introuvable)");
  std::vector<Bytes> pool;
  for (const auto& e : find_signatures(doc)) {
    const auto& br = e.byte_range;
    if (br.size() != 4 || br[1] >= br[2] || br[2] > pdf.size()) continue;
    auto contents = from_hex(std::string_view(reinterpret_cast<const char*>(pdf.data() + br[1] + 1), br[2] - br[1] - 2));
    if (!contents) continue;
    auto cms = parse_cms(*contents);
    if (!cms) continue;
    for (const auto& c : certificates_in(cms->get())) add_unique(pool, c);
    STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms->get());
    if (!signers || sk_CMS_SignerInfo_num(signers) < 1) continue;
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
    const int index = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
    ASN1_TYPE* t = index >= 0 ? X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, index), 0) : nullptr;
    if (!t || t->type != V_ASN1_SEQUENCE) continue;
    const Bytes token(ASN1_STRING_get0_data(t->value.sequence),
                      ASN1_STRING_get0_data(t->value.sequence) + ASN1_STRING_length(t->value.sequence));
    if (auto tst = parse_cms(token)) {
      for (const auto& c : certificates_in(tst->get())) add_unique(pool, c);
    }
  }
  ERR_clear_error();
  return pool;
}

}  // namespace

core::Result<Bytes> extend_to_lta(const Bytes& pdf, TimestampSource& timestamps, const std::vector<Bytes>& trust_anchors,
                                  std::chrono::milliseconds timeout) {
  IPT_TRY(certificates, certificates_of(pdf));
  if (certificates->empty()) return core::fail("le document ne porte aucune signature à prolonger");
  auto data = fetch_validation_data(*certificates, trust_anchors, timeout);
  if (!data) return std::unexpected(data.error().with_context("données de validation"));
  IPT_TRY(with_dss, add_validation_data(pdf, *data));
  return add_document_timestamp(*with_dss, timestamps);
}

core::Result<void> check_level_reached(const Bytes& pdf, const std::string& field, Level requested,
                                       const std::vector<Bytes>& trust_anchors) {
  VerifyOptions options;
  options.trust_anchors = trust_anchors;
  options.online_revocation = requested == Level::b_b || requested == Level::b_t;
  IPT_TRY(report, verify_pdf(pdf, options));
  const auto* verdict = report->find(field);
  if (!verdict) return core::fail("signature « " + field + " » introuvable après l’écriture");
  if (verdict->level && static_cast<int>(*verdict->level) >= static_cast<int>(requested)) return {};
  std::string why;
  for (const auto& p : verdict->problems) why += (why.empty() ? "" : " ; ") + p.to_french();
  return core::fail("niveau " + std::string(code(requested)) + " non atteint (atteint : " +
                    (verdict->level ? std::string(code(*verdict->level)) : "aucun") + ")" + (why.empty() ? "" : " : " + why));
}

}  // namespace ipt::signing
