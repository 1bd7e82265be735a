// The coordinators' workspace over HTTP (ipt serve, a real SMTP server): logging in with the
// password and the e-mailed code, the pole's dossiers and a dossier's page, and the access
// rules: no session, a session waiting for its code, a coordinator of another pole, a
// signatory's token in place of a session, an expired session, forged forms.
#include <gtest/gtest.h>

#include <fstream>

#include "http_portal_test.hpp"
#include "ipt/core/database.hpp"
#include "support/dossier_xml.hpp"

namespace ipt::test {
namespace {

const std::string password = "une phrase de passe assez longue";

class WorkspaceTest : public HttpPortalTest {
 protected:
  void SetUp() override {
    HttpPortalTest::SetUp();
    if (HasFatalFailure()) return;
    std::ofstream(dir_ / "mdp") << password << "\n";
    fase_ = example_dossier("c-fin-integration").pole.fase;
    add_user("marie.lambert@pole-liege.example.be", "Marie Lambert", fase_);
    add_user("autre.pole@pole-namur.example.be", "Paul Autre", fase_ + 1);
  }
  void add_user(const std::string& email, const std::string& name, unsigned fase) {
    const auto r = run_ipt({"user", "add", "--email", email, "--name", name, "--pole", std::to_string(fase), "--password-file",
                            (dir_ / "mdp").string(), "--db", db_});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static std::string login_code_in(const nlohmann::json& m) {
    std::smatch found;
    const std::string text = body(m);
    if (!std::regex_search(text, found, std::regex("coordinateurs est : ([0-9]{6})"))) ADD_FAILURE() << text;
    return found.size() > 1 ? std::string(found[1]) : "";
  }
  // Logs `b` in as `email`, reading the code from message n° ++mails.
  void log_in(Browser& b, const std::string& email, size_t& mails) {
    ASSERT_EQ(get(b, "/espace/connexion")->status, 200);
    auto sent = post(b, "/espace/connexion", {{"csrf", b.csrf}, {"courriel", email}, {"mot_de_passe", password}});
    ASSERT_TRUE(sent);
    ASSERT_EQ(sent->status, 303) << sent->body;
    ASSERT_EQ(sent->get_header_value("Location"), "/espace/code");
    auto code_page = get(b, "/espace/code");
    ASSERT_EQ(code_page->status, 200);
    const auto mail = message(++mails);
    EXPECT_EQ(mail.value("subject", ""), "Votre code de connexion – IPT Dossiers");
    auto confirmed = post(b, "/espace/code", {{"csrf", b.csrf}, {"code", login_code_in(mail)}});
    ASSERT_EQ(confirmed->status, 303) << confirmed->body;
    ASSERT_EQ(confirmed->get_header_value("Location"), "/espace");
  }
  unsigned fase_ = 0;
};

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
  EXPECT_NE(list->body.find("<td>à signer</td>"), std::string::npos) << list->body;
  EXPECT_NE(list->body.find("Marie Lambert (pole)"), std::string::npos) << list->body;
  auto filtered = get(marie, "/espace?etape=archive");
  EXPECT_EQ(filtered->body.find("/espace/dossiers/" + reference), std::string::npos);
  EXPECT_NE(filtered->body.find("Aucun dossier pour ce filtre"), std::string::npos);

  // The dossier's page and a download, both in the audit trail.
  auto page = get(marie, "/espace/dossiers/" + reference);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_NE(page->body.find("Annexe 4"), std::string::npos);
  EXPECT_NE(page->body.find("invité"), std::string::npos) << page->body;
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

}  // namespace
}  // namespace ipt::test
