#pragma once
// An RFC 3161 timestamping authority over HTTP on 127.0.0.1, signing with the PKI's "tsa"
// certificate (issued by the intermediate CA, critical EKU timeStamping).
//
// Protocol: POST with Content-Type application/timestamp-query (any path) →
// 200 application/timestamp-reply. Accepts SHA-256, SHA-384 and SHA-512 message imprints
// (others get a "rejection" reply, badAlg); echoes the nonce; includes the TSA certificate
// and the intermediate when certReq is set; one policy OID (a request naming another is
// rejected); accuracy as configured; serial numbers 1, 2, 3... per server; signer identified
// by ESSCertIDv2 (SHA-256), as PAdES expects. The time comes from `options.clock`.
//
// Life cycle: construct, start() (binds, serves on a background thread), stop() or the
// destructor (stops cleanly, releasing held requests). All member functions are
// thread-safe.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/localpki/pki.hpp"
#include "ipt/localpki/service_behaviour.hpp"

namespace ipt::localpki {

struct TimestampServerOptions {
  std::uint16_t port = 0;  // 0: a free port, see url()
  // An OID under the ITU-T "example" arc (2.999): clearly not a real TSA policy.
  std::string policy_oid = "2.999.3161.1";
  std::chrono::milliseconds accuracy{1000};
  // The time written in tokens; null: the system clock.
  std::function<Clock::time_point()> clock;
};

class TimestampServer {
 public:
  // Keeps a copy of `pki` (cheap, shared). Nothing listens before start().
  explicit TimestampServer(Pki pki, TimestampServerOptions options = {});
  ~TimestampServer();
  TimestampServer(const TimestampServer&) = delete;
  TimestampServer& operator=(const TimestampServer&) = delete;

  // Fails (French message) when the port is taken or the server already runs.
  core::Result<void> start();
  void stop();  // idempotent

  // "http://127.0.0.1:PORT" once started; empty before.
  std::string url() const;
  std::uint16_t port() const;

  void set_behaviour(ServiceBehaviour behaviour);
  // For tests of hangs: waits until at least `count` requests are being held; false after
  // `timeout`.
  bool wait_for_held_requests(std::size_t count, std::chrono::milliseconds timeout) const;
  // Tokens issued so far (the last serial number).
  std::uint64_t tokens_issued() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipt::localpki
