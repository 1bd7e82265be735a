// The SMTP transport against a real server (aiosmtpd) on 127.0.0.1: what arrives is parsed
// by Python's email package, an independent reader of MIME.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "fixtures.hpp"
#include "ipt/core/store.hpp"
#include "ipt/mail/transport.hpp"
#include "support/temp_dir.hpp"

namespace ipt::mail {
namespace {

using test::SmtpServerOptions;
using test::SmtpTestServer;

const std::string expected_subject = "Annexe 4 – Bilan d’intégration – dossier PT-LIEGE-2026-0002";

// Sends one Annexe 4 message through a server with `options` and checks everything that
// arrived: envelope, decoded headers, text part, attachment bytes.
void send_and_check(const SmtpServerOptions& options) {
  test::TempDir dir;
  SmtpTestServer server(dir.path(), options);
  const auto config = test::config_for(server, options);
  const std::string pdf = test::pdf_like_bytes(60 * 1024);
  const auto message = test::annexe4_message(config, pdf);

  auto transport = SmtpTransport::create(config);
  ASSERT_TRUE(transport) << transport.error().message;
  const auto outcome = (*transport)->deliver(message);
  ASSERT_EQ(outcome.status, DeliveryStatus::sent) << outcome.reply;
  EXPECT_NE(outcome.reply.find("250 2.0.0 Ok: queued as T1"), std::string::npos) << outcome.reply;

  ASSERT_EQ(server.received().size(), 1u);
  const auto envelope = server.envelope(1);
  EXPECT_EQ(envelope["from"], "coordination@pole-liege.example.be");
  EXPECT_EQ(envelope["rcpt"], nlohmann::json::array({"poles.territoriaux@cfwb.be", "copie@pole-liege.example.be"}));

  const auto parsed = test::parse_eml(server.received()[0], dir.path());
  EXPECT_EQ(parsed["defects"].size(), 0u) << parsed.dump();
  EXPECT_EQ(parsed["subject"], expected_subject);
  EXPECT_EQ(parsed["from"], "Pôle territorial de Liège <coordination@pole-liege.example.be>");
  EXPECT_EQ(parsed["to"], "poles.territoriaux@cfwb.be");
  EXPECT_EQ(parsed["cc"], "copie@pole-liege.example.be");
  EXPECT_EQ(parsed["message_id"], message.message_id);
  EXPECT_EQ(parsed["date"], format_date(message.date));
  EXPECT_EQ(parsed["mime_version"], "1.0");
  EXPECT_EQ(parsed["content_type"], "multipart/mixed");
  ASSERT_EQ(parsed["parts"].size(), 2u);
  const auto& text = parsed["parts"][0];
  EXPECT_EQ(text["content_type"], "text/plain");
  EXPECT_EQ(text["charset"], "utf-8");
  EXPECT_EQ(text["transfer_encoding"], "quoted-printable");
  // The body comes back as the French text, line ends as CRLF.
  std::string body = text["text"];
  body = std::regex_replace(body, std::regex("\r\n"), "\n");
  EXPECT_EQ(body, message.text);
  const auto& pdf_part = parsed["parts"][1];
  EXPECT_EQ(pdf_part["content_type"], "application/pdf");
  EXPECT_EQ(pdf_part["transfer_encoding"], "base64");
  EXPECT_EQ(pdf_part["filename"], "annexe-4-PT-LIEGE-2026-0002.pdf");
  EXPECT_EQ(pdf_part["size"], pdf.size());
  EXPECT_EQ(pdf_part["sha256"], core::sha256_hex(pdf));
}

TEST(SmtpTransport, DeliversToALoopbackServerWithoutTlsNorLogin) { send_and_check({}); }

TEST(SmtpTransport, DeliversWithLoginToAPlainLoopbackServer) { send_and_check({.user = "u", .password = "p"}); }

TEST(SmtpTransport, DeliversWithStartTlsRequired) { send_and_check({.starttls = true}); }

TEST(SmtpTransport, DeliversWithStartTlsAndLogin) {
  send_and_check({.starttls = true, .user = "pole-liege", .password = "mot de passe é"});
}

TEST(SmtpTransport, DeliversOverImplicitTlsWithLogin) {
  send_and_check({.implicit_tls = true, .user = "pole-liege", .password = "pw"});
}

TEST(SmtpTransport, ReusesOneConnectionForABatch) {
  test::TempDir dir;
  const SmtpServerOptions options{.starttls = true, .user = "u", .password = "p"};
  SmtpTestServer server(dir.path(), options);
  const auto config = test::config_for(server, options);
  auto transport = SmtpTransport::create(config);
  ASSERT_TRUE(transport) << transport.error().message;
  for (int i = 0; i < 3; ++i) {
    const auto outcome = (*transport)->deliver(test::annexe4_message(config, test::pdf_like_bytes(1000)));
    ASSERT_EQ(outcome.status, DeliveryStatus::sent) << outcome.reply;
  }
  EXPECT_EQ(server.received().size(), 3u);
  EXPECT_EQ(server.connections(), 1);
}

TEST(SmtpTransport, AWrongPasswordStopsTheBatchWithoutNamingThePassword) {
  test::TempDir dir;
  SmtpServerOptions options{.starttls = true, .user = "u", .password = "right"};
  SmtpTestServer server(dir.path(), options);
  options.password = "wrong-secret";
  const auto config = test::config_for(server, options);
  auto transport = SmtpTransport::create(config);
  ASSERT_TRUE(transport);
  const auto outcome = (*transport)->deliver(test::annexe4_message(config, "x"));
  EXPECT_EQ(outcome.status, DeliveryStatus::temporary_failure);
  EXPECT_TRUE(outcome.server_unavailable);
  EXPECT_NE(outcome.reply.find("authentification refusée"), std::string::npos) << outcome.reply;
  EXPECT_NE(outcome.reply.find("535"), std::string::npos) << outcome.reply;
  EXPECT_EQ(outcome.reply.find("wrong-secret"), std::string::npos) << outcome.reply;
  EXPECT_TRUE(server.received().empty());
}

TEST(SmtpTransport, RefusesToSendInClearWhenStartTlsIsRequiredButNotOffered) {
  test::TempDir dir;
  SmtpTestServer server(dir.path(), {});
  auto config = test::config_for(server, {});
  config.tls = TlsMode::required;
  auto transport = SmtpTransport::create(config);
  ASSERT_TRUE(transport);
  const auto outcome = (*transport)->deliver(test::annexe4_message(config, "x"));
  EXPECT_EQ(outcome.status, DeliveryStatus::temporary_failure);
  EXPECT_TRUE(outcome.server_unavailable);
  EXPECT_NE(outcome.reply.find("STARTTLS"), std::string::npos) << outcome.reply;
  EXPECT_TRUE(server.received().empty());
}

TEST(SmtpTransport, RefusesPlainTextToARemoteServer) {
  MailConfig config;
  config.smtp_url = "smtp://smtp.example.be:25";
  config.tls = TlsMode::none;
  auto transport = SmtpTransport::create(config);
  ASSERT_FALSE(transport);
  EXPECT_EQ(transport.error().category, core::Category::invalid_input);
  EXPECT_NE(transport.error().message.find("serveur local"), std::string::npos);
}

TEST(SmtpTransport, ClassifiesRefusedRecipientsAndConnectionFailures) {
  test::TempDir dir;
  const SmtpServerOptions options{.reject = {"poles.territoriaux@cfwb.be"}, .defer = {"later@cfwb.be"}};
  SmtpTestServer server(dir.path(), options);
  auto config = test::config_for(server, options);
  config.pole_copy.clear();
  auto transport = SmtpTransport::create(config);
  ASSERT_TRUE(transport);
  auto rejected = (*transport)->deliver(test::annexe4_message(config, "x"));
  EXPECT_EQ(rejected.status, DeliveryStatus::permanent_failure);
  EXPECT_FALSE(rejected.server_unavailable);
  EXPECT_NE(rejected.reply.find("RCPT : 550 5.1.1"), std::string::npos) << rejected.reply;
  config.admin_address = "later@cfwb.be";
  auto deferred = (*transport)->deliver(test::annexe4_message(config, "x"));
  EXPECT_EQ(deferred.status, DeliveryStatus::temporary_failure);
  EXPECT_FALSE(deferred.server_unavailable);
  EXPECT_NE(deferred.reply.find("RCPT : 451 4.3.0"), std::string::npos) << deferred.reply;
  server.stop();
  auto down = (*transport)->deliver(test::annexe4_message(config, "x"));
  EXPECT_EQ(down.status, DeliveryStatus::temporary_failure);
  EXPECT_TRUE(down.server_unavailable);
}

TEST(SmtpTransport, ChecksTheConnectionWithoutSending) {
  test::TempDir dir;
  SmtpServerOptions options{.starttls = true, .user = "u", .password = "p"};
  SmtpTestServer server(dir.path(), options);
  auto config = test::config_for(server, options);
  {
    auto transport = SmtpTransport::create(config);
    ASSERT_TRUE(transport);
    auto ok = (*transport)->check_connection();
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_NE(ok->find("STARTTLS, authentification acceptée"), std::string::npos) << *ok;
  }
  options.password = "wrong";
  config = test::config_for(server, options);
  auto transport = SmtpTransport::create(config);
  ASSERT_TRUE(transport);
  auto refused = (*transport)->check_connection();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().category, core::Category::external_service);
  EXPECT_NE(refused.error().message.find("authentification refusée"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(server.received().empty());
  server.stop();
  auto down = (*transport)->check_connection();
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().category, core::Category::external_service);
  EXPECT_NE(down.error().message.find("connexion refusée"), std::string::npos) << down.error().message;
}

// The file transport writes what the SMTP transport sends; only libcurl's random MIME
// boundaries differ.
TEST(FileTransport, WritesTheBytesTheSmtpPathSends) {
  test::TempDir dir;
  SmtpTestServer server(dir.path(), {});
  const auto config = test::config_for(server, {});
  const auto message = test::annexe4_message(config, test::pdf_like_bytes(20000));
  auto smtp = SmtpTransport::create(config);
  ASSERT_TRUE(smtp);
  ASSERT_EQ((*smtp)->deliver(message).status, DeliveryStatus::sent);
  FileTransport files(dir / "outbox");
  const auto outcome = files.deliver(message);
  ASSERT_EQ(outcome.status, DeliveryStatus::sent) << outcome.reply;

  auto read = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  };
  const auto written = std::filesystem::directory_iterator(dir / "outbox")->path();
  auto normalise = [](std::string s) {
    return std::regex_replace(s, std::regex("------------------------[0-9a-f]+"), "BOUNDARY");
  };
  const std::string received = read(server.received()[0]);
  const std::string file = read(written);
  EXPECT_NE(received.find("------------------------"), std::string::npos);
  EXPECT_EQ(normalise(file), normalise(received));
  EXPECT_EQ(written.filename().string().find('<'), std::string::npos);
  EXPECT_EQ(std::filesystem::status(written).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(std::filesystem::status(dir / "outbox").permissions(), std::filesystem::perms::owner_all);
}

}  // namespace
}  // namespace ipt::mail
