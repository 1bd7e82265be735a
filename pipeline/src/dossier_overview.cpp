#include "ipt/pipeline/dossier_overview.hpp"

#include <algorithm>

#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/school_calendar.hpp"
#include "ipt/pipeline/signing_requests.hpp"

namespace ipt::pipeline {

namespace {

struct StepName {
  DossierStep step;
  const char* code;
  const char* label;
};
constexpr StepName step_names[] = {
    {DossierStep::to_complete, "a-completer", "à compléter"},
    {DossierStep::to_sign, "a-signer", "à signer"},
    {DossierStep::waiting_minister, "attente-ministre", "en attente du Ministre"},
    {DossierStep::to_send, "a-envoyer", "à envoyer"},
    {DossierStep::sent, "envoye", "envoyé"},
    {DossierStep::archived, "archive", "archivé"},
};

// The Administration's address, to which the completed Annexe 4 goes.
constexpr std::string_view administration = "poles.territoriaux@cfwb.be";

}  // namespace

std::string_view code(DossierStep step) {
  for (const auto& s : step_names) {
    if (s.step == step) return s.code;
  }
  return "";
}

std::string_view french_label(DossierStep step) {
  for (const auto& s : step_names) {
    if (s.step == step) return s.label;
  }
  return "";
}

core::Result<DossierOverview> overview(core::Store& store, const std::string& reference, core::Date today) {
  IPT_TRY(stored, store.find_dossier(reference));
  if (!*stored) return core::fail(core::Category::not_found, "dossier « " + reference + " » inconnu");
  auto dossier = core::parse_dossier((*stored)->xml, reference);
  if (!dossier) return core::fail(core::Category::internal, "dossier « " + reference + " » enregistré illisible");
  IPT_TRY(plan, core::make_plan(*dossier, core::SchoolCalendar::official()));
  DossierOverview o{reference, (*stored)->version, *std::move(dossier), *std::move(plan), DossierStep::to_complete, "", "", std::nullopt, false};

  IPT_TRY(entries, store.audit_entries(reference));
  bool archived = false, sent = false;
  for (const auto& e : *entries) {
    if (e.action == "dossier.archive") archived = true;
    if (e.action == "mail.sent" && e.details.find(administration) != std::string::npos) sent = true;
  }
  // The round, read without a signatory's request (no mail, no audit).
  SigningRequests requests(store, {}, {});
  const auto round = requests.show(reference);
  const bool round_open = round && round->state == RoundState::open;
  const bool round_done = round && round->state == RoundState::completed;
  if (archived) {
    o.step = DossierStep::archived;
  } else if (sent) {
    o.step = DossierStep::sent;
  } else if (round_done) {
    o.step = DossierStep::to_send;
  } else if (round_open) {
    o.step = DossierStep::to_sign;
    if (const Invitation* next = round->current()) {
      o.awaited = next->signatory + " (" + std::string(core::code(next->role)) + ")";
      o.awaited_since = next->invited_at;
    }
  } else if (o.plan.decision_ministre && today.days_until(o.plan.decision_ministre->due) >= 0) {
    o.step = DossierStep::waiting_minister;
    o.awaited = "le Ministre";
    o.awaited_since = o.plan.decision_ministre->received.iso();
  }

  // The next deadline not met: the plan's sends not done, the 30/09 list, the Minister's decision.
  std::vector<DueDate> due;
  if (o.step != DossierStep::sent && o.step != DossierStep::archived) {
    for (const auto& envoi : o.plan.envois) {
      if (envoi.avant && !envoi.fait_le) due.push_back({envoi.what, *envoi.avant});
    }
    if (o.plan.limite_30_09 && o.step == DossierStep::to_complete) due.push_back({"liste du 30/09", *o.plan.limite_30_09});
    if (o.plan.decision_ministre && o.step == DossierStep::waiting_minister) {
      due.push_back({"décision du Ministre", o.plan.decision_ministre->due});
    }
  }
  if (!due.empty()) {
    o.next = *std::min_element(due.begin(), due.end(), [](const DueDate& a, const DueDate& b) { return a.date.days_until(b.date) > 0; });
    o.overdue = o.next->date.days_until(today) > 0;
  }
  return o;
}

void sort_for_list(std::vector<DossierOverview>& list) {
  std::sort(list.begin(), list.end(), [](const DossierOverview& a, const DossierOverview& b) {
    if (a.overdue != b.overdue) return a.overdue;
    if (a.next.has_value() != b.next.has_value()) return a.next.has_value();
    if (a.next && b.next && a.next->date.iso() != b.next->date.iso()) return a.next->date.iso() < b.next->date.iso();
    return a.reference < b.reference;
  });
}

}  // namespace ipt::pipeline
