// The durable outbox: queuing inside the caller's transaction, the states a message goes
// through, retries with growing delays, and failures that block nothing else.
#include "ipt/mail/outbox.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "support/temp_dir.hpp"

namespace ipt::mail {
namespace {

using namespace std::chrono_literals;
using test::SmtpServerOptions;
using test::SmtpTestServer;


MailConfig file_config() {
  MailConfig c;
  c.sender = "coordination@pole-liege.example.be";
  c.sender_name = "Pôle territorial de Liège";
  return c;
}

TEST(Enqueue, BelongsToTheCallersTransaction) {
  test::TempDir dir;
  const auto path = dir / "ipt.sqlite";
  auto outbox = Outbox::open(path);
  ASSERT_TRUE(outbox) << outbox.error().message;
  auto db = core::Database::open(path);
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(db->execute("CREATE TABLE annexe_state (reference TEXT, state TEXT)"));
  auto message = make_annexe4_message(file_config(), "PT-LIEGE-2026-0002", "%PDF");
  ASSERT_TRUE(message);

  // The state change fails after the message was queued: neither is stored.
  {
    auto tx = core::Transaction::begin(*db);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db->execute("INSERT INTO annexe_state VALUES ('PT-LIEGE-2026-0002', 'signed')"));
    ASSERT_TRUE(enqueue(*tx, *message, "PT-LIEGE-2026-0002", std::chrono::system_clock::now()));
  }  // no commit: rolled back
  EXPECT_TRUE(outbox->list()->empty());

  auto tx = core::Transaction::begin(*db);
  ASSERT_TRUE(tx);
  ASSERT_TRUE(db->execute("INSERT INTO annexe_state VALUES ('PT-LIEGE-2026-0002', 'signed')"));
  auto queued = enqueue(*tx, *message, "PT-LIEGE-2026-0002", std::chrono::system_clock::now());
  ASSERT_TRUE(queued) << queued.error().message;
  ASSERT_TRUE(tx->commit());
  const auto entries = outbox->list();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].status, OutboxStatus::queued);
  EXPECT_EQ((*entries)[0].message_id, queued->message_id);
  EXPECT_EQ((*entries)[0].dossier, "PT-LIEGE-2026-0002");
}

// The outbox's tables are versioned with the store's, in the database's schema_version.
TEST(Outbox, TablesAreUnderTheDatabasesSchemaVersions) {
  test::TempDir dir;
  const auto path = dir / "ipt.sqlite";
  ASSERT_TRUE(Outbox::open(path));
  {
    auto db = core::Database::open(path);
    ASSERT_TRUE(db);
    EXPECT_EQ(*core::schema_version(*db, "outbox"), 2);
    ASSERT_TRUE(db->execute("UPDATE schema_version SET version = 9 WHERE component = 'outbox'"));
  }
  const auto later = Outbox::open(path);
  ASSERT_FALSE(later);
  EXPECT_NE(later.error().message.find("« outbox » en version 9"), std::string::npos) << later.error().message;
}

TEST(Outbox, CreatesTheDatabaseOwnerOnly) {
  test::TempDir dir;
  const auto path = dir / "sub" / "ipt.sqlite";
  ASSERT_TRUE(Outbox::open(path));
  EXPECT_EQ(std::filesystem::status(path).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(std::filesystem::status(dir / "sub").permissions(), std::filesystem::perms::owner_all);
}

TEST(Outbox, FileTransportWritesEachMessageOnceAsEml) {
  test::TempDir dir;
  test::ManualClock clock;
  auto outbox = Outbox::open(dir / "ipt.sqlite", {}, clock.function());
  ASSERT_TRUE(outbox);
  const std::string pdf = test::pdf_like_bytes(30000);
  auto message = make_annexe4_message(file_config(), "PT-LIEGE-2026-0002", pdf);
  auto queued = outbox->enqueue(*message, "PT-LIEGE-2026-0002");
  ASSERT_TRUE(queued) << queued.error().message;

  FileTransport files(dir / "outbox");
  auto pass = outbox->send_due(files);
  ASSERT_TRUE(pass) << pass.error().message;
  EXPECT_EQ(pass->sent, 1);
  auto second = outbox->send_due(files);
  EXPECT_EQ(second->sent, 0);

  const auto entry = outbox->find(queued->id);
  ASSERT_TRUE(entry && *entry);
  EXPECT_EQ((*entry)->status, OutboxStatus::sent);
  ASSERT_EQ((*entry)->history.size(), 1u);
  // Written into the local folder, not accepted by a server: never called « envoyé ».
  EXPECT_EQ((*entry)->history[0].outcome, "written");
  EXPECT_TRUE((*entry)->written_locally);
  EXPECT_EQ(state_fr(**entry), "écrit dans la boîte locale");
  EXPECT_FALSE((*entry)->history[0].finished_at.empty());

  std::vector<std::filesystem::path> files_written;
  for (const auto& e : std::filesystem::directory_iterator(dir / "outbox")) files_written.push_back(e.path());
  ASSERT_EQ(files_written.size(), 1u);
  EXPECT_EQ(files_written[0].extension(), ".eml");
  const auto parsed = test::parse_eml(files_written[0]);
  EXPECT_EQ(parsed["subject"], "Annexe 4 – Bilan d’intégration – dossier PT-LIEGE-2026-0002");
  EXPECT_EQ(parsed["message_id"], queued->message_id);
  EXPECT_EQ(parsed["date"], format_date(clock.now));
  EXPECT_EQ(parsed["parts"][1]["sha256"], core::sha256_hex(pdf));
}

TEST(Outbox, ServerDownAtFirstThenUpDeliversOnce) {
  test::TempDir dir;
  test::ManualClock clock;
  const int port = test::free_port();
  MailConfig config = file_config();
  config.smtp_url = "smtp://127.0.0.1:" + std::to_string(port);
  config.tls = TlsMode::none;
  // One attempt allowed: an unreachable server must not use it up.
  auto outbox = Outbox::open(dir / "ipt.sqlite", {.initial = 60s, .max = 3600s, .max_attempts = 1}, clock.function());
  ASSERT_TRUE(outbox);
  auto queued = outbox->enqueue(*make_annexe4_message(config, "PT-1", "%PDF"), "PT-1");
  ASSERT_TRUE(queued);
  auto later = outbox->enqueue(*make_annexe4_message(config, "PT-2", "%PDF"), "PT-2");
  ASSERT_TRUE(later);
  {
    auto transport = SmtpTransport::create(config);
    ASSERT_TRUE(transport);
    auto pass = outbox->send_due(**transport);
    ASSERT_TRUE(pass) << pass.error().message;
    EXPECT_EQ(pass->retried, 1);
    EXPECT_TRUE(pass->server_unavailable);
    EXPECT_NE(pass->server_problem.find("connexion refusée"), std::string::npos) << pass->server_problem;
    auto entry = outbox->find(queued->id);
    EXPECT_EQ((*entry)->status, OutboxStatus::queued);
    EXPECT_EQ((*entry)->history.at(0).outcome, "temporary");
    // The pass stopped at the first message: the second was not tried.
    EXPECT_EQ((*outbox->find(later->id))->attempts, 0);
    // Not due again before the delay.
    clock.now += 30s;
    auto early = outbox->send_due(**transport);
    EXPECT_EQ(early->retried, 1);  // the second message, now first in line, meets the same wall
    EXPECT_EQ((*outbox->find(queued->id))->attempts, 1);
  }
  SmtpTestServer server(dir.path(), {.port = port});
  clock.now += 60s;  // both due again (first at +60 s, second at +90 s)
  auto transport = SmtpTransport::create(config);
  auto pass = outbox->send_due(**transport);
  ASSERT_TRUE(pass) << pass.error().message;
  EXPECT_EQ(pass->sent, 2);
  EXPECT_EQ(outbox->send_due(**transport)->sent, 0);
  EXPECT_EQ(server.received().size(), 2u);
  auto entry = outbox->find(queued->id);
  EXPECT_EQ((*entry)->status, OutboxStatus::sent);
  EXPECT_EQ((*entry)->attempts, 2);
}

TEST(Outbox, A550FailsThatMessageWithTheRepliesAndBlocksNothingElse) {
  test::TempDir dir;
  const SmtpServerOptions options{.reject = {"inconnu@cfwb.be"}};
  SmtpTestServer server(dir.path(), options);
  auto config = test::config_for(server, options);
  config.pole_copy.clear();
  auto outbox = Outbox::open(dir / "ipt.sqlite");
  auto bad_config = config;
  bad_config.admin_address = "inconnu@cfwb.be";
  auto rejected = outbox->enqueue(*make_annexe4_message(bad_config, "PT-1", "%PDF"), "PT-1");
  auto accepted = outbox->enqueue(*make_annexe4_message(config, "PT-2", "%PDF"), "PT-2");
  ASSERT_TRUE(rejected && accepted);
  auto transport = SmtpTransport::create(config);
  auto pass = outbox->send_due(**transport);
  ASSERT_TRUE(pass) << pass.error().message;
  EXPECT_EQ(pass->failed, 1);
  EXPECT_EQ(pass->sent, 1);
  EXPECT_EQ(pass->failed_ids, std::vector<long long>{rejected->id});
  auto failed = outbox->find(rejected->id);
  EXPECT_EQ((*failed)->status, OutboxStatus::failed);
  EXPECT_NE((*failed)->last_reply.find("550 5.1.1 <inconnu@cfwb.be>: Recipient address rejected"), std::string::npos)
      << (*failed)->last_reply;
  EXPECT_EQ((*failed)->history.at(0).outcome, "permanent");
  EXPECT_EQ((*outbox->find(accepted->id))->status, OutboxStatus::sent);
  ASSERT_EQ(server.received().size(), 1u);
  EXPECT_EQ(test::parse_eml(server.received()[0])["message_id"], accepted->message_id);
  // A failed message is not tried again.
  EXPECT_EQ(outbox->send_due(**transport)->failed, 0);
}

TEST(Outbox, A451IsRetriedWithGrowingDelaysThenGivenUp) {
  test::TempDir dir;
  test::ManualClock clock;
  const SmtpServerOptions options{.defer = {"poles.territoriaux@cfwb.be"}};
  SmtpTestServer server(dir.path(), options);
  auto config = test::config_for(server, options);
  config.pole_copy.clear();
  auto outbox = Outbox::open(dir / "ipt.sqlite", {.initial = 60s, .max = 100s, .max_attempts = 3}, clock.function());
  auto queued = outbox->enqueue(*make_annexe4_message(config, "PT-1", "%PDF"), "PT-1");
  auto transport = SmtpTransport::create(config);

  EXPECT_EQ(outbox->send_due(**transport)->retried, 1);
  auto entry = outbox->find(queued->id);
  EXPECT_EQ((*entry)->status, OutboxStatus::queued);
  EXPECT_NE((*entry)->last_reply.find("451 4.3.0"), std::string::npos) << (*entry)->last_reply;
  clock.now += 59s;
  EXPECT_EQ(outbox->send_due(**transport)->retried, 0);  // not yet: 60 s
  clock.now += 1s;
  EXPECT_EQ(outbox->send_due(**transport)->retried, 1);  // second attempt; next in 100 s (120 capped)
  clock.now += 99s;
  EXPECT_EQ(outbox->send_due(**transport)->retried, 0);
  clock.now += 1s;
  auto last = outbox->send_due(**transport);
  EXPECT_EQ(last->failed, 1);
  entry = outbox->find(queued->id);
  EXPECT_EQ((*entry)->status, OutboxStatus::failed);
  EXPECT_EQ((*entry)->attempts, 3);
  EXPECT_NE((*entry)->last_reply.find("abandon après 3 tentatives"), std::string::npos);
  ASSERT_EQ((*entry)->history.size(), 3u);
  for (const auto& a : (*entry)->history) EXPECT_EQ(a.outcome, "temporary");
  EXPECT_TRUE(server.received().empty());
}

TEST(Outbox, OnlyOneWorkerAtATime) {
  test::TempDir dir;
  auto first = Outbox::open(dir / "ipt.sqlite");
  auto second = Outbox::open(dir / "ipt.sqlite");
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->enqueue(*make_annexe4_message(file_config(), "PT-1", "%PDF"), "PT-1"));

  // A transport that, while the first worker sends, tries a second pass.
  struct Reentrant : Transport {
    Outbox* other = nullptr;
    std::string seen;
    DeliveryOutcome deliver(const MailMessage&) override {
      FileTransport nowhere("/nonexistent");
      auto r = other->send_due(nowhere);
      seen = r ? "passé" : r.error().message;
      return {DeliveryStatus::sent, "ok", false};
    }
    std::string describe() const override { return "test"; }
  } transport;
  transport.other = &*second;
  ASSERT_TRUE(first->send_due(transport));
  EXPECT_NE(transport.seen.find("un autre envoi de la file est déjà en cours"), std::string::npos) << transport.seen;
}

}  // namespace
}  // namespace ipt::mail
