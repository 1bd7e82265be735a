#include "ipt/mail/transport.hpp"
#include "smtp_client.hpp"

namespace ipt::mail {

struct SmtpTransport::Impl {
  detail::SmtpClient client;
};

SmtpTransport::SmtpTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SmtpTransport::~SmtpTransport() = default;

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::create(const MailConfig& config) {
  if (config.smtp_url.empty()) return core::fail(core::Category::invalid_input, "configuration : smtp_url absent (aucun serveur SMTP)");
  IPT_TRY(password, load_password(config));
  detail::SmtpEndpoint endpoint;
  endpoint.url = config.smtp_url;
  endpoint.tls = config.tls;
  endpoint.ca_file = config.ca_file;
  endpoint.username = config.username;
  endpoint.password = password->value_or("");
  endpoint.timeout = config.timeout;
  IPT_TRY(client, detail::SmtpClient::create(std::move(endpoint)));
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
  IPT_TRY(smtp, SmtpTransport::create(config));
  return std::unique_ptr<Transport>(std::move(*smtp));
}

}  // namespace ipt::mail
