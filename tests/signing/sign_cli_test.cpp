// `ipt sign` and `ipt verify` as a coordinator runs them.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "fixture.hpp"
#include "support/process.hpp"

namespace ipt::test {
namespace {

TEST(SignCli, SignsInTurnThenVerifies) {
  const auto input = write_temp("cli-annexe-4.pdf", world().annexe_4);
  const auto tsa = world().services->timestamps().url();
  std::string current = input.string();
  int k = 0;
  for (const auto& step : signing_steps()) {
    const std::string out = (world().dir / ("cli-" + std::to_string(++k) + ".pdf")).string();
    std::vector<std::string> args{"sign", current, "-o", out, "--field", step.field, "--p12",
                                  world().p12(step.credential).string(), "--password-file",
                                  world().password_file.string(), "--level", "B-T", "--tsa", tsa};
    if (k == 1) args.push_back("--certify");
    for (const auto& f : step.fills) {
      args.push_back("--fill");
      args.push_back(f.field + "=" + f.value);
    }
    const auto r = run_ipt(args);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("signé (" + step.field + ", B-T)"), std::string::npos) << r.out;
    current = out;
  }
  auto r = run_ipt({"verify", current, "--trust", world().root_pem.string()});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Toutes les signatures sont valides."), std::string::npos) << r.out;
  r = run_ipt({"verify", current, "--trust", world().root_pem.string(), "--json"});
  EXPECT_EQ(r.status, 0);
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["signatures"].size(), 4u);
  EXPECT_EQ(report["signatures"][2]["champs_verrouilles"][0], "avis_cpms");
  EXPECT_EQ(report["valide"], true);
  EXPECT_EQ(report["indication"], "valid");
  // Without a trust anchor nothing is proven wrong, nor right: indeterminate, status 3.
  r = run_ipt({"verify", current});
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_NE(r.out.find("INDÉTERMINÉE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[trust.none]"), std::string::npos) << r.out;
}

TEST(SignCli, RefusalsWriteNothing) {
  const auto input = write_temp("cli-refus.pdf", world().annexe_4);
  const auto out = world().dir / "cli-refus-signe.pdf";
  const auto bad_password = world().dir / "mauvais.txt";
  std::ofstream(bad_password) << "faux\n";
  auto r = run_ipt({"sign", input.string(), "-o", out.string(), "--field", "sig_pole", "--p12",
                    world().p12("pole").string(), "--password-file", bad_password.string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("mot de passe incorrect"), std::string::npos) << r.err;
  r = run_ipt({"sign", input.string(), "-o", out.string(), "--field", "sig_inconnu", "--p12",
               world().p12("pole").string(), "--password-file", world().password_file.string()});
  EXPECT_EQ(r.status, 2) << r.err;  // a field the document does not have: not found
  EXPECT_NE(r.err.find("rien n’a été écrit"), std::string::npos) << r.err;
  r = run_ipt({"sign", input.string(), "-o", out.string(), "--field", "sig_pole", "--p12",
               world().p12("pole").string(), "--password-file", world().password_file.string(), "--level", "B-T",
               "--tsa", "http://127.0.0.1:9"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("ne répond pas"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  // The password comes from a file or the environment, never from the command line.
  r = run_ipt({"sign", input.string(), "-o", out.string(), "--field", "sig_pole", "--p12",
               world().p12("pole").string(), "--password", "mot de passe"});
  EXPECT_EQ(r.status, 2);
  r = run_ipt({"sign", input.string(), "-o", out.string(), "--field", "sig_pole", "--p12", world().p12("pole").string(),
               "--password-env", "IPT_TEST_P12"},
              {"IPT_TEST_P12=mot de passe"});
  EXPECT_EQ(r.status, 0) << r.err;
}

// Plain `ipt sign` does not countersign a broken signature; one it cannot check (no trust
// anchor) it signs over, saying so.
TEST(SignCli, RefusesToCountersignABrokenSignature) {
  const auto input = write_temp("cli-contre.pdf", world().annexe_4);
  const auto first = world().dir / "cli-contre-1.pdf";
  auto r = run_ipt({"sign", input.string(), "-o", first.string(), "--field", "sig_pole", "--p12",
                    world().p12("pole").string(), "--password-file", world().password_file.string(), "--certify"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto second = world().dir / "cli-contre-2.pdf";
  const std::vector<std::string> countersign{"sign", "", "-o", second.string(), "--field", "sig_ecole_ordinaire", "--p12",
                                             world().p12("ecole-ordinaire").string(), "--password-file",
                                             world().password_file.string()};
  auto with_input = [&](const std::filesystem::path& pdf, std::vector<std::string> extra) {
    auto args = countersign;
    args[1] = pdf.string();
    args.insert(args.end(), extra.begin(), extra.end());
    return run_ipt(args);
  };
  r = with_input(first, {});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("attention : les signatures déjà présentes n’ont pas pu être entièrement vérifiées"), std::string::npos) << r.err;
  std::filesystem::remove(second);

  // A byte changed inside the signed range.
  auto bytes = *signing::read_file(first);
  const std::string text(bytes.begin(), bytes.end());
  const auto at = text.find("/Producer");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 2] = static_cast<unsigned char>(bytes[at + 2] == 'r' ? 'R' : 'r');
  const auto broken = write_temp("cli-contre-abime.pdf", bytes);
  r = with_input(broken, {"--trust", world().root_pem.string()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("les signatures déjà présentes ne sont pas valides"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pas de contre-signature — rien n’a été écrit"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(second));
}

TEST(SignCli, UnreadableInputExitsTwo) {
  const auto junk = write_temp("pas-un-pdf.pdf", signing::to_bytes("%PDF-1.7\nrien\n"));
  const auto r = run_ipt({"verify", junk.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("pas-un-pdf.pdf"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ipt::test

namespace ipt::test {
namespace {

TEST(SignCli, TwoStepSigningThroughTheCommand) {
  const auto input = write_temp("cli-deux-temps.pdf", world().annexe_4);
  const auto& credential = world().services->pki().signer(localpki::Role::pole);
  const auto cert = world().dir / "pole-cert.pem";
  ASSERT_TRUE(world().services->pki().write_pem_bundle(cert, "pole"));
  const auto state = world().dir / "etat.json";
  const auto dtbs = world().dir / "a-signer.der";
  auto r = run_ipt({"sign", input.string(), "--prepare", state.string(), "--field", "sig_pole", "--cert", cert.string(),
                    "--data-to-sign", dtbs.string(), "--level", "B-T"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("signature préparée"), std::string::npos) << r.out;
  // The remote signer (openssl here) signs the data with the key only it holds.
  const auto key = world().dir / "pole-cle.pem";
  std::ofstream(key) << credential.private_key_pem();
  const auto value = world().dir / "valeur.bin";
  ASSERT_EQ(run_process({"openssl", "dgst", "-sha256", "-sign", key.string(), "-out", value.string(), dtbs.string()}).status, 0);
  const auto out = world().dir / "cli-deux-temps-signe.pdf";
  r = run_ipt({"sign", "--complete", state.string(), "-o", out.string(), "--signature-value", value.string(), "--tsa",
               world().services->timestamps().url()});
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_ipt({"verify", out.string(), "--trust", world().root_pem.string(), "--json"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["signatures"][0]["niveau_pades"], "B-T");
}

}  // namespace
}  // namespace ipt::test
