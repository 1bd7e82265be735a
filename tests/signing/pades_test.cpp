// An Annexe 4 signed in turn by the four partners, at each PAdES level.
#include <gtest/gtest.h>

#include <regex>

#include "fixture.hpp"
#include "support/process.hpp"

namespace ipt::test {
namespace {

using signing::Level;

// Each signature's CMS and signed bytes, checked by `openssl cms -verify`.
void expect_openssl_accepts(const Bytes& pdf, const signing::VerificationReport& report) {
  for (const auto& s : report.signatures) {
    if (s.document_timestamp) continue;
    const auto& br = s.byte_range;
    Bytes signed_bytes(pdf.begin(), pdf.begin() + static_cast<long>(br[1]));
    signed_bytes.insert(signed_bytes.end(), pdf.begin() + static_cast<long>(br[2]),
                        pdf.begin() + static_cast<long>(br[2] + br[3]));
    const auto hex = std::string(pdf.begin() + static_cast<long>(br[1] + 1), pdf.begin() + static_cast<long>(br[2] - 1));
    auto der = signing::from_hex(hex);
    ASSERT_TRUE(der);
    const auto content = write_temp("content-" + s.field, signed_bytes);
    const auto cms = write_temp("cms-" + s.field + ".der", *der);
    const auto r = run_process({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", cms.string(),
                                "-content", content.string(), "-CAfile", world().root_pem.string(), "-purpose", "any",
                                "-out", "/dev/null"});
    EXPECT_EQ(r.status, 0) << s.field << ": " << r.err;
    EXPECT_NE(r.err.find("Verification successful"), std::string::npos) << r.err;
  }
}

class EveryLevel : public ::testing::TestWithParam<Level> {};

TEST_P(EveryLevel, FourPartnersSignInTurnAndEverySignatureStaysValid) {
  const Level level = GetParam();
  const Bytes signed_pdf = sign_by_all(world().annexe_4, level);
  const auto path = write_temp("annexe-4-" + std::string(signing::code(level)) + ".pdf", signed_pdf);

  // Our verifier.
  auto report = signing::verify_pdf(signed_pdf, world().verify_options());
  ASSERT_TRUE(report) << report.error().message;
  const size_t expected = level == Level::b_lta ? 8 : 4;  // B-LTA: one document timestamp per signatory
  ASSERT_EQ(report->signatures.size(), expected);
  EXPECT_TRUE(report->valid()) << signing::report_json(*report);
  for (const auto& s : report->signatures) {
    if (s.document_timestamp) continue;
    EXPECT_TRUE(s.intact && s.signature_valid && s.chain_trusted) << s.field;
    EXPECT_EQ(s.level, level) << s.field;
    EXPECT_EQ(s.revocation, signing::RevocationStatus::good) << s.field;
    for (const auto& c : s.later_changes) EXPECT_TRUE(c.allowed()) << s.field << ": " << c.detail;
  }
  EXPECT_TRUE(report->signatures[0].certification);
  // The last revision is the last signature's own for B-B and B-T; LT and LTA add theirs after.
  EXPECT_EQ(report->signatures.back().covers_whole_file, level != Level::b_lt);
  const auto last_signatory = std::find_if(report->signatures.begin(), report->signatures.end(),
                                           [](const auto& s) { return s.field == "sig_responsable"; });
  ASSERT_NE(last_signatory, report->signatures.end());
  EXPECT_EQ(last_signatory->covers_whole_file, level == Level::b_b || level == Level::b_t);

  // poppler's pdfsig, with NSS trusting the test root and asking our OCSP responder.
  const auto out = pdfsig(path);
  EXPECT_EQ(count(out, "Signature Validation: Signature is Valid."), 4u) << out;
  EXPECT_EQ(count(out, "Certificate Validation: Certificate is Trusted."), 4u) << out;
  for (const char* field : {"sig_pole", "sig_ecole_ordinaire", "sig_cpms", "sig_responsable"}) {
    EXPECT_NE(out.find(std::string("Signature Field Name: ") + field), std::string::npos) << field;
  }
  // pyHanko's difference analysis: every signature valid, the later revisions at most form
  // filling (the CPMS's opinion, locks) or LTA updates.
  const auto judged = run_pyhanko_judge(path.string(), world().root_pem.string());
  EXPECT_EQ(judged.status, 0) << judged.out << judged.err;
  EXPECT_EQ(count(judged.out, "\"judged_valid\": true"), expected) << judged.out;
  EXPECT_EQ(judged.out.find("\"OTHER\""), std::string::npos) << judged.out;
  // qpdf finds the structure clean; openssl accepts every CMS.
  const auto qpdf = run_process({"qpdf", "--check", path.string()});
  EXPECT_EQ(qpdf.status, 0) << qpdf.out << qpdf.err;
  expect_openssl_accepts(signed_pdf, *report);
}

INSTANTIATE_TEST_SUITE_P(Pades, EveryLevel, ::testing::Values(Level::b_b, Level::b_t, Level::b_lt, Level::b_lta),
                         [](const auto& param_info) {
                           std::string name(signing::code(param_info.param));
                           name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                           return name;
                         });

TEST(Pades, SignatureAppearanceAndFilledOpinionExtractAsText) {
  const Bytes signed_pdf = sign_by_all(world().annexe_4, Level::b_b);
  const auto path = write_temp("annexe-4-texte.pdf", signed_pdf);
  const auto text = run_process({"pdftotext", "-enc", "UTF-8", path.string(), "-"});
  ASSERT_EQ(text.status, 0);
  EXPECT_NE(text.out.find("Signé électroniquement"), std::string::npos) << text.out;
  const auto signers = localpki::PkiRecipe::default_signers();  // not a reference into a temporary
  for (auto role : localpki::all_roles) {
    const auto& person = signers.at(role);
    EXPECT_NE(text.out.find(person.common_name), std::string::npos) << person.common_name;
  }
  EXPECT_NE(text.out.find("(UTC)"), std::string::npos);
  const auto fonts = run_process({"pdffonts", path.string()});
  EXPECT_EQ(fonts.out.find(" no  "), std::string::npos) << "a font is not embedded:\n" << fonts.out;
}

TEST(Pades, PdfaStaysValidAfterEverySignature) {
  const Bytes signed_pdf = sign_by_all(world().annexe_4_pdfa1b, Level::b_t);
  const auto path = write_temp("annexe-4-pdfa1b-signee.pdf", signed_pdf);
  const std::string cp =
      "/usr/share/java/preflight.jar:/usr/share/java/pdfbox2.jar:/usr/share/java/fontbox2.jar:"
      "/usr/share/java/xmpbox.jar:/usr/share/java/commons-logging.jar:/usr/share/java/javax.activation.jar:"
      "/usr/share/java/jaxb-api.jar";
  const auto r = run_process({"java", "-Djava.awt.headless=true", "-cp", cp, "org.apache.pdfbox.preflight.Validator_A1b",
                              path.string()});
  EXPECT_NE(r.out.find("is a valid PDF/A-1b file"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace ipt::test
