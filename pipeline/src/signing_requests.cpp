#include "ipt/pipeline/signing_requests.hpp"

#include <algorithm>

#include "ipt/core/config_file.hpp"
#include "ipt/core/database.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/files.hpp"
#include "ipt/core/reference.hpp"
#include "ipt/core/school_calendar.hpp"
#include "ipt/core/secrets.hpp"
#include "ipt/mail/outbox.hpp"
#include "request_mail.hpp"

namespace ipt::pipeline {

namespace {

using core::Migration;
using core::Statement;
using core::Transaction;

constexpr const char* schema_v1_sql = R"sql(
CREATE TABLE signing_round (
  id              INTEGER PRIMARY KEY,
  reference       TEXT NOT NULL,
  dossier_version INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('open', 'completed', 'cancelled')),
  created_at      INTEGER NOT NULL,
  created_by      TEXT NOT NULL,
  ended_at        INTEGER NOT NULL DEFAULT 0,
  cancel_reason   TEXT NOT NULL DEFAULT '',
  documents       TEXT NOT NULL,
  pole_name       TEXT NOT NULL,
  pole_email      TEXT NOT NULL
);
CREATE UNIQUE INDEX signing_round_one_open ON signing_round(reference) WHERE state = 'open';
CREATE TABLE signing_invitation (
  id              INTEGER PRIMARY KEY,
  round           INTEGER NOT NULL REFERENCES signing_round(id),
  position        INTEGER NOT NULL,
  role            TEXT NOT NULL,
  signatory       TEXT NOT NULL,
  quality         TEXT NOT NULL,
  email           TEXT NOT NULL,
  state           TEXT NOT NULL,
  token_hash      TEXT UNIQUE,
  invited_at      INTEGER NOT NULL DEFAULT 0,
  expires_at      INTEGER NOT NULL DEFAULT 0,
  opened_at       INTEGER NOT NULL DEFAULT 0,
  signed_at       INTEGER NOT NULL DEFAULT 0,
  declined_reason TEXT NOT NULL DEFAULT '',
  reminders       INTEGER NOT NULL DEFAULT 0,
  code_hmac       TEXT NOT NULL DEFAULT '',
  code_expires_at INTEGER NOT NULL DEFAULT 0,
  code_tries      INTEGER NOT NULL DEFAULT 0,
  UNIQUE (round, position)
);
)sql";
constexpr Migration migrations[] = {{1, schema_v1_sql}};

constexpr int code_digits = 6;
constexpr int code_max_tries = 5;
constexpr std::chrono::minutes code_lifetime{10};

struct InvitationStateName {
  InvitationState state;
  const char* code;
  const char* label;
};
constexpr InvitationStateName invitation_states[] = {
    {InvitationState::waiting, "waiting", "en attente de son tour"},
    {InvitationState::invited, "invited", "invité"},
    {InvitationState::opened, "opened", "lien ouvert"},
    {InvitationState::code_sent, "code_sent", "code envoyé"},
    {InvitationState::confirmed, "confirmed", "identité confirmée"},
    {InvitationState::signed_, "signed", "a signé"},
    {InvitationState::declined, "declined", "a refusé"},
    {InvitationState::expired, "expired", "lien expiré"},
    {InvitationState::cancelled, "cancelled", "tour annulé"},
};

InvitationState parse_invitation_state(const std::string& text) {
  for (const auto& s : invitation_states) {
    if (text == s.code) return s.state;
  }
  return InvitationState::cancelled;
}

RoundState parse_round_state(const std::string& text) {
  if (text == "open") return RoundState::open;
  if (text == "completed") return RoundState::completed;
  return RoundState::cancelled;
}

core::Role parse_role(const std::string& text) {
  for (auto r : {core::Role::pole, core::Role::ecole_ordinaire, core::Role::cpms, core::Role::responsable}) {
    if (core::code(r) == text) return r;
  }
  return core::Role::responsable;
}

long long unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string iso(long long seconds) {
  if (seconds == 0) return "";
  return core::format_utc(std::chrono::system_clock::time_point(std::chrono::seconds(seconds)), "%Y-%m-%dT%H:%M:%SZ");
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const auto comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

core::Result<void> prepare_schema(core::Database& db) { return core::ensure_schema(db, "requests", migrations); }

constexpr const char* round_columns =
    "id, reference, dossier_version, state, created_at, created_by, ended_at, cancel_reason, documents, pole_name, pole_email";

struct RoundRow {
  Round round;
  std::string pole_name;
  std::string pole_email;
};

RoundRow read_round_row(const Statement& q) {
  RoundRow r;
  r.round.id = q.integer(0);
  r.round.reference = q.text(1);
  r.round.dossier_version = static_cast<int>(q.integer(2));
  r.round.state = parse_round_state(q.text(3));
  r.round.created_at = iso(q.integer(4));
  r.round.created_by = q.text(5);
  r.round.ended_at = iso(q.integer(6));
  r.round.cancel_reason = q.text(7);
  r.round.documents = split(q.text(8));
  r.pole_name = q.text(9);
  r.pole_email = q.text(10);
  return r;
}

core::Result<std::vector<Invitation>> read_invitations(const core::Database& db, long long round) {
  IPT_TRY(q, Statement::prepare(db,
      "SELECT id, position, role, signatory, quality, email, state, invited_at, expires_at, opened_at, signed_at,"
      " declined_reason, reminders FROM signing_invitation WHERE round = ? ORDER BY position"));
  q->bind(1, round);
  std::vector<Invitation> out;
  for (;;) {
    IPT_TRY(row, q->step());
    if (!*row) return out;
    Invitation i;
    i.id = q->integer(0);
    i.position = static_cast<int>(q->integer(1));
    i.role = parse_role(q->text(2));
    i.signatory = q->text(3);
    i.quality = q->text(4);
    i.email = q->text(5);
    i.state = parse_invitation_state(q->text(6));
    i.invited_at = iso(q->integer(7));
    i.expires_at = iso(q->integer(8));
    i.opened_at = iso(q->integer(9));
    i.signed_at = iso(q->integer(10));
    i.declined_reason = q->text(11);
    i.reminders = static_cast<int>(q->integer(12));
    out.push_back(std::move(i));
  }
}

// The round and signatory a token belongs to, read on `db` (inside or outside a transaction).
struct TokenRow {
  RoundRow round;
  Invitation invitation;
  long long expires_at = 0;
  std::string code_hmac;
  long long code_expires_at = 0;
  int code_tries = 0;
};

core::Result<std::optional<TokenRow>> find_token(const core::Database& db, const std::string& token) {
  IPT_TRY(q, Statement::prepare(db,
      "SELECT round, id, expires_at, code_hmac, code_expires_at, code_tries FROM signing_invitation WHERE token_hash = ?"));
  q->bind(1, core::sha256_hex(token));
  IPT_TRY(row, q->step());
  if (!*row) return std::optional<TokenRow>{};
  TokenRow t;
  const long long round_id = q->integer(0);
  const long long invitation_id = q->integer(1);
  t.expires_at = q->integer(2);
  t.code_hmac = q->text(3);
  t.code_expires_at = q->integer(4);
  t.code_tries = static_cast<int>(q->integer(5));
  IPT_TRY(r, Statement::prepare(db, std::string("SELECT ") + round_columns + " FROM signing_round WHERE id = ?"));
  r->bind(1, round_id);
  IPT_TRY(found, r->step());
  if (!*found) return core::fail(core::Category::internal, "tour de signature n° " + std::to_string(round_id) + " introuvable");
  t.round = read_round_row(*r);
  IPT_TRY(invitations, read_invitations(db, round_id));
  t.round.round.invitations = *invitations;
  for (const auto& i : *invitations) {
    if (i.id == invitation_id) t.invitation = i;
  }
  return std::optional<TokenRow>{std::move(t)};
}

// The pole's name and address of a round. The statement is finalized on return: a read
// statement left open would pin an old snapshot of the database, and the next BEGIN IMMEDIATE
// on this connection would fail at once with "database is locked" once others have written.
core::Result<std::pair<std::string, std::string>> pole_contact(const core::Database& db, long long round) {
  IPT_TRY(row, Statement::prepare(db, "SELECT pole_name, pole_email FROM signing_round WHERE id = ?"));
  row->bind(1, round);
  IPT_TRY(found, row->step());
  if (!*found) return core::fail(core::Category::internal, "tour de signature n° " + std::to_string(round) + " introuvable");
  return std::pair{row->text(0), row->text(1)};
}

core::Result<void> set_state(const Transaction& tx, long long invitation, InvitationState state) {
  IPT_TRY(q, Statement::prepare(tx, "UPDATE signing_invitation SET state = ? WHERE id = ?"));
  q->bind(1, code(state)).bind(2, invitation);
  return q->run();
}

}  // namespace

std::string_view code(RoundState state) {
  switch (state) {
    case RoundState::open: return "open";
    case RoundState::completed: return "completed";
    case RoundState::cancelled: return "cancelled";
  }
  return "cancelled";
}

std::string_view code(InvitationState state) {
  for (const auto& s : invitation_states) {
    if (s.state == state) return s.code;
  }
  return "cancelled";
}

std::string_view label_fr(InvitationState state) {
  for (const auto& s : invitation_states) {
    if (s.state == state) return s.label;
  }
  return "inconnu";
}

const Invitation* Round::current() const {
  if (state != RoundState::open) return nullptr;
  for (const auto& i : invitations) {
    if (i.state != InvitationState::signed_) return &i;
  }
  return nullptr;
}

core::Result<PortalConfig> parse_portal_config(std::string_view text, const std::string& file_name,
                                               const std::filesystem::path& base_folder) {
  const auto parsed = core::parse_config_file(text, file_name);
  PortalConfig config;
  std::vector<std::string> problems;
  auto days = [&](const core::ConfigEntry& e, std::chrono::days& out) {
    try {
      size_t used = 0;
      const int n = std::stoi(e.value, &used);
      if (used != e.value.size() || n < 1 || n > 365) throw std::invalid_argument("range");
      out = std::chrono::days(n);
    } catch (const std::exception&) {
      problems.push_back(file_name + ":" + std::to_string(e.line) + ": " + e.key + " : nombre de jours attendu (1 à 365)");
    }
  };
  for (const auto& e : parsed.section("portail")) {
    if (e.key == "url") {
      if (!e.value.starts_with("http://") && !e.value.starts_with("https://")) {
        problems.push_back(file_name + ":" + std::to_string(e.line) + ": url : « " + e.value +
                           " » doit commencer par http:// ou https://");
      }
      config.base_url = e.value;
      while (config.base_url.ends_with("/")) config.base_url.pop_back();
    } else if (e.key == "invitation_jours") {
      days(e, config.invitation_lifetime);
    } else if (e.key == "rappel_jours") {
      days(e, config.reminder_after);
    } else if (e.key == "ecoute") {
      const auto colon = e.value.rfind(':');
      int port = 0;
      try {
        port = colon == std::string::npos ? -1 : std::stoi(e.value.substr(colon + 1));
      } catch (const std::exception&) {
        port = -1;
      }
      if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
        problems.push_back(file_name + ":" + std::to_string(e.line) + ": ecoute : « adresse:port » attendu (127.0.0.1:8783)");
      } else {
        config.listen_host = e.value.substr(0, colon);
        config.listen_port = port;
      }
    } else if (e.key == "certificat_tls" || e.key == "cle_tls") {
      std::filesystem::path file(e.value);
      if (file.is_relative()) file = base_folder / file;
      (e.key == "certificat_tls" ? config.tls_certificate : config.tls_key) = file;
    } else if (e.key == "proxy") {
      config.trusted_proxies.push_back(e.value);
    } else if (e.key == "rappels_max") {
      std::chrono::days n{};
      days(e, n);
      config.max_reminders = static_cast<int>(n.count());
    } else {
      problems.push_back(file_name + ":" + std::to_string(e.line) + ": clé inconnue « " + e.key +
                         " » dans [portail] (url, invitation_jours, rappel_jours, rappels_max, ecoute, certificat_tls, cle_tls, proxy)");
    }
  }
  if (config.tls_certificate.empty() != config.tls_key.empty()) {
    problems.push_back(file_name + " : [portail] certificat_tls et cle_tls vont ensemble (HTTPS)");
  }
  IPT_TRY_VOID(core::fail_on(problems));
  return config;
}

core::Result<std::vector<core::SignatureStep>> round_order(const core::Plan& plan) {
  std::vector<core::SignatureStep> order;
  for (const auto& d : plan.documents) {
    for (const auto& s : d.signatures) {
      const bool known = std::any_of(order.begin(), order.end(), [&](const auto& o) { return o.role == s.role; });
      if (!known) order.push_back(s);
    }
  }
  auto position = [&](core::Role role) {
    return std::find_if(order.begin(), order.end(), [&](const auto& o) { return o.role == role; }) - order.begin();
  };
  for (const auto& d : plan.documents) {
    for (size_t i = 1; i < d.signatures.size(); ++i) {
      if (position(d.signatures[i].role) < position(d.signatures[i - 1].role)) {
        return core::fail(core::Category::refused, std::string(core::file_stem(d.document)) +
                                                       " : l’ordre de ses signatures contredit celui des autres documents ; "
                                                       "un tour à distance ne peut pas les suivre tous");
      }
    }
  }
  if (order.empty()) return core::fail(core::Category::refused, "le plan ne demande aucune signature");
  return order;
}

SigningRequests::SigningRequests(core::Store& store, mail::MailConfig mail, PortalConfig portal, Clock clock)
    : store_(store), mail_(std::move(mail)), portal_(std::move(portal)), clock_(std::move(clock)) {}

std::string SigningRequests::link(const std::string& token) const { return portal_.base_url + "/s/" + token; }

namespace {

// What the mails of a round need: who writes, how to reach the pole.
struct MailContext {
  const mail::MailConfig& config;
  std::string pole_name;
  std::string pole_email;
};

// Gives `invitation` a new token, marks it invited, queues its mail and audits it, in `tx`.
core::Result<void> invite(Transaction& tx, const MailContext& mail, const std::string& reference, const Invitation& invitation,
                          std::chrono::system_clock::time_point now, std::chrono::days lifetime,
                          const std::function<std::string(const std::string&)>& link, const std::string& actor,
                          const char* action) {
  const std::string token = core::random_token();
  const auto expires = now + lifetime;
  IPT_TRY(q, Statement::prepare(tx,
      "UPDATE signing_invitation SET state = 'invited', token_hash = ?, invited_at = ?, expires_at = ?, code_hmac = '',"
      " code_tries = 0 WHERE id = ?"));
  q->bind(1, core::sha256_hex(token)).bind(2, unix_seconds(now)).bind(3, unix_seconds(expires)).bind(4, invitation.id);
  IPT_TRY_VOID(q->run());
  IPT_TRY(message, detail::invitation_message(mail.config, mail.pole_name, mail.pole_email, reference, invitation,
                                               link(token), expires));
  IPT_TRY(queued, mail::enqueue(tx, *std::move(message), reference, now));
  return core::append_audit_in_transaction(tx, now, actor, action, reference,
                                           "signataire n° " + std::to_string(invitation.position) + " (" +
                                               std::string(core::code(invitation.role)) + "), invitation n° " +
                                               std::to_string(invitation.id) + ", Message-ID " + queued->message_id +
                                               ", valable jusqu’au " + iso(unix_seconds(expires)));
}

}  // namespace

core::Result<Round> SigningRequests::start(const std::string& reference, const std::string& actor) {
  IPT_TRY_VOID(core::check_reference(reference));
  IPT_TRY_VOID(prepare_schema(store_.database()));
  IPT_TRY(stored, store_.find_dossier(reference));
  if (!*stored) return core::fail(core::Category::not_found, "dossier « " + reference + " » inconnu (ipt import)");
  auto dossier = core::parse_dossier((*stored)->xml, reference);
  if (!dossier) return core::fail(core::Category::internal, "dossier « " + reference + " » enregistré illisible");
  IPT_TRY(plan, core::make_plan(*dossier, core::SchoolCalendar::official()));
  IPT_TRY(order, round_order(*plan));
  std::vector<std::string> documents;
  for (const auto& d : plan->documents) {
    if (!d.signatures.empty()) documents.emplace_back(core::file_stem(d.document));
  }
  const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  long long round_id = 0;
  const MailContext mail{mail_, dossier->pole.nom, dossier->coordonnateur.email};
  auto recorded = store_.record_with(actor, "round.start", reference,
      "version " + std::to_string((*stored)->version) + ", " + std::to_string(order->size()) + " signataires, documents " +
          join(documents),
      [&](Transaction& tx) -> core::Result<void> {
        IPT_TRY(open, Statement::prepare(tx, "SELECT id FROM signing_round WHERE reference = ? AND state = 'open'"));
        open->bind(1, reference);
        IPT_TRY(busy, open->step());
        if (*busy) {
          return core::fail(core::Category::refused, "dossier « " + reference +
                                                         " » : un tour de signature est déjà ouvert (ipt request show, "
                                                         "ipt request cancel)");
        }
        IPT_TRY(insert, Statement::prepare(tx,
            "INSERT INTO signing_round (reference, dossier_version, state, created_at, created_by, documents, pole_name,"
            " pole_email) VALUES (?, ?, 'open', ?, ?, ?, ?, ?)"));
        insert->bind(1, reference).bind(2, static_cast<long long>((*stored)->version)).bind(3, unix_seconds(now))
            .bind(4, actor).bind(5, join(documents)).bind(6, mail.pole_name).bind(7, mail.pole_email);
        IPT_TRY_VOID(insert->run());
        round_id = tx.database().last_insert_id();
        Invitation first;
        for (size_t i = 0; i < order->size(); ++i) {
          const auto& step = (*order)[i];
          IPT_TRY(add, Statement::prepare(tx,
              "INSERT INTO signing_invitation (round, position, role, signatory, quality, email, state)"
              " VALUES (?, ?, ?, ?, ?, ?, 'waiting')"));
          add->bind(1, round_id).bind(2, static_cast<long long>(i + 1)).bind(3, core::code(step.role)).bind(4, step.signataire)
              .bind(5, step.qualite).bind(6, step.email);
          IPT_TRY_VOID(add->run());
          if (i == 0) {
            first.id = tx.database().last_insert_id();
            first.position = 1;
            first.role = step.role;
            first.signatory = step.signataire;
            first.quality = step.qualite;
            first.email = step.email;
          }
        }
        return invite(tx, mail, reference, first, now, portal_.invitation_lifetime,
                      [&](const std::string& t) { return link(t); }, actor, "round.invite");
      });
  if (!recorded) return std::unexpected(recorded.error().with_context("dossier " + reference));
  return show(reference);
}

core::Result<std::vector<Round>> SigningRequests::list() const {
  IPT_TRY_VOID(prepare_schema(store_.database()));
  IPT_TRY(q, Statement::prepare(store_.database(), std::string("SELECT ") + round_columns +
                                                       " FROM signing_round ORDER BY id DESC"));
  std::vector<Round> out;
  for (;;) {
    IPT_TRY(row, q->step());
    if (!*row) break;
    out.push_back(read_round_row(*q).round);
  }
  for (auto& r : out) {
    IPT_TRY(invitations, read_invitations(store_.database(), r.id));
    r.invitations = *std::move(invitations);
  }
  return out;
}

core::Result<Round> SigningRequests::show(const std::string& reference) const {
  IPT_TRY_VOID(core::check_reference(reference));
  IPT_TRY_VOID(prepare_schema(store_.database()));
  IPT_TRY(q, Statement::prepare(store_.database(), std::string("SELECT ") + round_columns +
                                                       " FROM signing_round WHERE reference = ? ORDER BY id DESC LIMIT 1"));
  q->bind(1, reference);
  IPT_TRY(row, q->step());
  if (!*row) return core::fail(core::Category::not_found, "dossier « " + reference + " » : aucun tour de signature (ipt request start)");
  Round round = read_round_row(*q).round;
  IPT_TRY(invitations, read_invitations(store_.database(), round.id));
  round.invitations = *std::move(invitations);
  return round;
}

core::Result<Round> SigningRequests::cancel(const std::string& reference, const std::string& reason, const std::string& actor) {
  if (reason.empty()) return core::fail(core::Category::invalid_input, "l’annulation d’un tour demande sa raison (--reason)");
  IPT_TRY(round, show(reference));
  if (round->state != RoundState::open) {
    return core::fail(core::Category::refused, "dossier « " + reference + " » : le dernier tour est déjà " +
                                                   (round->state == RoundState::completed ? "terminé" : "annulé"));
  }
  const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  IPT_TRY_VOID(store_.record_with(actor, "round.cancel", reference, "tour n° " + std::to_string(round->id) + ", raison : " + reason,
      [&](Transaction& tx) -> core::Result<void> {
        IPT_TRY(r, Statement::prepare(tx,
            "UPDATE signing_round SET state = 'cancelled', ended_at = ?, cancel_reason = ? WHERE id = ? AND state = 'open'"));
        r->bind(1, unix_seconds(now)).bind(2, reason).bind(3, round->id);
        IPT_TRY_VOID(r->run());
        if (tx.database().changes() != 1) return core::fail(core::Category::refused, "le tour a changé entre-temps : réessayez");
        IPT_TRY(i, Statement::prepare(tx,
            "UPDATE signing_invitation SET state = 'cancelled' WHERE round = ? AND state NOT IN ('signed', 'declined')"));
        i->bind(1, round->id);
        return i->run();
      }));
  return show(reference);
}

core::Result<Round> SigningRequests::reissue(const std::string& reference, const std::string& actor) {
  IPT_TRY(round, show(reference));
  const Invitation* current = round->current();
  if (!current) return core::fail(core::Category::refused, "dossier « " + reference + " » : aucun tour ouvert");
  if (current->state == InvitationState::declined) {
    return core::fail(core::Category::refused, "dossier « " + reference + " » : le signataire a refusé ; annulez le tour");
  }
  IPT_TRY(contact, pole_contact(store_.database(), round->id));
  const MailContext mail{mail_, contact->first, contact->second};
  const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  const Invitation invitation = *current;
  IPT_TRY_VOID(store_.record_with(actor, "round.reissue", reference, "invitation n° " + std::to_string(invitation.id),
      [&](Transaction& tx) {
        return invite(tx, mail, reference, invitation, now, portal_.invitation_lifetime,
                      [&](const std::string& t) { return link(t); }, actor, "round.invite");
      }));
  return show(reference);
}

core::Result<int> SigningRequests::remind_due(const std::string& actor) {
  IPT_TRY(rounds, list());
  const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  int reminded = 0;
  for (const auto& round : *rounds) {
    const Invitation* current = round.current();
    if (!current || current->state == InvitationState::waiting || current->state == InvitationState::declined ||
        current->state == InvitationState::expired) {
      continue;
    }
    long long invited = 0, expires = 0;
    int reminders = 0;
    {  // finalized before the transactions below (see pole_contact)
      IPT_TRY(q, Statement::prepare(store_.database(),
          "SELECT invited_at, expires_at, reminders FROM signing_invitation WHERE id = ?"));
      q->bind(1, current->id);
      IPT_TRY_VOID(q->step());
      invited = q->integer(0);
      expires = q->integer(1);
      reminders = static_cast<int>(q->integer(2));
    }
    if (expires <= unix_seconds(now)) {
      IPT_TRY_VOID(store_.record_with(actor, "round.expired", round.reference, "invitation n° " + std::to_string(current->id),
          [&](Transaction& tx) { return set_state(tx, current->id, InvitationState::expired); }));
      continue;
    }
    const long long due = invited + std::chrono::duration_cast<std::chrono::seconds>(portal_.reminder_after).count() * (reminders + 1);
    if (reminders >= portal_.max_reminders || unix_seconds(now) < due) continue;
    // A reminder carries a new link: the first one's token is not kept in clear anywhere.
    IPT_TRY(contact, pole_contact(store_.database(), round.id));
    const MailContext mail{mail_, contact->first, contact->second};
    const Invitation invitation = *current;
    IPT_TRY_VOID(store_.record_with(actor, "round.remind", round.reference,
        "invitation n° " + std::to_string(invitation.id) + ", rappel n° " + std::to_string(reminders + 1),
        [&](Transaction& tx) -> core::Result<void> {
          const auto lifetime = std::chrono::duration_cast<std::chrono::days>(
              std::chrono::system_clock::time_point(std::chrono::seconds(expires)) - now);
          IPT_TRY_VOID(invite(tx, mail, round.reference, invitation, now, std::max(lifetime, std::chrono::days(1)),
                              [&](const std::string& t) { return link(t); }, actor, "round.invite"));
          IPT_TRY(up, Statement::prepare(tx, "UPDATE signing_invitation SET reminders = ?, invited_at = ? WHERE id = ?"));
          up->bind(1, static_cast<long long>(reminders + 1)).bind(2, invited).bind(3, invitation.id);
          return up->run();
        }));
    ++reminded;
  }
  return reminded;
}

core::Result<InvitationAccess> SigningRequests::open(const std::string& token, const std::string& client) {
  IPT_TRY_VOID(prepare_schema(store_.database()));
  IPT_TRY(found, find_token(store_.database(), token));
  if (!*found) return core::fail(core::Category::not_found, "lien inconnu ou remplacé par un plus récent");
  const auto& t = **found;
  const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  const auto& reference = t.round.round.reference;
  if (t.round.round.state == RoundState::cancelled || t.invitation.state == InvitationState::cancelled) {
    return core::fail(core::Category::refused, "ce tour de signature a été annulé par le pôle");
  }
  if (t.invitation.state == InvitationState::signed_) return core::fail(core::Category::refused, "vous avez déjà signé : ce lien a servi");
  if (t.invitation.state == InvitationState::declined) return core::fail(core::Category::refused, "vous avez refusé de signer : ce lien a servi");
  if (t.invitation.state == InvitationState::expired || t.expires_at <= unix_seconds(now)) {
    if (t.invitation.state != InvitationState::expired) {
      IPT_TRY_VOID(store_.record_with("portail", "round.expired", reference, "invitation n° " + std::to_string(t.invitation.id) + ", " + client,
          [&](Transaction& tx) { return set_state(tx, t.invitation.id, InvitationState::expired); }));
    }
    return core::fail(core::Category::refused, "ce lien a expiré le " + iso(t.expires_at) +
                                                   " : demandez-en un nouveau au pôle (" + t.round.pole_email + ")");
  }
  InvitationAccess access{t.round.round, t.invitation};
  if (t.invitation.state == InvitationState::invited) {
    IPT_TRY_VOID(store_.record_with("portail", "round.open", reference, "invitation n° " + std::to_string(t.invitation.id) + ", " + client,
        [&](Transaction& tx) -> core::Result<void> {
          IPT_TRY(q, Statement::prepare(tx,
              "UPDATE signing_invitation SET state = 'opened', opened_at = ? WHERE id = ? AND state = 'invited'"));
          q->bind(1, unix_seconds(now)).bind(2, t.invitation.id);
          return q->run();
        }));
    access.invitation.state = InvitationState::opened;
    access.invitation.opened_at = iso(unix_seconds(now));
  }
  return access;
}

core::Result<void> SigningRequests::send_code(const std::string& token, const std::string& client) {
  IPT_TRY(access, open(token, client));
  const auto& invitation = access->invitation;
  const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  const std::string code = core::random_digits(code_digits);
  IPT_TRY(contact, pole_contact(store_.database(), access->round.id));
  const std::string pole_name = contact->first;
  return store_.record_with("portail", "round.code_sent", access->round.reference,
      "invitation n° " + std::to_string(invitation.id) + ", " + client, [&](Transaction& tx) -> core::Result<void> {
        IPT_TRY(q, Statement::prepare(tx,
            "UPDATE signing_invitation SET state = CASE state WHEN 'confirmed' THEN 'confirmed' ELSE 'code_sent' END,"
            " code_hmac = ?, code_expires_at = ?, code_tries = 0 WHERE id = ?"));
        q->bind(1, core::hmac_sha256_hex(core::sha256_hex(token), code))
            .bind(2, unix_seconds(now + code_lifetime))
            .bind(3, invitation.id);
        IPT_TRY_VOID(q->run());
        IPT_TRY(message, detail::code_message(mail_, pole_name, access->round.reference, invitation, code, code_lifetime));
        IPT_TRY_VOID(mail::enqueue(tx, *std::move(message), access->round.reference, now));
        return {};
      });
}

core::Result<void> SigningRequests::confirm_code(const std::string& token, const std::string& code, const std::string& client) {
  // Every confirmation checks a code, even for an invitation already confirmed elsewhere: the
  // portal confirms a browser (its session), not a link.
  IPT_TRY(access, open(token, client));
  IPT_TRY(found, find_token(store_.database(), token));
  const auto& t = **found;
  const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  if (t.code_hmac.empty() || t.code_tries >= code_max_tries) {
    return core::fail(core::Category::refused, "demandez d’abord un code : il vous sera envoyé par courriel");
  }
  if (t.code_expires_at <= unix_seconds(now)) {
    return core::fail(core::Category::refused, "ce code a expiré (il vaut 10 minutes) : demandez-en un nouveau");
  }
  const bool right = core::constant_time_equal(core::hmac_sha256_hex(core::sha256_hex(token), code), t.code_hmac);
  const std::string reference = t.round.round.reference;
  const std::string where = "invitation n° " + std::to_string(t.invitation.id) + ", " + client;
  if (!right) {
    const int tries = t.code_tries + 1;
    IPT_TRY_VOID(store_.record_with("portail", "round.code_wrong", reference, where + ", essai n° " + std::to_string(tries),
        [&](Transaction& tx) -> core::Result<void> {
          IPT_TRY(q, Statement::prepare(tx, "UPDATE signing_invitation SET code_tries = ? WHERE id = ?"));
          q->bind(1, static_cast<long long>(tries)).bind(2, t.invitation.id);
          return q->run();
        }));
    if (tries >= code_max_tries) {
      return core::fail(core::Category::refused, "code erroné, 5 essais : ce code ne vaut plus ; demandez-en un nouveau");
    }
    return core::fail(core::Category::refused, "code erroné (encore " + std::to_string(code_max_tries - tries) + " essai" +
                                                   (code_max_tries - tries > 1 ? "s" : "") + ")");
  }
  return store_.record_with("portail", "round.code_confirmed", reference, where, [&](Transaction& tx) -> core::Result<void> {
    // Single use: the code is spent once it has served.
    IPT_TRY(q, Statement::prepare(tx, "UPDATE signing_invitation SET state = 'confirmed', code_hmac = '' WHERE id = ?"));
    q->bind(1, t.invitation.id);
    return q->run();
  });
}

core::Result<Round> SigningRequests::decline(const std::string& token, const std::string& reason, const std::string& client) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return core::fail(core::Category::invalid_input, "écrivez la raison de votre refus", {.field = "raison"});
  }
  IPT_TRY(access, open(token, client));
  if (access->invitation.state != InvitationState::confirmed) {
    return core::fail(core::Category::refused, "confirmez d’abord votre identité avec le code reçu par courriel");
  }
  const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  const auto& reference = access->round.reference;
  IPT_TRY_VOID(store_.record_with("portail", "round.decline", reference,
      "invitation n° " + std::to_string(access->invitation.id) + ", " + client, [&](Transaction& tx) -> core::Result<void> {
        IPT_TRY(q, Statement::prepare(tx,
            "UPDATE signing_invitation SET state = 'declined', declined_reason = ?, signed_at = ? WHERE id = ?"));
        q->bind(1, reason).bind(2, unix_seconds(now)).bind(3, access->invitation.id);
        IPT_TRY_VOID(q->run());
        IPT_TRY(contact, pole_contact(tx.database(), access->round.id));
        IPT_TRY(message, detail::declined_message(mail_, contact->second, reference, access->invitation));
        IPT_TRY_VOID(mail::enqueue(tx, *std::move(message), reference, now));
        return {};
      }));
  return show(reference);
}

core::Result<void> SigningRequests::record_signed(Transaction& tx, const std::string& token, const std::string& client) {
  IPT_TRY(found, find_token(tx.database(), token));
  if (!*found) return core::fail(core::Category::not_found, "lien inconnu ou remplacé par un plus récent");
  const auto& t = **found;
  if (t.invitation.state != InvitationState::confirmed) {
    return core::fail(core::Category::refused, "confirmez d’abord votre identité avec le code reçu par courriel");
  }
  const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  const auto& reference = t.round.round.reference;
  IPT_TRY(q, Statement::prepare(tx, "UPDATE signing_invitation SET state = 'signed', signed_at = ? WHERE id = ? AND state = 'confirmed'"));
  q->bind(1, unix_seconds(now)).bind(2, t.invitation.id);
  IPT_TRY_VOID(q->run());
  IPT_TRY_VOID(core::append_audit_in_transaction(tx, now, "portail", "round.signed", reference,
                                                 "invitation n° " + std::to_string(t.invitation.id) + ", " + client));
  const auto& all = t.round.round.invitations;
  const auto next = std::find_if(all.begin(), all.end(), [&](const Invitation& i) { return i.position == t.invitation.position + 1; });
  if (next == all.end()) {
    IPT_TRY(done, Statement::prepare(tx, "UPDATE signing_round SET state = 'completed', ended_at = ? WHERE id = ?"));
    done->bind(1, unix_seconds(now)).bind(2, t.round.round.id);
    IPT_TRY_VOID(done->run());
    return core::append_audit_in_transaction(tx, now, "portail", "round.completed", reference,
                                             "tour n° " + std::to_string(t.round.round.id));
  }
  const MailContext mail{mail_, t.round.pole_name, t.round.pole_email};
  return invite(tx, mail, reference, *next, now, portal_.invitation_lifetime,
                [&](const std::string& token_) { return link(token_); }, "portail", "round.invite");
}

}  // namespace ipt::pipeline
