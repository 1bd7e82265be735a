// The mail commands of `ipt` (outbox list, outbox send, config check) against a real SMTP
// server.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "fixtures.hpp"
#include "ipt/mail/outbox.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::mail {
namespace {

// Writes ipt.conf for `server`, the password in an owner-only file.
std::filesystem::path write_config(const test::TempDir& dir, const test::SmtpTestServer& server,
                                   const std::string& password) {
  const auto password_file = dir / "smtp-password";
  std::ofstream(password_file) << password << "\n";
  ::chmod(password_file.c_str(), 0600);
  const auto path = dir / "ipt.conf";
  std::ofstream(path) << "# test\n"
                      << "smtp_url = " << server.url() << "\n"
                      << "ca_file = " << server.ca_file().string() << "\n"
                      << "username = pole-liege\n"
                      << "password_file = " << password_file.string() << "\n"
                      << "sender = coordination@pole-liege.example.be\n"
                      << "sender_name = Pôle territorial de Liège\n"
                      << "pole_copy = copie@pole-liege.example.be\n";
  return path;
}

const test::SmtpServerOptions secure{.starttls = true, .user = "pole-liege", .password = "Secr3t-du-pôle"};

TEST(CliConfigCheck, ConnectsLogsInAndNeverShowsThePassword) {
  test::TempDir dir;
  test::SmtpTestServer server(dir.path(), secure);
  const auto config = write_config(dir, server, secure.password);
  const auto r = test::run_ipt({"config", "check", "--config", config.string()});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("OK : connexion à " + server.url() + " réussie, STARTTLS, authentification acceptée"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mot de passe     : lu depuis fichier"), std::string::npos) << r.out;
  EXPECT_EQ((r.out + r.err).find(secure.password), std::string::npos);
  EXPECT_TRUE(server.received().empty());

  const auto wrong = write_config(dir, server, "mauvais");
  const auto refused = test::run_ipt({"config", "check", "--config", wrong.string(), "--json"});
  EXPECT_EQ(refused.status, 1);
  const auto json = nlohmann::json::parse(refused.out);
  EXPECT_FALSE(json["ok"]);
  EXPECT_NE(json["resultat"].get<std::string>().find("authentification refusée"), std::string::npos) << refused.out;
  EXPECT_EQ(refused.out.find("mauvais"), std::string::npos);
}

TEST(CliConfigCheck, RefusesAnInvalidConfiguration) {
  test::TempDir dir;
  const auto path = dir / "ipt.conf";
  std::ofstream(path) << "username = u\npassword = en-clair\n";
  const auto r = test::run_ipt({"config", "check", "--config", path.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("ipt.conf:2: password : le mot de passe ne s’écrit pas ici"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("en-clair"), std::string::npos);
}

TEST(CliOutbox, SendsTheQueueAndListsEachOutcome) {
  test::TempDir dir;
  test::SmtpServerOptions options = secure;
  options.reject = {"refuse@cfwb.be"};
  test::SmtpTestServer server(dir.path(), options);
  const auto config_path = write_config(dir, server, secure.password);
  const auto database = dir / "db" / "ipt.sqlite";
  {
    auto outbox = Outbox::open(database);
    ASSERT_TRUE(outbox);
    MailConfig config;
    config.sender = "coordination@pole-liege.example.be";
    ASSERT_TRUE(outbox->enqueue(*make_annexe4_message(config, "PT-LIEGE-2026-0002", "%PDF-1"), "PT-LIEGE-2026-0002"));
    config.admin_address = "refuse@cfwb.be";
    ASSERT_TRUE(outbox->enqueue(*make_annexe4_message(config, "PT-LIEGE-2026-0003", "%PDF-2"), "PT-LIEGE-2026-0003"));
  }
  const auto sent = test::run_ipt({"outbox", "send", "--db", database.string(), "--config", config_path.string()});
  EXPECT_EQ(sent.status, 1) << sent.out << sent.err;  // one message failed
  EXPECT_NE(sent.out.find("1 envoyé(s), 0 à réessayer, 1 en échec définitif"), std::string::npos) << sent.out;
  EXPECT_EQ(server.received().size(), 1u);

  const auto listed = test::run_ipt({"outbox", "list", "--db", database.string()});
  EXPECT_EQ(listed.status, 0);
  EXPECT_NE(listed.out.find("envoyé  dossier PT-LIEGE-2026-0002"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("échec définitif  dossier PT-LIEGE-2026-0003"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("motif de l’échec : RCPT : 550 5.1.1 <refuse@cfwb.be>"), std::string::npos) << listed.out;

  const auto json = nlohmann::json::parse(test::run_ipt({"outbox", "list", "--db", database.string(), "--json"}).out);
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["statut"], "failed");
  EXPECT_EQ(json[1]["statut"], "sent");
  EXPECT_EQ(json[1]["historique"][0]["resultat"], "sent");

  const auto again = test::run_ipt({"outbox", "send", "--db", database.string(), "--config", config_path.string()});
  EXPECT_EQ(again.status, 0) << again.out;
  EXPECT_NE(again.out.find("0 envoyé(s), 0 à réessayer, 0 en échec définitif"), std::string::npos) << again.out;
}

}  // namespace
}  // namespace ipt::mail
