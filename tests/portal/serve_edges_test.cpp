// The portal's edges: a document signed elsewhere and uploaded (accepted, or refused with the
// reason), an upload over the size limit, two browsers of one signatory signing at once,
// X-Forwarded-For believed only from a declared proxy, and HTTPS with Secure cookies.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "http_portal_test.hpp"

namespace ipt::test {
namespace {

namespace fs = std::filesystem;

using EdgesTest = HttpPortalTest;

TEST_F(EdgesTest, ADocumentSignedElsewhereIsAcceptedOnlyAsTheSignatorysOneRevision) {
  // The pole signs through the portal.
  Browser first;
  size_t mails = 0;
  const std::string pole = start_and_confirm_first(first, mails);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(post(first, "/s/" + pole + "/signer", {{"csrf", first.csrf}, {"consentement", "oui"}})->status, 200);

  // The director downloads the document and signs it elsewhere (here `ipt sign` with his own
  // certificate, as Acrobat Reader with his eID would: one incremental revision).
  const std::string school = token_in(message(++mails));
  Browser director;
  confirm(director, school, mails);
  auto download = get(director, "/s/" + school + "/document/annexe-4.pdf");
  ASSERT_EQ(download->status, 200);
  std::ofstream(dir_ / "telecharge.pdf", std::ios::binary) << download->body;
  ASSERT_TRUE(services_->pki().write_pkcs12(dir_ / "directeur.p12", localpki::Role::ecole_ordinaire, "mot de passe"));
  std::ofstream(dir_ / "directeur.mdp") << "mot de passe\n";
  auto signed_elsewhere = run_ipt({"sign", (dir_ / "telecharge.pdf").string(), "-o", (dir_ / "signe.pdf").string(), "--field",
                                   "sig_ecole_ordinaire", "--p12", (dir_ / "directeur.p12").string(), "--password-file",
                                   (dir_ / "directeur.mdp").string()});
  ASSERT_EQ(signed_elsewhere.status, 0) << signed_elsewhere.err;
  std::ostringstream read;
  read << std::ifstream(dir_ / "signe.pdf", std::ios::binary).rdbuf();
  const std::string signed_pdf = read.str();

  auto upload = [&](const std::string& bytes) {
    auto c = client();
    httplib::MultipartFormDataItems items = {{"csrf", director.csrf, "", ""},
                                             {"document", "annexe-4", "", ""},
                                             {"fichier", bytes, "annexe-4.pdf", "application/pdf"}};
    return c.Post(("/s/" + school + "/deposer").c_str(), director.headers(), items);
  };
  // The document as downloaded, unsigned: refused, saying why.
  auto unsigned_upload = upload(download->body);
  ASSERT_TRUE(unsigned_upload);
  EXPECT_EQ(unsigned_upload->status, 409);
  EXPECT_NE(unsigned_upload->body.find("ne porte pas de signature dans « sig_ecole_ordinaire »"), std::string::npos)
      << unsigned_upload->body;
  // Over the size limit: 413, nothing read.
  auto huge = upload(std::string(21u << 20, 'x'));
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  // The signed one: accepted, and the CPMS is invited next.
  auto accepted = upload(signed_pdf);
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 200) << accepted->body;
  EXPECT_NE(accepted->body.find("signé de votre côté est accepté"), std::string::npos);
  const auto cpms = message(++mails);
  EXPECT_NE(cpms.value("to", "").find("s.martin@cpms-liege2.example.be"), std::string::npos) << cpms.dump();
  const auto recorded = audit_details("document.sign");
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_NE(recorded[1].find("signé ailleurs et déposé"), std::string::npos) << recorded[1];
}

TEST_F(EdgesTest, TwoBrowsersOfOneSignatorySigningAtOnceSignOnce) {
  ASSERT_EQ(start_round().status, 0);
  size_t mails = 1;
  const std::string token = token_in(message(1));
  Browser phone, computer;
  confirm(phone, token, mails);
  confirm(computer, token, mails);
  int status[2] = {0, 0};
  std::string bodies[2];
  auto sign = [&](Browser& b, int i) {
    auto r = post(b, "/s/" + token + "/signer", {{"csrf", b.csrf}, {"consentement", "oui"}});
    if (r) {
      status[i] = r->status;
      bodies[i] = r->body;
    }
  };
  std::thread a([&] { sign(phone, 0); });
  std::thread b([&] { sign(computer, 1); });
  a.join();
  b.join();
  const int ok = (status[0] == 200) + (status[1] == 200);
  EXPECT_EQ(ok, 1) << status[0] << " / " << status[1];
  const int loser = status[0] == 200 ? 1 : 0;
  EXPECT_EQ(status[loser], 409) << bodies[loser];
  EXPECT_EQ(audit_details("document.sign").size(), 1u);
  EXPECT_EQ(audit_details("round.signed").size(), 1u);
  // One invitation for the next signatory, not two.
  EXPECT_EQ(audit_details("round.invite").size(), 2u);
  const auto verify = run_ipt({"audit", "verify", "--db", db_});
  EXPECT_EQ(verify.status, 0) << verify.out;
}

TEST_F(EdgesTest, XForwardedForIsIgnoredWithoutADeclaredProxy) {
  ASSERT_EQ(start_round().status, 0);
  const std::string token = token_in(message(1));
  auto c = client();
  ASSERT_EQ(c.Get(("/s/" + token).c_str(), {{"X-Forwarded-For", "203.0.113.7"}})->status, 200);
  const auto opened = audit_details("round.open");
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_NE(opened[0].find("IP 127.0.0.1"), std::string::npos) << opened[0];
}

class BehindProxyTest : public HttpPortalTest {
 protected:
  std::string portal_options() const override { return "proxy = 127.0.0.1\n"; }
};

TEST_F(BehindProxyTest, TheSignatorysAddressComesFromTheDeclaredProxy) {
  ASSERT_EQ(start_round().status, 0);
  const std::string token = token_in(message(1));
  auto c = client();
  ASSERT_EQ(c.Get(("/s/" + token).c_str(), {{"X-Forwarded-For", "198.51.100.1, 203.0.113.7"}})->status, 200);
  const auto opened = audit_details("round.open");
  ASSERT_EQ(opened.size(), 1u);
  // The address the proxy saw (the last one it appended), never one the client wrote before it.
  EXPECT_NE(opened[0].find("IP 203.0.113.7"), std::string::npos) << opened[0];
}

class HttpsTest : public HttpPortalTest {
 protected:
  bool https() const override { return true; }
};

TEST_F(HttpsTest, ServesHttpsWithSecureCookiesAndHsts) {
  ASSERT_EQ(start_round().status, 0);
  const std::string token = token_in(message(1));
  Browser browser;
  auto page = get(browser, "/s/" + token);
  ASSERT_TRUE(page) << httplib::to_string(page.error());
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->get_header_value("Set-Cookie").find("; Secure"), std::string::npos) << page->get_header_value("Set-Cookie");
  EXPECT_NE(page->get_header_value("Strict-Transport-Security").find("max-age="), std::string::npos);
  // Plain HTTP on the same port gets no page.
  httplib::Client plain("127.0.0.1", port_);
  plain.set_read_timeout(5, 0);
  auto refused = plain.Get("/sante");
  EXPECT_TRUE(!refused || refused->status != 200);
}

}  // namespace
}  // namespace ipt::test
