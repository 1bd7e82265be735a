#pragma once
// Where each dossier stands, for the coordinator's list: its step (to complete, to sign,
// waiting for the Minister, to send, sent, archived), who is awaited and since when, and the
// next deadline of its plan, read from the store, the audit trail and the signing round. It
// verifies nothing (the dossier's page does): a list of a whole pole stays quick.
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/date.hpp"
#include "ipt/core/dossier.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/core/result.hpp"
#include "ipt/core/store.hpp"

namespace ipt::pipeline {

enum class DossierStep { to_complete, to_sign, waiting_minister, to_send, sent, archived };
std::string_view code(DossierStep step);          // "a-completer", "a-signer", …
std::string_view french_label(DossierStep step);  // "à compléter", "à signer", …

struct DueDate {
  std::string what;  // French: "décision du Ministre", "liste du 30/09", an Envoi's `what`
  core::Date date;
};

// One step of the circular's procedure as the dossier stands: done on a date (the dossier's
// own or the audit trail's), or due by one, or neither yet.
struct TimelineStep {
  std::string what;                 // French: "Proposition", "Concertation", "Signatures", …
  std::optional<core::Date> done;   // from the dossier
  std::string done_at;              // UTC ISO 8601, from the audit trail
  std::optional<core::Date> due;
};

struct DossierOverview {
  std::string reference;
  int version = 0;
  core::Dossier dossier;
  core::Plan plan;
  DossierStep step = DossierStep::to_complete;
  std::string awaited;        // "Jean-François Renard (ecole-ordinaire)", empty when nobody
  std::string awaited_since;  // UTC ISO 8601
  std::optional<DueDate> next;  // the earliest deadline not yet met
  bool overdue = false;         // `next` is before today
  std::vector<TimelineStep> timeline;  // the procedure's steps, in the circular's order
};

// The overview of `reference` on `today`. Fails when the dossier is unknown or its stored
// XML no longer reads.
core::Result<DossierOverview> overview(core::Store& store, const std::string& reference, core::Date today);

// Overdue first, then by next deadline (none last), then by reference.
void sort_for_list(std::vector<DossierOverview>& list);

}  // namespace ipt::pipeline
