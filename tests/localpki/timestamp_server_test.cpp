#include "ipt/localpki/timestamp_server.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "helpers.hpp"
#include "support/temp_dir.hpp"

namespace ipt::localpki {
namespace {

using namespace std::chrono;
using namespace ipt::localpki::test;
using ipt::test::TempDir;

const Pki& shared_pki() {
  static const Pki pki = [] {
    auto made = Pki::make(PkiRecipe{});
    if (!made) throw std::runtime_error(made.error().message);
    return *made;
  }();
  return pki;
}

class TimestampServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_ca_files(shared_pki(), dir.path());
    write_text(dir / "data.bin", "Annexe 4 — dossier PT-NAMUR-2026-0021\n");
  }

  // openssl ts -query → curl POST → the reply file; returns curl's HTTP status.
  std::string ask(TimestampServer& server, const std::string& digest, const std::string& name) {
    const auto query = openssl({"ts", "-query", "-data", dir / "data.bin", "-" + digest, "-cert", "-out",
                                dir / (name + ".tsq")});
    EXPECT_EQ(query.status, 0) << query.err;
    return curl({"--data-binary", "@" + (dir / (name + ".tsq")).string(), "-H",
                 "Content-Type: application/timestamp-query", "-o", dir / (name + ".tsr"), server.url()})
        .out;
  }

  ipt::test::ProcessResult verify(const std::string& name) {
    return openssl({"ts", "-verify", "-data", dir / "data.bin", "-in", dir / (name + ".tsr"), "-CAfile",
                    dir / "root.pem", "-untrusted", dir / "chain.pem"});
  }

  std::string reply_text(const std::string& name) {
    return openssl({"ts", "-reply", "-in", dir / (name + ".tsr"), "-text"}).out;
  }

  TempDir dir;
};

TEST_F(TimestampServerTest, TokensVerifyWithOpensslAndCarryWhatWasAskedFor) {
  TimestampServerOptions options;
  options.clock = [] { return sys_days{2026y / September / 1} + 8h + 30min; };
  TimestampServer server(shared_pki(), options);
  ASSERT_TRUE(server.start());
  EXPECT_TRUE(std::regex_match(server.url(), std::regex(R"(http://127\.0\.0\.1:\d+)"))) << server.url();

  ASSERT_EQ(ask(server, "sha256", "a"), "200");
  const auto verdict = verify("a");
  EXPECT_EQ(verdict.status, 0) << verdict.out << verdict.err;
  EXPECT_TRUE(contains(verdict.out, "Verification: OK")) << verdict.out << verdict.err;

  const auto text = reply_text("a");
  EXPECT_TRUE(contains(text, "Status: Granted.")) << text;
  EXPECT_TRUE(contains(text, "Policy OID: 2.999.3161.1")) << text;
  EXPECT_TRUE(contains(text, "Hash Algorithm: sha256")) << text;
  EXPECT_TRUE(contains(text, "Serial number: 0x01")) << text;
  EXPECT_TRUE(contains(text, "Time stamp: Sep  1 08:30:00 2026 GMT")) << text;
  EXPECT_TRUE(contains(text, "Accuracy: 0x01 seconds, unspecified millis, unspecified micros")) << text;
  EXPECT_TRUE(contains(text, "TSA: DirName:")) << text;
  EXPECT_TRUE(contains(text, "CN=IPT Dossiers Horodatage de test")) << text;

  // The nonce of the query comes back.
  const auto query_text = openssl({"ts", "-query", "-in", dir / "a.tsq", "-text"}).out;
  std::smatch nonce;
  ASSERT_TRUE(std::regex_search(query_text, nonce, std::regex("Nonce: (0x[0-9A-F]+)"))) << query_text;
  EXPECT_TRUE(contains(text, "Nonce: " + nonce[1].str())) << text;

  // certReq honoured: the token holds the TSA certificate, so the verifier needs no -untrusted TSA cert.
  write_text(dir / "token.der", "");
  openssl({"ts", "-reply", "-in", dir / "a.tsr", "-token_out", "-out", dir / "token.der"});
  const auto certs = openssl({"pkcs7", "-inform", "DER", "-in", dir / "token.der", "-print_certs", "-noout"});
  EXPECT_TRUE(contains(certs.out, "CN = IPT Dossiers Horodatage de test")) << certs.out << certs.err;
}

TEST_F(TimestampServerTest, AcceptsSha384AndSha512RefusesSha1AndCountsSerials) {
  TimestampServer server(shared_pki());
  ASSERT_TRUE(server.start());
  ASSERT_EQ(ask(server, "sha384", "b"), "200");
  EXPECT_TRUE(contains(verify("b").out, "Verification: OK"));
  ASSERT_EQ(ask(server, "sha512", "c"), "200");
  EXPECT_TRUE(contains(verify("c").out, "Verification: OK"));
  EXPECT_TRUE(contains(reply_text("c"), "Serial number: 0x02"));

  ASSERT_EQ(ask(server, "sha1", "d"), "200");
  const auto refused = reply_text("d");
  EXPECT_TRUE(contains(refused, "Status: Rejected.")) << refused;
  EXPECT_TRUE(contains(refused, "unrecognized or unsupported algorithm identifier")) << refused;
  EXPECT_EQ(server.tokens_issued(), 2u);
}

TEST_F(TimestampServerTest, RefusesOtherContentTypesAndMethods) {
  TimestampServer server(shared_pki());
  ASSERT_TRUE(server.start());
  EXPECT_EQ(curl({"--data-binary", "x", "-H", "Content-Type: text/plain", "-o", "/dev/null", server.url()}).out, "415");
  EXPECT_EQ(curl({"-o", "/dev/null", server.url()}).out, "405");
}

TEST_F(TimestampServerTest, CanFailWith500OrHangForTheSignersTests) {
  TimestampServer server(shared_pki());
  ASSERT_TRUE(server.start());
  server.set_behaviour(ServiceBehaviour::http_500);
  EXPECT_EQ(ask(server, "sha256", "e"), "500");

  server.set_behaviour(ServiceBehaviour::hang);
  const auto started = steady_clock::now();
  const auto held = curl({"--max-time", "1", "--data-binary", "x", "-H", "Content-Type: application/timestamp-query",
                          "-o", "/dev/null", server.url()});
  EXPECT_EQ(held.status, 28);  // curl: operation timed out
  EXPECT_GE(steady_clock::now() - started, milliseconds(900));

  server.set_behaviour(ServiceBehaviour::answer);
  EXPECT_EQ(ask(server, "sha256", "f"), "200");

  // Stopping releases a request that is being held.
  server.set_behaviour(ServiceBehaviour::hang);
  std::thread client([&] {
    curl({"--max-time", "4", "--data-binary", "x", "-H", "Content-Type: application/timestamp-query", server.url()});
  });
  EXPECT_TRUE(server.wait_for_held_requests(1, seconds(3)));  // the request is held: now stop
  const auto stopping = steady_clock::now();
  server.stop();
  EXPECT_LT(steady_clock::now() - stopping, seconds(2));
  client.join();
}

TEST_F(TimestampServerTest, PortZeroPicksAFreePortAndATakenPortIsReported) {
  TimestampServer first(shared_pki());
  ASSERT_TRUE(first.start());
  TimestampServer second(shared_pki());
  ASSERT_TRUE(second.start());
  EXPECT_NE(first.port(), second.port());
  TimestampServerOptions same;
  same.port = first.port();
  TimestampServer clash(shared_pki(), same);
  auto started = clash.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message, "serveur d’horodatage : impossible d’écouter sur 127.0.0.1:" +
                                         std::to_string(first.port()) + " (port déjà utilisé ?)");
  EXPECT_EQ(clash.url(), "");
  EXPECT_FALSE(first.start());  // already running
}

}  // namespace
}  // namespace ipt::localpki
