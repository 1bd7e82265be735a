#include "mail_hook.hpp"

#include "ipt/mail/annexe4.hpp"
#include "ipt/mail/outbox.hpp"

namespace ipt::app {

pipeline::CompletionHook annexe4_mail_hook(mail::MailConfig config) {
  return [config = std::move(config)](sqlite3* db, const std::string& reference,
                                      const signing::Bytes& pdf) -> core::Result<void> {
    if (auto ok = mail::create_outbox_schema(db); !ok) return ok;
    auto message = mail::make_annexe4_message(config, reference, std::string(pdf.begin(), pdf.end()));
    if (!message) return std::unexpected(message.error().with_context("courriel de l'Annexe 4"));
    auto queued = mail::enqueue(db, *std::move(message), reference, std::chrono::system_clock::now());
    if (!queued) return std::unexpected(queued.error().with_context("file d'envoi"));
    return {};
  };
}

}  // namespace ipt::app
