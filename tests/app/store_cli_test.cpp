// The data-store commands as a coordinator runs them, end to end: import, render, four
// signatures in the plan's order, status, the queued mail, archive and its check.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "ipt/localpki/dossier_people.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "ipt/signing/certificates.hpp"
#include "support/dossier_xml.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::test {
namespace {

TEST(StoreCli, FromImportToVerifiedArchive) {
  localpki::PkiRecipe recipe;
  recipe.signers = localpki::signers_of(test::example_dossier("c-fin-integration"));  // the planned signatories
  auto services = localpki::TrustServices::start(recipe);
  ASSERT_TRUE(services) << services.error().message;
  TempDir dir;
  const std::string db = (dir / "data" / "ipt.sqlite").string();
  const auto root = dir / "racine.pem";
  std::ofstream(root) << (*services)->pki().root().certificate_pem();
  std::ofstream(dir / "mdp.txt") << "mot de passe\n";
  // Mail: file transport, a sender; the copy goes to the dossier's coordinator.
  std::ofstream(dir / "ipt.conf") << "sender = coordination@pole-liege.example.be\noutbox_dir = " << (dir / "courriels").string() << "\n";

  auto r = run_ipt({"import", std::string(IPT_EXAMPLES_DIR) + "/c-fin-integration.xml", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_ipt({"render", "--dossier", "PT-LIEGE-2026-0002", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("documents/PT-LIEGE-2026-0002/annexe-4.pdf"), std::string::npos) << r.out;

  // Out of turn: refused, nothing changes.
  const auto cpms_p12 = dir / "cpms.p12";
  ASSERT_TRUE((*services)->pki().write_pkcs12(cpms_p12, localpki::Role::cpms, "mot de passe"));
  r = run_ipt({"sign", "--dossier", "PT-LIEGE-2026-0002", "--doc", "annexe-4", "--field", "sig_cpms", "--p12",
               cpms_p12.string(), "--password-file", (dir / "mdp.txt").string(), "--db", db});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("ce n’est pas encore le tour de « sig_cpms »"), std::string::npos) << r.err;

  const char* fields[] = {"sig_pole", "sig_ecole_ordinaire", "sig_cpms", "sig_responsable"};
  for (auto role : localpki::all_roles) {
    const auto p12 = dir / (std::string(localpki::role_id(role)) + ".p12");
    ASSERT_TRUE((*services)->pki().write_pkcs12(p12, role, "mot de passe"));
    std::vector<std::string> args{"sign", "--dossier", "PT-LIEGE-2026-0002", "--doc", "annexe-4", "--field",
                                  fields[static_cast<int>(role)], "--p12", p12.string(), "--password-file",
                                  (dir / "mdp.txt").string(), "--level", "B-LT", "--tsa",
                                  (*services)->timestamps().url(), "--trust", root.string(), "--db", db,
                                  "--config", (dir / "ipt.conf").string()};
    if (role == localpki::Role::cpms) {
      args.push_back("--fill");
      args.push_back("avis_cpms=defavorable");
    }
    r = run_ipt(args);
    ASSERT_EQ(r.status, 0) << r.err;
  }
  EXPECT_NE(r.out.find("mise en file d’envoi vers l’Administration"), std::string::npos) << r.out;

  // The last signature extended the document to B-LTA; ipt extend adds a new archive timestamp.
  const auto document = dir / "data" / "documents" / "PT-LIEGE-2026-0002" / "annexe-4.pdf";
  auto timestamps_in = [&] {
    const auto v = run_ipt({"verify", document.string(), "--trust", root.string(), "--offline", "--json"});
    EXPECT_EQ(v.status, 0) << v.out;
    int n = 0;
    const auto report = nlohmann::json::parse(v.out);
    for (const auto& s : report["signatures"]) n += s["type"] == "horodatage-document";
    return n;
  };
  EXPECT_EQ(timestamps_in(), 1);
  r = run_ipt({"extend", "PT-LIEGE-2026-0002", "--tsa", (*services)->timestamps().url(), "--trust", root.string(), "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("annexe-4.pdf : nouvel horodatage d’archive"), std::string::npos) << r.out;
  EXPECT_EQ(timestamps_in(), 2);
  r = run_ipt({"extend", "PT-LIEGE-2026-0002", "--db", db});  // no TSA anywhere: said, nothing done
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("serveur d’horodatage est requis"), std::string::npos) << r.err;

  r = run_ipt({"status", "PT-LIEGE-2026-0002", "--db", db, "--trust", root.string(), "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto status = nlohmann::json::parse(r.out);
  EXPECT_EQ(status["procedure"], "C");
  EXPECT_EQ(status["documents"][0]["complet"], true);
  EXPECT_EQ(status["documents"][0]["signatures"][2]["signataire"], "Sophie Martin");

  r = run_ipt({"outbox", "list", "--db", db, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto outbox = nlohmann::json::parse(r.out);
  ASSERT_EQ(outbox.size(), 1u) << r.out;
  r = run_ipt({"outbox", "send", "--db", db, "--config", (dir / "ipt.conf").string()});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "courriels"), std::filesystem::directory_iterator()), 1);

  // The archive is sealed with the pole's seal key and checked against seal.pole, both from ipt.conf.
  r = run_ipt({"archive", "PT-LIEGE-2026-0002", "--out", (dir / "archives").string(), "--trust", root.string(), "--db", db});
  EXPECT_EQ(r.status, 2);  // no seal key, no timestamp server: said, nothing written
  EXPECT_NE(r.err.find("serveur d’horodatage est requis pour le cachet"), std::string::npos) << r.err;
  const auto pole_sha256 = signing::describe_certificate((*services)->pki().find("pole")->certificate_der())->sha256;
  std::ofstream(dir / "ipt.conf", std::ios::app) << "[signature]\ntsa_url = " << (*services)->timestamps().url()
                                                   << "\nseal_key.pole = p12 pole.p12 ; password-file=mdp.txt\nseal.pole = "
                                                   << pole_sha256 << "\n";
  const std::string config = (dir / "ipt.conf").string();
  r = run_ipt({"archive", "PT-LIEGE-2026-0002", "--out", (dir / "archives").string(), "--trust", root.string(), "--db", db,
               "--config", config});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("certificat d’achèvement scellé par le pôle"), std::string::npos) << r.out;
  const auto v1 = dir / "archives" / "PT-LIEGE-2026-0002" / "v1";
  r = run_ipt({"archive", "verify", v1.string(), "--trust", root.string(), "--offline", "--config", config});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("archive intacte : cachet du pôle valide (Marie Lambert"), std::string::npos) << r.out;
  const auto text = run_process({"pdftotext", "-enc", "UTF-8", (v1 / "certificat-achevement.pdf").string(), "-"});
  // The CLI test writes the mail as .eml (file transport): never reported as sent.
  EXPECT_NE(text.out.find("écrit dans la boîte"), std::string::npos) << text.out;  // « … locale », wrapped
  EXPECT_EQ(text.out.find("envoyé"), std::string::npos) << text.out;

  std::filesystem::remove(v1 / "rapports" / "annexe-4.json");
  r = run_ipt({"archive", "verify", v1.string(), "--trust", root.string(), "--offline", "--config", config});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("rapports/annexe-4.json : manquant"), std::string::npos) << r.out;

  r = run_ipt({"audit", "verify", "--db", db});
  EXPECT_EQ(r.status, 0) << r.out;
  // The dispatch is in the audit trail, and so in the archive's journal.
  r = run_ipt({"audit", "list", "PT-LIEGE-2026-0002", "--db", db, "--json"});
  bool mail_sent = false;
  for (const auto& e : nlohmann::json::parse(r.out)) mail_sent = mail_sent || e["action"] == "mail.written";
  EXPECT_TRUE(mail_sent) << r.out;
}

// ipt export: the stored XML back, on standard output or into an owner-only file.
TEST(StoreCli, ExportWritesTheStoredXml) {
  TempDir dir;
  const std::string db = (dir / "ipt.sqlite").string();
  const std::string example = std::string(IPT_EXAMPLES_DIR) + "/c-fin-integration.xml";
  ASSERT_EQ(run_ipt({"import", example, "--db", db}).status, 0);
  auto r = run_ipt({"export", "PT-LIEGE-2026-0002", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, example_text("c-fin-integration"));
  r = run_ipt({"export", "PT-LIEGE-2026-0002", "-o", (dir / "exporte.xml").string(), "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(std::filesystem::status(dir / "exporte.xml").permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(run_ipt({"plan", (dir / "exporte.xml").string()}).status, 0);
  r = run_ipt({"export", "PT-LIEGE-2026-9999", "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("inconnu"), std::string::npos) << r.err;
}

// ipt user: the workspace's accounts from the command line, with their refusals.
TEST(StoreCli, UserAccounts) {
  TempDir dir;
  const std::string db = (dir / "ipt.sqlite").string();
  std::ofstream(dir / "mdp") << "une phrase de passe assez longue\n";
  std::ofstream(dir / "court") << "court\n";
  const std::string password = (dir / "mdp").string();
  auto r = run_ipt({"user", "add", "--email", "marie.lambert@pole-liege.example.be", "--name", "Marie Lambert", "--pole", "9101",
                    "--password-file", password, "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_ipt({"user", "add", "--email", "admin@pole-liege.example.be", "--name", "Admin", "--admin", "--password-file", password,
               "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  // The same e-mail again, a short password, no pole, a pole that is not a number.
  r = run_ipt({"user", "add", "--email", "MARIE.LAMBERT@pole-liege.example.be", "--name", "M", "--pole", "9101", "--password-file",
               password, "--db", db});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("un compte existe déjà"), std::string::npos) << r.err;
  r = run_ipt({"user", "add", "--email", "a@b.be", "--name", "A", "--pole", "9101", "--password-file", (dir / "court").string(), "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("mot de passe trop court"), std::string::npos) << r.err;
  r = run_ipt({"user", "add", "--email", "a@b.be", "--name", "A", "--password-file", password, "--db", db});
  EXPECT_EQ(r.status, 2);
  r = run_ipt({"user", "add", "--email", "a@b.be", "--name", "A", "--pole", "neuf", "--password-file", password, "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("numéro FASE"), std::string::npos) << r.err;

  r = run_ipt({"user", "disable", "marie.lambert@pole-liege.example.be", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_ipt({"user", "list", "--db", db, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto list = nlohmann::json::parse(r.out);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["courriel"], "admin@pole-liege.example.be");
  EXPECT_EQ(list[0]["administrateur"], true);
  EXPECT_EQ(list[1]["pole_fase"], 9101);
  EXPECT_EQ(list[1]["actif"], false);
  r = run_ipt({"user", "disable", "personne@pole-liege.example.be", "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("aucun compte"), std::string::npos) << r.err;
  r = run_ipt({"audit", "list", "--db", db});
  EXPECT_NE(r.out.find("account.disable"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("une phrase de passe"), std::string::npos);
}

}  // namespace
}  // namespace ipt::test
