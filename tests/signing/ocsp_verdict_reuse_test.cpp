// An OCSP response is checked (its signature, its responder's chain) once within minutes,
// against the same certificates: the same bytes again are the same verdict. Altered bytes
// are never taken for the ones that held, even right after them, and the verdict held for
// some trust anchors is not the verdict for others.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "ipt/localpki/pki.hpp"
#include "openssl_util.hpp"
#include "revocation.hpp"
#include "revocation_check.hpp"
#include "revocation_fetch.hpp"
#include "support/must.hpp"

namespace ipt::test {
namespace {

using namespace signing::detail;

// A fresh response about the pole's certificate, from the test PKI's responder.
OcspBasicPtr fresh_response_about(const localpki::Credential& signer) {
  const auto& pki = world().services->pki();
  const auto* issuer = pki.find_issuer(signer);
  EXPECT_NE(issuer, nullptr);
  const auto url = ocsp_url(signer.certificate());
  EXPECT_TRUE(url.has_value());
  const Bytes reply = must(fetch_ocsp(*url, signer.certificate(), issuer->certificate(), std::chrono::seconds(10)), "OCSP");
  return must(parse_ocsp_basic(reply), "réponse OCSP");
}

std::vector<X509Ptr> anchors_of(const Bytes& der) {
  std::vector<X509Ptr> out;
  out.push_back(must(parse_certificate(der), "ancre"));
  return out;
}

// As a verification judges it: the signer's chain (the CMS's certificates) as intermediates.
RevocationCheck judged(const ValidationPool& pool, const localpki::Credential& signer, const std::vector<X509Ptr>& anchors) {
  const auto& pki = world().services->pki();
  const auto* issuer = pki.find_issuer(signer);
  X509StackPtr untrusted(sk_X509_new_null());
  for (X509* c : pki.chain_of(signer)) {
    X509_up_ref(c);
    sk_X509_push(untrusted.get(), c);
  }
  return check_revocation({signer.certificate(), issuer->certificate(), std::chrono::system_clock::now()}, pool, anchors,
                          untrusted.get(), /*online=*/false, std::chrono::seconds(10));
}

TEST(OcspReuse, TheSameResponseIsCheckedOnceAndAnAlteredOneIsStillRefused) {
  const auto& pki = world().services->pki();
  const auto& signer = pki.signer(core::Role::pole);
  const auto anchors = anchors_of(pki.root().certificate_der());
  ValidationPool pool;
  pool.ocsp.push_back(fresh_response_about(signer));

  const size_t before = ocsp_responses_checked();
  const auto first = judged(pool, signer, anchors);
  EXPECT_EQ(first.status, signing::RevocationStatus::good);
  EXPECT_FALSE(first.problem.has_value()) << first.detail;
  EXPECT_EQ(ocsp_responses_checked() - before, 1u);

  const auto second = judged(pool, signer, anchors);
  EXPECT_EQ(second.status, signing::RevocationStatus::good);
  EXPECT_FALSE(second.problem.has_value());
  EXPECT_EQ(ocsp_responses_checked() - before, 1u) << "the same bytes, the same certificates: not checked again";

  // One bit of the responder's signature changed, after the original was held: checked, refused.
  const ASN1_OCTET_STRING* signature = OCSP_resp_get0_signature(pool.ocsp.front().get());
  ASSERT_NE(signature, nullptr);
  ASSERT_GT(ASN1_STRING_length(signature), 10);
  auto* bytes = const_cast<unsigned char*>(ASN1_STRING_get0_data(signature));
  bytes[ASN1_STRING_length(signature) - 5] ^= 0x01;
  const auto altered = judged(pool, signer, anchors);
  EXPECT_EQ(altered.problem, signing::ProblemCode::revocation_untrusted) << altered.detail;
  EXPECT_EQ(ocsp_responses_checked() - before, 2u);
  // Refusals are not held: the altered response is checked again, and refused again.
  EXPECT_EQ(judged(pool, signer, anchors).problem, signing::ProblemCode::revocation_untrusted);
  EXPECT_EQ(ocsp_responses_checked() - before, 3u);
}

TEST(OcspReuse, AResponseHeldForSomeAnchorsIsCheckedAgainstOthers) {
  const auto& pki = world().services->pki();
  const auto& signer = pki.signer(core::Role::cpms);
  ValidationPool pool;
  pool.ocsp.push_back(fresh_response_about(signer));
  const auto trusted = anchors_of(pki.root().certificate_der());
  ASSERT_FALSE(judged(pool, signer, trusted).problem.has_value());

  // Another root, which issued nothing here: the responder's chain does not end at it.
  localpki::PkiRecipe recipe;
  const auto other = must(localpki::Pki::make(recipe), "autre PKI");
  const size_t before = ocsp_responses_checked();
  const auto strangers = anchors_of(other.root().certificate_der());
  EXPECT_EQ(judged(pool, signer, strangers).problem, signing::ProblemCode::revocation_untrusted);
  EXPECT_EQ(ocsp_responses_checked() - before, 1u);
}

}  // namespace
}  // namespace ipt::test
