// RevocationReuse: inside the scope a certificate's OCSP answer is fetched once and used
// again, counted on the test PKI's responder; outside it, and once the answer's age has
// passed, every online check asks the responder again; a revocation then shows.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/revocation_reuse.hpp"
#include "ipt/signing/timestamp_client.hpp"
#include "support/must.hpp"

namespace ipt::test {
namespace {

// Whole, online verifications: each signature's chain asked about every time.
signing::VerifyOptions online_whole() {
  auto options = world().verify_options();
  options.online_revocation = true;
  options.reuse_verdicts = false;
  options.remember_verdict = false;
  return options;
}

Bytes signed_by(const std::string& credential) {
  signing::SignatureOptions o;
  o.field = "sig_pole";
  o.certify = true;
  o.level = signing::Level::b_t;
  return must(sign_as(world().annexe_4, credential, o), credential.c_str());
}

std::uint64_t answered() { return world().services->revocation().ocsp_requests(); }

TEST(RevocationReuse, OutsideTheScopeEveryCheckAsksTheResponder) {
  const Bytes pdf = signed_by("pole");
  const auto first = answered();
  ASSERT_TRUE(must(signing::verify_pdf(pdf, online_whole()), "1").valid());
  const auto per_verification = answered() - first;
  ASSERT_GT(per_verification, 0u);
  ASSERT_TRUE(must(signing::verify_pdf(pdf, online_whole()), "2").valid());
  EXPECT_EQ(answered() - first, 2 * per_verification);
}

TEST(RevocationReuse, InsideTheScopeAnAnswerIsFetchedOnceThenReused) {
  const Bytes pdf = signed_by("pole");
  const signing::RevocationReuse reuse;
  const auto before = answered();
  const auto counted = signing::revocation_fetches();
  ASSERT_TRUE(must(signing::verify_pdf(pdf, online_whole()), "1").valid());
  const auto asked = answered() - before;
  ASSERT_GT(asked, 0u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(must(signing::verify_pdf(pdf, online_whole()), "encore").valid());
  EXPECT_EQ(answered() - before, asked) << "the responder was asked again";
  EXPECT_GE(signing::revocation_fetches().reused - counted.reused, 3 * asked);
  EXPECT_EQ(signing::revocation_fetches().fetched - counted.fetched, asked);
}

TEST(RevocationReuse, AnAnswerPastItsAgeIsFetchedAgainAndARevocationThenShows) {
  // Its own services, so that revoking does not disturb the other tests.
  auto services = localpki::TrustServices::start(localpki::PkiRecipe{});
  ASSERT_TRUE(services) << services.error().message;
  const auto p12 = world().dir / "reutilisation.p12";
  ASSERT_TRUE((*services)->pki().write_pkcs12(p12, "cpms", "mot de passe"));
  auto key = must(signing::load_pkcs12(p12, "mot de passe"), "cpms");
  signing::HttpTimestampClient tsa((*services)->timestamps().url(), std::chrono::seconds(5));
  signing::SignatureOptions o;
  o.field = "sig_cpms";
  o.level = signing::Level::b_t;
  const Bytes pdf = must(signing::sign_pdf(world().annexe_4, o, *key, &tsa), "signature");
  signing::VerifyOptions options;
  options.trust_anchors = {(*services)->pki().root().certificate_der()};
  options.online_revocation = true;
  options.reuse_verdicts = false;
  options.remember_verdict = false;
  const auto asked = [&] { return (*services)->revocation().ocsp_requests(); };
  {
    const signing::RevocationReuse reuse(std::chrono::seconds(0));  // nothing outlives its fetch
    const auto before = asked();
    ASSERT_TRUE(must(signing::verify_pdf(pdf, options), "1").valid());
    const auto once = asked() - before;
    ASSERT_GT(once, 0u);
    ASSERT_TRUE(must(signing::verify_pdf(pdf, options), "2").valid());
    EXPECT_EQ(asked() - before, 2 * once);
  }
  // An answer kept by a scope is forgotten with it: a revocation made since shows at once.
  {
    const signing::RevocationReuse reuse;
    ASSERT_TRUE(must(signing::verify_pdf(pdf, options), "avant").valid());
  }
  ASSERT_TRUE((*services)->revocation().revoke("cpms", std::chrono::system_clock::now() - std::chrono::minutes(1)));
  const auto after = must(signing::verify_pdf(pdf, options), "après");
  EXPECT_FALSE(after.valid()) << signing::report_json(after);
  EXPECT_EQ(after.signatures.at(0).revocation, signing::RevocationStatus::revoked);
}

}  // namespace
}  // namespace ipt::test
