#include "ipt/localpki/pki.hpp"

#include <gtest/gtest.h>

#include <set>

#include "helpers.hpp"
#include "support/temp_dir.hpp"

namespace ipt::localpki {
namespace {

using namespace std::chrono;
using namespace ipt::localpki::test;
using ipt::test::TempDir;

constexpr const char* base_url = "http://127.0.0.1:18999";

// One PKI for the suite, with every optional certificate. ECDSA only: ctest runs each test
// in its own process, and RSA keys take a while to make (see RsaKeysOnRequest).
const Pki& shared_pki() {
  static const Pki pki = [] {
    PkiRecipe recipe;
    recipe.revocation_base_url = base_url;
    recipe.defective = {{Role::pole, Defect::expired},
                        {Role::pole, Defect::not_yet_valid},
                        {Role::cpms, Defect::no_digital_signature}};
    auto made = Pki::make(recipe);
    if (!made) throw std::runtime_error(made.error().message);
    return *made;
  }();
  return pki;
}

std::string x509_text(const Credential& c, const TempDir& dir) {
  write_text(dir / (c.id() + ".pem"), c.certificate_pem());
  return openssl({"x509", "-noout", "-text", "-nameopt", "utf8,sep_comma_plus_space", "-in", dir / (c.id() + ".pem")})
      .out;
}

TEST(Pki, EveryCertificateVerifiesWithOpensslAgainstTheRoot) {
  TempDir dir;
  const Pki& pki = shared_pki();
  write_ca_files(pki, dir.path());
  std::vector<std::string> ids;
  for (const auto& c : pki.credentials()) {
    if (c.kind() == CredentialKind::root_ca || c.id().ends_with("-expired") || c.id().ends_with("-not-yet-valid")) {
      continue;
    }
    const auto file = dir / (c.id() + ".pem");
    write_text(file, c.certificate_pem());
    const auto result = openssl({"verify", "-CAfile", dir / "root.pem", "-untrusted", dir / "intermediate.pem", file});
    EXPECT_EQ(result.status, 0) << c.id() << ": " << result.out << result.err;
    EXPECT_TRUE(contains(result.out, file.string() + ": OK")) << result.out;
    ids.push_back(c.id());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"intermediate", "ocsp-root", "ocsp-intermediate", "tsa", "pole",
                                           "ecole-ordinaire", "cpms", "responsable", "cpms-no-digital-signature"}));
}

TEST(Pki, DefectiveCertificatesAreRefusedByOpenssl) {
  TempDir dir;
  const Pki& pki = shared_pki();
  write_ca_files(pki, dir.path());
  auto verify = [&](const Credential* c) {
    EXPECT_NE(c, nullptr);
    if (!c) return std::string();
    write_text(dir / "leaf.pem", c->certificate_pem());
    const auto r = openssl({"verify", "-CAfile", dir / "root.pem", "-untrusted", dir / "intermediate.pem", dir / "leaf.pem"});
    EXPECT_NE(r.status, 0);
    return r.out + r.err;
  };
  EXPECT_TRUE(contains(verify(pki.find_defective(Role::pole, Defect::expired)), "certificate has expired"));
  EXPECT_TRUE(contains(verify(pki.find_defective(Role::pole, Defect::not_yet_valid)), "certificate is not yet valid"));
  const auto* unusable = pki.find_defective(Role::cpms, Defect::no_digital_signature);
  ASSERT_NE(unusable, nullptr);
  const auto text = x509_text(*unusable, dir);
  EXPECT_TRUE(contains(text, "X509v3 Key Usage: critical\n                Non Repudiation\n")) << text;
  EXPECT_EQ(pki.find_defective(Role::responsable, Defect::expired), nullptr);
}

TEST(Pki, SigningCertificatesNameThePersonAndCarryRevocationUrls) {
  TempDir dir;
  const Pki& pki = shared_pki();
  const auto text = x509_text(pki.signer(Role::pole), dir);
  EXPECT_TRUE(contains(text, "Subject: C=BE, O=Pôle territorial de Namur, CN=Claire Lambert")) << text;
  EXPECT_TRUE(contains(text, "X509v3 Key Usage: critical\n                Digital Signature, Non Repudiation\n")) << text;
  EXPECT_TRUE(contains(text, "OCSP - URI:http://127.0.0.1:18999/ocsp")) << text;
  EXPECT_TRUE(contains(text, "CA Issuers - URI:http://127.0.0.1:18999/ca/intermediate.crt")) << text;
  EXPECT_TRUE(contains(text, "URI:http://127.0.0.1:18999/crl/intermediate.crl")) << text;
  EXPECT_TRUE(contains(text, "ASN1 OID: prime256v1")) << text;
  EXPECT_EQ(pki.signer(Role::ecole_ordinaire).subject(),
            "CN=Marc Dubois,O=École fondamentale communale de Jambes,C=BE");
  // The intermediate's own status is the root's business.
  EXPECT_TRUE(contains(x509_text(pki.intermediate(), dir), "URI:http://127.0.0.1:18999/crl/root.crl"));
}

TEST(Pki, RsaKeysOnRequest) {
  PkiRecipe recipe;
  recipe.signers[Role::cpms].key_type = KeyType::rsa_2048;
  auto pki = Pki::make(recipe);
  ASSERT_TRUE(pki) << pki.error().message;
  TempDir dir;
  EXPECT_TRUE(contains(x509_text(pki->signer(Role::cpms), dir), "Public-Key: (2048 bit)"));
  EXPECT_TRUE(contains(x509_text(pki->signer(Role::pole), dir), "ASN1 OID: prime256v1"));
  write_ca_files(*pki, dir.path());
  const auto r = openssl({"verify", "-CAfile", dir / "root.pem", "-untrusted", dir / "intermediate.pem", dir / "cpms.pem"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
}

TEST(Pki, ServiceCertificatesHaveTheExtensionsValidatorsRequire) {
  TempDir dir;
  const Pki& pki = shared_pki();
  const auto tsa = x509_text(pki.timestamp_authority(), dir);
  EXPECT_TRUE(contains(tsa, "X509v3 Extended Key Usage: critical\n                Time Stamping\n")) << tsa;
  for (const Credential* ca : {&pki.root(), &pki.intermediate()}) {
    const Credential& responder = pki.ocsp_responder_for(*ca);
    EXPECT_EQ(responder.issuer_id(), ca->id());
    const auto text = x509_text(responder, dir);
    EXPECT_TRUE(contains(text, "OCSP Signing")) << text;
    EXPECT_TRUE(contains(text, "OCSP No Check")) << text;
    EXPECT_FALSE(contains(text, "Authority Information Access")) << text;
  }
  EXPECT_TRUE(contains(x509_text(pki.intermediate(), dir), "CA:TRUE, pathlen:0"));
}

TEST(Pki, SerialNumbersAreUnique) {
  std::set<std::string> serials;
  for (const auto& c : shared_pki().credentials()) EXPECT_TRUE(serials.insert(c.serial_hex()).second) << c.id();
  EXPECT_EQ(serials.size(), shared_pki().credentials().size());
}

TEST(Pki, ValidityFollowsTheInjectedTime) {
  PkiRecipe recipe;
  recipe.now = sys_days{2026y / September / 1} + 8h;
  recipe.leaf_lifetime = days(365);
  auto pki = Pki::make(recipe);
  ASSERT_TRUE(pki) << pki.error().message;
  TempDir dir;
  write_text(dir / "pole.pem", pki->signer(Role::pole).certificate_pem());
  const auto dates = openssl({"x509", "-noout", "-startdate", "-enddate", "-in", dir / "pole.pem"});
  EXPECT_EQ(dates.out, "notBefore=Sep  1 07:00:00 2026 GMT\nnotAfter=Sep  1 08:00:00 2027 GMT\n");
  // No base URL: no revocation pointers at all.
  EXPECT_FALSE(contains(x509_text(pki->signer(Role::pole), dir), "URI:"));
}

TEST(Pki, IncompleteRecipeIsRefusedInFrench) {
  PkiRecipe recipe;
  recipe.signers.erase(Role::cpms);
  auto pki = Pki::make(recipe);
  ASSERT_FALSE(pki);
  EXPECT_EQ(pki.error().message, "recette de PKI : signataire « cpms » manquant");
  PkiRecipe bad_url;
  bad_url.revocation_base_url = "ftp://x";
  EXPECT_FALSE(Pki::make(bad_url));
}

TEST(Pki, Pkcs12IsReadableByOpensslWithModernAlgorithms) {
  TempDir dir;
  const auto file = dir / "pole.p12";
  ASSERT_TRUE(shared_pki().write_pkcs12(file, Role::pole, "s3cret-démo"));
  EXPECT_EQ(file_mode(file), 0600u);
  const auto info = openssl({"pkcs12", "-info", "-noout", "-passin", "pass:s3cret-démo", "-in", file});
  EXPECT_EQ(info.status, 0) << info.err;
  EXPECT_TRUE(contains(info.err, "MAC: sha256")) << info.err;
  EXPECT_TRUE(contains(info.err, "PBES2, PBKDF2, AES-256-CBC")) << info.err;
  const auto certs = openssl({"pkcs12", "-nokeys", "-passin", "pass:s3cret-démo", "-in", file});
  size_t count = 0;
  for (size_t at = 0; (at = certs.out.find("BEGIN CERTIFICATE", at)) != std::string::npos; ++at) ++count;
  EXPECT_EQ(count, 3u);  // the signer, the intermediate, the root
  EXPECT_NE(openssl({"pkcs12", "-info", "-noout", "-passin", "pass:wrong", "-in", file}).status, 0);
  EXPECT_FALSE(shared_pki().write_pkcs12(dir / "x.p12", "nobody", "x"));
}

TEST(Pki, PemBundleHoldsTheChainAndOptionallyTheKey) {
  TempDir dir;
  ASSERT_TRUE(shared_pki().write_pem_bundle(dir / "tsa.pem", "tsa", KeyInBundle::yes));
  EXPECT_EQ(file_mode(dir / "tsa.pem"), 0600u);
  const auto text = read_text(dir / "tsa.pem");
  EXPECT_TRUE(text.starts_with("-----BEGIN PRIVATE KEY-----"));
  EXPECT_TRUE(text.ends_with(shared_pki().intermediate().certificate_pem() + shared_pki().root().certificate_pem()));
  ASSERT_TRUE(shared_pki().write_pem_bundle(dir / "tsa-public.pem", "tsa"));
  EXPECT_FALSE(contains(read_text(dir / "tsa-public.pem"), "PRIVATE KEY"));
}

TEST(Pki, SavedFolderLoadsBackIdentical) {
  TempDir dir;
  const Pki& pki = shared_pki();
  ASSERT_TRUE(pki.save(dir / "pki"));
  EXPECT_EQ(file_mode(dir / "pki"), 0700u);
  EXPECT_EQ(file_mode(dir / "pki" / "pole.key.pem"), 0600u);
  auto loaded = Pki::load(dir / "pki");
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->credentials().size(), pki.credentials().size());
  for (const auto& c : pki.credentials()) {
    const Credential* again = loaded->find(c.id());
    ASSERT_NE(again, nullptr) << c.id();
    EXPECT_EQ(again->certificate_der(), c.certificate_der());
    EXPECT_EQ(again->private_key_pem(), c.private_key_pem());
    EXPECT_EQ(again->kind(), c.kind());
    EXPECT_EQ(again->role(), c.role());
    EXPECT_EQ(again->issuer_id(), c.issuer_id());
  }
  EXPECT_EQ(loaded->revocation_base_url(), base_url);

  // A key that does not match its certificate is caught, naming the file.
  write_text(dir / "pki" / "pole.key.pem", pki.signer(Role::responsable).private_key_pem());
  auto damaged = Pki::load(dir / "pki");
  ASSERT_FALSE(damaged);
  EXPECT_TRUE(contains(damaged.error().message, "pole.key.pem : la clé ne correspond pas au certificat"))
      << damaged.error().message;
  EXPECT_FALSE(Pki::load(dir / "nowhere"));
}

TEST(Pki, LoadRefusesManifestsThatLie) {
  TempDir dir;
  const Pki& pki = shared_pki();
  const auto folder = dir / "pki";
  ASSERT_TRUE(pki.save(folder));
  const std::string manifest = read_text(folder / "manifest.txt");
  auto load_with = [&](const std::string& text) {
    write_text(folder / "manifest.txt", text);
    auto loaded = Pki::load(folder);
    return loaded ? std::string("chargé") : loaded.error().message;
  };
  // A file name outside the folder.
  EXPECT_TRUE(contains(load_with(manifest + "credential ../pole signer pole intermediate\n"), ": ligne illisible"));
  // The same id twice.
  EXPECT_TRUE(contains(load_with(manifest + "credential pole signer pole intermediate\n"), "« pole » en double"));
  // An issuer that did not sign it.
  std::string wrong_issuer = manifest;
  const std::string line = "credential pole signer pole intermediate";
  wrong_issuer.replace(wrong_issuer.find(line), line.size(), "credential pole signer pole root");
  EXPECT_TRUE(contains(load_with(wrong_issuer), "pole.crt.pem : certificat non émis par « root »"));
  EXPECT_EQ(load_with(manifest), "chargé");
}

}  // namespace
}  // namespace ipt::localpki
