// Mail benchmarks: the outbox sending 1,000 queued messages, each with a 100 KB attachment,
// to a real SMTP server on 127.0.0.1 (tests/mail/smtp_test_server.py, aiosmtpd, which keeps
// nothing with --discard), plus the parts on their own (queuing, MIME rendering, one SMTP
// transfer on a reused connection).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "ipt/mail/annexe4.hpp"
#include "ipt/mail/outbox.hpp"
#include "ipt/mail/transport.hpp"
#include "support/process.hpp"

namespace {

namespace fs = std::filesystem;
using namespace ipt::mail;

constexpr int batch = 1000;
constexpr size_t attachment_size = 100 * 1024;

// The aiosmtpd server, plain SMTP on loopback (TLS would measure OpenSSL, which the crypto
// floor already does), for the whole program.
class Server {
 public:
  Server()
      : process_({"/usr/bin/python3", "-u", IPT_SOURCE_DIR "/tests/mail/smtp_test_server.py", "--spool",
                  (fs::temp_directory_path() / "ipt-mail-bench-spool").string(), "--discard"}) {
    const std::string& line = process_.ready_line();
    if (line.rfind("PORT ", 0) != 0) throw std::runtime_error("SMTP server did not start");
    url_ = "smtp://127.0.0.1:" + line.substr(5);
  }
  ~Server() {
    process_.stop();
    std::error_code ec;  // leave nothing behind in /tmp
    fs::remove_all(fs::temp_directory_path() / "ipt-mail-bench-spool", ec);
    fs::remove_all(fs::temp_directory_path() / "ipt-mail-bench", ec);
  }
  const std::string& url() const { return url_; }

 private:
  ipt::test::ServerProcess process_;
  std::string url_;
};

Server& server() {
  static Server s;
  return s;
}

MailConfig config() {
  MailConfig c;
  c.smtp_url = server().url();
  c.tls = TlsMode::none;
  c.sender = "coordination@pole-liege.example.be";
  c.sender_name = "Pôle territorial de Liège";
  c.pole_copy = "copie@pole-liege.example.be";
  return c;
}

std::string attachment() {
  std::string bytes(attachment_size, '\0');
  unsigned state = 1;
  for (auto& b : bytes) {
    state = state * 1103515245u + 12345u;
    b = static_cast<char>(state >> 16 & 0xff);
  }
  return bytes;
}

fs::path fresh_database() {
  const fs::path dir = fs::temp_directory_path() / "ipt-mail-bench";
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir / "ipt.sqlite";
}

void fill(Outbox& outbox, const std::string& pdf) {
  const auto c = config();
  for (int i = 0; i < batch; ++i) {
    const std::string reference = "PT-LIEGE-2026-" + std::to_string(1000 + i);
    auto queued = outbox.enqueue(*make_annexe4_message(c, reference, pdf), reference);
    if (!queued) throw std::runtime_error(queued.error().message);
  }
}

// The figure the issue asks for: messages per second through the whole outbox (claim,
// load, MIME, SMTP, record), one connection for the batch.
void BM_OutboxSend1000(benchmark::State& state) {
  const std::string pdf = attachment();
  for (auto _ : state) {
    state.PauseTiming();
    auto outbox = Outbox::open(fresh_database());
    fill(*outbox, pdf);
    auto transport = SmtpTransport::create(config());
    state.ResumeTiming();
    auto report = outbox->send_due(**transport);
    if (!report || report->sent != batch) state.SkipWithError("not every message was sent");
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * batch * static_cast<long long>(attachment_size));
}
BENCHMARK(BM_OutboxSend1000)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The outbox's own work per message (claim and record: two transactions, each synced to
// disk; loading the 100 KB attachment), with a transport that does nothing.
void BM_OutboxPassNoTransport1000(benchmark::State& state) {
  struct Nothing final : Transport {
    DeliveryOutcome deliver(const MailMessage&) override { return {DeliveryStatus::sent, "250", false}; }
    std::string describe() const override { return "rien"; }
  } nothing;
  const std::string pdf = attachment();
  for (auto _ : state) {
    state.PauseTiming();
    auto outbox = Outbox::open(fresh_database());
    fill(*outbox, pdf);
    state.ResumeTiming();
    auto report = outbox->send_due(nothing);
    if (!report || report->sent != batch) state.SkipWithError("not every message was sent");
  }
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_OutboxPassNoTransport1000)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Queuing alone: one transaction (fsync) per message, 100 KB stored as a BLOB.
void BM_OutboxEnqueue1000(benchmark::State& state) {
  const std::string pdf = attachment();
  for (auto _ : state) {
    state.PauseTiming();
    auto outbox = Outbox::open(fresh_database());
    state.ResumeTiming();
    fill(*outbox, pdf);
  }
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_OutboxEnqueue1000)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// One SMTP transfer on the reused connection, without the outbox.
void BM_SmtpDeliver(benchmark::State& state) {
  auto message = *make_annexe4_message(config(), "PT-LIEGE-2026-0002", attachment());
  assign_identity(message, std::chrono::system_clock::now());
  auto transport = SmtpTransport::create(config());
  for (auto _ : state) {
    if ((*transport)->deliver(message).status != DeliveryStatus::sent) state.SkipWithError("not sent");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SmtpDeliver)->MinTime(1.0)->Unit(benchmark::kMillisecond)->UseRealTime();

// The MIME bytes of one message (libcurl's MIME over the in-process capture: what the file
// transport writes).
void BM_RenderMessage(benchmark::State& state) {
  auto message = *make_annexe4_message(config(), "PT-LIEGE-2026-0002", attachment());
  assign_identity(message, std::chrono::system_clock::now());
  for (auto _ : state) {
    auto bytes = render_message(message);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderMessage)->MinTime(1.0)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
