#include "http_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ipt::localpki::detail {

namespace {
constexpr auto longest_hang = std::chrono::seconds(60);
}

struct LoopbackHttpServer::Impl {
  Handler handler;
  httplib::Server server;
  std::thread thread;
  std::uint16_t port = 0;

  std::mutex mutex;  // guards behaviour and stopping, for the hang wait
  std::condition_variable changed;
  ServiceBehaviour behaviour = ServiceBehaviour::answer;
  bool stopping = false;
  std::size_t held = 0;  // requests waiting in a hang

  void handle(const httplib::Request& in, httplib::Response& out) {
    ServiceBehaviour now;
    {
      std::unique_lock lock(mutex);
      now = behaviour;
      if (now == ServiceBehaviour::hang) {
        ++held;
        changed.notify_all();  // for wait_for_held()
        changed.wait_for(lock, longest_hang, [&] { return stopping || behaviour != ServiceBehaviour::hang; });
        --held;
        out.status = 503;
        out.set_header("Connection", "close");
        return;
      }
    }
    if (now == ServiceBehaviour::http_500) {
      out.status = 500;
      return;
    }
    HttpRequest request;
    request.method = in.method;
    request.target = in.target;
    request.content_type = in.get_header_value("Content-Type");
    if (const auto semicolon = request.content_type.find(';'); semicolon != std::string::npos) {
      request.content_type.resize(semicolon);
    }
    request.body = in.body;
    HttpReply reply;
    try {
      reply = handler(request);
    } catch (const std::exception&) {
      reply = HttpReply{500, "", ""};
    }
    out.status = reply.status;
    if (!reply.content_type.empty()) {
      out.set_content(reply.body, reply.content_type.c_str());
    } else {
      out.body = reply.body;
    }
  }
};

LoopbackHttpServer::LoopbackHttpServer(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  auto route = [impl = impl_.get()](const httplib::Request& in, httplib::Response& out) { impl->handle(in, out); };
  impl_->server.Get(".*", route);
  impl_->server.Post(".*", route);
  // A few workers are plenty for tests and the demo; the machine is shared.
  impl_->server.new_task_queue = [] { return new httplib::ThreadPool(4); };
  impl_->server.set_read_timeout(5, 0);
  impl_->server.set_keep_alive_timeout(2);
  impl_->server.set_payload_max_length(1 << 20);
  // httplib's default also sets SO_REUSEPORT, which would let a second server share (and
  // silently split) a port that is in use. SO_REUSEADDR alone still allows a quick restart.
  impl_->server.set_socket_options([](socket_t socket) {
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
}

LoopbackHttpServer::~LoopbackHttpServer() { stop(); }

core::Result<std::uint16_t> LoopbackHttpServer::start(std::uint16_t port, std::string_view service) {
  if (impl_->thread.joinable()) return core::fail(std::string(service) + " : déjà démarré");
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = false;
  }
  int bound = -1;
  if (port == 0) {
    bound = impl_->server.bind_to_any_port("127.0.0.1");
  } else if (impl_->server.bind_to_port("127.0.0.1", port)) {
    bound = port;
  }
  if (bound <= 0) {
    return core::fail(std::string(service) + " : impossible d’écouter sur 127.0.0.1:" +
                      (port ? std::to_string(port) : std::string("(port libre)")) + " (port déjà utilisé ?)");
  }
  impl_->port = static_cast<std::uint16_t>(bound);
  impl_->thread = std::thread([impl = impl_.get()] { impl->server.listen_after_bind(); });
  // stop() only shuts a *running* server down: wait for the accept loop, so that a stop()
  // right after start() cannot leave the thread blocked in accept().
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!impl_->server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return impl_->port;
}

void LoopbackHttpServer::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->changed.notify_all();
  impl_->server.stop();
  impl_->thread.join();
}

bool LoopbackHttpServer::running() const { return impl_->thread.joinable() && impl_->server.is_running(); }
std::uint16_t LoopbackHttpServer::port() const { return impl_->port; }

void LoopbackHttpServer::set_behaviour(ServiceBehaviour behaviour) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->behaviour = behaviour;
  }
  impl_->changed.notify_all();
}

bool LoopbackHttpServer::wait_for_held(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->held >= count; });
}

ServiceBehaviour LoopbackHttpServer::behaviour() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->behaviour;
}

std::string percent_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace ipt::localpki::detail
