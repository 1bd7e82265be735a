#include "ipt/localpki/ocsp_responder.hpp"

#include <atomic>
#include <mutex>
#include <optional>

#include "http_server.hpp"
#include "openssl_util.hpp"
#include "revocation_protocol.hpp"

namespace ipt::localpki {

using namespace detail;

namespace {

// RFC 6960 A.1 GET: base64 of the DER request, URL-encoded. Tolerates the URL-safe
// alphabet and missing padding, which some clients send.
std::optional<std::string> decode_base64(std::string text) {
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text += '=';
  if (text.empty()) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (size < 0) return std::nullopt;
  size_t length = static_cast<size_t>(size);
  for (size_t i = text.size(); i > 0 && text[i - 1] == '=' && length > 0; --i) --length;
  out.resize(length);
  return out;
}

// "/crl/intermediate.crl" with prefix "/crl/" and suffix ".crl" → "intermediate".
std::optional<std::string> file_stem(const std::string& target, std::string_view prefix, std::string_view suffix) {
  if (!target.starts_with(prefix) || !target.ends_with(suffix) || target.size() <= prefix.size() + suffix.size()) {
    return std::nullopt;
  }
  return target.substr(prefix.size(), target.size() - prefix.size() - suffix.size());
}

}  // namespace

struct OcspResponder::Impl {
  OcspResponderOptions options;
  mutable std::mutex mutex;  // guards pki, revoked, crl_number
  std::optional<Pki> pki;
  RevocationList revoked;
  std::uint64_t crl_number = 0;
  std::atomic<std::uint64_t> ocsp_requests{0};
  LoopbackHttpServer http;

  explicit Impl(OcspResponderOptions o)
      : options(std::move(o)), http([this](const HttpRequest& r) { return handle(r); }) {}

  Clock::time_point now() const { return options.clock ? options.clock() : Clock::now(); }

  // A consistent view for one request; the Pki copy is cheap (shared state).
  std::pair<std::optional<Pki>, RevocationList> snapshot() const {
    std::lock_guard lock(mutex);
    return {pki, revoked};
  }

  HttpReply handle(const HttpRequest& request) {
    std::string target = request.target;
    if (const auto query = target.find('?'); query != std::string::npos) target.resize(query);
    if (request.method == "GET") {
      if (target.starts_with("/crl/")) return serve_crl(target);
      if (target.starts_with("/ca/")) return serve_ca(target);
      std::string encoded = target.starts_with("/ocsp/") ? target.substr(6) : target.substr(1);
      auto der = decode_base64(percent_decode(encoded));
      if (!der) return {400, "text/plain", "requête OCSP GET illisible (base64 attendu)\n"};
      return answer_ocsp(*der);
    }
    if (request.method == "POST") {
      if (request.content_type != "application/ocsp-request") {
        return {415, "text/plain", "Content-Type application/ocsp-request attendu\n"};
      }
      return answer_ocsp(request.body);
    }
    return {405, "text/plain", "GET ou POST attendu\n"};
  }

  HttpReply answer_ocsp(const std::string& der) {
    ++ocsp_requests;
    auto [served, list] = snapshot();
    if (!served) return {200, "application/ocsp-response", make_ocsp_try_later()};
    auto reply = make_ocsp_reply(der, *served, list, {now(), options.validity});
    if (!reply) return {500, "text/plain", "réponse OCSP impossible\n"};
    return {200, "application/ocsp-response", std::move(*reply)};
  }

  HttpReply serve_crl(const std::string& target) {
    const auto ca_id = file_stem(target, "/crl/", ".crl");
    std::uint64_t number = 0;
    auto [served, list] = snapshot();
    if (!served) return {503, "text/plain", "aucune PKI servie\n"};
    const Credential* ca = ca_id ? served->find(*ca_id) : nullptr;
    if (!ca || (ca->kind() != CredentialKind::root_ca && ca->kind() != CredentialKind::intermediate_ca)) {
      return {404, "text/plain", "LCR inconnue\n"};
    }
    {
      std::lock_guard lock(mutex);
      number = ++crl_number;
    }
    auto crl = make_crl(*ca, list, now(), options.crl_validity, number);
    if (!crl) return {500, "text/plain", "LCR impossible\n"};
    return {200, "application/pkix-crl", std::move(*crl)};
  }

  HttpReply serve_ca(const std::string& target) {
    const auto ca_id = file_stem(target, "/ca/", ".crt");
    auto [served, list] = snapshot();
    if (!served) return {503, "text/plain", "aucune PKI servie\n"};
    const Credential* ca = ca_id ? served->find(*ca_id) : nullptr;
    if (!ca || (ca->kind() != CredentialKind::root_ca && ca->kind() != CredentialKind::intermediate_ca)) {
      return {404, "text/plain", "certificat inconnu\n"};
    }
    return {200, "application/pkix-cert", to_string(ca->certificate_der())};
  }
};

OcspResponder::OcspResponder(OcspResponderOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

OcspResponder::OcspResponder(Pki pki, OcspResponderOptions options) : OcspResponder(std::move(options)) {
  serve(std::move(pki));
}

OcspResponder::~OcspResponder() { stop(); }

core::Result<void> OcspResponder::start() {
  IPT_TRY(port, impl_->http.start(impl_->options.port, "répondeur OCSP"));
  return {};
}

void OcspResponder::stop() { impl_->http.stop(); }

std::string OcspResponder::url() const {
  return impl_->http.port() ? "http://127.0.0.1:" + std::to_string(impl_->http.port()) : std::string();
}
std::uint16_t OcspResponder::port() const { return impl_->http.port(); }

void OcspResponder::serve(Pki pki) {
  std::lock_guard lock(impl_->mutex);
  impl_->pki = std::move(pki);
}

core::Result<void> OcspResponder::revoke(std::string_view credential_id, Clock::time_point when,
                                         RevocationReason reason) {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->pki) return core::fail(core::Category::invalid_input, "révocation de « " + std::string(credential_id) + " » : aucune PKI servie");
  const Credential* c = impl_->pki->find(credential_id);
  if (!c) return core::fail(core::Category::not_found, "révocation : certificat « " + std::string(credential_id) + " » inconnu");
  if (c->issuer_id().empty()) return core::fail(core::Category::invalid_input, "révocation : la racine ne peut pas être révoquée");
  impl_->revoked[{c->issuer_id(), c->serial_hex()}] = Revocation{when, reason};
  return {};
}

core::Result<void> OcspResponder::revoke(const X509* certificate, Clock::time_point when, RevocationReason reason) {
  std::string id;
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->pki) return core::fail(core::Category::invalid_input, "révocation : aucune PKI servie");
    for (const auto& c : impl_->pki->credentials()) {
      if (X509_cmp(c.certificate(), certificate) == 0) id = c.id();
    }
  }
  if (id.empty()) return core::fail(core::Category::invalid_input, "révocation : certificat non émis par la PKI servie");
  return revoke(id, when, reason);
}

core::Result<void> OcspResponder::revoke_serial(std::string_view ca_id, std::string_view serial_hex,
                                                Clock::time_point when, RevocationReason reason) {
  if (serial_hex.starts_with("0x") || serial_hex.starts_with("0X")) serial_hex.remove_prefix(2);
  while (serial_hex.size() > 1 && serial_hex.front() == '0') serial_hex.remove_prefix(1);
  std::string serial;
  for (char c : serial_hex) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return core::fail(core::Category::invalid_input, "révocation : numéro de série invalide « " + std::string(serial_hex) + " »");
    serial += static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c);
  }
  if (serial.empty()) return core::fail(core::Category::invalid_input, "révocation : numéro de série vide");
  // BN_bn2hex writes an even number of digits: match its spelling so lookups agree.
  if (serial.size() % 2 != 0) serial.insert(serial.begin(), '0');
  std::lock_guard lock(impl_->mutex);
  if (!impl_->pki) return core::fail(core::Category::invalid_input, "révocation : aucune PKI servie");
  const Credential* ca = impl_->pki->find(ca_id);
  if (!ca || (ca->kind() != CredentialKind::root_ca && ca->kind() != CredentialKind::intermediate_ca)) {
    return core::fail(core::Category::not_found, "révocation : autorité « " + std::string(ca_id) + " » inconnue");
  }
  impl_->revoked[{ca->id(), serial}] = Revocation{when, reason};
  return {};
}

void OcspResponder::set_behaviour(ServiceBehaviour behaviour) { impl_->http.set_behaviour(behaviour); }
std::uint64_t OcspResponder::ocsp_requests() const { return impl_->ocsp_requests.load(); }

}  // namespace ipt::localpki
