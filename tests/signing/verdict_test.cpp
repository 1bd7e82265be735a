// The three verdicts (EN 319 102-1): what makes a signature invalid, what leaves it
// indeterminate, and revocation from CRLs only at every level.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "ipt/signing/key_source.hpp"

namespace ipt::test {
namespace {

using signing::Indication;
using signing::Level;
using signing::ProblemCode;
using signing::RevocationSource;

const Bytes& signed_b_t() {
  static const Bytes pdf = sign_by_all(world().annexe_4, Level::b_t);
  return pdf;
}

signing::VerificationReport verify(const Bytes& pdf, signing::VerifyOptions options) {
  auto r = signing::verify_pdf(pdf, options);
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

bool file_has(const signing::VerificationReport& r, ProblemCode code) {
  return std::any_of(r.problems.begin(), r.problems.end(), [&](const auto& p) { return p.code == code; });
}

TEST(Verdict, CodesAreStableAndEachHasItsIndication) {
  EXPECT_EQ(signing::code(ProblemCode::revocation_unknown), "revocation.unknown");
  EXPECT_EQ(signing::code(ProblemCode::byte_range_gap), "byte_range.gap");
  EXPECT_EQ(signing::code(ProblemCode::field_locked_changed), "field.locked_changed");
  EXPECT_EQ(signing::indication_of(ProblemCode::revocation_unavailable), Indication::indeterminate);
  EXPECT_EQ(signing::indication_of(ProblemCode::chain_untrusted), Indication::indeterminate);
  EXPECT_EQ(signing::indication_of(ProblemCode::certificate_revoked), Indication::invalid);
  EXPECT_EQ(signing::indication_of(ProblemCode::digest_mismatch), Indication::invalid);
  EXPECT_EQ(signing::worst(Indication::indeterminate, Indication::invalid), Indication::invalid);
  EXPECT_EQ(signing::worst(Indication::valid, Indication::indeterminate), Indication::indeterminate);
}

TEST(Verdict, NoRevocationInformationIsIndeterminateNotInvalid) {
  auto options = world().verify_options();
  options.online_revocation = false;  // B-T carries no validation data
  const auto report = verify(signed_b_t(), options);
  EXPECT_EQ(report.indication, Indication::indeterminate) << signing::report_json(report);
  for (const auto& s : report.signatures) {
    EXPECT_TRUE(s.intact && s.signature_valid && s.chain_trusted) << s.field;
    EXPECT_TRUE(s.has(ProblemCode::revocation_unavailable)) << s.field;
    EXPECT_EQ(s.indication, Indication::indeterminate) << s.field;
  }
  // Online, the responder answers: valid.
  EXPECT_EQ(verify(signed_b_t(), world().verify_options()).indication, Indication::valid);
}

TEST(Verdict, BytesAfterTheLastRevisionAreReported) {
  Bytes pdf = signed_b_t();
  const std::string junk = "\n% ajouté après coup\n1 0 obj\n<< >>\nendobj\n";
  pdf.insert(pdf.end(), junk.begin(), junk.end());
  const auto report = verify(pdf, world().verify_options());
  EXPECT_EQ(report.indication, Indication::invalid);
  EXPECT_TRUE(file_has(report, ProblemCode::file_trailing_data)) << signing::report_json(report);
  // The signatures themselves still say what they are.
  ASSERT_EQ(report.signatures.size(), 4u);
  for (const auto& s : report.signatures) EXPECT_TRUE(s.intact) << s.field;
  // Trailing white space alone is tolerated.
  Bytes spaced = signed_b_t();
  spaced.push_back('\n');
  EXPECT_EQ(verify(spaced, world().verify_options()).indication, Indication::valid);
}

TEST(Verdict, AFileCutInsideTheLastSignatureIsNotReportedValid) {
  const Bytes& pdf = signed_b_t();
  // The last signature's revision starts after the previous %%EOF; cut in its middle.
  const std::string_view text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
  const size_t last_eof = text.rfind("%%EOF");
  const size_t previous_eof = text.rfind("%%EOF", last_eof - 1);
  ASSERT_NE(previous_eof, std::string_view::npos);
  const size_t cut = previous_eof + (last_eof - previous_eof) / 2;
  const auto report = verify(Bytes(pdf.begin(), pdf.begin() + static_cast<long>(cut)), world().verify_options());
  EXPECT_EQ(report.indication, Indication::invalid) << signing::report_json(report);
  EXPECT_TRUE(file_has(report, ProblemCode::file_truncated_signature)) << signing::report_json(report);
  EXPECT_EQ(report.signatures.size(), 3u) << signing::report_json(report);  // the cut one is named as such, the others verified
}

TEST(Verdict, ACertificateRevokedBeforeSigningMakesTheSignatureInvalid) {
  // Its own services, so that revoking does not disturb the other tests.
  localpki::PkiRecipe recipe;
  auto services = localpki::TrustServices::start(recipe);
  ASSERT_TRUE(services) << services.error().message;
  const auto& pki = (*services)->pki();
  const auto p12 = world().dir / "revoque.p12";
  ASSERT_TRUE(pki.write_pkcs12(p12, "ecole-ordinaire", "mot de passe"));
  auto key = signing::load_pkcs12(p12, "mot de passe");
  ASSERT_TRUE(key) << key.error().message;
  ASSERT_TRUE((*services)->revocation().revoke("ecole-ordinaire", std::chrono::system_clock::now() - std::chrono::minutes(5)));
  signing::HttpTimestampClient tsa((*services)->timestamps().url(), std::chrono::seconds(5));
  signing::SignatureOptions options;
  options.field = "sig_ecole_ordinaire";
  options.level = Level::b_t;
  auto pdf = signing::sign_pdf(world().annexe_4, options, **key, &tsa);
  ASSERT_TRUE(pdf) << pdf.error().message;
  signing::VerifyOptions verify_options;
  verify_options.trust_anchors = {pki.root().certificate_der()};
  const auto report = verify(*pdf, verify_options);
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.signatures[0].revocation, signing::RevocationStatus::revoked);
  EXPECT_TRUE(report.signatures[0].has(ProblemCode::certificate_revoked)) << signing::report_json(report);
  EXPECT_EQ(report.indication, Indication::invalid);
}

// A CA that publishes CRLs only (no OCSP responder in its certificates).
class CrlOnly : public ::testing::TestWithParam<Level> {
 protected:
  static void SetUpTestSuite() {
    localpki::PkiRecipe recipe;
    recipe.with_ocsp_url = false;
    auto s = localpki::TrustServices::start(recipe);
    if (!s) throw std::runtime_error(s.error().message);
    services_ = s->release();
    const auto p12 = world().dir / "crl-seulement.p12";
    if (!services_->pki().write_pkcs12(p12, "pole", "mot de passe")) throw std::runtime_error("p12");
  }
  static void TearDownTestSuite() {
    delete services_;
    services_ = nullptr;
  }
  static localpki::TrustServices* services_;
};
localpki::TrustServices* CrlOnly::services_ = nullptr;

TEST_P(CrlOnly, SignsAndVerifiesAtEveryLevel) {
  const Level level = GetParam();
  auto key = signing::load_pkcs12(world().dir / "crl-seulement.p12", "mot de passe");
  ASSERT_TRUE(key) << key.error().message;
  signing::HttpTimestampClient tsa(services_->timestamps().url(), std::chrono::seconds(5));
  const std::vector<Bytes> trust{services_->pki().root().certificate_der()};
  signing::SignatureOptions options;
  options.field = "sig_pole";
  options.level = level;
  options.certify = true;
  auto pdf = signing::sign_pdf(world().annexe_4, options, **key, &tsa, trust);
  ASSERT_TRUE(pdf) << pdf.error().message;
  signing::VerifyOptions verify_options;
  verify_options.trust_anchors = trust;
  const bool carries_data = level == Level::b_lt || level == Level::b_lta;
  verify_options.online_revocation = !carries_data;  // B-LT and above verify offline
  const auto report = verify(*pdf, verify_options);
  EXPECT_EQ(report.indication, Indication::valid) << signing::report_json(report);
  const auto* s = report.find("sig_pole");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->level, level);
  EXPECT_EQ(s->revocation, signing::RevocationStatus::good);
  EXPECT_EQ(s->revocation_source, carries_data ? RevocationSource::dss_crl : RevocationSource::online_crl);
}

INSTANTIATE_TEST_SUITE_P(Levels, CrlOnly, ::testing::Values(Level::b_b, Level::b_t, Level::b_lt, Level::b_lta),
                         [](const ::testing::TestParamInfo<Level>& param_info) {
                           std::string name(signing::code(param_info.param));
                           std::erase(name, '-');
                           return name;
                         });

}  // namespace
}  // namespace ipt::test
