#include "http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <optional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace ipt::localpki::detail {

// HTTP/1.1 on POSIX sockets, as much of it as the clients of a timestamp server and an OCSP
// responder use (libcurl, NSS, Python's urllib3, OpenSSL's ocsp): a request line, headers, a
// body of Content-Length bytes (after "100 Continue" when asked), keep-alive. Written here
// rather than taken from cpp-httplib so that `ipt`, which runs these services in `ipt demo`,
// does not load cpp-httplib, OpenSSL's TLS library and brotli at every start (issue 13): the
// portal (`ipt-serve`) is then the one program that does.
namespace {

constexpr auto longest_hang = std::chrono::seconds(60);
constexpr int workers = 4;                     // plenty for tests and the demo; the machine is shared
constexpr int read_timeout_ms = 5000;          // a request's bytes must keep coming
constexpr int keep_alive_ms = 2000;            // an idle connection is closed after that
constexpr size_t max_header_bytes = 16 << 10;
constexpr size_t max_body_bytes = 1 << 20;

const char* reason_of(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Waits up to `ms` for bytes on `fd`: false on timeout, error or a stop (fd shut down).
bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    const int r = ::poll(&p, 1, ms);
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

struct Parsed {
  HttpRequest request;
  bool keep_alive = true;
  int refusal = 0;  // an HTTP status when the request cannot be served
};

}  // namespace

struct LoopbackHttpServer::Impl {
  Handler handler;
  int listener = -1;
  std::uint16_t port = 0;
  std::thread acceptor;
  std::vector<std::thread> pool;

  std::mutex mutex;  // guards everything below
  std::condition_variable changed;
  ServiceBehaviour behaviour = ServiceBehaviour::answer;
  bool stopping = false;
  std::size_t held = 0;            // requests waiting in a hang
  std::deque<int> waiting;         // accepted connections not yet taken by a worker
  std::set<int> connections;       // every open connection, shut down by stop()

  // Reads one request from `buffer` and the socket; nothing when the peer closed or went
  // quiet before sending one.
  std::optional<Parsed> read_request(int fd, std::string& buffer, bool first) {
    size_t end = buffer.find("\r\n\r\n");
    while (end == std::string::npos) {
      if (buffer.size() > max_header_bytes) return Parsed{{}, false, 400};
      // Between requests of a kept-alive connection, the idle limit; inside one, the read limit.
      if (!readable(fd, buffer.empty() && !first ? keep_alive_ms : read_timeout_ms)) return std::nullopt;
      char chunk[8192];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      buffer.append(chunk, static_cast<size_t>(n));
      end = buffer.find("\r\n\r\n");
    }
    Parsed parsed;
    const std::string_view head(buffer.data(), end);
    const size_t line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    const size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return Parsed{{}, false, 400};
    parsed.request.method = std::string(line.substr(0, sp1));
    parsed.request.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    const std::string_view version = line.substr(sp2 + 1);
    if (!version.starts_with("HTTP/1.")) return Parsed{{}, false, 400};
    parsed.keep_alive = version != "HTTP/1.0";
    size_t length = 0;
    bool has_length = false, chunked = false, expect_continue = false;
    for (size_t at = line_end; at != std::string_view::npos && at < head.size();) {
      const size_t next = head.find("\r\n", at + 2);
      const std::string_view field = head.substr(at + 2, (next == std::string_view::npos ? head.size() : next) - at - 2);
      at = next;
      const size_t colon = field.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string name = lower(trim(field.substr(0, colon)));
      const std::string_view value = trim(field.substr(colon + 1));
      if (name == "content-length") {
        try {
          length = std::stoul(std::string(value));
          has_length = true;
        } catch (const std::exception&) {
          return Parsed{{}, false, 400};
        }
      } else if (name == "content-type") {
        parsed.request.content_type = std::string(trim(value.substr(0, value.find(';'))));
      } else if (name == "connection") {
        const std::string v = lower(value);
        if (v.find("close") != std::string::npos) parsed.keep_alive = false;
        if (v.find("keep-alive") != std::string::npos) parsed.keep_alive = true;
      } else if (name == "transfer-encoding") {
        chunked = lower(value).find("chunked") != std::string::npos;
      } else if (name == "expect") {
        expect_continue = lower(value) == "100-continue";
      }
    }
    buffer.erase(0, end + 4);
    if (chunked) return Parsed{std::move(parsed.request), false, 411};  // no client of ours sends it
    if (has_length && length > max_body_bytes) return Parsed{std::move(parsed.request), false, 413};
    if (expect_continue && has_length && buffer.size() < length && !send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n")) {
      return std::nullopt;
    }
    while (buffer.size() < length) {
      if (!readable(fd, read_timeout_ms)) return std::nullopt;
      char chunk[65536];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    parsed.request.body = buffer.substr(0, length);
    buffer.erase(0, length);
    return parsed;
  }

  HttpReply answer(const HttpRequest& request, bool& close) {
    ServiceBehaviour now;
    {
      std::unique_lock lock(mutex);
      now = behaviour;
      if (now == ServiceBehaviour::hang) {
        ++held;
        changed.notify_all();  // for wait_for_held()
        changed.wait_for(lock, longest_hang, [&] { return stopping || behaviour != ServiceBehaviour::hang; });
        --held;
        close = true;
        return HttpReply{503, "", ""};
      }
    }
    if (now == ServiceBehaviour::http_500) return HttpReply{500, "", ""};
    try {
      return handler(request);
    } catch (const std::exception&) {
      return HttpReply{500, "", ""};
    }
  }

  void serve(int fd) {
    const int yes = 1;
    // Each answer goes in one send: no wait for the client's delayed acknowledgement.
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    std::string buffer;
    for (bool first = true;; first = false) {
      auto parsed = read_request(fd, buffer, first);
      if (!parsed) break;
      bool close = !parsed->keep_alive || parsed->refusal != 0;
      const HttpReply reply = parsed->refusal ? HttpReply{parsed->refusal, "", ""} : answer(parsed->request, close);
      {
        std::lock_guard lock(mutex);
        if (stopping) close = true;
      }
      std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason_of(reply.status) + "\r\n";
      if (!reply.content_type.empty()) out += "Content-Type: " + reply.content_type + "\r\n";
      out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
      out += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
      if (parsed->request.method != "HEAD") out += reply.body;
      if (!send_all(fd, out) || close) break;
    }
    std::lock_guard lock(mutex);
    connections.erase(fd);
    ::close(fd);
  }

  void work() {
    for (;;) {
      int fd = -1;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stopping || !waiting.empty(); });
        if (waiting.empty()) return;  // stopping, nothing left
        fd = waiting.front();
        waiting.pop_front();
      }
      serve(fd);
    }
  }

  void accept_loop() {
    for (;;) {
      const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // the listener was shut down by stop()
      }
      std::lock_guard lock(mutex);
      if (stopping) {
        ::close(fd);
        return;
      }
      connections.insert(fd);
      waiting.push_back(fd);
      changed.notify_all();
    }
  }
};

LoopbackHttpServer::LoopbackHttpServer(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
}

LoopbackHttpServer::~LoopbackHttpServer() { stop(); }

core::Result<std::uint16_t> LoopbackHttpServer::start(std::uint16_t port, std::string_view service) {
  if (impl_->acceptor.joinable()) return core::fail(std::string(service) + " : déjà démarré");
  const auto refused = [&] {
    return core::fail(std::string(service) + " : impossible d’écouter sur 127.0.0.1:" +
                      (port ? std::to_string(port) : std::string("(port libre)")) + " (port déjà utilisé ?)");
  };
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return refused();
  // SO_REUSEADDR alone: a quick restart on the same port works, while SO_REUSEPORT would let
  // a second server share (and silently split) a port in use.
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ::close(fd);
    return refused();
  }
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = false;
  }
  impl_->listener = fd;
  impl_->port = ntohs(address.sin_port);
  for (int i = 0; i < workers; ++i) impl_->pool.emplace_back([impl = impl_.get()] { impl->work(); });
  impl_->acceptor = std::thread([impl = impl_.get()] { impl->accept_loop(); });
  return impl_->port;
}

void LoopbackHttpServer::stop() {
  if (!impl_ || !impl_->acceptor.joinable()) return;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    // Wakes the accept loop, and every connection's read, which then ends.
    ::shutdown(impl_->listener, SHUT_RDWR);
    for (const int fd : impl_->connections) ::shutdown(fd, SHUT_RDWR);
  }
  impl_->changed.notify_all();
  impl_->acceptor.join();
  for (auto& t : impl_->pool) t.join();
  impl_->pool.clear();
  std::lock_guard lock(impl_->mutex);
  for (const int fd : impl_->waiting) ::close(fd);
  impl_->waiting.clear();
  impl_->connections.clear();
  ::close(impl_->listener);
  impl_->listener = -1;
}

bool LoopbackHttpServer::running() const {
  if (!impl_->acceptor.joinable()) return false;
  std::lock_guard lock(impl_->mutex);
  return !impl_->stopping;
}
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
