#pragma once
// The message that carries a signed Annexe 4 (bilan d'intégration) to the Administration:
// French subject and body naming the dossier reference only (never the pupil), the PDF
// attached under a plain file name.
#include <chrono>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/mail/config.hpp"
#include "ipt/mail/message.hpp"
#include "ipt/mail/outbox.hpp"

namespace ipt::mail {

// To: config.admin_address; Cc: config.pole_copy when set; From: config.sender. Fails when
// no sender is configured. The Message-ID and Date are assigned when it is queued.
Result<MailMessage> make_annexe4_message(const MailConfig& config, const std::string& dossier_reference,
                                         std::string pdf_bytes);

// Builds that message and queues it inside the caller's open transaction (see enqueue()): the body of a completion hook that runs when the last
// signature of an Annexe 4 is recorded, so that "signed" and "queued" commit together.
Result<QueuedMessage> enqueue_annexe4(core::Transaction& tx, const MailConfig& config,
                                      const std::string& dossier_reference, std::string signed_pdf,
                                      std::chrono::system_clock::time_point now);

// "annexe-4-PT-LIEGE-2026-0002.pdf"
std::string annexe4_file_name(const std::string& dossier_reference);

}  // namespace ipt::mail
