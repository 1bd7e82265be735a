// What signing refuses, with a clear reason and nothing produced.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "ipt/signing/key_source.hpp"
#include "support/process.hpp"

namespace ipt::test {
namespace {

signing::SignatureOptions field(const std::string& name, signing::Level level = signing::Level::b_b) {
  signing::SignatureOptions o;
  o.field = name;
  o.level = level;
  return o;
}

void expect_refused(const core::Result<Bytes>& r, const std::string& reason) {
  ASSERT_FALSE(r) << "expected a refusal containing « " << reason << " »";
  EXPECT_NE(r.error().message.find(reason), std::string::npos) << r.error().message;
}

TEST(Refusals, FieldThatDoesNotExist) {
  expect_refused(sign_as(world().annexe_4, "pole", field("sig_directeur")), "champ de signature « sig_directeur » inexistant");
}

TEST(Refusals, FieldAlreadySigned) {
  auto once = sign_as(world().annexe_4, "pole", field("sig_pole"));
  ASSERT_TRUE(once) << once.error().message;
  expect_refused(sign_as(*once, "ecole-ordinaire", field("sig_pole")), "déjà signé");
}

TEST(Refusals, FillOfAnUnknownFieldOrImpossibleValue) {
  auto options = field("sig_cpms");
  options.fills = {{"avis_cpms", "peut-etre"}};
  expect_refused(sign_as(world().annexe_4, "cpms", options), "valeur « peut-etre » impossible (valeurs : favorable, defavorable)");
  options.fills = {{"avis_inexistant", "favorable"}};
  expect_refused(sign_as(world().annexe_4, "cpms", options), "champ « avis_inexistant » inexistant");
}

TEST(Refusals, WrongPassword) {
  const auto key = signing::load_pkcs12(world().p12("pole"), "mauvais mot de passe");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().category, core::Category::refused) << key.error().message;
  // The same through the one factory, the password read from a file.
  const auto wrong = write_temp("faux.txt", signing::to_bytes("faux\n"));
  const auto opened = signing::open_key_source(signing::Pkcs12Key{world().p12("pole"), signing::SecretSource::from_file(wrong.string())});
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().category, core::Category::refused) << opened.error().message;
  const auto right = signing::open_key_source(
      signing::Pkcs12Key{world().p12("pole"), signing::SecretSource::from_file(world().password_file.string())});
  EXPECT_TRUE(right) << right.error().message;
  const auto missing = signing::open_key_source(signing::Pkcs12Key{world().p12("pole"), signing::SecretSource::from_file("/nulle/part")});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().category, core::Category::not_found) << missing.error().message;
}

TEST(Refusals, ExpiredOrUnusableCertificate) {
  expect_refused(sign_as(world().annexe_4, "cpms-expired", field("sig_cpms")), "expiré à la date de signature");
  // The timestamp authority's certificate is for timestamps only (critical extended key usage).
  expect_refused(sign_as(world().annexe_4, "tsa", field("sig_cpms")), "inutilisable pour signer des documents");
  // A certificate with non-repudiation only is what the Belgian eID's signature key has: accepted.
  EXPECT_TRUE(sign_as(world().annexe_4, "cpms-no-digital-signature", field("sig_cpms")));
}

TEST(Refusals, DocumentsPodofoCannotContinueSafely) {
  // The same document rewritten by qpdf with object streams and a cross-reference stream.
  const auto original = write_temp("annexe-4-orig.pdf", world().annexe_4);
  const auto rewritten = world().dir / "annexe-4-objstm.pdf";
  ASSERT_EQ(run_process({"qpdf", "--object-streams=generate", original.string(), rewritten.string()}).status, 0);
  auto bytes = signing::read_file(rewritten);
  ASSERT_TRUE(bytes);
  expect_refused(sign_as(*bytes, "pole", field("sig_pole")), "non pris en charge");
  expect_refused(sign_as(signing::to_bytes("ceci n’est pas un PDF"), "pole", field("sig_pole")), "n’est pas un PDF");
  Bytes truncated(world().annexe_4.begin(), world().annexe_4.end() - 200);
  expect_refused(sign_as(truncated, "pole", field("sig_pole")), "non pris en charge");
}

TEST(Refusals, TimestampServerThatDoesNotAnswer) {
  auto& tsa = world().services->timestamps();
  tsa.set_behaviour(localpki::ServiceBehaviour::http_500);
  auto r = sign_as(world().annexe_4, "pole", field("sig_pole", signing::Level::b_t));
  tsa.set_behaviour(localpki::ServiceBehaviour::answer);
  expect_refused(r, "réponse HTTP 500");

  tsa.set_behaviour(localpki::ServiceBehaviour::hang);
  auto key = signing::load_pkcs12(world().p12("pole"), "mot de passe");
  ASSERT_TRUE(key);
  signing::HttpTimestampClient impatient(tsa.url(), std::chrono::milliseconds(300));
  r = signing::sign_pdf(world().annexe_4, field("sig_pole", signing::Level::b_t), **key, &impatient);
  tsa.set_behaviour(localpki::ServiceBehaviour::answer);
  expect_refused(r, "le serveur ne répond pas");
  // B-T without a timestamp server at all.
  r = signing::sign_pdf(world().annexe_4, field("sig_pole", signing::Level::b_t), **key, nullptr);
  expect_refused(r, "un serveur d’horodatage est requis");
}

}  // namespace
}  // namespace ipt::test
