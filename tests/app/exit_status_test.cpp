// The exit statuses of `ipt` (README.md, « Statuts de sortie »): one table, from the
// failure's category — unusable input 2, the operation refused or failed 1.
#include <gtest/gtest.h>

#include <fstream>

#include "ipt/localpki/pki.hpp"
#include "support/dossier_xml.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::test {
namespace {

TEST(Version, IsTheProjectVersion) {
  const auto r = run_ipt({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, std::string("ipt ") + IPT_PROJECT_VERSION + "\n");
}

TEST(ExitStatus, MalformedDossierIsUnusableInput) {
  TempDir dir;
  const auto path = dir / "dossier.xml";
  std::ofstream(path) << "<dossier>";
  const auto r = run_ipt({"plan", path.string()});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("rien n’a été fait"), std::string::npos) << r.err;
}

TEST(ExitStatus, UnknownDossierIsUnusableInput) {
  TempDir dir;
  const std::string db = (dir / "ipt.sqlite").string();
  auto r = run_ipt({"render", "--dossier", "PT-INCONNU", "--db", db});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err, "ipt render : dossier « PT-INCONNU » inconnu\n");
  r = run_ipt({"archive", "PT-INCONNU", "--out", (dir / "archives").string(), "--db", db});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "archives" / "PT-INCONNU"));
}

TEST(ExitStatus, BadTrustFileIsUnusableInput) {
  TempDir dir;
  const auto junk = dir / "racine.pem";
  std::ofstream(junk) << "pas un certificat\n";
  const auto input = dir / "entree.pdf";
  std::ofstream(input) << "%PDF-1.7\n";
  for (const auto& trust : {junk, dir / "absent.pem"}) {
    auto r = run_ipt({"archive", "verify", (dir / "archive").string(), "--trust", trust.string()});
    EXPECT_EQ(r.status, 2) << r.err;
    r = run_ipt({"sign", input.string(), "-o", (dir / "sortie.pdf").string(), "--field", "sig_pole", "--p12", "x.p12",
                 "--password-file", "mdp.txt", "--trust", trust.string()});
    EXPECT_EQ(r.status, 2) << r.err;
  }
}

TEST(ExitStatus, WrongPasswordIsRefused) {
  TempDir dir;
  auto pki = localpki::Pki::make(localpki::PkiRecipe{});
  ASSERT_TRUE(pki) << pki.error().message;
  const auto p12 = dir / "pole.p12";
  ASSERT_TRUE(pki->write_pkcs12(p12, localpki::Role::pole, "mot de passe"));
  std::ofstream(dir / "faux.txt") << "faux\n";
  const auto input = dir / "entree.pdf";
  std::ofstream(input) << "%PDF-1.7\n";
  const auto r = run_ipt({"sign", input.string(), "-o", (dir / "sortie.pdf").string(), "--field", "sig_pole", "--p12",
                          p12.string(), "--password-file", (dir / "faux.txt").string()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "sortie.pdf"));
}

}  // namespace
}  // namespace ipt::test
