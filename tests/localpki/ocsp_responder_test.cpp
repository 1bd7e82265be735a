#include "ipt/localpki/ocsp_responder.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <thread>

#include "helpers.hpp"
#include "support/temp_dir.hpp"

namespace ipt::localpki {
namespace {

using namespace std::chrono;
using namespace ipt::localpki::test;
using ipt::test::TempDir;

// The responder is started first so that its URL can go into the certificates.
class OcspResponderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(responder.start());
    PkiRecipe recipe;
    recipe.revocation_base_url = responder.url();
    auto made = Pki::make(recipe);
    ASSERT_TRUE(made) << made.error().message;
    pki.emplace(std::move(*made));
    responder.serve(*pki);
    write_ca_files(*pki, dir.path());
    for (const auto& c : pki->credentials()) write_text(dir / (c.id() + ".pem"), c.certificate_pem());
  }

  // `openssl ocsp` about `id`, asked of the URL its certificate carries.
  ipt::test::ProcessResult ask(const std::string& id, const std::string& issuer = "intermediate") {
    return openssl({"ocsp", "-issuer", dir / (issuer + ".pem"), "-cert", dir / (id + ".pem"), "-url",
                    ocsp_url(responder.url()), "-CAfile", dir / "root.pem", "-resp_text"});
  }

  OcspResponder responder;
  std::optional<Pki> pki;
  TempDir dir;
};

TEST_F(OcspResponderTest, GoodThenRevokedAsOpensslSeesIt) {
  auto before = ask("pole");
  EXPECT_EQ(before.status, 0) << before.err;
  EXPECT_TRUE(contains(before.err, "Response verify OK")) << before.err;
  EXPECT_FALSE(contains(before.err, "nonce")) << before.err;  // openssl warns when the nonce is missing
  EXPECT_TRUE(contains(before.out, (dir / "pole.pem").string() + ": good")) << before.out;
  EXPECT_TRUE(contains(before.out, "OCSP Nonce")) << before.out;
  EXPECT_TRUE(contains(before.out, "Responder Id: C = BE, O = IPT Dossiers (PKI de test), CN = IPT Dossiers OCSP (interm"))
      << before.out;
  EXPECT_TRUE(contains(before.out, "Next Update:")) << before.out;

  const auto when = sys_days{2026y / October / 1} + 12h;
  ASSERT_TRUE(responder.revoke("pole", when, RevocationReason::key_compromise));
  auto after = ask("pole");
  EXPECT_TRUE(contains(after.err, "Response verify OK")) << after.err;
  EXPECT_TRUE(contains(after.out, (dir / "pole.pem").string() + ": revoked")) << after.out;
  EXPECT_TRUE(contains(after.out, "Reason: keyCompromise")) << after.out;
  EXPECT_TRUE(contains(after.out, "Revocation Time: Oct  1 12:00:00 2026 GMT")) << after.out;
  // The others are untouched.
  EXPECT_TRUE(contains(ask("cpms").out, ": good"));
  EXPECT_EQ(responder.ocsp_requests(), 3u);
}

TEST_F(OcspResponderTest, TheIntermediateIsAnsweredForByTheRootsResponder) {
  auto r = ask("intermediate", "root");
  EXPECT_TRUE(contains(r.err, "Response verify OK")) << r.err;
  EXPECT_TRUE(contains(r.out, ": good")) << r.out;
  EXPECT_TRUE(contains(r.out, "CN = IPT Dossiers OCSP (racine)")) << r.out;
  ASSERT_TRUE(responder.revoke(pki->intermediate().certificate(), Clock::now(), RevocationReason::ca_compromise));
  EXPECT_TRUE(contains(ask("intermediate", "root").out, "Reason: cACompromise"));
}

TEST_F(OcspResponderTest, UnknownSerialsAndForeignCas) {
  auto unknown = openssl({"ocsp", "-issuer", dir / "intermediate.pem", "-serial", "0x1234", "-url", responder.url(),
                          "-CAfile", dir / "root.pem"});
  EXPECT_TRUE(contains(unknown.err, "Response verify OK")) << unknown.err;
  EXPECT_TRUE(contains(unknown.out, "0x1234: unknown")) << unknown.out;

  auto foreign = Pki::make(PkiRecipe{});
  ASSERT_TRUE(foreign);
  write_text(dir / "foreign-intermediate.pem", foreign->intermediate().certificate_pem());
  write_text(dir / "foreign-pole.pem", foreign->signer(Role::pole).certificate_pem());
  auto refused = openssl({"ocsp", "-issuer", dir / "foreign-intermediate.pem", "-cert", dir / "foreign-pole.pem",
                          "-url", responder.url(), "-CAfile", dir / "root.pem"});
  EXPECT_TRUE(contains(refused.out + refused.err, "Responder Error: unauthorized (6)")) << refused.out << refused.err;

  EXPECT_FALSE(responder.revoke(foreign->signer(Role::pole).certificate(), Clock::now()));
  EXPECT_FALSE(responder.revoke("root", Clock::now()));
  EXPECT_EQ(responder.revoke("nobody", Clock::now()).error().message, "révocation : certificat « nobody » inconnu");
}

TEST_F(OcspResponderTest, AnswersGetRequestsPerRfc6960) {
  // GET requests are meant to be cacheable: no nonce.
  ASSERT_EQ(openssl({"ocsp", "-issuer", dir / "intermediate.pem", "-cert", dir / "pole.pem", "-no_nonce", "-reqout",
                     dir / "req.der"})
                .status,
            0);
  const auto base64 = openssl({"base64", "-A", "-in", dir / "req.der"}).out;
  std::string encoded;
  for (char c : base64) {
    if (c == '/') encoded += "%2F";
    else if (c == '+') encoded += "%2B";
    else if (c == '=') encoded += "%3D";
    else encoded += c;
  }
  EXPECT_EQ(curl({"-o", dir / "resp.der", ocsp_url(responder.url()) + "/" + encoded}).out, "200");
  auto r = openssl({"ocsp", "-respin", dir / "resp.der", "-issuer", dir / "intermediate.pem", "-cert",
                    dir / "pole.pem", "-no_nonce", "-CAfile", dir / "root.pem"});
  EXPECT_TRUE(contains(r.err, "Response verify OK")) << r.err;
  EXPECT_TRUE(contains(r.out, ": good")) << r.out;
  EXPECT_EQ(curl({"-o", "/dev/null", ocsp_url(responder.url()) + "/!!!"}).out, "400");
}

TEST_F(OcspResponderTest, ServesSignedCrlsListingRevokedSerials) {
  ASSERT_TRUE(responder.revoke("cpms", sys_days{2026y / October / 2}, RevocationReason::superseded));
  // The URL the certificate carries.
  EXPECT_EQ(curl({"-o", dir / "intermediate.crl", crl_url(responder.url(), "intermediate")}).out, "200");
  auto crl = openssl({"crl", "-inform", "DER", "-in", dir / "intermediate.crl", "-CAfile", dir / "chain.pem", "-noout",
                      "-text"});
  EXPECT_EQ(crl.status, 0) << crl.err;
  EXPECT_TRUE(contains(crl.err, "verify OK")) << crl.err;
  EXPECT_TRUE(contains(crl.out, "Serial Number: " + pki->signer(Role::cpms).serial_hex())) << crl.out;
  EXPECT_TRUE(contains(crl.out, "Superseded")) << crl.out;
  EXPECT_TRUE(contains(crl.out, "X509v3 CRL Number")) << crl.out;
  EXPECT_FALSE(contains(crl.out, pki->signer(Role::pole).serial_hex())) << crl.out;

  EXPECT_EQ(curl({"-o", dir / "root.crl", crl_url(responder.url(), "root")}).out, "200");
  auto root_crl = openssl({"crl", "-inform", "DER", "-in", dir / "root.crl", "-CAfile", dir / "root.pem", "-noout"});
  EXPECT_TRUE(contains(root_crl.err, "verify OK")) << root_crl.err;
  EXPECT_EQ(curl({"-o", "/dev/null", crl_url(responder.url(), "pole")}).out, "404");

  // OpenSSL follows the distribution points itself and sees the revocation.
  auto revoked = openssl({"verify", "-crl_download", "-crl_check", "-CAfile", dir / "root.pem", "-untrusted",
                          dir / "intermediate.pem", dir / "cpms.pem"});
  EXPECT_NE(revoked.status, 0);
  EXPECT_TRUE(contains(revoked.out + revoked.err, "certificate revoked")) << revoked.out << revoked.err;
  auto fine = openssl({"verify", "-crl_download", "-crl_check", "-CAfile", dir / "root.pem", "-untrusted",
                       dir / "intermediate.pem", dir / "pole.pem"});
  EXPECT_EQ(fine.status, 0) << fine.out << fine.err;
}

TEST_F(OcspResponderTest, RevokesBySerialNumber) {
  std::string serial = pki->signer(Role::responsable).serial_hex();
  for (char& c : serial) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ASSERT_TRUE(responder.revoke_serial("intermediate", "0x" + serial, Clock::now(), RevocationReason::affiliation_changed));
  ASSERT_TRUE(responder.revoke_serial("intermediate", "abc", Clock::now()));  // never issued
  EXPECT_TRUE(contains(ask("responsable").out, "Reason: affiliationChanged"));
  EXPECT_EQ(curl({"-o", dir / "intermediate.crl", crl_url(responder.url(), "intermediate")}).out, "200");
  const auto crl = openssl({"crl", "-inform", "DER", "-in", dir / "intermediate.crl", "-noout", "-text"}).out;
  EXPECT_TRUE(contains(crl, "Serial Number: " + pki->signer(Role::responsable).serial_hex())) << crl;
  EXPECT_TRUE(contains(crl, "Serial Number: 0ABC")) << crl;
  EXPECT_FALSE(responder.revoke_serial("intermediate", "xyz", Clock::now()));
  EXPECT_FALSE(responder.revoke_serial("pole", "01", Clock::now()));
}

// Validators ask for several certificates at once (and pdfsig in parallel): answers must
// stay right while revocations change.
TEST_F(OcspResponderTest, AnswersConcurrentRequests) {
  std::vector<std::thread> clients;
  std::atomic<int> good{0};
  for (const char* id : {"pole", "ecole-ordinaire", "cpms", "tsa"}) {
    clients.emplace_back([&, id] {
      for (int i = 0; i < 3; ++i) {
        if (contains(ask(id).out, ": good")) ++good;
      }
    });
  }
  ASSERT_TRUE(responder.revoke("responsable", Clock::now()));
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), 12);
  EXPECT_TRUE(contains(ask("responsable").out, ": revoked"));
}

TEST_F(OcspResponderTest, ServesTheCaCertificatesNamedInCaIssuers) {
  EXPECT_EQ(curl({"-o", dir / "intermediate.der", ca_issuers_url(responder.url(), "intermediate")}).out, "200");
  const Bytes der = pki->intermediate().certificate_der();
  EXPECT_EQ(read_text(dir / "intermediate.der"), std::string(der.begin(), der.end()));
}

TEST(OcspResponderLifeCycle, AnswersTryLaterBeforeServingAndCanFail) {
  TempDir dir;
  OcspResponder responder;
  ASSERT_TRUE(responder.start());
  auto pki = Pki::make(PkiRecipe{});
  ASSERT_TRUE(pki);
  write_ca_files(*pki, dir.path());
  write_text(dir / "pole.pem", pki->signer(Role::pole).certificate_pem());
  const std::vector<std::string> ask = {"ocsp", "-issuer", dir / "intermediate.pem", "-cert", dir / "pole.pem",
                                        "-url", responder.url(), "-CAfile", dir / "root.pem"};
  auto early = openssl(ask);
  EXPECT_TRUE(contains(early.out + early.err, "Responder Error: trylater (3)")) << early.out << early.err;
  responder.serve(*pki);
  EXPECT_TRUE(contains(openssl(ask).out, ": good"));
  responder.set_behaviour(ServiceBehaviour::http_500);
  EXPECT_NE(openssl(ask).status, 0);
  EXPECT_EQ(curl({"-o", "/dev/null", crl_url(responder.url(), "root")}).out, "500");
}

}  // namespace
}  // namespace ipt::localpki

namespace ipt::localpki {
namespace {

using namespace ipt::localpki::test;
using ipt::test::TempDir;

// NSS is what pdfsig validates with: it must follow the AIA URL to our responder, accept
// the delegated responder's signature and see the revocation.
TEST_F(OcspResponderTest, NssFollowsTheRevocationUrlsAndAcceptsTheAnswers) {
  const auto db = dir / "nss";
  std::filesystem::create_directories(db);
  ASSERT_EQ(ipt::test::run_process({IPT_CERTUTIL, "-N", "--empty-password", "-d", db}).status, 0);
  ASSERT_EQ(ipt::test::run_process({IPT_CERTUTIL, "-A", "-d", db, "-n", "root", "-t", "C,C,C", "-a", "-i", dir / "root.pem"}).status, 0);
  const std::vector<std::string> verify = {IPT_VFYCHAIN, "-d", db, "-pp", "-u", "4", "-g", "leaf", "-m", "ocsp",
                                           "-s", "failIfNoInfo", "-a", dir / "pole.pem", "-a", dir / "intermediate.pem"};
  auto good = ipt::test::run_process(verify);
  EXPECT_EQ(good.status, 0) << good.out << good.err;
  EXPECT_TRUE(contains(good.out + good.err, "Chain is good!")) << good.out << good.err;
  EXPECT_GE(responder.ocsp_requests(), 1u);  // it did ask us
  ASSERT_TRUE(responder.revoke("pole", Clock::now() - std::chrono::minutes(5)));
  auto revoked = ipt::test::run_process(verify);
  EXPECT_NE(revoked.status, 0);
  EXPECT_TRUE(contains(revoked.out + revoked.err, "ERROR -8180: Peer's Certificate has been revoked."))
      << revoked.out << revoked.err;

  // The same through the CRL distribution point only.
  auto by_crl = ipt::test::run_process({IPT_VFYCHAIN, "-d", db, "-pp", "-u", "4", "-g", "leaf", "-m", "crl", "-s",
                                        "failIfNoInfo", "-a", dir / "pole.pem", "-a", dir / "intermediate.pem"});
  EXPECT_TRUE(contains(by_crl.out + by_crl.err, "ERROR -8180: Peer's Certificate has been revoked."))
      << by_crl.out << by_crl.err;
  auto cpms_by_crl = ipt::test::run_process({IPT_VFYCHAIN, "-d", db, "-pp", "-u", "4", "-g", "leaf", "-m", "crl", "-s",
                                             "failIfNoInfo", "-a", dir / "cpms.pem", "-a", dir / "intermediate.pem"});
  EXPECT_TRUE(contains(cpms_by_crl.out + cpms_by_crl.err, "Chain is good!")) << cpms_by_crl.out << cpms_by_crl.err;
}

}  // namespace
}  // namespace ipt::localpki
