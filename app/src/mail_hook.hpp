#pragma once
// The consequence of a completed Annexe 4: the signed PDF queued for the Administration (and
// the pole's copy) in the transaction that records the last signature.
#include "ipt/mail/config.hpp"
#include "ipt/pipeline/dossier_documents.hpp"

namespace ipt::app {

pipeline::CompletionHook annexe4_mail_hook(mail::MailConfig config);

}  // namespace ipt::app
