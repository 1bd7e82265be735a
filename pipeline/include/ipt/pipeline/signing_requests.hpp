#pragma once
// Remote signing rounds (`ipt request`, the signer portal): the plan's signatories invited in
// order, each by a link with a random token, each next one when the previous has signed.
//
// A token is 256 random bits, base64url in the link, stored only as its SHA-256; it is bound
// to one signatory of one round, expires after `invitation_days`, and is spent once that
// signatory has signed or declined. Before signing, a one-time code (6 digits, stored as an
// HMAC keyed by the invitation, valid 10 minutes, 5 tries) sent to the signatory's e-mail
// confirms it is them. Every change is one transaction with its audit entry and the mail it
// causes (through the outbox): nothing is lost and nothing is sent twice when a process dies.
// No personal data goes into a link, a subject line or a log: links carry the token only, and
// subjects the dossier's reference (which never names the pupil, core/reference.hpp).
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/plan.hpp"
#include "ipt/core/result.hpp"
#include "ipt/core/store.hpp"
#include "ipt/mail/config.hpp"

namespace ipt::pipeline {

// ipt.conf's [portail].
struct PortalConfig {
  std::string base_url = "http://127.0.0.1:8783";  // the portal as signatories reach it
  std::chrono::days invitation_lifetime{14};
  std::chrono::days reminder_after{3};
  int max_reminders = 3;
  // ipt serve: where it listens (loopback by default), TLS, and the reverse proxies whose
  // X-Forwarded-For and X-Forwarded-Proto it believes.
  std::string listen_host = "127.0.0.1";
  int listen_port = 8783;
  std::filesystem::path tls_certificate;  // both set: HTTPS
  std::filesystem::path tls_key;
  std::vector<std::string> trusted_proxies;
};
// Relative paths are read from `base_folder` (the configuration file's folder).
core::Result<PortalConfig> parse_portal_config(std::string_view text, const std::string& file_name,
                                               const std::filesystem::path& base_folder = {});

enum class RoundState { open, completed, cancelled };
enum class InvitationState {
  waiting,    // an earlier signatory has not signed yet
  invited,    // the link was queued for sending
  opened,     // the signatory opened the link
  code_sent,  // a one-time code was queued for sending
  confirmed,  // the code was right: the signatory may sign
  signed_,    // every field of theirs in the round is signed
  declined,   // with a written reason
  expired,    // the link's delay passed (re-issue makes a new link)
  cancelled,  // the round was cancelled
};
std::string_view code(RoundState state);       // "open", "completed", "cancelled"
std::string_view code(InvitationState state);  // "waiting", "invited", …, "signed", …
std::string_view label_fr(InvitationState state);  // « en attente de son tour », « invité », …

struct Invitation {
  long long id = 0;
  int position = 0;  // 1-based order in the round
  core::Role role = core::Role::pole;
  std::string signatory;  // "Prénom Nom"
  std::string quality;
  std::string email;
  InvitationState state = InvitationState::waiting;
  std::string invited_at, expires_at, opened_at, signed_at;  // UTC ISO 8601, empty when not yet
  std::string declined_reason;
  int reminders = 0;
};

struct Round {
  long long id = 0;
  std::string reference;
  int dossier_version = 0;
  RoundState state = RoundState::open;
  std::string created_at, created_by, ended_at, cancel_reason;
  std::vector<std::string> documents;  // "annexe-4", … (the plan's signed documents)
  std::vector<Invitation> invitations;  // in order

  const Invitation* current() const;  // the first not signed, when the round is open
};

// What a token opens, for the portal: the round and the signatory it belongs to.
struct InvitationAccess {
  Round round;
  Invitation invitation;
};

// One signatory's order across the plan's signed documents: each role in the order of its first
// signature, checked to agree with every document's order.
core::Result<std::vector<core::SignatureStep>> round_order(const core::Plan& plan);

class SigningRequests {
 public:
  using Clock = core::Clock;
  SigningRequests(core::Store& store, mail::MailConfig mail, PortalConfig portal, Clock clock = {});

  // Opens a round for the latest imported version of `reference` and invites its first
  // signatory. Refuses a dossier with an open round, or whose plan asks for no signature.
  core::Result<Round> start(const std::string& reference, const std::string& actor);
  core::Result<std::vector<Round>> list() const;
  // The latest round of `reference` (none: not_found).
  core::Result<Round> show(const std::string& reference) const;
  core::Result<Round> cancel(const std::string& reference, const std::string& reason, const std::string& actor);
  // A new link for the current signatory (an expired one, or a lost mail); the old one stops working.
  core::Result<Round> reissue(const std::string& reference, const std::string& actor);
  // Reminds every current signatory invited more than reminder_after ago (at most
  // max_reminders times), and marks expired links. Returns how many reminders were queued.
  core::Result<int> remind_due(const std::string& actor);

  // ---- the portal's side: every call names the token it was given. ----
  // The round and signatory of `token`; refuses an unknown, expired, spent or cancelled one
  // (Category::not_found for unknown, refused otherwise, with the reason in French).
  // The first opening moves the invitation to `opened` (audited with `client`).
  core::Result<InvitationAccess> open(const std::string& token, const std::string& client);
  // Queues a fresh one-time code to the signatory's e-mail (the previous one stops working).
  core::Result<void> send_code(const std::string& token, const std::string& client);
  // Checks the code: 5 wrong tries spend it (a new one must be asked for); a right one is spent
  // too. Every call checks a code, so each browser (the portal's session) proves it anew.
  core::Result<void> confirm_code(const std::string& token, const std::string& code, const std::string& client);
  // The signatory declines, with a reason (required): the round stops there, the pole is told.
  core::Result<Round> decline(const std::string& token, const std::string& reason, const std::string& client);
  // Records, inside the transaction of the signature that completes this signatory's part
  // (DossierDocuments::sign's on_recorded), that they signed, and invites the next signatory
  // or closes the round. `tx` is that signature's transaction.
  core::Result<void> record_signed(core::Transaction& tx, const std::string& token, const std::string& client);

  // The link a signatory receives.
  std::string link(const std::string& token) const;

 private:
  core::Store& store_;
  mail::MailConfig mail_;
  PortalConfig portal_;
  Clock clock_;
};

}  // namespace ipt::pipeline
