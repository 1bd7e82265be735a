#include "ipt/localpki/timestamp_server.hpp"

#include <mutex>

#include "http_server.hpp"
#include "openssl_util.hpp"
#include "timestamp_protocol.hpp"

namespace ipt::localpki {

using namespace detail;

struct TimestampServer::Impl {
  Pki pki;
  TimestampServerOptions options;
  std::mutex serial_mutex;  // serial numbers strictly increase, in issue order
  std::uint64_t last_serial = 0;
  LoopbackHttpServer http;

  Impl(Pki p, TimestampServerOptions o)
      : pki(std::move(p)), options(std::move(o)), http([this](const HttpRequest& r) { return handle(r); }) {}

  HttpReply handle(const HttpRequest& request) {
    if (request.method != "POST") return {405, "text/plain", "POST application/timestamp-query attendu\n"};
    if (request.content_type != "application/timestamp-query") {
      return {415, "text/plain", "Content-Type application/timestamp-query attendu\n"};
    }
    TimestampParameters parameters;
    parameters.policy_oid = options.policy_oid;
    parameters.accuracy = options.accuracy;
    const auto& tsa = pki.timestamp_authority();
    std::lock_guard lock(serial_mutex);
    parameters.time = options.clock ? options.clock() : Clock::now();
    parameters.serial = last_serial + 1;
    // Tokens carry the intermediate; the root is the verifier's trust anchor.
    auto chain = pki.chain_of(tsa);
    if (!chain.empty()) chain.pop_back();
    auto reply = make_timestamp_reply(request.body, tsa, chain, parameters);
    if (!reply) return {500, "text/plain", "horodatage impossible\n"};
    if (reply->granted) last_serial = parameters.serial;
    return {200, "application/timestamp-reply", std::move(reply->der)};
  }
};

TimestampServer::TimestampServer(Pki pki, TimestampServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(pki), std::move(options))) {}

TimestampServer::~TimestampServer() { stop(); }

core::Result<void> TimestampServer::start() {
  IPT_TRY(port, impl_->http.start(impl_->options.port, "serveur d’horodatage"));
  return {};
}

void TimestampServer::stop() { impl_->http.stop(); }

std::string TimestampServer::url() const {
  return impl_->http.port() ? "http://127.0.0.1:" + std::to_string(impl_->http.port()) : std::string();
}
std::uint16_t TimestampServer::port() const { return impl_->http.port(); }
void TimestampServer::set_behaviour(ServiceBehaviour behaviour) { impl_->http.set_behaviour(behaviour); }
bool TimestampServer::wait_for_held_requests(std::size_t count, std::chrono::milliseconds timeout) const {
  return impl_->http.wait_for_held(count, timeout);
}

std::uint64_t TimestampServer::tokens_issued() const {
  std::lock_guard lock(impl_->serial_mutex);
  return impl_->last_serial;
}

}  // namespace ipt::localpki
