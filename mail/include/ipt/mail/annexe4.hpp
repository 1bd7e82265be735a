#pragma once
// The message that carries a signed Annexe 4 (bilan d'intégration) to the Administration:
// French subject and body naming the dossier reference only (never the pupil), the PDF
// attached under a plain file name.
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/mail/config.hpp"
#include "ipt/mail/message.hpp"

namespace ipt::mail {

// To: config.admin_address; Cc: config.pole_copy when set; From: config.sender. Fails when
// no sender is configured. The Message-ID and Date are assigned when it is queued.
Result<MailMessage> make_annexe4_message(const MailConfig& config, const std::string& dossier_reference,
                                         std::string pdf_bytes);

// "annexe-4-PT-LIEGE-2026-0002.pdf"
std::string annexe4_file_name(const std::string& dossier_reference);

}  // namespace ipt::mail
