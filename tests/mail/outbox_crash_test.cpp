// A worker killed (SIGKILL) while the server holds its message loses nothing: the next pass
// finds it in "sending", queues it again and delivers it. The server may then hold it twice
// (at least once), both copies with the same Message-ID.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <thread>

#include "fixtures.hpp"
#include "ipt/mail/outbox.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace ipt::mail {
namespace {

using namespace std::chrono_literals;

TEST(OutboxCrash, AWorkerKilledMidSendLosesNothingAndTheResendKeepsItsMessageId) {
  test::TempDir dir;
  // The server saves the message, then waits 30 s before its "250": the worker is killed
  // while waiting for that answer. Only the first message is delayed.
  const test::SmtpServerOptions options{.starttls = true, .user = "u", .password = "p", .data_delay = 30, .delay_count = 1};
  test::SmtpTestServer server(dir.path(), options);
  const auto config = test::config_for(server, options);
  const auto database = dir / "ipt.sqlite";
  const std::string pdf = test::pdf_like_bytes(50000);
  QueuedMessage queued;
  {
    auto outbox = Outbox::open(database);
    ASSERT_TRUE(outbox);
    auto q = outbox->enqueue(*make_annexe4_message(config, "PT-LIEGE-2026-0002", pdf), "PT-LIEGE-2026-0002");
    ASSERT_TRUE(q) << q.error().message;
    queued = *q;
  }
  const auto config_file = dir / "ipt.conf";
  std::ofstream(config_file) << "smtp_url = " << config.smtp_url << "\n"
                             << "ca_file = " << config.ca_file << "\n"
                             << "username = u\npassword_env = IPT_TEST_SMTP_PASSWORD\n"
                             << "sender = " << config.sender << "\n";

  std::vector<std::string> argv{IPT_OUTBOX_PASS, database.string(), config_file.string()};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ), 0);
  for (int i = 0; i < 200 && server.received().empty(); ++i) std::this_thread::sleep_for(50ms);
  ASSERT_EQ(server.received().size(), 1u) << "the server never got the message";
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  {
    auto outbox = Outbox::open(database);
    auto entry = outbox->find(queued.id);
    ASSERT_TRUE(entry && *entry);
    EXPECT_EQ((*entry)->status, OutboxStatus::sending);  // the crash left it there
  }

  const auto second = test::run_process(argv);
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.out.find("sent 1"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("recovered 1"), std::string::npos) << second.out;

  ASSERT_EQ(server.received().size(), 2u);
  const auto first_copy = test::parse_eml(server.received()[0]);
  const auto second_copy = test::parse_eml(server.received()[1]);
  EXPECT_EQ(first_copy["message_id"], queued.message_id);
  EXPECT_EQ(second_copy["message_id"], queued.message_id);
  EXPECT_EQ(first_copy["date"], second_copy["date"]);
  EXPECT_EQ(second_copy["parts"][1]["sha256"], core::sha256_hex(pdf));

  auto outbox = Outbox::open(database);
  auto entry = outbox->find(queued.id);
  EXPECT_EQ((*entry)->status, OutboxStatus::sent);
  ASSERT_EQ((*entry)->history.size(), 2u);
  EXPECT_EQ((*entry)->history[0].outcome, "interrupted");
  EXPECT_NE((*entry)->history[0].reply.find("même Message-ID"), std::string::npos);
  EXPECT_EQ((*entry)->history[1].outcome, "sent");
}

}  // namespace
}  // namespace ipt::mail
