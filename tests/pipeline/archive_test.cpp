// Filing for the Inspection, and what `archive verify` catches.
#include "ipt/pipeline/archive.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "fixture.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "ipt/signing/certificates.hpp"
#include "support/dossier_xml.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::pipeline {
namespace {

namespace fs = std::filesystem;

class ArchiveTest : public testing::PipelineTest {
 protected:

  // A procedure-C dossier imported, rendered and signed by its four partners at B-LT (its
  // validation data travels with it, so the archive verifies offline).
  void SetUp() override {
    PipelineTest::SetUp();
    ASSERT_TRUE(documents_->render("PT-LIEGE-2026-0002", "test"));
    signing::HttpTimestampClient tsa(services_->timestamps().url());
    for (auto role : localpki::all_roles) {
      auto key = signing::load_pkcs12(p12(role), "mdp");
      ASSERT_TRUE(key);
      SignRequest request;
      request.reference = "PT-LIEGE-2026-0002";
      request.document = "annexe-4";
      static const char* fields[] = {"sig_pole", "sig_ecole_ordinaire", "sig_cpms", "sig_responsable"};
      request.options.field = fields[static_cast<int>(role)];
      request.options.level = signing::Level::b_lt;
      if (role == localpki::Role::cpms) request.options.fills = {{"avis_cpms", "favorable"}};
      request.key = key->get();
      request.timestamps = &tsa;
      request.trust_anchors = trust();
      request.actor = "test";
      auto outcome = documents_->sign(request);
      ASSERT_TRUE(outcome) << outcome.error().message;
    }
  }


  // Sealed with the pole's key of the test PKI.
  core::Result<ArchiveOutcome> archive(localpki::Role sealer = localpki::Role::pole) {
    auto key = signing::load_pkcs12(p12(sealer), "mdp");
    if (!key) return std::unexpected(key.error());
    signing::HttpTimestampClient tsa(services_->timestamps().url());
    return archive_dossier(*store_, *documents_, "PT-LIEGE-2026-0002", dir_ / "archives", trust(),
                           {{"Annexe 4 – Bilan d’intégration – dossier PT-LIEGE-2026-0002", "poles.territoriaux@cfwb.be", "envoyé"}},
                           ArchiveSeal{key->get(), &tsa}, "test");
  }

  // seal.pole as ipt.conf would configure it: the pole's certificate of the test PKI.
  std::vector<ConfiguredSeal> pole_seal() const {
    const auto* pole = services_->pki().find("pole");
    return {{core::Role::pole, signing::describe_certificate(pole->certificate_der())->sha256, std::nullopt}};
  }

};

TEST_F(ArchiveTest, WritesOnceAndVerifies) {
  auto first = archive();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->version, 1);
  const fs::path v1 = first->folder;
  for (const char* f : {"originaux/annexe-4.pdf", "copies/ecole-ordinaire/annexe-4.pdf", "rapports/annexe-4.json",
                        "journal-audit.json", "certificat-achevement.pdf", "manifest.json"}) {
    EXPECT_TRUE(fs::exists(v1 / f)) << f;
  }
  // The certificate of completion: PDF/A, names who signed and what was sent.
  const auto text = test::run_process({"pdftotext", "-enc", "UTF-8", (v1 / "certificat-achevement.pdf").string(), "-"});
  EXPECT_NE(text.out.find("Certificat d’achèvement du dossier PT-LIEGE-2026-0002"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Sophie Martin"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("poles.territoriaux@cfwb.be"), std::string::npos) << text.out;
  EXPECT_EQ(test::run_process({"qpdf", "--check", (v1 / "certificat-achevement.pdf").string()}).status, 0);

  // The seal: B-LTA by the pole, judged by pdfsig too; it names the manifest.
  const auto sig = test::run_process({"pdfsig", "-nocert", (v1 / "certificat-achevement.pdf").string()});
  EXPECT_NE(sig.out.find("Signature Field Name: sig_pole"), std::string::npos) << sig.out;
  EXPECT_NE(sig.out.find("Signature is Valid"), std::string::npos) << sig.out;
  const auto root_pem = dir_ / "racine.pem";
  std::ofstream(root_pem) << services_->pki().root().certificate_pem();
  const auto judged = test::run_pyhanko_judge((v1 / "certificat-achevement.pdf").string(), root_pem.string());
  EXPECT_EQ(judged.status, 0) << judged.out << judged.err;
  EXPECT_NE(judged.out.find("\"judged_valid\": true"), std::string::npos) << judged.out;
  const auto manifest_bytes = signing::read_file(v1 / "manifest.json");
  ASSERT_TRUE(manifest_bytes);
  const std::string manifest(signing::as_text(*manifest_bytes));
  std::string sealed_text = text.out;
  std::erase_if(sealed_text, [](char c) { return c == ' ' || c == '\n'; });
  EXPECT_NE(sealed_text.find(core::sha256_hex(manifest)), std::string::npos) << text.out;

  auto check = verify_archive(v1, trust(), false, pole_seal());
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_TRUE(check->ok) << (check->problems.empty() ? "" : check->problems.front());
  EXPECT_TRUE(check->sealed);
  EXPECT_NE(check->sealed_by.find("Pôle territorial"), std::string::npos) << check->sealed_by;

  // Filing again never overwrites: a new version beside the first.
  auto second = archive();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->version, 2);
  EXPECT_TRUE(fs::exists(v1 / "manifest.json"));
  auto entries = store_->audit_entries("PT-LIEGE-2026-0002");
  EXPECT_EQ(entries->back().action, "dossier.archive");
}

bool mentions(const ArchiveCheck& c, const std::string& part) {
  return std::any_of(c.problems.begin(), c.problems.end(), [&](const auto& p) { return p.find(part) != std::string::npos; });
}

TEST_F(ArchiveTest, NamesWhatWasChangedOrRemoved) {
  auto outcome = archive();
  ASSERT_TRUE(outcome);
  const fs::path v1 = outcome->folder;
  {  // A byte changed in a signed original.
    std::fstream f(v1 / "originaux" / "annexe-4.pdf", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3000);
    f.put('#');
  }
  fs::remove(v1 / "copies" / "ecole-ordinaire" / "annexe-4.pdf");
  std::ofstream(v1 / "notes.txt") << "ajouté";
  auto check = verify_archive(v1, trust(), false);
  ASSERT_TRUE(check);
  EXPECT_FALSE(check->ok);
  EXPECT_TRUE(mentions(*check, "originaux/annexe-4.pdf : modifié")) << check->problems.front();
  EXPECT_TRUE(mentions(*check, "copies/ecole-ordinaire/annexe-4.pdf : manquant"));
  EXPECT_TRUE(mentions(*check, "notes.txt : fichier ajouté"));
}

TEST_F(ArchiveTest, CatchesAnEditedAuditEntryEvenWithTheManifestRewritten) {
  auto outcome = archive();
  ASSERT_TRUE(outcome);
  const fs::path v1 = outcome->folder;
  auto journal = nlohmann::json::parse(std::ifstream(v1 / "journal-audit.json"));
  journal[1]["acteur"] = "quelqu’un d’autre";
  const std::string edited = journal.dump(2);
  std::ofstream(v1 / "journal-audit.json") << edited;
  // Someone who also fixes the manifest's hash: the entry's own hash still gives it away.
  auto manifest = nlohmann::json::parse(std::ifstream(v1 / "manifest.json"));
  for (auto& f : manifest["fichiers"]) {
    if (f["fichier"] == "journal-audit.json") f["sha256"] = core::sha256_hex(edited);
  }
  std::ofstream(v1 / "manifest.json") << manifest.dump(2);
  auto check = verify_archive(v1, trust(), false);
  ASSERT_TRUE(check);
  EXPECT_FALSE(check->ok);
  EXPECT_TRUE(mentions(*check, "journal-audit.json : entrée n° " + std::to_string(journal[1]["n"].get<long long>()) + " modifiée"))
      << (check->problems.empty() ? "" : check->problems.front());
}

// The attack the seal is for: an audit entry removed from the journal and every hash of the
// manifest recomputed. The journal's own chain cannot see a removed entry at its end, nor the
// manifest's hashes, but the sealed certificate names the original manifest.
TEST_F(ArchiveTest, ARemovedAuditEntryWithTheManifestRecomputedBreaksTheSeal) {
  auto outcome = archive();
  ASSERT_TRUE(outcome) << outcome.error().message;
  const fs::path v1 = outcome->folder;
  auto journal = nlohmann::json::parse(std::ifstream(v1 / "journal-audit.json"));
  ASSERT_GE(journal.size(), 2u);
  journal.erase(journal.end() - 1);  // the last entry: no later entry's link gives it away
  const std::string edited = journal.dump(2);
  std::ofstream(v1 / "journal-audit.json") << edited;
  auto manifest = nlohmann::json::parse(std::ifstream(v1 / "manifest.json"));
  for (auto& f : manifest["fichiers"]) {
    if (f["fichier"] == "journal-audit.json") {
      f["sha256"] = core::sha256_hex(edited);
      f["octets"] = edited.size();
    }
  }
  std::ofstream(v1 / "manifest.json") << manifest.dump(2);
  auto check = verify_archive(v1, trust(), false, pole_seal());
  ASSERT_TRUE(check);
  EXPECT_FALSE(check->ok);
  EXPECT_FALSE(check->sealed);
  ASSERT_FALSE(check->problems.empty());
  EXPECT_NE(check->problems.front().find("certificat-achevement.pdf : cachet : il scelle le manifeste d’empreinte"), std::string::npos)
      << check->problems.front();
  EXPECT_NE(check->problems.front().find("le manifeste a été modifié ou remplacé"), std::string::npos);
}

// A seal applied with another trusted certificate than the configured one is named and refused;
// without any seal.pole configured it holds, and says who applied it.
TEST_F(ArchiveTest, ASealByAnotherCertificateIsRefusedWhenThePolesSealIsConfigured) {
  auto outcome = archive(localpki::Role::ecole_ordinaire);
  ASSERT_TRUE(outcome) << outcome.error().message;
  auto check = verify_archive(outcome->folder, trust(), false, pole_seal());
  ASSERT_TRUE(check);
  EXPECT_FALSE(check->ok);
  EXPECT_TRUE(mentions(*check, "qui n’est pas un cachet du pôle configuré (seal.pole")) << check->problems.front();
  auto unconfigured = verify_archive(outcome->folder, trust(), false);
  ASSERT_TRUE(unconfigured);
  EXPECT_TRUE(unconfigured->ok) << unconfigured->problems.front();
  EXPECT_NE(unconfigured->sealed_by.find("Jean-François Renard"), std::string::npos) << unconfigured->sealed_by;
}

TEST_F(ArchiveTest, NoSealKeyNoArchive) {
  auto outcome = archive_dossier(*store_, *documents_, "PT-LIEGE-2026-0002", dir_ / "archives", trust(), {}, ArchiveSeal{}, "test");
  ASSERT_FALSE(outcome);
  EXPECT_TRUE(outcome.error().is(core::Category::invalid_input));
  EXPECT_NE(outcome.error().message.find("configurez seal_key.pole"), std::string::npos) << outcome.error().message;
  EXPECT_FALSE(fs::exists(dir_ / "archives" / "PT-LIEGE-2026-0002" / "v1"));
}

TEST_F(ArchiveTest, RefusesAnIncompleteDossier) {
  core::Store::open(dir_ / "autre.sqlite");
  auto store = core::Store::open(dir_ / "autre" / "ipt.sqlite");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->import_dossier(test::example_dossier("c-fin-integration"), test::example_text("c-fin-integration"), "test"));
  DossierDocuments documents(*store, *renderer_);
  ASSERT_TRUE(documents.render("PT-LIEGE-2026-0002", "test"));
  auto outcome = archive_dossier(*store, documents, "PT-LIEGE-2026-0002", dir_ / "autre-archives", trust(), {}, ArchiveSeal{}, "test");
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("la signature « sig_pole »"), std::string::npos) << outcome.error().message;
  EXPECT_FALSE(fs::exists(dir_ / "autre-archives" / "PT-LIEGE-2026-0002" / "v1"));
}

}  // namespace
}  // namespace ipt::pipeline
