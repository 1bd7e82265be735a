// signed_data_certificates (private to signing): a SignedData's certificates taken out of its
// DER, then the structure decoded without them and given them back from the cache, on CMS
// signatures made here with the test PKI's keys.
#include <gtest/gtest.h>

#include <algorithm>

#include "cms_builder.hpp"
#include "fixture.hpp"
#include "ipt/signing/key_source.hpp"
#include "openssl_util.hpp"
#include "revocation.hpp"
#include "signed_data_certificates.hpp"
#include "support/must.hpp"

namespace ipt::signing::detail {
namespace {

using test::must;
using test::world;

// A finished CAdES signature over `content` by the director's key, with its chain.
Bytes signature_of(const Bytes& content) {
  auto key = must(load_pkcs12(world().p12("ecole-ordinaire"), "mot de passe"), "ecole-ordinaire.p12");
  auto skeleton = must(build_cms(sha256(content), key->certificate(), key->chain()), "build_cms");
  const Bytes value = must(key->sign(skeleton.signed_attributes), "sign");
  return must(finish_cms(skeleton, value, std::nullopt), "finish_cms");
}

std::vector<Bytes> certificates_decoded_whole(const Bytes& der) {
  const unsigned char* p = der.data();
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  std::vector<Bytes> out;
  if (!cms) return out;
  X509StackPtr certs(CMS_get1_certs(cms.get()));
  for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) out.push_back(der_of(sk_X509_value(certs.get(), i)));
  return out;
}

TEST(SignedDataCertificates, TakesOutExactlyTheCertificatesOpensslFinds) {
  const Bytes cms = signature_of(to_bytes("contenu signé"));
  const auto split = split_certificates(cms);
  ASSERT_TRUE(split);
  const auto expected = certificates_decoded_whole(cms);
  ASSERT_GE(expected.size(), 2u);  // the signer and its issuing CA at least
  EXPECT_EQ(split->certificates, expected);
  EXPECT_LT(split->without_certificates.size(), cms.size());
  EXPECT_TRUE(certificates_decoded_whole(split->without_certificates).empty());

  // parse_cms gives the same structure back: the same certificates, the signature verifies.
  auto parsed = must(parse_cms(cms), "parse_cms");
  X509StackPtr certs(CMS_get1_certs(parsed.get()));
  std::vector<Bytes> found;
  for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) found.push_back(der_of(sk_X509_value(certs.get(), i)));
  std::sort(found.begin(), found.end());
  auto sorted_expected = expected;
  std::sort(sorted_expected.begin(), sorted_expected.end());
  EXPECT_EQ(found, sorted_expected);
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(parsed.get()), 0);
  CMS_set1_signers_certs(parsed.get(), certs.get(), 0);
  EXPECT_EQ(CMS_SignerInfo_verify(si), 1);

  // Trailing zeros (a /Contents placeholder) are ignored.
  Bytes padded = cms;
  padded.resize(cms.size() + 300, 0);
  const auto split_padded = split_certificates(padded);
  ASSERT_TRUE(split_padded);
  EXPECT_EQ(split_padded->without_certificates, split->without_certificates);
}

TEST(SignedDataCertificates, LeavesWhatItDoesNotUnderstandToOpenssl) {
  const Bytes cms = signature_of(to_bytes("autre contenu"));
  Bytes cut(cms.begin(), cms.begin() + static_cast<long>(cms.size() / 2));
  EXPECT_FALSE(split_certificates(cut));
  Bytes indefinite = cms;  // BER's indefinite length on the ContentInfo
  indefinite[1] = 0x80;
  EXPECT_FALSE(split_certificates(indefinite));
  Bytes other_type = cms;  // not signedData (the OID's last byte)
  const std::vector<unsigned char> oid = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02};
  const auto at = std::search(other_type.begin(), other_type.end(), oid.begin(), oid.end());
  ASSERT_NE(at, other_type.end());
  *(at + 8) = 0x01;
  EXPECT_FALSE(split_certificates(other_type));
  EXPECT_FALSE(split_certificates(Bytes{}));
  EXPECT_FALSE(split_certificates(to_bytes("pas du DER")));
  // parse_cms still reads what the splitter leaves (and refuses what OpenSSL refuses).
  EXPECT_FALSE(parse_cms(cut));
}

// An OCSP response from the test PKI's responder: the responder's certificates come out, the
// response decoded without them and given them back says the same.
TEST(SignedDataCertificates, TakesTheResponderCertificatesOutOfAnOcspResponse) {
  auto key = must(load_pkcs12(world().p12("cpms"), "mot de passe"), "cpms.p12");
  std::vector<Bytes> chain{key->certificate()};
  chain.insert(chain.end(), key->chain().begin(), key->chain().end());
  const auto data = must(fetch_validation_data(chain, world().trust()), "fetch_validation_data");
  ASSERT_FALSE(data.ocsp_responses.empty());
  const Bytes& response = data.ocsp_responses.front();
  const auto split = split_ocsp_certificates(response);
  ASSERT_TRUE(split);
  const unsigned char* p = response.data();
  OcspRespPtr whole(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(response.size())));
  ASSERT_TRUE(whole);
  OcspBasicPtr basic(OCSP_response_get1_basic(whole.get()));
  ASSERT_TRUE(basic);
  std::vector<Bytes> expected;
  for (int i = 0; i < sk_X509_num(OCSP_resp_get0_certs(basic.get())); ++i) expected.push_back(der_of(sk_X509_value(OCSP_resp_get0_certs(basic.get()), i)));
  EXPECT_EQ(split->certificates, expected);
  auto parsed = must(parse_ocsp_basic(response), "parse_ocsp_basic");
  std::vector<Bytes> found;
  for (int i = 0; i < sk_X509_num(OCSP_resp_get0_certs(parsed.get())); ++i) found.push_back(der_of(sk_X509_value(OCSP_resp_get0_certs(parsed.get()), i)));
  EXPECT_EQ(found, expected);
  unsigned char* tbs_whole = nullptr;
  unsigned char* tbs_parsed = nullptr;
  const int n_whole = i2d_OCSP_RESPDATA(const_cast<OCSP_RESPDATA*>(OCSP_resp_get0_respdata(basic.get())), &tbs_whole);
  const int n_parsed = i2d_OCSP_RESPDATA(const_cast<OCSP_RESPDATA*>(OCSP_resp_get0_respdata(parsed.get())), &tbs_parsed);
  EXPECT_EQ(Bytes(tbs_whole, tbs_whole + n_whole), Bytes(tbs_parsed, tbs_parsed + n_parsed));
  OPENSSL_free(tbs_whole);
  OPENSSL_free(tbs_parsed);
  // Unsuccessful (status 1, malformedRequest) or cut: left to OpenSSL, which refuses them.
  Bytes refused = response;
  const size_t header = (refused[1] & 0x80) ? 2 + (refused[1] & 0x7F) : 2;  // the outer SEQUENCE's
  ASSERT_EQ(refused[header], 0x0A);                                        // responseStatus ENUMERATED
  refused[header + 2] = 0x01;
  EXPECT_FALSE(split_ocsp_certificates(refused));
  EXPECT_FALSE(parse_ocsp_basic(refused));
  EXPECT_FALSE(split_ocsp_certificates(Bytes(response.begin(), response.begin() + 40)));
}

// A TimeStampResp is cut into its status and its token, each as written.
TEST(SignedDataCertificates, CutsATimestampResponseIntoStatusAndToken) {
  const Bytes token = signature_of(to_bytes("un jeton"));
  const Bytes status = {0x30, 0x03, 0x02, 0x01, 0x00};  // PKIStatusInfo { granted }
  Bytes response = {0x30, 0x82, 0, 0};
  response.insert(response.end(), status.begin(), status.end());
  response.insert(response.end(), token.begin(), token.end());
  const size_t length = response.size() - 4;
  response[2] = static_cast<unsigned char>(length >> 8);
  response[3] = static_cast<unsigned char>(length & 0xFF);
  const auto parts = split_timestamp_response(response);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->status, status);
  EXPECT_EQ(parts->token, token);
  // No token (a refusal): not this shape.
  const Bytes refusal = {0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02};
  EXPECT_FALSE(split_timestamp_response(refusal));
}

}  // namespace
}  // namespace ipt::signing::detail
