// ipt.conf's [signature]: trust anchors and what they accept, the timestamp server, the
// default level and the seals; and which verification reports the store accepts.
#include "ipt/pipeline/signing_config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "ipt/localpki/pki.hpp"
#include "support/must.hpp"
#include "support/temp_dir.hpp"

namespace ipt::pipeline {
namespace {

using core::Role;

const std::string seal_print = "3f1c" + std::string(60, 'e');

class SigningConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto pki = test::must(localpki::Pki::make(localpki::PkiRecipe{}), "PKI de test");
    root_der_ = pki.root().certificate_der();
    root_sha256_ = test::must(signing::describe_certificate(root_der_), "racine").sha256;
    std::ofstream(dir_ / "racine.pem") << pki.root().certificate_pem();
  }

  core::Result<SigningConfig> parse(const std::string& text) { return parse_signing_config(text, "ipt.conf", dir_.path()); }

  test::TempDir dir_;
  signing::Bytes root_der_;
  std::string root_sha256_;
};

TEST_F(SigningConfigTest, ReadsEveryKey) {
  // A seal's fingerprint as `openssl x509 -fingerprint` prints it: "3F:1C:…".
  std::string upper_print;
  for (size_t i = 0; i < seal_print.size(); i += 2) {
    upper_print += (i ? ":" : "") + seal_print.substr(i, 2);
  }
  for (auto& ch : upper_print) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  // The same anchor twice: relative to the configuration's folder, then absolute.
  auto config = parse("[signature]\n"
                      "trust = racine.pem ; revocation=indeterminee-acceptee\n"
                      "trust = " + (dir_ / "racine.pem").string() + "\n"
                      "tsa_url = https://tsa.example.be/\n"
                      "level = B-LT\n"
                      "seal.pole = " + upper_print + " 5601\n"
                      "seal.cpms = " + seal_print + "\n");
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->trust.size(), 2u);
  EXPECT_EQ(config->trust[0].file, dir_ / "racine.pem");
  EXPECT_EQ(config->trust[0].certificate, root_der_);
  EXPECT_EQ(config->trust[0].sha256, root_sha256_);
  EXPECT_TRUE(config->trust[0].accept_indeterminate_revocation);
  EXPECT_FALSE(config->trust[1].accept_indeterminate_revocation);
  EXPECT_EQ(config->trust_anchors(), (std::vector<signing::Bytes>{root_der_, root_der_}));
  EXPECT_EQ(config->tsa_url, "https://tsa.example.be/");
  EXPECT_EQ(config->level, signing::Level::b_lt);
  ASSERT_EQ(config->seals.size(), 2u);
  EXPECT_EQ(config->seals[0].role, Role::pole);
  EXPECT_EQ(config->seals[0].sha256, seal_print);  // colons dropped, lower case
  EXPECT_EQ(config->seals[0].fase, 5601u);
  EXPECT_EQ(config->seals[1].role, Role::cpms);
  EXPECT_EQ(config->seals[1].sha256, seal_print);
  EXPECT_FALSE(config->seals[1].fase);
}

TEST_F(SigningConfigTest, DefaultsWhenTheSectionIsEmptyOrTheFileOptional) {
  auto empty = parse("# rien\n[signature]\n");
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_TRUE(empty->trust.empty());
  EXPECT_TRUE(empty->tsa_url.empty());
  EXPECT_FALSE(empty->level);
  EXPECT_TRUE(empty->seals.empty());
  EXPECT_TRUE(load_signing_config(dir_ / "absent.conf", true));
  EXPECT_FALSE(load_signing_config(dir_ / "absent.conf", false));
}

TEST_F(SigningConfigTest, AcceptsLevelsByTheirCode) {
  for (const auto& [text, level] : std::vector<std::pair<std::string, signing::Level>>{
           {"B-B", signing::Level::b_b}, {"B-T", signing::Level::b_t}, {"B-LT", signing::Level::b_lt}, {"B-LTA", signing::Level::b_lta}}) {
    auto config = parse("[signature]\nlevel = " + text + "\n");
    ASSERT_TRUE(config) << text << ": " << config.error().message;
    EXPECT_EQ(config->level, level) << text;
  }
  EXPECT_FALSE(parse("[signature]\nlevel = b-t\n"));
}

TEST_F(SigningConfigTest, ReportsEveryProblemAtOnceWithItsLine) {
  auto config = parse("[signature]\n"
                      "tsa_url = ftp://tsa.example.be/\n"
                      "level = B-X\n"
                      "seal.responsable = " + seal_print + "\n"
                      "seal.pole = 3f1c\n"
                      "seal.cpms = " + seal_print + " 12a\n"
                      "trust = absente.pem\n"
                      "trust = racine.pem ; revocation=oui\n"
                      "couleur = bleu\n");
  ASSERT_FALSE(config);
  EXPECT_TRUE(config.error().is(core::Category::invalid_input));
  const std::string& m = config.error().message;
  for (const std::string expected : {
           "ipt.conf:2: tsa_url : « ftp://tsa.example.be/ » doit commencer par http:// ou https://",
           "ipt.conf:3: level : niveau inconnu « B-X » (B-B, B-T, B-LT ou B-LTA)",
           "ipt.conf:4: seal.responsable : rôle inconnu (seal.pole, seal.ecole-ordinaire ou seal.cpms)",
           "ipt.conf:5: seal.pole : empreinte SHA-256 attendue (64 chiffres hexadécimaux)",
           "ipt.conf:6: seal.cpms : numéro FASE invalide « 12a »",
           "ipt.conf:7: trust : ",
           "ipt.conf:8: trust : option inconnue « revocation=oui » (revocation=indeterminee-acceptee)",
           "ipt.conf:9: clé inconnue « couleur » dans [signature] (trust, tsa_url, level, seal.<rôle>, seal_key.<rôle>, issuing_ca)",
       }) {
    EXPECT_NE(m.find(expected), std::string::npos) << expected << "\n in: " << m;
  }
  EXPECT_EQ(std::count(m.begin(), m.end(), '\n'), 7) << m;  // one line per problem
  EXPECT_NE(m.find("absente.pem"), std::string::npos) << m;
}

// seal_key.<role>: the organisation's own key, a PKCS#12 file or a PKCS#11 token, with the
// secret named (a file or a variable), never written in the file.
TEST_F(SigningConfigTest, ReadsSealKeys) {
  const auto config = parse(
      "[signature]\n"
      "seal_key.pole = p12 cachet.p12 ; password-file=cachet.mdp\n"
      "seal_key.cpms = pkcs11 /usr/lib/softhsm/libsofthsm2.so ; token=CPMS ; key=cachet ; pin-env=IPT_PIN\n"
      "issuing_ca = p12 /etc/ipt/ac.p12 ; password-env=IPT_AC\n");
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_TRUE(config->issuing_ca);
  EXPECT_EQ(std::get<signing::Pkcs12Key>(*config->issuing_ca).path, "/etc/ipt/ac.p12");
  ASSERT_EQ(config->seal_keys.size(), 2u);
  const auto* pole = config->seal_key(Role::pole);
  ASSERT_NE(pole, nullptr);
  const auto* p12 = std::get_if<signing::Pkcs12Key>(&pole->key);
  ASSERT_NE(p12, nullptr);
  EXPECT_EQ(p12->path, dir_ / "cachet.p12");  // relative to the configuration's folder
  EXPECT_EQ(p12->password.kind, signing::SecretSource::Kind::file);
  EXPECT_EQ(p12->password.text, (dir_ / "cachet.mdp").string());
  const auto* token = std::get_if<signing::Pkcs11Key>(&config->seal_key(Role::cpms)->key);
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(token->location.module, "/usr/lib/softhsm/libsofthsm2.so");
  EXPECT_EQ(token->location.token_label, "CPMS");
  EXPECT_EQ(token->location.key_label, "cachet");
  EXPECT_EQ(token->pin.kind, signing::SecretSource::Kind::environment);
  EXPECT_EQ(token->pin.text, "IPT_PIN");
  EXPECT_EQ(config->seal_key(Role::ecole_ordinaire), nullptr);
}

TEST_F(SigningConfigTest, RefusesIncompleteSealKeys) {
  const auto config = parse(
      "[signature]\n"
      "seal_key.pole = p12 cachet.p12\n"
      "seal_key.cpms = pkcs11 /usr/lib/softhsm/libsofthsm2.so ; pin-file=pin\n"
      "seal_key.ecole-ordinaire = cle cachet.p12 ; password-env=X\n"
      "seal_key.responsable = p12 a.p12 ; password-env=X\n"
      "seal_key.pole = p12 b.p12 ; password-env=X ; password-file=y\n");
  ASSERT_FALSE(config);
  const auto& m = config.error().message;
  for (const char* expected :
       {"ipt.conf:2: seal_key.pole : le secret manque", "ipt.conf:3: seal_key.cpms : token=LIBELLÉ manque",
        "ipt.conf:4: seal_key.ecole-ordinaire : « p12 FICHIER ; password-file=FICHIER » ou",
        "ipt.conf:5: seal_key.responsable : rôle inconnu", "ipt.conf:6: seal_key.pole : un seul secret"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << expected << "\n in: " << m;
  }
}

TEST_F(SigningConfigTest, SyntaxProblemsAreReportedWithTheSection) {
  auto config = parse("[signature]\nniveau B-T\nlevel = B-Z\n");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("ipt.conf:2: ligne sans « = »"), std::string::npos) << config.error().message;
  EXPECT_NE(config.error().message.find("ipt.conf:3: level : niveau inconnu"), std::string::npos) << config.error().message;
}

// A report with one signature of the given indication and problems, its chain ending at `anchor`.
signing::VerificationReport report_of(signing::Indication indication, std::vector<signing::ProblemCode> codes,
                                      const std::string& anchor) {
  signing::SignatureVerdict s;
  s.field = "sig_pole";
  s.indication = indication;
  s.trust_anchor_sha256 = anchor;
  for (auto code : codes) s.problems.push_back({code, ""});
  signing::VerificationReport r;
  r.signatures = {s};
  r.indication = indication;
  return r;
}

SigningConfig trusting(const std::string& anchor, bool accept_indeterminate) {
  SigningConfig config;
  config.trust.push_back({"racine.pem", {}, anchor, accept_indeterminate});
  return config;
}

TEST(SigningConfigAcceptable, ValidReportsAreAccepted) {
  const auto valid = report_of(signing::Indication::valid, {}, "aa");
  EXPECT_TRUE(acceptable(valid, SigningConfig{}));
  EXPECT_TRUE(acceptable(valid, trusting("aa", false)));
}

TEST(SigningConfigAcceptable, UnavailableRevocationOnlyWhereTheAnchorAcceptsIt) {
  using signing::ProblemCode;
  const auto unavailable = report_of(signing::Indication::indeterminate, {ProblemCode::revocation_unavailable}, "aa");
  EXPECT_TRUE(acceptable(unavailable, trusting("aa", true)));
  EXPECT_FALSE(acceptable(unavailable, trusting("aa", false)));  // same anchor, not configured to accept
  EXPECT_FALSE(acceptable(unavailable, trusting("bb", true)));   // another anchor accepts, not this one
  EXPECT_FALSE(acceptable(unavailable, SigningConfig{}));
  EXPECT_TRUE(acceptable(report_of(signing::Indication::indeterminate, {ProblemCode::revocation_unknown}, "aa"), trusting("aa", true)));
  // Anything else indeterminate is not accepted, even beside unavailable revocation.
  EXPECT_FALSE(acceptable(report_of(signing::Indication::indeterminate, {ProblemCode::revocation_unavailable, ProblemCode::chain_invalid}, "aa"),
                          trusting("aa", true)));
  // Nor is a problem of the file as a whole.
  auto cut = unavailable;
  cut.problems.push_back({ProblemCode::file_trailing_data, ""});
  EXPECT_FALSE(acceptable(cut, trusting("aa", true)));
}

TEST(SigningConfigAcceptable, InvalidReportsAreRefused) {
  using signing::ProblemCode;
  EXPECT_FALSE(acceptable(report_of(signing::Indication::invalid, {ProblemCode::digest_mismatch}, "aa"), trusting("aa", true)));
  // One invalid signature beside an accepted indeterminate one.
  auto mixed = report_of(signing::Indication::invalid, {ProblemCode::revocation_unavailable}, "aa");
  mixed.signatures[0].indication = signing::Indication::indeterminate;
  signing::SignatureVerdict broken;
  broken.field = "sig_ecole_ordinaire";
  broken.indication = signing::Indication::invalid;
  broken.problems = {{ProblemCode::signature_value_invalid, ""}};
  mixed.signatures.push_back(broken);
  EXPECT_FALSE(acceptable(mixed, trusting("aa", true)));
}

}  // namespace
}  // namespace ipt::pipeline
