#include "ipt/pipeline/refused_concertation.hpp"

#include <tinyxml2.h>

#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/school_calendar.hpp"

namespace ipt::pipeline {

namespace {

const char* intervenant_code(const core::Dossier& dossier, core::Role role) {
  switch (role) {
    case core::Role::pole: return "pole";
    case core::Role::ecole_ordinaire: return "ecole-ordinaire";
    case core::Role::cpms: return "cpms";
    case core::Role::responsable: return dossier.eleve_majeur() ? "eleve-majeur" : "parents";
  }
  return "pole";
}

tinyxml2::XMLElement* child(tinyxml2::XMLElement* parent, const char* name, tinyxml2::XMLDocument& doc) {
  if (auto* found = parent->FirstChildElement(name)) return found;
  return static_cast<tinyxml2::XMLElement*>(parent->InsertEndChild(doc.NewElement(name)));
}

void set_text(tinyxml2::XMLElement* parent, const char* name, const std::string& value, tinyxml2::XMLDocument& doc) {
  child(parent, name, doc)->SetText(value.c_str());
}

// The dossier's XML with the concertation unfavourable and `role`'s disagreement, motivated by
// `reason` (a disagreement of the same partner is rewritten).
core::Result<std::string> with_disagreement(const std::string& xml, const core::Dossier& dossier, core::Role role,
                                            const core::Personne& author, const std::string& reason) {
  tinyxml2::XMLDocument doc;
  if (doc.Parse(xml.c_str(), xml.size()) != tinyxml2::XML_SUCCESS) {
    return core::fail(core::Category::internal, "dossier « " + dossier.reference + " » enregistré illisible");
  }
  auto* event = doc.RootElement() ? doc.RootElement()->FirstChildElement("premiere-ipt") : nullptr;
  auto* concertation = event ? event->FirstChildElement("concertation") : nullptr;
  if (!concertation) return core::fail(core::Category::refused, "dossier « " + dossier.reference + " » : pas de concertation (Première IPT)");
  concertation->SetAttribute("avis", "defavorable");
  // An integration refused at the concertation is not signalled to the Administration.
  event->DeleteAttribute("envoi");
  const char* code = intervenant_code(dossier, role);
  tinyxml2::XMLElement* disagreement = nullptr;
  for (auto* d = concertation->FirstChildElement("desaccord"); d; d = d->NextSiblingElement("desaccord")) {
    if (const char* who = d->Attribute("intervenant"); who && std::string_view(who) == code) disagreement = d;
  }
  if (!disagreement) {
    disagreement = static_cast<tinyxml2::XMLElement*>(concertation->InsertEndChild(doc.NewElement("desaccord")));
    disagreement->SetAttribute("intervenant", code);
  }
  auto* auteur = child(disagreement, "auteur", doc);
  set_text(auteur, "nom", author.nom, doc);
  set_text(auteur, "prenom", author.prenom, doc);
  if (!author.fonction.empty()) set_text(auteur, "fonction", author.fonction, doc);
  // The <motivation> comes after <auteur>, as the schema orders them.
  if (auto* old = disagreement->FirstChildElement("motivation")) disagreement->DeleteChild(old);
  disagreement->InsertEndChild(doc.NewElement("motivation"))->ToElement()->SetText(reason.c_str());
  tinyxml2::XMLPrinter printer;
  doc.Print(&printer);
  return std::string(printer.CStr(), static_cast<size_t>(printer.CStrSize() - 1));
}

}  // namespace

core::Result<bool> record_refused_concertation(DossierDocuments& documents, SigningRequests& requests,
                                               const std::string& reference, core::Role role, const std::string& reason,
                                               const std::string& actor) {
  core::Store& store = documents.store();
  IPT_TRY(stored, store.find_dossier(reference));
  if (!*stored) return core::fail(core::Category::not_found, "dossier « " + reference + " » inconnu");
  auto dossier = core::parse_dossier((*stored)->xml, reference);
  if (!dossier) return core::fail(core::Category::internal, "dossier « " + reference + " » enregistré illisible");
  IPT_TRY(plan, core::make_plan(*dossier, core::SchoolCalendar::official()));
  const bool premiere_ipt = plan->procedure == core::Procedure::premiere_ipt_liste_30_09 ||
                            plan->procedure == core::Procedure::premiere_ipt_apres_30_09;
  const auto* signataire = dossier->find_signataire(role);
  if (!premiere_ipt || !signataire) return false;

  IPT_TRY(xml, with_disagreement((*stored)->xml, *dossier, role, signataire->personne, reason));
  auto corrected = core::parse_dossier(*xml, reference);
  if (!corrected) {
    // Only the reader's reasons, never the dossier's values (they may be personal).
    std::string why;
    for (const auto& d : corrected.error()) why += (why.empty() ? "" : " ; ") + d.path + " : " + d.reason;
    return core::fail(core::Category::invalid_input, "la raison du refus ne peut pas devenir la motivation écrite (" + why + ")");
  }
  IPT_TRY_VOID(store.import_dossier(*corrected, *xml, actor));
  const std::string why = "concertation défavorable : refus motivé de « " + std::string(core::code(role)) + " »";
  if (auto round = requests.show(reference); round && round->state == RoundState::open) {
    IPT_TRY_VOID(requests.cancel(reference, why, actor));
  }
  IPT_TRY_VOID(documents.restart_round(reference, why, actor));
  return true;
}

}  // namespace ipt::pipeline
