#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/reference.hpp"

#include "ipt/core/dossier_fields.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "codes.hpp"
#include "identifiers.hpp"
#include "xml_reader.hpp"

namespace ipt::core {

namespace {

using detail::DiagnosticSink;
using detail::ElementReader;
using detail::Presence;
using detail::TextShape;
using tinyxml2::XMLElement;

constexpr size_t max_dossier_bytes = 1 << 20;  // a dossier is a few kilobytes
constexpr size_t name_chars = 100;
constexpr size_t section_chars = 4000;          // a protocol section; the page decides the rest

// Reads one dossier; each read_* function reads one element and its children.
class DossierParser {
 public:
  explicit DossierParser(DiagnosticSink& sink) : sink_(sink) {}

  Dossier read(const XMLElement* root);

 private:
  Personne read_personne(const XMLElement* e, const std::string& path,
                         bool fonction_required, bool email_required);
  void read_etablissement(ElementReader& r, Etablissement& out, bool adresse_required);
  std::string read_email(ElementReader& r, Presence presence);
  Eleve read_eleve(const XMLElement* e);
  void read_responsables(const XMLElement* e, std::vector<Responsable>& out);
  void read_historique(const XMLElement* e, std::vector<LigneHistorique>& out);
  Protocole read_protocole(const XMLElement* e);
  PremiereIpt read_premiere_ipt(const XMLElement* e);
  Prolongation read_prolongation(const XMLElement* e);
  FinIntegration read_fin_integration(const XMLElement* e);
  void read_signataires(const XMLElement* e, std::vector<Signataire>& out);

  // Cross-field checks, run once everything is read and well formed.
  void check(const Dossier& d, const XMLElement* root);
  // Who signs; `dates_known` says whether the pupil's age can be judged.
  void check_roles(const Dossier& d, const XMLElement* root, bool dates_known);

  void error(const XMLElement* e, std::string path, std::string reason) {
    sink_.error(e ? e->GetLineNum() : 0, std::move(path), std::move(reason));
  }

  DiagnosticSink& sink_;
  // Where things were found, for cross-field messages.
  std::map<std::string, const XMLElement*, std::less<>> seen_;
  OrdreSignature ordre_signature_ = OrdreSignature::formulaire;
};

// French agreement with the pupil's sex (masculine for X, as the circular writes).
struct Accord {
  std::string_view majeur, il, lui;
};
Accord accord(const Eleve& e) {
  if (e.sexe == Sexe::feminin) return {"majeure", "elle", "elle"};
  return {"majeur", "il", "lui"};
}

bool same_person(const std::string& a_nom, const std::string& a_prenom, const std::string& b_nom,
                 const std::string& b_prenom) {
  return a_nom == b_nom && a_prenom == b_prenom;
}

// The school year runs from the rentrée (late August) to early July: accept 1 August to
// 31 July so that both ends of any published calendar fit.
bool in_school_year(Date d, SchoolYear y) {
  return d >= Date::from_ymd(y.start_year(), 8, 1) && d <= Date::from_ymd(y.start_year() + 1, 7, 31);
}

Personne DossierParser::read_personne(const XMLElement* e,
                                      const std::string& path, bool fonction_required,
                                      bool email_required) {
  Personne p;
  if (!e) return p;
  ElementReader r(e, path, sink_);
  p.nom = r.text("nom", Presence::required, TextShape::line, name_chars);
  p.prenom = r.text("prenom", Presence::required, TextShape::line, name_chars);
  p.fonction = r.text("fonction", fonction_required ? Presence::required : Presence::optional,
                      TextShape::line, name_chars);
  p.email = read_email(r, email_required ? Presence::required : Presence::optional);
  r.finish();
  return p;
}

std::string DossierParser::read_email(ElementReader& r, Presence presence) {
  std::string email = r.text("email", presence, TextShape::line, 254);
  if (!email.empty() && !detail::is_valid_email(email)) {
    const auto* e = r.child("email", Presence::optional);
    error(e, r.path() + "/email", "adresse électronique invalide « " + email + " »");
  }
  return email;
}

void DossierParser::read_etablissement(ElementReader& r, Etablissement& out, bool adresse_required) {
  out.fase = r.fase_attribute("fase");
  out.fase_implantation = r.fase_attribute("fase-implantation");
  out.nom = r.text("nom", Presence::required, TextShape::line, 150);
  out.adresse = r.text("adresse", adresse_required ? Presence::required : Presence::optional,
                       TextShape::line, 200);
}

Eleve DossierParser::read_eleve(const XMLElement* e) {
  Eleve eleve;
  if (!e) return eleve;
  ElementReader r(e, "dossier/eleve", sink_);
  eleve.nom = r.text("nom", Presence::required, TextShape::line, name_chars);
  eleve.prenom = r.text("prenom", Presence::required, TextShape::line, name_chars);
  if (auto d = r.date("date-naissance")) {
    eleve.date_naissance = *d;
    seen_["date-naissance"] = r.child("date-naissance", Presence::optional);
  }
  if (const auto* sexe = r.child("sexe", Presence::required)) {
    ElementReader s(sexe, "dossier/eleve/sexe", sink_);
    const std::string value = detail::normalise_text(sexe->GetText() ? sexe->GetText() : "",
                                                     TextShape::line);
    s.finish();
    const auto* found = std::find_if(std::begin(detail::sexe_codes), std::end(detail::sexe_codes),
                                     [&](const auto& c) { return c.code == value; });
    if (found == std::end(detail::sexe_codes)) {
      error(sexe, "dossier/eleve/sexe", "valeur « " + value + " » inconnue (valeurs permises : F, M, X)");
    } else {
      eleve.sexe = found->value;
    }
  }
  if (auto d = r.date("date-inscription-specialise")) {
    eleve.date_inscription_specialise = *d;
    seen_["date-inscription-specialise"] = r.child("date-inscription-specialise", Presence::optional);
  }
  if (const auto* niss = r.child("numero-national", Presence::optional)) {
    const std::string raw = r.text("numero-national", Presence::optional, TextShape::line, 20);
    if (!raw.empty()) {
      if (auto digits = detail::check_numero_national(raw); !digits) {
        error(niss, "dossier/eleve/numero-national", digits.error().message);
      } else {
        eleve.numero_national = *digits;
      }
    }
  }
  r.finish();
  return eleve;
}

void DossierParser::read_responsables(const XMLElement* e, std::vector<Responsable>& out) {
  if (!e) return;
  ElementReader r(e, "dossier/responsables", sink_);
  const auto list = r.children("responsable");
  if (list.empty()) r.error("au moins un <responsable> attendu (ou omettez <responsables> pour un élève majeur)");
  for (size_t i = 0; i < list.size(); ++i) {
    ElementReader c(list[i], r.child_path(list[i], static_cast<int>(i)), sink_);
    Responsable resp;
    resp.nom = c.text("nom", Presence::required, TextShape::line, name_chars);
    resp.prenom = c.text("prenom", Presence::required, TextShape::line, name_chars);
    resp.qualite = c.text("qualite", Presence::required, TextShape::line, 60);
    resp.email = read_email(c, Presence::required);
    c.finish();
    out.push_back(std::move(resp));
  }
  r.finish();
}

void DossierParser::read_historique(const XMLElement* e, std::vector<LigneHistorique>& out) {
  if (!e) return;
  ElementReader r(e, "dossier/historique", sink_);
  const auto rows = r.children("integration");
  if (rows.size() > static_cast<size_t>(max_rows)) {
    r.error("au plus " + std::to_string(max_rows) + " lignes dans le tableau synoptique (Annexe 3)");
  }
  std::optional<Date> previous;
  for (size_t i = 0; i < rows.size(); ++i) {
    ElementReader c(rows[i], r.child_path(rows[i], static_cast<int>(i)), sink_);
    LigneHistorique row;
    const auto year = c.school_year_attribute("annee-scolaire");
    const auto type = c.choice_attribute("type", detail::type_integration_codes);
    const auto debut = c.date_attribute("debut");
    row.annee_etude = c.text("annee-etude", Presence::required, TextShape::line, 60);
    const std::string fin = c.text("fin", Presence::optional, TextShape::line, 120);
    if (!fin.empty()) row.fin = fin;
    if (year) row.annee_scolaire = *year;
    if (type) row.type = *type;
    if (debut) {
      row.date_debut = *debut;
      if (year && !in_school_year(*debut, *year)) {
        error(rows[i], c.path() + "/@debut",
              "le " + debut->french() + " n’est pas dans l’année scolaire " + year->label());
      }
      if (previous && *debut < *previous) {
        error(rows[i], c.path() + "/@debut", "les lignes doivent être dans l’ordre chronologique");
      }
      previous = debut;
    }
    c.finish();
    out.push_back(std::move(row));
  }
  r.finish();
}

Protocole DossierParser::read_protocole(const XMLElement* e) {
  Protocole p;
  if (!e) return p;
  ElementReader r(e, "dossier/protocole", sink_);
  if (auto d = r.date_attribute("date")) p.date = *d;
  auto section = [&](const char* name) {
    return r.text(name, Presence::required, TextShape::paragraphs, section_chars);
  };
  p.synthese = section("synthese");
  p.objectifs = section("objectifs");
  p.equipements = section("equipements");
  p.transport = section("transport");
  p.dispositif_relation = section("dispositif-relation");
  p.modalites_accompagnement = section("modalites-accompagnement");
  p.evaluation_interne = section("evaluation-interne");
  p.presence_registre = section("presence-registre");
  r.finish();
  return p;
}

PremiereIpt DossierParser::read_premiere_ipt(const XMLElement* e) {
  PremiereIpt event;
  ElementReader r(e, "dossier/premiere-ipt", sink_);
  event.date_envoi_formulaire = r.date_attribute("envoi", Presence::optional);
  if (auto v = r.attribute("annee-etude", Presence::optional)) {
    event.annee_etude = detail::normalise_text(*v, TextShape::line);
    if (event.annee_etude.size() > 60) error(e, "dossier/premiere-ipt/@annee-etude", "60 caractères au plus");
  }
  if (const auto* prop = r.child("proposition", Presence::required)) {
    ElementReader p(prop, "dossier/premiere-ipt/proposition", sink_);
    if (auto v = p.choice_attribute("par", detail::proposant_codes)) event.proposant = *v;
    if (auto d = p.date_attribute("date")) event.date_proposition = *d;
    p.finish();
  }
  if (const auto* conc = r.child("concertation", Presence::required)) {
    ElementReader c(conc, "dossier/premiere-ipt/concertation", sink_);
    if (auto d = c.date_attribute("date")) event.concertation.date = *d;
    if (auto v = c.choice_attribute("avis", detail::avis_codes)) {
      event.concertation.favorable = *v == AvisCpms::favorable;
    }
    const auto list = c.children("desaccord");
    for (size_t i = 0; i < list.size(); ++i) {
      ElementReader d(list[i], c.child_path(list[i], static_cast<int>(i)), sink_);
      Desaccord desaccord;
      if (auto v = d.choice_attribute("intervenant", detail::intervenant_codes)) desaccord.intervenant = *v;
      desaccord.auteur = read_personne(d.child("auteur", Presence::required),
                                       d.path() + "/auteur", true, false);
      desaccord.motivation = d.text("motivation", Presence::required, TextShape::paragraphs, 3000);
      d.finish();
      const bool repeated = std::any_of(event.concertation.desaccords.begin(), event.concertation.desaccords.end(),
                                        [&](const Desaccord& o) { return o.intervenant == desaccord.intervenant; });
      if (repeated) {
        error(list[i], d.path() + "/@intervenant", "un seul désaccord par intervenant : chacun motive sa position dans son propre document");
      }
      event.concertation.desaccords.push_back(std::move(desaccord));
    }
    if (!event.concertation.favorable && list.empty()) {
      c.error("concertation défavorable : chaque partenaire en désaccord doit motiver sa position "
              "par écrit (<desaccord>)");
    }
    if (event.concertation.favorable && !list.empty()) {
      c.error("concertation favorable : l’avis doit être signé par tous les intervenants, "
              "aucun <desaccord> n’est attendu");
    }
    c.finish();
  }
  r.finish();
  return event;
}

Prolongation DossierParser::read_prolongation(const XMLElement* e) {
  Prolongation event;
  ElementReader r(e, "dossier/prolongation", sink_);
  if (auto v = r.choice_attribute("motif", detail::motif_codes)) event.motif = *v;
  if (auto d = r.date_attribute("envoi")) event.date_envoi = *d;
  event.date_reception = r.date_attribute("reception", Presence::optional);
  event.motivation = r.text("motivation", Presence::optional, TextShape::paragraphs, 3000);
  if (event.motif == MotifDerogation::circonstances_exceptionnelles && event.motivation.empty() &&
      r.attribute("motif", Presence::optional)) {
    error(e, "dossier/prolongation/motivation",
          "circonstances exceptionnelles : la motivation dans l’intérêt de l’élève est obligatoire");
  }
  if (const auto* p = r.child("pole-precedent", Presence::required)) {
    ElementReader c(p, "dossier/prolongation/pole-precedent", sink_);
    read_etablissement(c, event.pole_precedent, false);
    c.finish();
  }
  if (const auto* o = r.child("ecole-ordinaire-precedente", Presence::required)) {
    ElementReader c(o, "dossier/prolongation/ecole-ordinaire-precedente", sink_);
    read_etablissement(c, event.ecole_ordinaire_precedente, false);
    c.finish();
  }
  if (event.date_reception && *event.date_reception < event.date_envoi) {
    error(e, "dossier/prolongation/@reception", "la réception précède l’envoi du formulaire");
  }
  if (const auto* dm = r.child("decision-ministre", Presence::optional)) {
    ElementReader c(dm, "dossier/prolongation/decision-ministre", sink_);
    const auto date = c.date_attribute("date");
    const auto accordee = c.choice_attribute("issue", detail::decision_codes);
    c.finish();
    if (date && accordee) {
      event.decision = DecisionMinistre{*date, *accordee};
      if (*date < event.date_reception.value_or(event.date_envoi)) {
        error(dm, c.path() + "/@date", "la décision du Ministre (" + date->french() +
                                           ") précède la réception de la demande");
      }
    }
  }
  r.finish();
  return event;
}

FinIntegration DossierParser::read_fin_integration(const XMLElement* e) {
  FinIntegration event;
  ElementReader r(e, "dossier/fin-integration", sink_);
  if (auto d = r.date_attribute("date-conseil-classe")) event.date_conseil_classe = *d;
  if (auto v = r.choice_attribute("type-actuel", detail::type_actuel_codes)) event.type_actuel = *v;
  if (auto d = r.date_attribute("date-arret")) event.date_arret = *d;
  if (auto v = r.choice_attribute("justification", detail::justification_codes)) event.justification = *v;
  event.orientation = r.choice_attribute("orientation", detail::type_integration_codes, Presence::optional);
  if (const auto* h = r.child("prolongation-hors-pole", Presence::optional)) {
    ElementReader c(h, "dossier/fin-integration/prolongation-hors-pole", sink_);
    ProlongationHorsPole hp;
    if (auto t = c.attribute("type", Presence::required)) {
      if (t->size() == 1 && (*t)[0] >= '1' && (*t)[0] <= '8') {
        hp.type_enseignement = static_cast<unsigned>((*t)[0] - '0');
      } else {
        error(h, c.path() + "/@type", "type d’enseignement spécialisé invalide « " + *t + " » (1 à 8)");
      }
    }
    hp.annee_etude = c.text("annee-etude", Presence::required, TextShape::line, 150);
    hp.maturite = c.text("maturite", Presence::optional, TextShape::line, 40);
    hp.forme = c.text("forme", Presence::optional, TextShape::line, 40);
    hp.phase = c.text("phase", Presence::optional, TextShape::line, 40);
    c.finish();
    event.hors_pole = hp;
  }
  if (const auto* p = r.child("periode", Presence::optional)) {
    ElementReader c(p, "dossier/fin-integration/periode", sink_);
    event.periode_debut = c.date_attribute("debut");
    event.periode_fin = c.date_attribute("fin");
    c.finish();
    if (event.type_actuel != TypeActuel::itp) {
      error(p, c.path(), "une période propre ne se donne que pour une intégration temporaire partielle (itp)");
    }
    if (event.periode_debut && event.periode_fin && *event.periode_fin < *event.periode_debut) {
      error(p, c.path(), "la période finit avant de commencer");
    }
  }
  event.autre_raison = r.text("autre-raison", Presence::optional, TextShape::paragraphs, 600);
  if (event.justification == Justification::autre && event.autre_raison.empty() &&
      r.attribute("justification", Presence::optional)) {
    error(e, "dossier/fin-integration/autre-raison", "justification « autre » : indiquez la raison");
  }
  if (event.justification != Justification::autre && !event.autre_raison.empty()) {
    error(e, "dossier/fin-integration/autre-raison",
          "<autre-raison> ne se donne qu’avec justification=\"autre\"");
  }
  event.motivation = r.text("motivation", Presence::required, TextShape::paragraphs, 1500);
  if (event.date_arret < event.date_conseil_classe) {
    error(e, "dossier/fin-integration/@date-arret", "l’arrêt précède la décision du conseil de classe");
  }
  r.finish();
  return event;
}

void DossierParser::read_signataires(const XMLElement* e, std::vector<Signataire>& out) {
  if (!e) return;
  ElementReader r(e, "dossier/signataires", sink_);
  if (auto v = r.choice_attribute("ordre", detail::ordre_signature_codes, Presence::optional)) ordre_signature_ = *v;
  const auto list = r.children("signataire");
  for (size_t i = 0; i < list.size(); ++i) {
    ElementReader c(list[i], r.child_path(list[i], static_cast<int>(i)), sink_);
    Signataire s;
    const auto role = c.choice_attribute("role", detail::role_codes);
    s.personne.nom = c.text("nom", Presence::required, TextShape::line, name_chars);
    s.personne.prenom = c.text("prenom", Presence::required, TextShape::line, name_chars);
    s.personne.fonction = c.text("fonction", Presence::required, TextShape::line, 80);
    s.personne.email = read_email(c, Presence::required);
    c.finish();
    if (!role) continue;
    s.role = *role;
    const bool repeated = std::any_of(out.begin(), out.end(), [&](const Signataire& o) { return o.role == s.role; });
    if (repeated) {
      error(list[i], c.path() + "/@role", "un seul signataire par rôle");
      continue;
    }
    seen_["signataire-" + std::string(detail::code_of(detail::role_codes, s.role))] = list[i];
    out.push_back(std::move(s));
  }
  r.finish();
}

Dossier DossierParser::read(const XMLElement* root) {
  Dossier d;
  ElementReader r(root, "dossier", sink_);
  if (auto v = r.attribute("version", Presence::required); v && *v != "1") {
    r.error("version de format « " + *v + " » non prise en charge (version 1 attendue)");
  }
  if (auto ref = r.attribute("reference", Presence::required)) {
    if (!core::is_valid_reference(*ref)) {
      error(root, "dossier/@reference", core::check_reference(*ref).error().message);
    } else {
      d.reference = *ref;
    }
  }
  if (auto y = r.school_year_attribute("annee-scolaire")) d.annee_scolaire = *y;

  d.eleve = read_eleve(r.child("eleve", Presence::required));
  read_responsables(r.child("responsables", Presence::optional), d.responsables);
  if (const auto* e = r.child("ecole-specialisee", Presence::required)) {
    ElementReader c(e, "dossier/ecole-specialisee", sink_);
    read_etablissement(c, d.ecole_specialisee, false);
    if (auto v = c.choice_attribute("reseau", detail::reseau_codes)) d.ecole_specialisee.reseau = *v;
    c.finish();
  }
  if (const auto* e = r.child("pole", Presence::required)) {
    ElementReader c(e, "dossier/pole", sink_);
    read_etablissement(c, d.pole, false);
    d.pole.ecole_siege = c.text("ecole-siege", Presence::required, TextShape::line, 150);
    d.coordonnateur = read_personne(c.child("coordonnateur", Presence::required),
                                    "dossier/pole/coordonnateur", false, true);
    c.finish();
  }
  if (const auto* e = r.child("ecole-ordinaire", Presence::required)) {
    ElementReader c(e, "dossier/ecole-ordinaire", sink_);
    read_etablissement(c, d.ecole_ordinaire, false);
    c.finish();
  }
  if (const auto* e = r.child("ecole-partenaire", Presence::optional)) {
    ElementReader c(e, "dossier/ecole-partenaire", sink_);
    EcolePartenaire p;
    read_etablissement(c, p, false);
    if (auto v = c.choice_attribute("type", detail::partenaire_codes)) p.kind = *v;
    c.finish();
    d.ecole_partenaire = p;
  }
  if (const auto* e = r.child("cpms", Presence::required)) {
    ElementReader c(e, "dossier/cpms", sink_);
    d.cpms.nom = c.text("nom", Presence::required, TextShape::line, 150);
    d.cpms.adresse = c.text("adresse", Presence::optional, TextShape::line, 200);
    d.cpms.avis = c.choice_attribute("avis", detail::avis_codes, Presence::optional);
    d.cpms.avis_ecrit = c.text("avis-ecrit", Presence::optional, TextShape::paragraphs, 1500);
    c.finish();
  }
  read_historique(r.child("historique", Presence::optional), d.historique);

  d.protocole = read_protocole(r.child("protocole", Presence::required));

  const auto* premiere = r.child("premiere-ipt", Presence::optional);
  const auto* prolongation = r.child("prolongation", Presence::optional);
  const auto* fin = r.child("fin-integration", Presence::optional);
  const int events = (premiere != nullptr) + (prolongation != nullptr) + (fin != nullptr);
  if (events != 1) {
    r.error(events == 0 ? "un événement est attendu : <premiere-ipt>, <prolongation> ou <fin-integration>"
                        : "un seul événement par dossier : <premiere-ipt>, <prolongation> ou <fin-integration>");
  }
  if (premiere) d.evenement = read_premiere_ipt(premiere);
  else if (prolongation) d.evenement = read_prolongation(prolongation);
  else if (fin) d.evenement = read_fin_integration(fin);
  seen_["evenement"] = premiere ? premiere : prolongation ? prolongation : fin;
  seen_["protocole"] = r.child("protocole", Presence::optional);

  seen_["signataires"] = r.child("signataires", Presence::required);
  read_signataires(seen_["signataires"], d.signataires);
  d.ordre_signature = ordre_signature_;
  r.finish();
  // Checks across elements need sound dates; the roles can be checked in any case.
  const bool sound = sink_.diagnostics.empty();
  if (sound) check(d, root);
  check_roles(d, root, sound);
  return d;
}

// Checks across elements, once each element is well formed on its own.
void DossierParser::check(const Dossier& d, const XMLElement* root) {
  const auto* eleve_line = seen_["date-inscription-specialise"];
  if (!(d.eleve.date_naissance < d.eleve.date_inscription_specialise)) {
    error(eleve_line, "dossier/eleve/date-inscription-specialise",
          "l’inscription dans l’enseignement spécialisé (" + d.eleve.date_inscription_specialise.french() +
              ") doit suivre la naissance (" + d.eleve.date_naissance.french() + ")");
  }
  if (d.eleve.numero_national) {
    if (auto problem = detail::check_niss_birth_date(*d.eleve.numero_national, d.eleve.date_naissance)) {
      error(root, "dossier/eleve/numero-national", *problem);
    }
  }
  // The reference travels in logs and mail subjects: it must not carry the pupil's names.
  if (core::reference_names_pupil(d.reference, d.eleve)) {
    error(root, "dossier/@reference",
          "la référence ne doit pas contenir le nom de l’élève (elle figure dans les journaux et les courriels)");
  }

  const auto* protocole = seen_["protocole"];
  const Date date = d.date_evenement();
  if (!in_school_year(date, d.annee_scolaire)) {
    error(seen_["evenement"], "dossier/@annee-scolaire",
          "la date de l’événement (" + date.french() + ") n’est pas dans l’année scolaire " +
              d.annee_scolaire.label());
  }
  if (d.protocole.date < d.eleve.date_inscription_specialise) {
    error(protocole, "dossier/protocole/@date",
          "le protocole (" + d.protocole.date.french() +
              ") précède l’inscription dans l’enseignement spécialisé");
  }
  for (size_t i = 0; i < d.historique.size(); ++i) {
    if (d.historique[i].date_debut < d.eleve.date_inscription_specialise) {
      error(root, "dossier/historique/integration[" + std::to_string(i + 1) + "]/@debut",
            "l’intégration commence avant l’inscription dans l’enseignement spécialisé");
    }
  }

  const bool majeur = d.eleve_majeur();
  if (!majeur && d.responsables.empty()) {
    error(root, "dossier/responsables",
          "élève mineur au " + date.french() + " : au moins un responsable est obligatoire");
  }

  if (const auto* a = std::get_if<PremiereIpt>(&d.evenement)) {
    const auto* e = seen_["evenement"];
    if (a->concertation.date < a->date_proposition) {
      error(e, "dossier/premiere-ipt/concertation/@date", "la concertation précède la proposition");
    }
    if (a->concertation.favorable && d.protocole.date < a->concertation.date) {
      error(protocole, "dossier/protocole/@date", "le protocole précède l’avis favorable de la concertation");
    }
    if (d.historique.size() >= static_cast<size_t>(max_rows)) {
      error(root, "dossier/historique",
            "au plus " + std::to_string(max_rows - 1) +
                " lignes pour une première IPT : l’Annexe 3 y ajoute la ligne de l’IPT du dossier");
    }
    if (a->date_envoi_formulaire && *a->date_envoi_formulaire < a->concertation.date) {
      error(e, "dossier/premiere-ipt/@envoi",
            "le formulaire « Première IPT » est envoyé avant la concertation du " + a->concertation.date.french());
    }
    if (a->proposant == Proposant::eleve_majeur && d.eleve.date_naissance.years_until(a->date_proposition) < 18) {
      error(e, "dossier/premiere-ipt/proposition/@par",
            "l’élève n’est pas " + std::string(accord(d.eleve).majeur) + " le " + a->date_proposition.french() + " : " +
                std::string(accord(d.eleve).il) + " ne peut introduire " + std::string(accord(d.eleve).lui) +
                "-même la proposition");
    }
  } else if (const auto* b = std::get_if<Prolongation>(&d.evenement)) {
    const auto* e = seen_["evenement"];
    if (d.protocole.date <= d.annee_scolaire.thirtieth_september()) {
      error(protocole, "dossier/protocole/@date",
            "une prolongation avec changement de partenaire ne relève de la dérogation qu’après le " +
                d.annee_scolaire.thirtieth_september().french() +
                " ; avant, l’élève figure sur la liste du 30/09");
    }
    if (b->pole_precedent.fase == d.pole.fase && b->ecole_ordinaire_precedente.fase == d.ecole_ordinaire.fase) {
      error(e, "dossier/prolongation",
            "aucun changement de partenaire : le pôle et l’école ordinaire précédents sont ceux du dossier");
    }
    if (b->date_envoi <= d.annee_scolaire.thirtieth_september()) {
      error(e, "dossier/prolongation/@envoi",
            "le formulaire « Prolongation IPT » s’introduit après le 30-09");
    }
  }
}

void DossierParser::check_roles(const Dossier& d, const XMLElement* root, bool dates_known) {
  const bool majeur = dates_known && d.eleve_majeur();
  const Date date = d.date_evenement();
  // Who signs: the pole, the ordinary school and the CPMS always; the responsable role is
  // the adult pupil themself, or one of the pupil's responsables.
  for (Role role : {Role::pole, Role::ecole_ordinaire, Role::cpms, Role::responsable}) {
    const auto* s = d.find_signataire(role);
    const std::string code(detail::code_of(detail::role_codes, role));
    if (!s) {
      error(seen_["signataires"] ? seen_["signataires"] : root, "dossier/signataires",
            "signataire manquant pour le rôle « " + code + " »" +
                (role == Role::responsable && majeur
                     ? " (l’élève " + std::string(accord(d.eleve).majeur) + " signe " + std::string(accord(d.eleve).lui) + "-même)"
                     : ""));
      continue;
    }
    if (role != Role::responsable || !dates_known) continue;
    const auto* line = seen_["signataire-responsable"];
    if (majeur && !same_person(s->personne.nom, s->personne.prenom, d.eleve.nom, d.eleve.prenom)) {
      error(line, "dossier/signataires/signataire",
            "l’élève est " + std::string(accord(d.eleve).majeur) + " le " + date.french() + " : " +
                std::string(accord(d.eleve).il) + " signe " + std::string(accord(d.eleve).lui) +
                "-même : le signataire « responsable » doit être l’élève (nom et prénom de <eleve>)");
    }
    if (!majeur) {
      const bool known = std::any_of(d.responsables.begin(), d.responsables.end(), [&](const Responsable& r) {
        return same_person(r.nom, r.prenom, s->personne.nom, s->personne.prenom);
      });
      if (!known && !d.responsables.empty()) {
        error(line, "dossier/signataires/signataire",
              "le signataire « responsable » doit être l’un des responsables de l’élève");
      }
    }
  }
}

}  // namespace

DossierResult parse_dossier(std::string_view xml, const std::string& file_name) {
  DiagnosticSink sink{file_name, {}};
  if (xml.size() > max_dossier_bytes) {
    sink.error(0, "", "fichier trop volumineux (" + std::to_string(xml.size()) + " octets, 1 Mio au plus)");
    return std::unexpected(sink.diagnostics);
  }
  tinyxml2::XMLDocument doc(true, tinyxml2::PRESERVE_WHITESPACE);
  if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
    sink.error(doc.ErrorLineNum(), "", std::string("XML mal formé : ") + doc.ErrorStr());
    return std::unexpected(sink.diagnostics);
  }
  const auto* root = doc.RootElement();
  if (!root || std::string_view(root->Name()) != "dossier") {
    sink.error(root ? root->GetLineNum() : 1, root ? root->Name() : "",
               "l’élément racine doit être <dossier>");
    return std::unexpected(sink.diagnostics);
  }
  DossierParser parser(sink);
  Dossier dossier = parser.read(root);
  if (!sink.diagnostics.empty()) {
    std::stable_sort(sink.diagnostics.begin(), sink.diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    return std::unexpected(sink.diagnostics);
  }
  return dossier;
}

DossierResult load_dossier(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(Diagnostics{{path.string(), 0, "", "fichier illisible ou introuvable"}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_dossier(text.str(), path.string());
}

}  // namespace ipt::core
