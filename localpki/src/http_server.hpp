#pragma once
// The HTTP transport shared by the timestamp and OCSP services: a small HTTP/1.1 server on
// POSIX sockets bound to 127.0.0.1 (http_server.cpp says why not cpp-httplib) that hands
// every request to one handler on a few worker threads. Keeps HTTP out of the protocol code
// (and out of every public header).
#include <cstdint>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ipt/core/result.hpp"
#include "ipt/localpki/service_behaviour.hpp"

namespace ipt::localpki::detail {

struct HttpRequest {
  std::string method;        // "GET", "POST"...
  std::string target;        // raw request target, still percent-encoded ("/ocsp/MEIw...")
  std::string content_type;  // without parameters
  std::string body;
};

struct HttpReply {
  int status = 200;
  std::string content_type;
  std::string body;
};

class LoopbackHttpServer {
 public:
  // Called on the server's worker threads, possibly concurrently.
  using Handler = std::function<HttpReply(const HttpRequest&)>;

  explicit LoopbackHttpServer(Handler handler);
  ~LoopbackHttpServer();  // stop()
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  // Binds 127.0.0.1:`port` (0: a free port) and serves until stop(). Fails, in French,
  // naming `service`, when the port is taken or the server is already running.
  core::Result<std::uint16_t> start(std::uint16_t port, std::string_view service);
  // Releases held ("hang") requests, closes the socket and joins the thread. Idempotent.
  void stop();
  bool running() const;
  std::uint16_t port() const;

  void set_behaviour(ServiceBehaviour behaviour);
  ServiceBehaviour behaviour() const;
  // Waits until at least `count` requests are held by a hang; false after `timeout`.
  bool wait_for_held(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "%2F" → "/"; invalid escapes are kept as they are.
std::string percent_decode(std::string_view text);

}  // namespace ipt::localpki::detail
