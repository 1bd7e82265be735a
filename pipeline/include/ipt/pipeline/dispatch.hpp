#pragma once
// Dispatch to the Administration (circular 8783, section 3: the signed Annexe 4 is sent to
// poles.territoriaux@cfwb.be), and what was sent, for the archive.
#include <filesystem>
#include <string>
#include <vector>

#include "ipt/mail/config.hpp"
#include "ipt/mail/outbox.hpp"
#include "ipt/mail/transport.hpp"
#include "ipt/pipeline/archive.hpp"
#include "ipt/pipeline/dossier_documents.hpp"

namespace ipt::pipeline {

// Queues the completed Annexe 4 for the Administration, with a copy to the pole (the
// configured address, else the dossier's coordinator), in the transaction that records its
// last signature. The subject names the dossier's reference, never the pupil.
CompletionHook annexe4_mail_hook(mail::MailConfig config);

// One outbox pass (mail::Outbox::send_due) that also writes each message's outcome to the
// audit trail of the outbox's database — "mail.sent" (a server accepted it), "mail.written" (an .eml in the local
// folder), "mail.failed" — with the dossier reference, Message-ID and recipients (never a
// pupil's name), in the same transaction that marks the message: nothing is lost when the
// process dies.
core::Result<mail::PassReport> send_and_record(mail::Outbox& outbox, mail::Transport& transport, const std::string& actor);

// The messages the outbox of `database` holds about a dossier, with their state.
std::vector<DispatchRecord> dispatches_of(const std::filesystem::path& database, const std::string& reference);

}  // namespace ipt::pipeline
