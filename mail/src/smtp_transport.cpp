#include "ipt/mail/transport.hpp"
#include "smtp_client.hpp"

namespace ipt::mail {

struct SmtpTransport::Impl {
  detail::SmtpClient client;
};

SmtpTransport::SmtpTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SmtpTransport::~SmtpTransport() = default;

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::create(const MailConfig& config) {
  if (config.smtp_url.empty()) return core::fail("configuration : smtp_url absent (aucun serveur SMTP)");
  auto password = load_password(config);
  if (!password) return std::unexpected(password.error());
  detail::SmtpEndpoint endpoint;
  endpoint.url = config.smtp_url;
  endpoint.tls = config.tls;
  endpoint.ca_file = config.ca_file;
  endpoint.username = config.username;
  endpoint.password = password->value_or("");
  endpoint.timeout = config.timeout;
  auto client = detail::SmtpClient::create(std::move(endpoint));
  if (!client) return std::unexpected(client.error());
  return std::unique_ptr<SmtpTransport>(new SmtpTransport(std::make_unique<Impl>(Impl{std::move(*client)})));
}

DeliveryOutcome SmtpTransport::deliver(const MailMessage& message) { return impl_->client.send(message); }

std::string SmtpTransport::describe() const { return impl_->client.url(); }

Result<std::string> SmtpTransport::check_connection() { return impl_->client.check(); }

Result<std::unique_ptr<Transport>> make_transport(const MailConfig& config,
                                                  const std::filesystem::path& default_folder) {
  if (config.smtp_url.empty()) {
    return std::unique_ptr<Transport>(
        std::make_unique<FileTransport>(config.outbox_dir.empty() ? default_folder : config.outbox_dir));
  }
  auto smtp = SmtpTransport::create(config);
  if (!smtp) return std::unexpected(smtp.error());
  return std::unique_ptr<Transport>(std::move(*smtp));
}

}  // namespace ipt::mail
