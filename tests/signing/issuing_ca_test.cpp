// The pole's issuing CA: a self-signed CA made for a pole, a certificate for one person and one
// signature (judged by `openssl verify` with its CRL), the key destroyed after its signature,
// and a document signed with it that verifies against the CA, its CRL fetched over HTTP.
#include "ipt/signing/issuing_ca.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <thread>

#include "fixture.hpp"
#include "ipt/signing/certificates.hpp"
#include "ipt/signing/pades.hpp"
#include "ipt/signing/verifier.hpp"
#include "openssl_util.hpp"
#include "support/must.hpp"
#include "support/process.hpp"

namespace ipt::test {
namespace {

std::string pem_of(const Bytes& der, const char* type) {
  auto r = run_process({"openssl", type, "-inform", "DER", "-outform", "PEM"}, std::string(der.begin(), der.end()));
  return r.out;
}

// Publishes the CA's CRL and certificate on 127.0.0.1, as `ipt serve` does.
class CaPublisher {
 public:
  CaPublisher() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    server_.Get("/ac/crl", [this](const httplib::Request&, httplib::Response& res) {
      auto crl = ca_->crl(std::chrono::system_clock::now());
      if (!crl) {
        res.status = 500;
        return;
      }
      res.set_content(std::string(crl->begin(), crl->end()), "application/pkix-crl");
    });
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~CaPublisher() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  void publish(const signing::IssuingCa* ca) { ca_ = ca; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  const signing::IssuingCa* ca_ = nullptr;
};

class IssuingCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    p12_ = world().dir / "ac-pole.p12";
    ASSERT_TRUE(signing::IssuingCa::create_self_signed("Pôle territorial de Liège-Centre", p12_, "secret ac",
                                                       std::chrono::system_clock::now()));
    auto key = must(signing::load_pkcs12(p12_, "secret ac"), "AC");
    ca_.emplace(must(signing::IssuingCa::open(std::move(key), publisher_.url("/ac/crl"), publisher_.url("/ac/certificat")), "AC"));
    publisher_.publish(&*ca_);
  }

  signing::CertificateSubject helene() const {
    return {"Hélène", "Dubœuf", "helene.duboeuf@example.be", ""};
  }

  CaPublisher publisher_;
  std::filesystem::path p12_;
  std::optional<signing::IssuingCa> ca_;
};

TEST_F(IssuingCaTest, TheCaFileIsTheOwnersOnly) {
  EXPECT_EQ(std::filesystem::status(p12_).permissions(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto wrong = signing::load_pkcs12(p12_, "autre");
  ASSERT_FALSE(wrong);
  EXPECT_TRUE(wrong.error().is(core::Category::refused));
}

TEST_F(IssuingCaTest, IssuesACertificateInThePersonsNameThatOpensslVerifiesWithTheCrl) {
  auto key = ca_->issue(helene(), std::chrono::system_clock::now());
  ASSERT_TRUE(key) << key.error().message;
  const auto identity = must(signing::describe_certificate((*key)->certificate()), "certificat");
  EXPECT_EQ(identity.common_name, "Hélène Dubœuf");
  EXPECT_EQ(identity.given_name, "Hélène");
  EXPECT_EQ(identity.surname, "Dubœuf");
  ASSERT_FALSE(identity.emails.empty());
  EXPECT_EQ(identity.emails[0], "helene.duboeuf@example.be");
  ASSERT_EQ((*key)->chain().size(), 1u);

  const auto dir = world().dir / "ac-openssl";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ac.pem") << pem_of(ca_->certificate(), "x509");
  std::ofstream(dir / "cert.pem") << pem_of((*key)->certificate(), "x509");
  std::ofstream(dir / "crl.pem") << pem_of(must(ca_->crl(std::chrono::system_clock::now()), "CRL"), "crl");
  const auto verified = run_process({"openssl", "verify", "-crl_check", "-CAfile", (dir / "ac.pem").string(), "-CRLfile",
                                     (dir / "crl.pem").string(), (dir / "cert.pem").string()});
  EXPECT_EQ(verified.status, 0) << verified.out << verified.err;
  const auto text = run_process({"openssl", "x509", "-in", (dir / "cert.pem").string(), "-noout", "-text"});
  EXPECT_NE(text.out.find("Digital Signature, Non Repudiation"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("CA:FALSE"), std::string::npos);
  EXPECT_NE(text.out.find("email:helene.duboeuf@example.be"), std::string::npos);
  EXPECT_NE(text.out.find("URI:" + publisher_.url("/ac/crl")), std::string::npos);
  const auto crl = run_process({"openssl", "crl", "-in", (dir / "crl.pem").string(), "-CAfile", (dir / "ac.pem").string(),
                                "-noout", "-verify"});
  EXPECT_EQ(crl.status, 0) << crl.err;
  EXPECT_NE(crl.err.find("verify OK"), std::string::npos) << crl.err;
}

TEST_F(IssuingCaTest, TheKeySignsOnceAndTheDocumentVerifiesAgainstTheCa) {
  auto key = must(ca_->issue(helene(), std::chrono::system_clock::now()), "clé");
  signing::SignatureOptions options;
  options.field = "sig_responsable";
  options.level = signing::Level::b_b;
  auto signed_pdf = signing::sign_pdf(world().annexe_4, options, *key, nullptr);
  ASSERT_TRUE(signed_pdf) << signed_pdf.error().message;
  // Destroyed after its signature: a second one is refused.
  auto again = key->sign(signing::to_bytes("encore"));
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("déjà utilisée"), std::string::npos) << again.error().message;

  signing::VerifyOptions verify;
  verify.trust_anchors = {ca_->certificate()};
  auto report = signing::verify_pdf(*signed_pdf, verify);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->signatures.size(), 1u);
  EXPECT_TRUE(report->signatures[0].valid()) << (report->signatures[0].problems.empty() ? "" : report->signatures[0].problems[0].to_french());
  EXPECT_EQ(report->signatures[0].signer, "Hélène Dubœuf");
}

TEST_F(IssuingCaTest, RefusesAKeyThatIsNotACasAndAnIncompleteSubject) {
  auto person = must(signing::load_pkcs12(world().p12("pole"), "mot de passe"), "p12");
  auto refused = signing::IssuingCa::open(std::move(person), "", "");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("n’est pas celui d’une autorité"), std::string::npos) << refused.error().message;
  auto incomplete = ca_->issue({"Hélène", "", "helene@example.be", ""}, std::chrono::system_clock::now());
  ASSERT_FALSE(incomplete);
  EXPECT_TRUE(incomplete.error().is(core::Category::invalid_input));
}

}  // namespace
}  // namespace ipt::test
