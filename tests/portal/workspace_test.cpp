// The coordinators' workspace over HTTP (ipt serve, a real SMTP server): logging in with the
// password and the e-mailed code, the pole's dossiers and a dossier's page, and the access
// rules: no session, a session waiting for its code, a coordinator of another pole, a
// signatory's token in place of a session, an expired session, forged forms.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "workspace_world.hpp"
#include "ipt/core/database.hpp"
#include "ipt/pipeline/dossier_form.hpp"
#include "support/dossier_xml.hpp"
#include "support/must.hpp"

namespace ipt::test {
namespace {

TEST_F(WorkspaceTest, ACoordinatorLogsInAndSeesTheirPolesDossiers) {
  Browser marie;
  // No session: to the login page.
  auto none = get(marie, "/espace");
  EXPECT_EQ(none->status, 303);
  EXPECT_EQ(none->get_header_value("Location"), "/espace/connexion");
  // The login form: without its anti-forgery pair, then a wrong password.
  ASSERT_EQ(get(marie, "/espace/connexion")->status, 200);
  EXPECT_NE(marie.cookie.find("ipt_espace_connexion="), std::string::npos);
  auto forged = post(marie, "/espace/connexion", {{"csrf", "faux"}, {"courriel", "marie.lambert@pole-liege.example.be"}, {"mot_de_passe", password}});
  EXPECT_EQ(forged->status, 403);
  ASSERT_EQ(get(marie, "/espace/connexion")->status, 200);
  auto wrong = post(marie, "/espace/connexion",
                    {{"csrf", marie.csrf}, {"courriel", "marie.lambert@pole-liege.example.be"}, {"mot_de_passe", "pas le bon mot de passe"}});
  EXPECT_EQ(wrong->status, 403);
  EXPECT_NE(wrong->body.find("adresse ou mot de passe incorrect"), std::string::npos) << wrong->body;
  EXPECT_NE(wrong->body.find("value=\"marie.lambert@pole-liege.example.be\""), std::string::npos) << "l’adresse reste dans le champ";

  // The password, then a session waiting for its code sees no dossier.
  ASSERT_EQ(get(marie, "/espace/connexion")->status, 200);
  auto sent = post(marie, "/espace/connexion", {{"csrf", marie.csrf}, {"courriel", "marie.lambert@pole-liege.example.be"}, {"mot_de_passe", password}});
  ASSERT_EQ(sent->status, 303) << sent->body;
  EXPECT_NE(sent->get_header_value("Set-Cookie").find("HttpOnly; SameSite=Strict"), std::string::npos);
  EXPECT_EQ(get(marie, "/espace")->status, 303);
  auto code_page = get(marie, "/espace/code");
  ASSERT_EQ(code_page->status, 200);
  EXPECT_NE(code_page->body.find("m***@pole-liege.example.be"), std::string::npos);
  const auto mail = message(1);
  const std::string code = login_code_in(mail);
  auto bad = post(marie, "/espace/code", {{"csrf", marie.csrf}, {"code", code == "000000" ? "111111" : "000000"}});
  EXPECT_EQ(bad->status, 409);
  EXPECT_NE(bad->body.find("code erroné (encore 4 essais)"), std::string::npos) << bad->body;
  auto confirmed = post(marie, "/espace/code", {{"csrf", marie.csrf}, {"code", code}});
  ASSERT_EQ(confirmed->status, 303) << confirmed->body;

  // The list: the dossier, its step; after the round starts, who is awaited.
  auto list = get(marie, "/espace");
  ASSERT_EQ(list->status, 200);
  EXPECT_NE(list->body.find(reference), std::string::npos) << list->body;
  EXPECT_NE(list->body.find("Marie Lambert · pôle FASE " + std::to_string(fase_)), std::string::npos);
  EXPECT_EQ(list->body.find("Dubœuf"), std::string::npos) << "la liste ne nomme pas l’élève";
  ASSERT_EQ(start_round().status, 0);
  list = get(marie, "/espace");
  EXPECT_NE(list->body.find("<td data-libelle=\"Étape\">à signer</td>"), std::string::npos) << list->body;
  EXPECT_NE(list->body.find("Marie Lambert (pole)"), std::string::npos) << list->body;
  auto filtered = get(marie, "/espace?etape=archive");
  EXPECT_EQ(filtered->body.find("/espace/dossiers/" + reference), std::string::npos);
  EXPECT_NE(filtered->body.find("Aucun dossier pour ce filtre"), std::string::npos);

  // The dossier's page and a download, both in the audit trail.
  auto page = get(marie, "/espace/dossiers/" + reference);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_NE(page->body.find("Annexe 4"), std::string::npos);
  EXPECT_NE(page->body.find("invité"), std::string::npos) << page->body;
  // The procedure's steps: done from the dossier and the audit trail, due from the plan.
  EXPECT_NE(page->body.find("Conseil de classe : fait le 23/11/2026"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("Tour de signature ouvert : fait le"), std::string::npos);
  EXPECT_NE(page->body.find("Signatures complètes : pas encore"), std::string::npos);
  EXPECT_NE(page->body.find("Arrêt de l’intégration : prévu pour le 18/12/2026"), std::string::npos);
  auto pdf = get(marie, "/espace/dossiers/" + reference + "/documents/annexe-4.pdf");
  ASSERT_EQ(pdf->status, 200);
  EXPECT_TRUE(pdf->body.starts_with("%PDF-"));
  const auto views = audit_details("dossier.view");
  ASSERT_EQ(views.size(), 1u);
  EXPECT_NE(views[0].find("marie.lambert@pole-liege.example.be, IP 127.0.0.1"), std::string::npos) << views[0];
  EXPECT_EQ(audit_details("dossier.download").size(), 1u);

  // Logging out: a form without its token is refused; with it, the session ends.
  Browser forger;
  forger.cookie = marie.cookie;
  EXPECT_EQ(post(forger, "/espace/deconnexion", {{"csrf", "faux"}})->status, 403);
  auto out = post(marie, "/espace/deconnexion", {{"csrf", marie.csrf}});
  EXPECT_EQ(out->status, 200);
  EXPECT_EQ(get(forger, "/espace")->status, 303);
}

TEST_F(WorkspaceTest, AnotherPoleASignatorysTokenAndAnExpiredSessionSeeNothing) {
  size_t mails = 0;
  Browser paul;
  log_in(paul, "autre.pole@pole-namur.example.be", mails);
  ASSERT_FALSE(HasFatalFailure());
  auto list = get(paul, "/espace");
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(list->body.find(reference), std::string::npos) << "un autre pôle ne voit pas ce dossier";
  auto page = get(paul, "/espace/dossiers/" + reference);
  EXPECT_EQ(page->status, 404);
  EXPECT_NE(page->body.find("inconnu"), std::string::npos);
  EXPECT_EQ(get(paul, "/espace/dossiers/" + reference + "/documents/annexe-4.pdf")->status, 404);
  EXPECT_TRUE(audit_details("dossier.view").empty());

  // A signatory's link token as a session cookie opens nothing.
  ASSERT_EQ(start_round().status, 0);
  const std::string token = token_in(message(++mails));
  Browser signatory;
  signatory.cookie = "ipt_espace=" + token;
  EXPECT_EQ(get(signatory, "/espace/dossiers/" + reference)->status, 303);

  // Thirty minutes without use end a session.
  {
    auto db = core::Database::open(db_);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->execute("UPDATE workspace_session SET last_used_at = last_used_at - 1900"));
  }
  EXPECT_EQ(get(paul, "/espace")->status, 303);
}

// A dossier made through the form: two mistakes shown by their fields, corrected, saved, on
// the list; the same read back by the strict reader as the XML import.
TEST_F(WorkspaceTest, ADossierIsCreatedThroughTheFormMistakesShownByTheirFields) {
  size_t mails = 0;
  Browser marie;
  log_in(marie, "marie.lambert@pole-liege.example.be", mails);
  ASSERT_FALSE(HasFatalFailure());
  auto blank = get(marie, "/espace/nouveau?procedure=C");
  ASSERT_EQ(blank->status, 200) << blank->body;
  const auto form = read_form(blank->body);
  ASSERT_TRUE(form.fields.contains("dossier/eleve/nom")) << blank->body.substr(0, 2000);
  ASSERT_FALSE(form.skeleton.empty());
  // The values of the example, under a new reference.
  auto values = example_values();
  values["dossier/@reference"] = "PT-LIEGE-2026-0031";
  values["dossier/eleve/date-naissance"] = "2015-02-30";
  values["dossier/responsables/responsable[1]/email"] = "pas une adresse";
  auto wrong = send_form(marie, form, values);
  ASSERT_EQ(wrong->status, 422) << wrong->body;
  EXPECT_NE(wrong->body.find("2 problème(s) à corriger"), std::string::npos) << wrong->body;
  EXPECT_NE(wrong->body.find("id=\"f-dossier-eleve-date-naissance-erreur\""), std::string::npos);
  EXPECT_NE(wrong->body.find("id=\"f-dossier-responsables-responsable-1--email-erreur\""), std::string::npos);
  EXPECT_NE(wrong->body.find("value=\"pas une adresse\""), std::string::npos) << "la valeur donnée reste dans son champ";
  EXPECT_EQ(run_ipt({"dossiers", "--db", db_}).out.find("PT-LIEGE-2026-0031"), std::string::npos) << "rien n’est enregistré";

  values["dossier/eleve/date-naissance"] = "2015-04-22";
  values["dossier/responsables/responsable[1]/email"] = "helene.duboeuf@example.be";
  auto saved = send_form(marie, read_form(wrong->body), values);
  ASSERT_EQ(saved->status, 303) << saved->body;
  EXPECT_EQ(saved->get_header_value("Location"), "/espace/dossiers/PT-LIEGE-2026-0031");
  EXPECT_NE(get(marie, "/espace")->body.find("PT-LIEGE-2026-0031"), std::string::npos);
  const auto imported = audit_details("dossier.import", "PT-LIEGE-2026-0031");
  ASSERT_EQ(imported.size(), 1u);
  // The XML export reads back as the dossier.
  auto xml = get(marie, "/espace/dossiers/PT-LIEGE-2026-0031/dossier.xml");
  ASSERT_EQ(xml->status, 200);
  std::ofstream(dir_ / "exporte.xml") << xml->body;
  EXPECT_EQ(run_ipt({"plan", (dir_ / "exporte.xml").string()}).status, 0);

  // Another pole's FASE number is refused on its field.
  values["dossier/@reference"] = "PT-LIEGE-2026-0032";
  values["dossier/pole/@fase"] = std::to_string(fase_ + 1);
  auto other = send_form(marie, form, values);
  EXPECT_EQ(other->status, 409);
  EXPECT_NE(other->body.find("id=\"f-dossier-pole--fase-erreur\""), std::string::npos) << other->body;
}

// The round driven from the dossier's page: opened (the first invitation in the SMTP server),
// a new link for the awaited signatory, cancelled with a reason; the list follows the step.
TEST_F(WorkspaceTest, TheRoundIsDrivenFromTheDossiersPage) {
  size_t mails = 0;
  Browser marie;
  log_in(marie, "marie.lambert@pole-liege.example.be", mails);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(get(marie, "/espace/dossiers/" + reference)->status, 200);
  const std::string action = "/espace/dossiers/" + reference + "/tour";
  EXPECT_EQ(post(marie, action, {{"csrf", "faux"}, {"action", "demarrer"}})->status, 403);
  auto started = post(marie, action, {{"csrf", marie.csrf}, {"action", "demarrer"}});
  ASSERT_EQ(started->status, 303) << started->body;
  const auto invitation = message(++mails);
  EXPECT_EQ(invitation.value("subject", ""), "Signature demandée – dossier " + reference);
  const std::string first = token_in(invitation);
  auto page = get(marie, started->get_header_value("Location"));
  EXPECT_NE(page->body.find("Tour de signature ouvert"), std::string::npos);
  EXPECT_NE(page->body.find("« Signature demandée – dossier " + reference + " » à marie.lambert@pole-liege.example.be"), std::string::npos)
      << "l’invitation est parmi les courriels du dossier";
  EXPECT_NE(get(marie, "/espace")->body.find("<td data-libelle=\"Étape\">à signer</td>"), std::string::npos);

  ASSERT_EQ(post(marie, action, {{"csrf", marie.csrf}, {"action", "renouveler"}})->status, 303);
  const std::string renewed = token_in(message(++mails));
  EXPECT_NE(renewed, first);
  Browser signatory;
  EXPECT_EQ(get(signatory, "/s/" + first)->status, 404) << "l’ancien lien ne vaut plus";
  EXPECT_EQ(get(signatory, "/s/" + renewed)->status, 200);

  EXPECT_EQ(post(marie, action, {{"csrf", marie.csrf}, {"action", "annuler"}, {"raison", " "}})->status, 400);
  ASSERT_EQ(post(marie, action, {{"csrf", marie.csrf}, {"action", "annuler"}, {"raison", "Dossier à revoir."}})->status, 303);
  const auto cancelled = audit_details("round.cancel");
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_NE(cancelled[0].find("Dossier à revoir."), std::string::npos) << cancelled[0];
  EXPECT_EQ(get(marie, "/espace")->body.find("<td data-libelle=\"Étape\">à signer</td>"), std::string::npos);
}

// An administrator manages the accounts from the page; a coordinator does not see it.
TEST_F(WorkspaceTest, AnAdministratorManagesTheAccounts) {
  const auto r = run_ipt({"user", "add", "--email", "admin@pole-liege.example.be", "--name", "Admin", "--admin", "--password-file",
                          (dir_ / "mdp").string(), "--db", db_});
  ASSERT_EQ(r.status, 0) << r.err;
  size_t mails = 0;
  Browser marie, admin;
  log_in(marie, "marie.lambert@pole-liege.example.be", mails);
  log_in(admin, "admin@pole-liege.example.be", mails);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(get(marie, "/espace/comptes")->status, 404);
  EXPECT_EQ(get(marie, "/espace")->body.find("/espace/comptes"), std::string::npos);
  auto list = get(admin, "/espace");
  EXPECT_NE(list->body.find(reference), std::string::npos) << "un administrateur voit tous les pôles";
  auto page = get(admin, "/espace/comptes");
  ASSERT_EQ(page->status, 200);
  // Each account's form carries the session's token (the row's form, and the new account's).
  size_t tokens = 0;
  for (size_t at = page->body.find("value=\"" + admin.csrf + "\""); at != std::string::npos;
       at = page->body.find("value=\"" + admin.csrf + "\"", at + 1)) {
    ++tokens;
  }
  EXPECT_EQ(tokens, 4u) << "3 comptes + le formulaire de création";
  EXPECT_NE(page->body.find("autre.pole@pole-namur.example.be"), std::string::npos);
  EXPECT_EQ(post(marie, "/espace/comptes", {{"csrf", marie.csrf}, {"courriel", "x@y.be"}, {"nom", "X"}, {"pole", "1"},
                                            {"mot_de_passe", password}})->status, 404);
  auto short_password = post(admin, "/espace/comptes", {{"csrf", admin.csrf}, {"courriel", "nouveau@pole-liege.example.be"},
                                                        {"nom", "Nouveau"}, {"pole", std::to_string(fase_)}, {"mot_de_passe", "court"}});
  EXPECT_EQ(short_password->status, 400);
  EXPECT_NE(short_password->body.find("mot de passe trop court"), std::string::npos) << short_password->body;
  auto added = post(admin, "/espace/comptes", {{"csrf", admin.csrf}, {"courriel", "nouveau@pole-liege.example.be"}, {"nom", "Nouveau"},
                                               {"pole", std::to_string(fase_)}, {"mot_de_passe", password}});
  EXPECT_EQ(added->status, 303) << added->body;
  // Disabled: Marie's session ends at once.
  auto disabled = post(admin, "/espace/comptes/etat", {{"csrf", admin.csrf}, {"courriel", "marie.lambert@pole-liege.example.be"}, {"actif", "non"}});
  EXPECT_EQ(disabled->status, 303);
  EXPECT_EQ(get(marie, "/espace")->status, 303);
  const auto accounts = nlohmann::json::parse(run_ipt({"user", "list", "--db", db_, "--json"}).out);
  EXPECT_EQ(accounts.size(), 4u);
}

// The pole's seal configured: the dossier is archived from its page, the archive verified
// there, and downloaded as a ZIP that unzip reads, with its certificate of completion.
class WorkspaceArchiveTest : public WorkspaceTest {
 protected:
  void SetUp() override {
    // The pole's seal, before the server reads ipt.conf.
    std::ofstream(dir_ / "cachet.mdp") << "mot de passe du cachet\n";
    ASSERT_TRUE(services_->pki().write_pkcs12(dir_ / "cachet.p12", localpki::Role::pole, "mot de passe du cachet"));
    WorkspaceTest::SetUp();
  }
  std::string signature_options() const override { return "seal_key.pole = p12 cachet.p12 ; password-file=cachet.mdp\n"; }
};

TEST_F(WorkspaceArchiveTest, TheDossierIsArchivedVerifiedAndDownloadedAsAZip) {
  // The four signatures, from the command line (the portal's are the signer tests' subject).
  std::ofstream(dir_ / "signataire.mdp") << "mot de passe\n";
  const char* fields[] = {"sig_pole", "sig_ecole_ordinaire", "sig_cpms", "sig_responsable"};
  for (auto role : localpki::all_roles) {
    const auto p12 = dir_ / (std::string(localpki::role_id(role)) + ".p12");
    ASSERT_TRUE(services_->pki().write_pkcs12(p12, role, "mot de passe"));
    std::vector<std::string> args{"sign", "--dossier", reference, "--doc", "annexe-4", "--field", fields[static_cast<int>(role)], "--p12",
                                  p12.string(), "--password-file", (dir_ / "signataire.mdp").string(), "--db", db_, "--config", config_};
    if (role == localpki::Role::cpms) {
      args.push_back("--fill");
      args.push_back("avis_cpms=favorable");
    }
    const auto signed_ = run_ipt(args);
    ASSERT_EQ(signed_.status, 0) << signed_.err;
  }
  size_t mails = 1;  // the first: the Annexe 4 to the Administration, queued before any login code
  Browser marie;
  log_in(marie, "marie.lambert@pole-liege.example.be", mails);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(get(marie, "/espace/dossiers/" + reference)->status, 200);  // the form's token of the signed-in session
  EXPECT_EQ(post(marie, "/espace/dossiers/" + reference + "/archiver", {{"csrf", "faux"}})->status, 403);
  auto archived = post(marie, "/espace/dossiers/" + reference + "/archiver", {{"csrf", marie.csrf}});
  ASSERT_EQ(archived->status, 303) << archived->body;
  auto page = get(marie, archived->get_header_value("Location"));
  EXPECT_NE(page->body.find("Version 1"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("intacte : cachet du pôle valide"), std::string::npos) << page->body;
  auto zip = get(marie, "/espace/dossiers/" + reference + "/archives/v1.zip");
  ASSERT_EQ(zip->status, 200);
  EXPECT_EQ(zip->get_header_value("Content-Type"), "application/zip");
  std::ofstream(dir_ / "archive.zip", std::ios::binary) << zip->body;
  const auto tested = run_process({"unzip", "-t", (dir_ / "archive.zip").string()});
  EXPECT_EQ(tested.status, 0) << tested.out;
  EXPECT_NE(tested.out.find(reference + "-v1/manifest.json"), std::string::npos) << tested.out;
  // Unpacked, it verifies as `ipt archive` wrote it.
  ASSERT_EQ(run_process({"unzip", "-q", (dir_ / "archive.zip").string(), "-d", (dir_ / "deballe").string()}).status, 0);
  const auto verified = run_ipt({"archive", "verify", (dir_ / "deballe" / (reference + "-v1")).string(), "--trust",
                                 (dir_ / "racine.pem").string(), "--offline", "--config", config_});
  EXPECT_EQ(verified.status, 0) << verified.out << verified.err;
  auto certificate = get(marie, "/espace/dossiers/" + reference + "/archives/v1/certificat-achevement.pdf");
  ASSERT_EQ(certificate->status, 200);
  EXPECT_TRUE(certificate->body.starts_with("%PDF-"));
  EXPECT_EQ(get(marie, "/espace/dossiers/" + reference + "/archives/v9.zip")->status, 404);
  EXPECT_EQ(audit_details("dossier.archive").size(), 1u);
}

// An XML file imported from the page: refused with every problem, then accepted.
TEST_F(WorkspaceTest, AnXmlFileIsImportedFromThePage) {
  size_t mails = 0;
  Browser marie;
  log_in(marie, "marie.lambert@pole-liege.example.be", mails);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(get(marie, "/espace/nouveau")->status, 200);
  auto upload = [&](const std::string& xml, const std::string& csrf) {
    auto c = client();
    httplib::MultipartFormDataItems items{{"csrf", csrf, "", ""}, {"fichier", xml, "dossier.xml", "application/xml"}};
    return c.Post("/espace/importer", marie.headers(), items);
  };
  std::string xml = example_text("c-fin-integration");
  xml = std::regex_replace(xml, std::regex("PT-LIEGE-2026-0002"), "PT-LIEGE-2026-0051");
  EXPECT_EQ(upload(xml, "faux")->status, 403);
  const std::string broken = std::regex_replace(std::regex_replace(xml, std::regex("2015-04-22"), "2015-02-30"),
                                                std::regex("helene.duboeuf@example.be"), "helene");
  auto refused = upload(broken, marie.csrf);
  ASSERT_EQ(refused->status, 422) << refused->body;
  EXPECT_NE(refused->body.find("dossier/eleve/date-naissance"), std::string::npos) << refused->body;
  EXPECT_NE(refused->body.find("adresse électronique invalide"), std::string::npos) << refused->body;
  auto accepted = upload(xml, marie.csrf);
  ASSERT_EQ(accepted->status, 303) << accepted->body;
  EXPECT_EQ(accepted->get_header_value("Location"), "/espace/dossiers/PT-LIEGE-2026-0051");
  EXPECT_EQ(audit_details("dossier.import", "PT-LIEGE-2026-0051").size(), 1u);
}

// Saving a dossier whose round has begun asks why, then restarts the round.
TEST_F(WorkspaceTest, SavingADossierWhoseRoundBegunAsksWhyAndRestartsIt) {
  Browser marie;
  std::map<std::string, std::string> values;
  const auto form = edit_with_round_begun(marie, values);
  ASSERT_FALSE(HasFailure());
  auto asked = send_form(marie, form, values);
  EXPECT_EQ(asked->status, 409) << asked->body;
  EXPECT_NE(asked->body.find("dites pourquoi pour confirmer"), std::string::npos) << asked->body;
  auto restarted = send_form(marie, form, values, "Le transport a changé.");
  ASSERT_EQ(restarted->status, 303) << restarted->body;
  EXPECT_EQ(audit_details("round.cancel").size(), 1u);
  const auto restart = audit_details("round.restart");
  ASSERT_EQ(restart.size(), 1u);
  EXPECT_NE(restart[0].find("Le transport a changé."), std::string::npos) << restart[0];
}

}  // namespace
}  // namespace ipt::test
