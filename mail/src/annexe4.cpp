#include "ipt/mail/annexe4.hpp"

namespace ipt::mail {

std::string annexe4_file_name(const std::string& reference) {
  std::string safe;
  for (char c : reference) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    safe += plain ? c : '_';
  }
  return "annexe-4-" + safe + ".pdf";
}

Result<MailMessage> make_annexe4_message(const MailConfig& config, const std::string& reference,
                                         std::string pdf_bytes) {
  if (config.sender.empty()) {
    return core::fail(core::Category::invalid_input, "configuration : « sender » (adresse d’expédition du pôle) absent");
  }
  if (reference.empty()) return core::fail(core::Category::invalid_input, "référence du dossier absente");
  MailMessage m;
  m.from = {config.sender, config.sender_name};
  m.to = {{config.admin_address, ""}};
  if (!config.pole_copy.empty()) m.cc = {{config.pole_copy, ""}};
  // The reference identifies the dossier for the Administration; the pupil's name stays in
  // the signed PDF, never in a header that mail servers log.
  m.subject = "Annexe 4 – Bilan d’intégration – dossier " + reference;
  const std::string signature = config.sender_name.empty() ? "Le pôle territorial" : config.sender_name;
  m.text =
      "Madame, Monsieur,\n"
      "\n"
      "Veuillez trouver ci-joint l’Annexe 4 (bilan d’intégration) signée du dossier " + reference + ",\n"
      "transmise conformément à la circulaire 8783.\n"
      "\n"
      "Pour toute question relative à ce dossier, merci de répondre à ce message en rappelant\n"
      "sa référence.\n"
      "\n"
      "Nous vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations distinguées.\n"
      "\n" + signature + "\n"
      "\n"
      "-- \n"
      "Message préparé par IPT Dossiers. S’il vous parvient deux fois, les deux exemplaires portent\n"
      "le même identifiant (Message-ID) : il s’agit d’un seul et même envoi.\n";
  m.attachments.push_back({annexe4_file_name(reference), "application/pdf", std::move(pdf_bytes)});
  return m;
}

Result<QueuedMessage> enqueue_annexe4(core::Transaction& db, const MailConfig& config, const std::string& reference,
                                      std::string signed_pdf, std::chrono::system_clock::time_point now) {
  auto message = make_annexe4_message(config, reference, std::move(signed_pdf));
  if (!message) return std::unexpected(message.error().with_context("envoi de l’Annexe 4 du dossier " + reference));
  return enqueue(db, std::move(*message), reference, now);
}

}  // namespace ipt::mail
