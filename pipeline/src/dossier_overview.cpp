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
  DossierOverview o{reference, (*stored)->version, *std::move(dossier), *std::move(plan), DossierStep::to_complete, "", "", std::nullopt, false, {}};

  IPT_TRY(entries, store.audit_entries(reference));
  bool archived = false, sent = false;
  std::string rendered_at, round_at, signed_at, sent_at, archived_at;
  for (const auto& e : *entries) {
    if (e.action == "dossier.archive") {
      archived = true;
      archived_at = e.at;
    }
    if (e.action == "mail.sent" && e.details.find(administration) != std::string::npos) {
      sent = true;
      sent_at = e.at;
    }
    if (e.action == "document.render") rendered_at = e.at;
    if (e.action == "round.start") round_at = e.at;
    if (e.action == "round.completed") signed_at = e.at;
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

  // The circular's steps for this procedure.
  auto& t = o.timeline;
  const auto& d = o.dossier;
  if (const auto* a = std::get_if<core::PremiereIpt>(&d.evenement)) {
    t.push_back({"Proposition d’intégration", a->date_proposition, "", std::nullopt});
    t.push_back({std::string("Concertation") + (a->concertation.favorable ? " (favorable)" : " (défavorable)"), a->concertation.date, "", std::nullopt});
  } else if (const auto* b = std::get_if<core::Prolongation>(&d.evenement)) {
    t.push_back({"Formulaire de prolongation envoyé", b->date_envoi, "", std::nullopt});
    t.push_back({"Formulaire reçu par le Ministre", b->date_reception, "", std::nullopt});
    t.push_back({b->decision ? (b->decision->accordee ? "Décision du Ministre : accordée" : "Décision du Ministre : refusée") : "Décision du Ministre",
                 b->decision ? std::optional(b->decision->date) : std::nullopt, "",
                 o.plan.decision_ministre ? std::optional(o.plan.decision_ministre->due) : std::nullopt});
  } else if (const auto* c = std::get_if<core::FinIntegration>(&d.evenement)) {
    t.push_back({"Conseil de classe", c->date_conseil_classe, "", std::nullopt});
  }
  t.push_back({"Protocole d’intégration", d.protocole.date, "", std::nullopt});
  t.push_back({"Documents produits", std::nullopt, rendered_at, std::nullopt});
  t.push_back({"Tour de signature ouvert", std::nullopt, round_at, std::nullopt});
  t.push_back({"Signatures complètes", std::nullopt, signed_at, std::nullopt});
  for (const auto& envoi : o.plan.envois) t.push_back({"Envoi : " + envoi.what, envoi.fait_le, "", envoi.avant});
  if (const auto* c = std::get_if<core::FinIntegration>(&d.evenement)) {
    t.push_back({"Arrêt de l’intégration", std::nullopt, "", c->date_arret});
  } else {
    t.push_back({"Début de l’intégration", std::nullopt, "", d.protocole.date});
  }
  if (o.plan.procedure == core::Procedure::fin_ipt) t.push_back({"Annexe 4 envoyée à l’Administration", std::nullopt, sent_at, std::nullopt});
  t.push_back({"Archivé pour l’Inspection", std::nullopt, archived_at, std::nullopt});

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
    // The integration starts on the protocol's date (A, B): the signatures are due by then.
    if (!std::holds_alternative<core::FinIntegration>(o.dossier.evenement) &&
        (o.step == DossierStep::to_complete || o.step == DossierStep::to_sign)) {
      due.push_back({"début de l’intégration", o.dossier.protocole.date});
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
