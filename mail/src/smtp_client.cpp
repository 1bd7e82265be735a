#include "smtp_client.hpp"

#include <array>
#include <cstring>

#include "mime.hpp"

namespace ipt::mail::detail {

namespace {

std::string trim_line(const char* data, size_t size) {
  std::string line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// libcurl reports each line it sends (HEADER_OUT) and receives (HEADER_IN). We keep the
// server's replies and the verb of each command: never the arguments (AUTH PLAIN carries
// the credentials) and nothing the client sends while inside AUTH (AUTH LOGIN sends the
// user and the password as lines of their own).
int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto& c = *static_cast<Conversation*>(user);
  if (type == CURLINFO_HEADER_OUT) {
    static constexpr std::array<const char*, 11> verbs = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT",
                                                          "DATA", "QUIT", "RSET", "NOOP", "VRFY"};
    const std::string line = trim_line(data, size);
    const std::string verb = line.substr(0, line.find(' '));
    for (const char* v : verbs) {
      if (verb == v) {
        c.last_command = verb;
        return 0;
      }
    }
    // Anything else is a continuation line of AUTH: a credential. Drop it.
    return 0;
  }
  if (type != CURLINFO_HEADER_IN) return 0;
  const std::string line = trim_line(data, size);
  c.partial += (c.partial.empty() ? "" : " / ") + line;
  // "250-..." continues a reply, "250 ..." (or a bare code) ends it.
  if (line.size() <= 3 || line[3] == ' ') {
    c.reply = std::move(c.partial);
    c.partial.clear();
    if (c.error_reply.empty() && (c.reply.starts_with('4') || c.reply.starts_with('5'))) {
      c.error_command = c.last_command;
      c.error_reply = c.reply;
    }
  }
  return 0;
}

bool is_connection_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
    case CURLE_LOGIN_DENIED:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_SSL_CACERT_BADFILE:
      return true;
    default:
      return false;
  }
}

std::string describe_failure(CURLcode code, const char* error_buffer) {
  std::string what;
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST: what = "nom du serveur introuvable"; break;
    case CURLE_COULDNT_CONNECT: what = "connexion refusée ou impossible"; break;
    case CURLE_OPERATION_TIMEDOUT: what = "délai dépassé"; break;
    case CURLE_USE_SSL_FAILED: what = "le serveur ne propose pas STARTTLS, exigé"; break;
    case CURLE_SSL_CONNECT_ERROR: what = "échec de la négociation TLS"; break;
    case CURLE_PEER_FAILED_VERIFICATION: what = "certificat du serveur non vérifié"; break;
    case CURLE_LOGIN_DENIED: what = "authentification refusée"; break;
    default: what = "échec SMTP"; break;
  }
  // libcurl's own detail (English) helps whoever reads the server's logs; it never holds
  // the password.
  if (error_buffer && *error_buffer) what += " (" + std::string(error_buffer) + ")";
  return what;
}

}  // namespace

bool is_loopback_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  std::string host = url.substr(scheme_end + 3);
  host = host.substr(0, host.find('/'));
  if (const auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  if (host.rfind("[::1]", 0) == 0) return true;
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.rfind("127.", 0) == 0;
}

SmtpClient::SmtpClient(SmtpClient&&) noexcept = default;
SmtpClient& SmtpClient::operator=(SmtpClient&&) noexcept = default;
SmtpClient::~SmtpClient() = default;

Result<SmtpClient> SmtpClient::create(SmtpEndpoint endpoint) {
  ensure_curl_initialised();
  const bool implicit_tls = endpoint.url.rfind("smtps://", 0) == 0;
  if (!implicit_tls && endpoint.url.rfind("smtp://", 0) != 0) {
    return core::fail(core::Category::invalid_input, "smtp_url « " + endpoint.url + " » : smtp:// ou smtps:// attendu");
  }
  if (endpoint.tls == TlsMode::none && !implicit_tls && endpoint.unix_socket.empty() &&
      !is_loopback_url(endpoint.url)) {
    return core::fail(core::Category::invalid_input, "tls = none n’est permis que vers un serveur local (127.0.0.1, ::1, localhost) : "
                      "ailleurs, le message et le mot de passe passeraient en clair");
  }
  SmtpClient client;
  client.endpoint_ = std::move(endpoint);
  client.conversation_ = std::make_unique<Conversation>();
  IPT_TRY(easy, client.new_handle(*client.conversation_));
  client.easy_ = std::move(*easy);
  return client;
}

Result<EasyHandle> SmtpClient::new_handle(Conversation& conversation) const {
  EasyHandle easy(curl_easy_init());
  if (!easy) return core::fail("libcurl : initialisation impossible");
  CURL* h = easy.get();
  const long timeout = static_cast<long>(endpoint_.timeout.count());
  curl_easy_setopt(h, CURLOPT_URL, endpoint_.url.c_str());
  // Whatever the configuration says, this handle speaks SMTP only.
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
  curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout);
  // A stalled transfer (less than 1 byte/s for `timeout`) is a timeout too.
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, timeout);
  if (endpoint_.tls == TlsMode::required) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!endpoint_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, endpoint_.ca_file.c_str());
  if (!endpoint_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, endpoint_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, endpoint_.password.c_str());
  }
  // The debug callback is our only window on the server's replies; with it set, VERBOSE
  // prints nothing itself.
  curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, &conversation);
  curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
  if (!endpoint_.unix_socket.empty()) curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, endpoint_.unix_socket.c_str());
  return easy;
}

DeliveryOutcome SmtpClient::send(const MailMessage& message) {
  DeliveryOutcome outcome;
  if (auto valid = validate(message); !valid) {
    outcome.status = DeliveryStatus::permanent_failure;
    outcome.reply = "message invalide : " + valid.error().message;
    return outcome;
  }
  CURL* h = easy_.get();
  auto parts = build_mime(h, message);
  if (!parts) {
    outcome.reply = parts.error().message;
    return outcome;
  }
  Conversation& c = *conversation_;
  c.clear_replies();
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, parts->mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, parts->recipients.get());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, parts->headers.get());
  curl_easy_setopt(h, CURLOPT_MIMEPOST, parts->mime.get());
  const CURLcode code = curl_easy_perform(h);
  // The handle must not point at the parts freed when this function returns.
  curl_easy_setopt(h, CURLOPT_MIMEPOST, static_cast<curl_mime*>(nullptr));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, static_cast<curl_slist*>(nullptr));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));

  if (code == CURLE_OK) {
    outcome.status = DeliveryStatus::sent;
    outcome.reply = c.reply;
    return outcome;
  }
  const bool message_phase = c.error_command == "MAIL" || c.error_command == "RCPT" || c.error_command == "DATA";
  const std::string server_said =
      c.error_reply.empty() ? std::string() : (c.error_command.empty() ? "" : c.error_command + " : ") + c.error_reply;
  if (message_phase) {
    // The server read the message's envelope or content and answered: 5xx is its final
    // word on this message, 4xx asks to come back later.
    outcome.status = c.error_reply.starts_with('5') ? DeliveryStatus::permanent_failure : DeliveryStatus::temporary_failure;
    outcome.reply = server_said;
    return outcome;
  }
  // Anything before MAIL (connection, TLS, login) or without an answer concerns the server,
  // not this message: retry later, and stop the batch.
  outcome.status = DeliveryStatus::temporary_failure;
  outcome.server_unavailable = is_connection_error(code) || !message_phase;
  outcome.reply = describe_failure(code, error_buffer);
  if (!server_said.empty()) outcome.reply += " ; réponse du serveur : " + server_said;
  return outcome;
}

Result<std::string> SmtpClient::check() {
  Conversation c;
  IPT_TRY(easy, new_handle(c));
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy->get(), CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy->get(), CURLOPT_CONNECT_ONLY, 1L);
  const CURLcode code = curl_easy_perform(easy->get());
  if (code != CURLE_OK) {
    std::string why = describe_failure(code, error_buffer);
    if (!c.error_reply.empty()) {
      why += " ; réponse du serveur : " + (c.error_command.empty() ? "" : c.error_command + " : ") + c.error_reply;
    }
    return core::fail(core::Category::external_service, endpoint_.url + " : " + why);
  }
  std::string summary = "connexion à " + endpoint_.url + " réussie";
  if (endpoint_.url.rfind("smtps://", 0) == 0) {
    summary += ", TLS implicite";
  } else if (endpoint_.tls == TlsMode::required) {
    summary += ", STARTTLS";
  } else {
    summary += ", sans chiffrement (serveur local)";
  }
  summary += endpoint_.username.empty() ? ", sans authentification" : ", authentification acceptée";
  easy->reset();  // QUIT, then close
  return summary;
}

}  // namespace ipt::mail::detail
