#pragma once
// The mails of a remote signing round, in French: the invitation (the link), the one-time
// code, and the pole's notice of a refusal; and the workspace's login code. Subjects name the
// dossier's reference only.
#include <chrono>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/mail/config.hpp"
#include "ipt/mail/message.hpp"
#include "ipt/pipeline/signing_requests.hpp"

namespace ipt::pipeline::detail {

core::Result<mail::MailMessage> invitation_message(const mail::MailConfig& config, const std::string& pole_name,
                                                   const std::string& pole_email, const std::string& reference,
                                                   const Invitation& invitation, const std::string& link,
                                                   std::chrono::system_clock::time_point expires);

core::Result<mail::MailMessage> code_message(const mail::MailConfig& config, const std::string& pole_name,
                                             const std::string& reference, const Invitation& invitation,
                                             const std::string& code, std::chrono::minutes lifetime);

// To the pole: who declined (their role), the reason is on the portal and in ipt request show.
core::Result<mail::MailMessage> declined_message(const mail::MailConfig& config, const std::string& pole_email,
                                                 const std::string& reference, const Invitation& invitation);

// The workspace's second factor, to a coordinator: the code, and what to do if they did not
// ask for it. No dossier named.
core::Result<mail::MailMessage> login_code_message(const mail::MailConfig& config, const std::string& email,
                                                   const std::string& name, const std::string& code,
                                                   std::chrono::minutes lifetime);

}  // namespace ipt::pipeline::detail
