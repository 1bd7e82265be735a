// Keys on a PKCS#11 token (SoftHSM2) and outside the process (two-step signing).
#include <gtest/gtest.h>

#include <openssl/x509.h>

#include <cstdlib>
#include <fstream>

#include "fixture.hpp"
#include "ipt/signing/key_source.hpp"
#include "support/process.hpp"

namespace ipt::test {
namespace {

// A SoftHSM2 token in a temporary folder holding the CPMS's key and certificate.
class Pkcs11Token : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto config = dir_ / "softhsm2.conf";
    std::filesystem::create_directory(dir_ / "tokens");
    std::ofstream(config) << "directories.tokendir = " << (dir_ / "tokens").string() << "\nobjectstore.backend = file\n";
    ::setenv("SOFTHSM2_CONF", config.c_str(), 1);
    ASSERT_EQ(run_process({IPT_SOFTHSM2_UTIL, "--init-token", "--free", "--label", "cpms-token", "--pin", "1234",
                           "--so-pin", "123456"}).status, 0);
    const auto& credential = world().services->pki().signer(localpki::Role::cpms);
    const auto key = dir_ / "key.pem";
    std::ofstream(key) << credential.private_key_pem();
    const auto key_der = dir_ / "key.der";
    ASSERT_EQ(run_process({"openssl", "pkcs8", "-topk8", "-nocrypt", "-in", key.string(), "-outform", "DER", "-out",
                           key_der.string()}).status, 0);
    const auto cert_der = write_temp("cpms-token.der", credential.certificate_der());
    // The intermediate CA sits on the token too, as on a real card.
    const auto inter_der = write_temp("intermediate-token.der", world().services->pki().intermediate().certificate_der());
    struct Item {
      std::filesystem::path file;
      const char* type;
      const char* id;
      const char* label;
    };
    for (const auto& item : {Item{key_der, "privkey", "01", "cpms"}, Item{cert_der, "cert", "01", "cpms"},
                             Item{inter_der, "cert", "02", "intermediaire"}}) {
      const auto r = run_process({IPT_PKCS11_TOOL, "--module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label",
                                  "cpms-token", "--login", "--pin", "1234", "--write-object", item.file.string(),
                                  "--type", item.type, "--id", item.id, "--label", item.label});
      ASSERT_EQ(r.status, 0) << r.err;
    }
  }
  TempDir dir_;
};

TEST_F(Pkcs11Token, SignsWithTheKeyOnTheToken) {
  auto key = signing::open_pkcs11({"/usr/lib/softhsm/libsofthsm2.so", "cpms-token", "cpms"}, "1234");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ((*key)->certificate(), world().services->pki().signer(localpki::Role::cpms).certificate_der());
  signing::SignatureOptions options;
  options.field = "sig_cpms";
  options.fills = {{"avis_cpms", "defavorable"}};
  auto pdf = signing::sign_pdf(world().annexe_4, options, **key, nullptr);
  ASSERT_TRUE(pdf) << pdf.error().message;
  auto report = signing::verify_pdf(*pdf, world().verify_options());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->valid()) << signing::report_json(*report);
}

TEST_F(Pkcs11Token, WrongPinOrUnknownToken) {
  auto key = signing::open_pkcs11({"/usr/lib/softhsm/libsofthsm2.so", "cpms-token", "cpms"}, "0000");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().category, core::Category::refused) << key.error().message;
  key = signing::open_pkcs11({"/usr/lib/softhsm/libsofthsm2.so", "autre-jeton", ""}, "1234");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().category, core::Category::not_found) << key.error().message;
}

TEST_F(Pkcs11Token, TheFactoryWantsAModule) {
  // No default module: a token without --pkcs11-module is an incomplete description.
  auto key = signing::open_key_source(signing::Pkcs11Key{{"", "cpms-token", "cpms"}, signing::SecretSource::given("1234")});
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().category, core::Category::invalid_input) << key.error().message;
  key = signing::open_key_source(
      signing::Pkcs11Key{{"/usr/lib/softhsm/libsofthsm2.so", "cpms-token", "cpms"}, signing::SecretSource::given("1234")});
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ((*key)->certificate(), world().services->pki().signer(localpki::Role::cpms).certificate_der());
}

// The remote signer's side: it gets the data to be signed and returns a raw signature.
TEST(TwoStepSigning, PreparedStateSurvivesARestartAndCompletes) {
  const auto& credential = world().services->pki().signer(localpki::Role::responsable);
  signing::SignatureOptions options;
  options.field = "sig_responsable";
  options.level = signing::Level::b_t;
  std::vector<Bytes> chain;
  for (X509* c : world().services->pki().chain_of(credential)) {
    unsigned char* der = nullptr;
    const int n = i2d_X509(c, &der);
    chain.emplace_back(der, der + n);
    OPENSSL_free(der);
  }
  chain.pop_back();  // not the root
  std::filesystem::path state_file;
  {  // The first process: prepares, writes its state and stops.
    auto prepared = signing::prepare_signature(world().annexe_4, options, credential.certificate_der(), chain);
    ASSERT_TRUE(prepared) << prepared.error().message;
    state_file = write_temp("etat-signature.json", prepared->serialize());
  }

  auto state = signing::read_file(state_file);
  ASSERT_TRUE(state);
  auto restored = signing::PreparedSignature::deserialize(*state);
  ASSERT_TRUE(restored) << restored.error().message;
  // The remote signer, played by the openssl command line with the key it holds.
  const auto dtbs = write_temp("dtbs.der", restored->signed_attributes);
  const auto key = world().dir / "responsable.key.pem";
  std::ofstream(key) << credential.private_key_pem();
  const auto signature = world().dir / "signature.bin";
  ASSERT_EQ(run_process({"openssl", "dgst", "-sha256", "-sign", key.string(), "-out", signature.string(), dtbs.string()}).status, 0);
  auto value = signing::read_file(signature);
  ASSERT_TRUE(value);
  signing::HttpTimestampClient tsa(world().services->timestamps().url());
  auto pdf = signing::complete_signature(*restored, *value, &tsa);
  ASSERT_TRUE(pdf) << pdf.error().message;
  auto report = signing::verify_pdf(*pdf, world().verify_options());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->valid()) << signing::report_json(*report);
  EXPECT_EQ(report->signatures[0].level, signing::Level::b_t);

  // A value from another key is refused, and a tampered state too.
  Bytes wrong = *value;
  wrong[wrong.size() / 2] ^= 0xFF;
  EXPECT_FALSE(signing::complete_signature(*restored, wrong, &tsa));
  Bytes damaged = *state;
  damaged[damaged.size() - 100] = damaged[damaged.size() - 100] == '0' ? '1' : '0';
  EXPECT_FALSE(signing::PreparedSignature::deserialize(damaged));
}

}  // namespace
}  // namespace ipt::test
