#include "dispatches.hpp"

#include "ipt/mail/outbox.hpp"

namespace ipt::app {

std::vector<pipeline::DispatchRecord> dispatches_of(const std::filesystem::path& database, const std::string& reference) {
  std::vector<pipeline::DispatchRecord> out;
  auto outbox = mail::Outbox::open(database);
  if (!outbox) return out;
  auto entries = outbox->list();
  if (!entries) return out;
  for (const auto& e : *entries) {
    if (e.dossier == reference) out.push_back({e.subject, e.recipients, std::string(mail::label_fr(e.status))});
  }
  return out;
}

}  // namespace ipt::app
