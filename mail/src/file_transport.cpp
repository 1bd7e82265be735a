// The file transport: the message goes through the very SMTP client the SMTP transport uses,
// but to an in-process capture listening on a Unix socket in a fresh owner-only folder, and
// what arrives as DATA is written to a file. So the .eml is what a server would have
// received. (A socket pair handed to libcurl through CURLOPT_OPENSOCKETFUNCTION would avoid
// the folder, but libcurl 7.88 ignores CURL_SOCKOPT_ALREADY_CONNECTED and tries to connect
// it.)
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "ipt/core/files.hpp"
#include "ipt/mail/transport.hpp"
#include "smtp_client.hpp"

namespace ipt::mail {

namespace {

// A minimal SMTP server for one connection: accepts everything, keeps the DATA.
class Capture {
 public:
  explicit Capture(int listener) : listener_(listener) {}
  ~Capture() {
    if (fd_ >= 0) ::close(fd_);
    if (listener_ >= 0) ::close(listener_);
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  void serve() {
    fd_ = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd_ < 0) return;
    if (!say("220 ipt-capture ESMTP")) return;
    std::string line;
    while (read_line(line)) {
      std::string verb = line.substr(0, 4);
      for (auto& ch : verb) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
      if (verb == "EHLO" || verb == "HELO") {
        if (!say("250 ipt-capture")) return;
      } else if (verb == "MAIL" || verb == "RCPT" || verb == "RSET" || verb == "NOOP") {
        if (!say("250 OK")) return;
      } else if (verb == "DATA") {
        if (!say("354 fin par <CRLF>.<CRLF>")) return;
        std::string data;
        while (read_line(line) && line != ".") {
          // SMTP dot-stuffing: a leading dot was doubled by the client.
          data += line.starts_with('.') ? line.substr(1) : line;
          data += "\r\n";
        }
        captured_ = std::move(data);
        got_data_ = true;
        if (!say("250 OK")) return;
      } else if (verb == "QUIT") {
        say("221 ipt-capture");
        return;
      } else {
        if (!say("502 commande non prise en charge")) return;
      }
    }
  }

  bool got_data() const { return got_data_; }
  std::string take() { return std::move(captured_); }

 private:
  bool say(const std::string& reply) {
    const std::string out = reply + "\r\n";
    size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::send(fd_, out.data() + done, out.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  bool read_line(std::string& line) {
    for (;;) {
      if (const auto end = buffer_.find("\r\n", start_); end != std::string::npos) {
        line.assign(buffer_, start_, end - start_);
        start_ = end + 2;
        return true;
      }
      buffer_.erase(0, start_);
      start_ = 0;
      char chunk[65536];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  int listener_;
  int fd_ = -1;
  std::string buffer_;
  size_t start_ = 0;
  std::string captured_;
  bool got_data_ = false;
};

std::string file_name_for(const std::string& message_id) {
  std::string name;
  for (char c : message_id) {
    if (c == '<' || c == '>') continue;
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                       c == '-' || c == '_' || c == '@';
    name += plain ? c : '_';
  }
  return name + ".eml";
}

}  // namespace

Result<std::string> render_message(const MailMessage& message) {
  IPT_TRY_VOID(validate(message));
  // mkdtemp makes the folder 0700: no other user can reach the socket inside.
  std::string folder = (std::filesystem::temp_directory_path() / "ipt-mail-XXXXXX").string();
  if (!::mkdtemp(folder.data())) {
    return core::fail(std::string("capture du message : dossier temporaire impossible (") + std::strerror(errno) + ")");
  }
  const std::string socket_path = folder + "/smtp";
  struct Cleanup {
    const std::string& folder;
    const std::string& socket_path;
    ~Cleanup() {
      ::unlink(socket_path.c_str());
      ::rmdir(folder.c_str());
    }
  } cleanup{folder, socket_path};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof address.sun_path) return core::fail("capture du message : chemin de socket trop long");
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) return core::fail(std::string("capture du message : socket impossible (") + std::strerror(errno) + ")");
  Capture capture(listener);
  if (::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 1) != 0) {
    return core::fail(std::string("capture du message : écoute impossible (") + std::strerror(errno) + ")");
  }
  std::thread server([&capture] { capture.serve(); });
  DeliveryOutcome outcome;
  {
    detail::SmtpEndpoint endpoint;
    endpoint.url = "smtp://localhost";  // the host is not used: libcurl connects to the socket
    endpoint.tls = TlsMode::none;
    endpoint.unix_socket = socket_path;
    auto client = detail::SmtpClient::create(std::move(endpoint));
    if (client) {
      outcome = client->send(message);
    } else {
      outcome.reply = client.error().message;
    }
  }  // the client closes here (QUIT): the capture thread sees it and ends
  // If libcurl failed before connecting, accept() still waits: wake it. (An accepted
  // connection is not affected.)
  ::shutdown(listener, SHUT_RDWR);
  server.join();
  if (outcome.status != DeliveryStatus::sent || !capture.got_data()) {
    return core::fail("capture du message : " + outcome.reply);
  }
  return capture.take();
}

FileTransport::FileTransport(std::filesystem::path folder) : folder_(std::move(folder)) {}

std::string FileTransport::describe() const { return "dossier " + folder_.string(); }

DeliveryOutcome FileTransport::deliver(const MailMessage& message) {
  DeliveryOutcome outcome;
  auto bytes = render_message(message);
  if (!bytes) {
    outcome.status = DeliveryStatus::permanent_failure;
    outcome.reply = bytes.error().message;
    return outcome;
  }
  std::error_code ec;
  if (!std::filesystem::exists(folder_, ec)) {
    std::filesystem::create_directories(folder_, ec);
    if (ec) {
      outcome.server_unavailable = true;
      outcome.reply = folder_.string() + " : création du dossier impossible (" + ec.message() + ")";
      return outcome;
    }
    std::filesystem::permissions(folder_, std::filesystem::perms::owner_all, ec);
  }
  const auto path = folder_ / file_name_for(message.message_id);
  if (auto written = core::write_file_atomically(path, *bytes); !written) {
    outcome.server_unavailable = true;  // a folder problem stops every message alike
    outcome.reply = written.error().message;
    return outcome;
  }
  outcome.status = DeliveryStatus::sent;
  outcome.written_locally = true;
  outcome.reply = "écrit dans " + path.string();
  return outcome;
}

}  // namespace ipt::mail
