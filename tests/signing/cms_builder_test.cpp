// cms_builder (private to signing): the CAdES detached SignedData, judged by `openssl cms
// -verify` over the content whose digest it signs.
#include <gtest/gtest.h>

#include <algorithm>

#include "cms_builder.hpp"
#include "fixture.hpp"
#include "ipt/signing/key_source.hpp"
#include "support/must.hpp"
#include "support/process.hpp"

namespace ipt::signing::detail {
namespace {

using test::must;
using test::world;

TEST(CmsBuilder, SignedAttributesAreDeterministicAndHoldNoSigningTime) {
  auto key = must(load_pkcs12(world().p12("ecole-ordinaire"), "mot de passe"), "ecole-ordinaire.p12");
  const Bytes digest = sha256(to_bytes("contenu signé"));
  auto first = must(build_cms(digest, key->certificate(), key->chain()), "build_cms");
  auto again = must(build_cms(digest, key->certificate(), key->chain()), "build_cms");
  EXPECT_EQ(first.signed_attributes, again.signed_attributes);  // a two-step signing can rebuild it
  EXPECT_FALSE(first.signed_attributes.empty());
  EXPECT_EQ(first.signed_attributes[0], 0x31);  // DER SET OF
  // The message digest is in the signed attributes; signing-time is not (PAdES forbids it).
  const auto at = std::search(first.signed_attributes.begin(), first.signed_attributes.end(), digest.begin(), digest.end());
  EXPECT_NE(at, first.signed_attributes.end());
  EXPECT_EQ(CMS_signed_get_attr_by_NID(first.signer, NID_pkcs9_signingTime, -1), -1);
  EXPECT_GE(CMS_signed_get_attr_by_NID(first.signer, NID_id_smime_aa_signingCertificateV2, -1), 0);
  const auto other = must(build_cms(sha256(to_bytes("autre contenu")), key->certificate(), key->chain()), "build_cms");
  EXPECT_NE(other.signed_attributes, first.signed_attributes);
}

TEST(CmsBuilder, FinishedSignatureVerifiesWithOpenssl) {
  auto key = must(load_pkcs12(world().p12("pole"), "mot de passe"), "pole.p12");  // RSA-2048
  const Bytes content = to_bytes("%PDF-1.7 les octets couverts par /ByteRange\n");
  auto skeleton = must(build_cms(sha256(content), key->certificate(), key->chain()), "build_cms");
  const Bytes value = must(key->sign(skeleton.signed_attributes), "sign");
  const Bytes der = must(finish_cms(skeleton, value, std::nullopt), "finish_cms");
  EXPECT_EQ(signature_value_of(skeleton.signer), value);

  const auto cms_file = test::write_temp("signature.der", der);
  const auto content_file = test::write_temp("contenu.bin", content);
  const auto root = world().root_pem.string();
  auto r = test::run_process({"openssl", "cms", "-verify", "-inform", "DER", "-in", cms_file.string(), "-binary",
                              "-content", content_file.string(), "-CAfile", root, "-purpose", "any", "-out",
                              "/dev/null"});
  EXPECT_EQ(r.status, 0) << r.err;
  // Another content does not verify.
  const auto other = test::write_temp("autre.bin", to_bytes("autre chose"));
  r = test::run_process({"openssl", "cms", "-verify", "-inform", "DER", "-in", cms_file.string(), "-binary",
                         "-content", other.string(), "-CAfile", root, "-purpose", "any", "-out", "/dev/null"});
  EXPECT_NE(r.status, 0);
}

TEST(CmsBuilder, ASignatureValueFromAnotherKeyIsRefused) {
  auto pole = must(load_pkcs12(world().p12("pole"), "mot de passe"), "pole.p12");
  auto ecole = must(load_pkcs12(world().p12("ecole-ordinaire"), "mot de passe"), "ecole-ordinaire.p12");
  auto skeleton = must(build_cms(sha256(to_bytes("x")), pole->certificate(), pole->chain()), "build_cms");
  const Bytes wrong = must(ecole->sign(skeleton.signed_attributes), "sign");
  EXPECT_FALSE(finish_cms(skeleton, wrong, std::nullopt));
  EXPECT_FALSE(parse_certificates({to_bytes("pas un certificat")}));
}

}  // namespace
}  // namespace ipt::signing::detail
