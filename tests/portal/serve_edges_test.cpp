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

// The director of the ordinary school, second in the round, after the pole has signed
// through the portal: they download the document to sign it elsewhere, and upload it.
class EdgesTest : public HttpPortalTest {
 protected:
  Browser director;
  std::string school;      // the director's link token
  std::string downloaded;  // the document as downloaded
  size_t mails = 0;

  void pole_signs_and_director_downloads() {
    Browser first;
    const std::string pole = start_and_confirm_first(first, mails);
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_EQ(post(first, "/s/" + pole + "/signer", {{"csrf", first.csrf}, {"consentement", "oui"}})->status, 200);
    school = token_in(message(++mails));
    confirm(director, school, mails);
    auto download = get(director, "/s/" + school + "/document/annexe-4.pdf");
    ASSERT_EQ(download->status, 200);
    downloaded = download->body;
    std::ofstream(dir_ / "telecharge.pdf", std::ios::binary) << downloaded;
    ASSERT_TRUE(services_->pki().write_pkcs12(dir_ / "directeur.p12", localpki::Role::ecole_ordinaire, "mot de passe"));
  }

  std::string signed_elsewhere() const {
    std::ostringstream read;
    read << std::ifstream(dir_ / "signe.pdf", std::ios::binary).rdbuf();
    return read.str();
  }

  httplib::Result upload(const std::string& bytes) {
    auto c = client();
    httplib::MultipartFormDataItems items = {{"csrf", director.csrf, "", ""},
                                             {"document", "annexe-4", "", ""},
                                             {"fichier", bytes, "annexe-4.pdf", "application/pdf"}};
    return c.Post(("/s/" + school + "/deposer").c_str(), director.headers(), items);
  }

  // Signs the director's field with pyHanko, its revision's cross-reference section written in
  // `style` (run_pyhanko_sign), and uploads the result.
  httplib::Result sign_with_pyhanko_and_upload(const std::string& style) {
    pole_signs_and_director_downloads();
    if (HasFatalFailure()) return httplib::Result{nullptr, httplib::Error::Unknown};
    const auto signed_ = run_pyhanko_sign((dir_ / "telecharge.pdf").string(), (dir_ / "signe.pdf").string(), "sig_ecole_ordinaire",
                                          (dir_ / "directeur.p12").string(), "mot de passe", services_->timestamps().url(), style);
    EXPECT_EQ(signed_.status, 0) << signed_.err;
    const std::string pdf = signed_elsewhere();
    EXPECT_TRUE(pdf.starts_with(downloaded));
    EXPECT_NE(pdf.find("/Type /XRef", downloaded.size()), std::string::npos) << "pyHanko wrote no cross-reference stream";
    return upload(pdf);
  }
  void round_goes_on_after_a_stream(const std::string& style);
};

TEST_F(EdgesTest, ADocumentSignedElsewhereIsAcceptedOnlyAsTheSignatorysOneRevision) {
  pole_signs_and_director_downloads();
  ASSERT_FALSE(HasFatalFailure());
  // Signed elsewhere: here `ipt sign` with the director's own certificate, as Acrobat Reader
  // with his eID would (one incremental revision).
  std::ofstream(dir_ / "directeur.mdp") << "mot de passe\n";
  auto signed_ = run_ipt({"sign", (dir_ / "telecharge.pdf").string(), "-o", (dir_ / "signe.pdf").string(), "--field",
                          "sig_ecole_ordinaire", "--p12", (dir_ / "directeur.p12").string(), "--password-file",
                          (dir_ / "directeur.mdp").string()});
  ASSERT_EQ(signed_.status, 0) << signed_.err;

  // The document as downloaded, unsigned: refused, saying why.
  auto unsigned_upload = upload(downloaded);
  ASSERT_TRUE(unsigned_upload);
  EXPECT_EQ(unsigned_upload->status, 409);
  EXPECT_NE(unsigned_upload->body.find("ne porte pas de signature dans « sig_ecole_ordinaire »"), std::string::npos)
      << unsigned_upload->body;
  // Signed, but the CPMS's opinion filled on the way: refused, naming the field and its owner.
  auto filled = run_ipt({"sign", (dir_ / "telecharge.pdf").string(), "-o", (dir_ / "rempli.pdf").string(), "--field",
                         "sig_ecole_ordinaire", "--p12", (dir_ / "directeur.p12").string(), "--password-file",
                         (dir_ / "directeur.mdp").string(), "--fill", "avis_cpms=defavorable"});
  ASSERT_EQ(filled.status, 0) << filled.err;
  std::ostringstream read_filled;
  read_filled << std::ifstream(dir_ / "rempli.pdf", std::ios::binary).rdbuf();
  auto changed = upload(read_filled.str());
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 409);
  EXPECT_NE(changed->body.find("le champ « avis_cpms » appartient à « cpms »"), std::string::npos) << changed->body;
  // Over the size limit: 413, nothing read.
  auto huge = upload(std::string(21u << 20, 'x'));
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  // The signed one: accepted, and the CPMS is invited next.
  auto accepted = upload(signed_elsewhere());
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 200) << accepted->body;
  EXPECT_NE(accepted->body.find("signé de votre côté est accepté"), std::string::npos);
  const auto cpms = message(++mails);
  EXPECT_NE(cpms.value("to", "").find("s.martin@cpms-liege2.example.be"), std::string::npos) << cpms.dump();
  const auto recorded = audit_details("document.sign");
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_NE(recorded[1].find("signé ailleurs et déposé"), std::string::npos) << recorded[1];
}

// Acrobat ends its revision with a cross-reference stream when the file it updates uses them,
// and may do so otherwise; pyHanko's own streams carry 8-byte offsets. The portal reads
// either, the two remaining signatories sign after it, and the verifier, pyHanko's
// difference analysis and pdfsig judge the four signatures valid.
void EdgesTest::round_goes_on_after_a_stream(const std::string& style) {
  auto accepted = sign_with_pyhanko_and_upload(style);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 200) << accepted->body;

  const std::vector<httplib::Params> remaining = {
      {{"champ.avis_cpms", "favorable"}, {"champ.avis_ecrit_cpms", "Le CPMS est favorable à la fin de l’intégration."}},
      {},
  };
  for (const auto& fills : remaining) {
    const std::string token = token_in(message(++mails));
    Browser browser;
    confirm(browser, token, mails);
    httplib::Params params = fills;
    params.emplace("csrf", browser.csrf);
    params.emplace("consentement", "oui");
    auto signed_ = post(browser, "/s/" + token + "/signer", params);
    ASSERT_TRUE(signed_);
    ASSERT_EQ(signed_->status, 200) << signed_->body;
  }
  const auto ca_pem = fetch_ca_pem();
  ASSERT_FALSE(ca_pem.empty());
  const auto verified = verify_annexe4(ca_pem, false);
  EXPECT_EQ(verified.status, 0) << verified.out << verified.err;
  const auto judged = run_pyhanko_judge(annexe4().string(), (dir_ / "racine.pem").string() + ":" + ca_pem.string());
  EXPECT_EQ(judged.status, 0) << judged.out << judged.err;
  const auto pdfsig = run_process({"pdfsig", annexe4().string()});
  size_t valid = 0;
  for (size_t at = pdfsig.out.find("Signature is Valid"); at != std::string::npos; at = pdfsig.out.find("Signature is Valid", at + 1)) ++valid;
  EXPECT_EQ(valid, 4u) << pdfsig.out;
  const auto qpdf = run_process({"qpdf", "--check", annexe4().string()});
  EXPECT_EQ(qpdf.status, 0) << qpdf.out << qpdf.err;
}

TEST_F(EdgesTest, ARevisionEndingWithAnAcrobatStyleCrossReferenceStreamIsReadAndTheRoundGoesOn) {
  round_goes_on_after_a_stream("acrobat");
}

TEST_F(EdgesTest, ARevisionEndingWithPyHankosWideCrossReferenceStreamIsReadAndTheRoundGoesOn) {
  round_goes_on_after_a_stream("pyhanko");
}

TEST_F(EdgesTest, TwoBrowsersOfOneSignatorySigningAtOnceSignOnce) {
  ASSERT_EQ(start_round().status, 0);
  mails = 1;
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
