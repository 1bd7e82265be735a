// The workspace's accounts and logins: Argon2id hashes, a pole per coordinator, the password
// then an e-mailed code, sessions that end when idle, at their limit, at logout or when their
// account is disabled, and every step in the audit trail without the secrets.
#include "ipt/pipeline/workspace_login.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "ipt/core/database.hpp"
#include "support/dossier_xml.hpp"
#include "support/must.hpp"
#include "support/temp_dir.hpp"

namespace ipt::pipeline {
namespace {

using namespace std::chrono_literals;

const std::string password = "une phrase de passe assez longue";
const std::string client = "IP 127.0.0.1, navigateur test";

class WorkspaceLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.emplace(test::must(core::Store::open(dir_ / "ipt.sqlite", [this] { return now_; }), "store"));
    accounts_.emplace(test::must(Coordinators::open(*store_), "accounts"));
    mail_.sender = "coordination@pole-liege.example.be";
    login_.emplace(test::must(WorkspaceLogin::open(*store_, mail_, [this] { return now_; }), "login"));
    Coordinator marie;
    marie.email = "Marie.Lambert@pole-liege.example.be";
    marie.name = "Marie Lambert";
    marie.pole_fase = 9101;
    coordinator_ = test::must(accounts_->add(marie, password, "test"), "add");
  }
  // The code of the last login mail queued, and that mail's subject.
  std::pair<std::string, std::string> last_code() {
    auto q = test::must(core::Statement::prepare(store_->database(), "SELECT subject, body FROM outbox_message ORDER BY id DESC LIMIT 1"), "outbox");
    if (!*q.step()) return {"", ""};
    std::smatch m;
    const std::string body = q.text(1);
    if (!std::regex_search(body, m, std::regex("est : (\\d{6})"))) return {q.text(0), ""};
    return {q.text(0), m[1]};
  }
  std::string audit_text() {
    std::string all;
    for (const auto& e : test::must(store_->audit_entries(), "audit")) all += e.action + " " + e.details + "\n";
    return all;
  }

  test::TempDir dir_;
  std::chrono::system_clock::time_point now_ = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + 9h;
  std::optional<core::Store> store_;
  std::optional<Coordinators> accounts_;
  mail::MailConfig mail_;
  std::optional<WorkspaceLogin> login_;
  Coordinator coordinator_;
};

TEST_F(WorkspaceLoginTest, AccountsKeepAnArgon2idHashAndOnePole) {
  EXPECT_EQ(coordinator_.email, "marie.lambert@pole-liege.example.be");
  auto q = test::must(core::Statement::prepare(store_->database(), "SELECT password_hash FROM workspace_account"), "hash");
  ASSERT_TRUE(*q.step());
  EXPECT_TRUE(q.text(0).starts_with("$argon2id$")) << q.text(0);
  EXPECT_EQ(q.text(0).find(password), std::string::npos);
  EXPECT_FALSE(audit_text().find(password) != std::string::npos);
  // Refused: the same e-mail, a short password, a coordinator without a pole, an administrator with one.
  Coordinator again = coordinator_;
  EXPECT_EQ(accounts_->add(again, password, "test").error().category, core::Category::refused);
  Coordinator other{0, "autre@pole.example.be", "Autre", 9101, false, true};
  EXPECT_EQ(accounts_->add(other, "court", "test").error().place.field, "mot_de_passe");
  other.pole_fase = 0;
  EXPECT_EQ(accounts_->add(other, password, "test").error().place.field, "pole");
  other.administrator = true;
  other.pole_fase = 9101;
  EXPECT_EQ(accounts_->add(other, password, "test").error().place.field, "pole");

  // A coordinator sees their pole's dossiers, an administrator every pole's.
  const core::Dossier dossier = test::example_dossier("c-fin-integration");
  Coordinator same = coordinator_;
  same.pole_fase = dossier.pole.fase;
  EXPECT_TRUE(may_see(same, dossier));
  same.pole_fase = dossier.pole.fase + 1;
  EXPECT_FALSE(may_see(same, dossier));
  Coordinator admin{0, "admin@pole.example.be", "Admin", 0, true, true};
  EXPECT_TRUE(may_see(admin, dossier));
  admin.active = false;
  EXPECT_FALSE(may_see(admin, dossier));
}

TEST_F(WorkspaceLoginTest, ThePasswordThenTheCodeOpenASession) {
  // A wrong password and an unknown e-mail say the same.
  const auto wrong = login_->begin(coordinator_.email, "pas le bon mot de passe", client);
  ASSERT_FALSE(wrong);
  const auto unknown = login_->begin("personne@pole.example.be", password, client);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  EXPECT_EQ(wrong.error().message, "mot_de_passe: adresse ou mot de passe incorrect");

  const std::string id = test::must(login_->begin("MARIE.LAMBERT@pole-liege.example.be", password, client), "begin");
  const auto [subject, code] = last_code();
  EXPECT_EQ(subject, "Votre code de connexion – IPT Dossiers");
  ASSERT_EQ(code.size(), 6u);
  auto waiting = test::must(login_->session(id), "waiting");
  EXPECT_FALSE(waiting.confirmed);
  const std::string before = waiting.csrf;
  const std::string bad = code == "000000" ? "111111" : "000000";
  const auto refused = login_->confirm(id, bad, client);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("encore 4 essais"), std::string::npos) << refused.error().message;
  ASSERT_TRUE(login_->confirm(id, code, client));
  auto active = test::must(login_->session(id), "active");
  EXPECT_TRUE(active.confirmed);
  EXPECT_EQ(active.who.email, coordinator_.email);
  EXPECT_NE(active.csrf, before) << "le jeton anti-falsification change à la connexion";
  // Stored as a hash only.
  auto q = test::must(core::Statement::prepare(store_->database(), "SELECT id_hash FROM workspace_session"), "sessions");
  ASSERT_TRUE(*q.step());
  EXPECT_NE(q.text(0), id);
  const auto audit = audit_text();
  EXPECT_NE(audit.find("login.refused"), std::string::npos);
  EXPECT_NE(audit.find("login.code_wrong"), std::string::npos);
  EXPECT_NE(audit.find("login marie.lambert@pole-liege.example.be"), std::string::npos) << audit;
  EXPECT_EQ(audit.find(code), std::string::npos);
  EXPECT_EQ(audit.find(password), std::string::npos);
  // Logout ends it.
  ASSERT_TRUE(login_->logout(id, client));
  EXPECT_FALSE(login_->session(id));
}

TEST_F(WorkspaceLoginTest, FiveWrongCodesEndTheLogin) {
  const std::string id = test::must(login_->begin(coordinator_.email, password, client), "begin");
  const std::string code = last_code().second;
  const std::string bad = code == "000000" ? "111111" : "000000";
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(login_->confirm(id, bad, client));
  const auto fifth = login_->confirm(id, bad, client);
  ASSERT_FALSE(fifth);
  EXPECT_NE(fifth.error().message.find("5 essais"), std::string::npos);
  EXPECT_FALSE(login_->confirm(id, code, client)) << "la bonne valeur ne sert plus";
  EXPECT_FALSE(login_->session(id));
}

TEST_F(WorkspaceLoginTest, SessionsEndWhenIdleAtTheirLimitOrWithTheirAccount) {
  auto open = [&] {
    const std::string id = test::must(login_->begin(coordinator_.email, password, client), "begin");
    EXPECT_TRUE(login_->confirm(id, last_code().second, client));
    return id;
  };
  // A code is worth 10 minutes.
  const std::string late = test::must(login_->begin(coordinator_.email, password, client), "begin");
  const std::string late_code = last_code().second;
  now_ += 11min;
  const auto expired_code = login_->confirm(late, late_code, client);
  ASSERT_FALSE(expired_code);
  EXPECT_NE(expired_code.error().message.find("a expiré"), std::string::npos);

  // Idle for 30 minutes.
  const std::string idle = open();
  now_ += 29min;
  EXPECT_TRUE(login_->session(idle));
  now_ += 29min;
  EXPECT_TRUE(login_->session(idle)) << "chaque usage repousse la limite";
  now_ += 31min;
  const auto ended = login_->session(idle);
  ASSERT_FALSE(ended);
  EXPECT_NE(ended.error().message.find("session expirée"), std::string::npos);

  // Ten hours in use.
  const std::string long_day = open();
  for (int i = 0; i < 21; ++i) {
    now_ += 29min;
    if (i < 20) {
      EXPECT_TRUE(login_->session(long_day)) << i;
    }
  }
  EXPECT_FALSE(login_->session(long_day));

  // Disabled: its sessions end at once; a new password, too.
  const std::string a = open();
  ASSERT_TRUE(accounts_->set_active(coordinator_.email, false, "admin"));
  EXPECT_FALSE(login_->session(a));
  EXPECT_FALSE(login_->begin(coordinator_.email, password, client)) << "un compte désactivé ne se connecte pas";
  ASSERT_TRUE(accounts_->set_active(coordinator_.email, true, "admin"));
  const std::string b = open();
  ASSERT_TRUE(accounts_->set_password(coordinator_.email, "une autre phrase de passe", "admin"));
  EXPECT_FALSE(login_->session(b));
  EXPECT_TRUE(login_->begin(coordinator_.email, "une autre phrase de passe", client));
}

}  // namespace
}  // namespace ipt::pipeline
