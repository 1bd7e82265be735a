#include "ipt/core/dossier_fields.hpp"

#include <algorithm>

#include "codes.hpp"
#include "ipt/core/plan.hpp"

namespace ipt::core {

namespace {

// Every key is always emitted (empty when absent) so the set of names never depends on the
// dossier: templates are checked against it once, at load time.
class FieldWriter {
 public:
  explicit FieldWriter(DossierFields& out) : out_(out) {}
  void set(const std::string& key, std::string value) { out_[key] = std::move(value); }
  void date(const std::string& key, std::optional<Date> d) { set(key, d ? d->french() : ""); }
  void number(const std::string& key, unsigned n) { set(key, n ? std::to_string(n) : ""); }
  // A choice: its circular wording, and its machine value under `.code`.
  void choice(const std::string& key, std::string_view code, std::string wording) {
    set(key, std::move(wording));
    set(key + ".code", std::string(code));
  }
  void etablissement(const std::string& prefix, const Etablissement* e) {
    set(prefix + ".nom", e ? e->nom : "");
    set(prefix + ".adresse", e ? e->adresse : "");
    number(prefix + ".fase", e ? e->fase : 0);
    number(prefix + ".fase_implantation", e ? e->fase_implantation : 0);
  }
  void personne(const std::string& prefix, const Personne* p) {
    set(prefix + ".nom", p ? p->nom : "");
    set(prefix + ".prenom", p ? p->prenom : "");
    set(prefix + ".nom_complet", p ? p->prenom + " " + p->nom : "");
    set(prefix + ".fonction", p ? p->fonction : "");
    // Name and capacity, as a signatory block gives them: "Marie Lambert, déléguée du PO".
    set(prefix + ".nom_qualite", !p ? "" : p->fonction.empty() ? p->prenom + " " + p->nom
                                                                : p->prenom + " " + p->nom + ", " + p->fonction);
    set(prefix + ".email", p ? p->email : "");
  }

 private:
  DossierFields& out_;
};

std::string wording(TypeIntegration t) {
  switch (t) {
    case TypeIntegration::temporaire_partielle: return "Intégration temporaire partielle";
    case TypeIntegration::permanente_partielle: return "Intégration permanente partielle";
    case TypeIntegration::permanente_totale: return "Intégration permanente totale";
  }
  return "";
}

std::string wording(TypeActuel t) {
  switch (t) {
    case TypeActuel::ipt: return "Intégration permanente totale";
    case TypeActuel::ipp: return "Intégration permanente partielle";
    case TypeActuel::itp: return "Intégration temporaire partielle";
  }
  return "";
}

std::string wording(Justification j) {
  switch (j) {
    case Justification::continue_ordinaire:
      return "Arrêt de l’intégration, l’élève continue dans l’enseignement ordinaire sans accompagnement de l’enseignement spécialisé (école ou pôle).";
    case Justification::retour_specialise:
      return "Arrêt de l’intégration et inscription, ou retour, dans l’enseignement spécialisé.";
    case Justification::certificat: return "Arrêt de l’intégration à la suite de l’obtention d’un certificat.";
    case Justification::autre: return "Arrêt pour une autre raison.";
  }
  return "";
}

std::string wording(MotifDerogation m) { return std::string(french_name(m)); }

std::string wording(Proposant p) {
  switch (p) {
    case Proposant::conseil_de_classe: return "Le conseil de classe de l’école d’enseignement spécialisé";
    case Proposant::organisme_guidance:
      return "L’organisme qui assure la guidance des élèves de l’école d’enseignement spécialisé";
    case Proposant::parents: return "Les parents ou la personne investie de l’autorité parentale";
    case Proposant::eleve_majeur: return "L’élève majeur";
  }
  return "";
}

std::string wording(Intervenant i) {
  switch (i) {
    case Intervenant::ecole_specialisee: return "École d’enseignement spécialisé";
    case Intervenant::organisme_guidance: return "Organisme assurant la guidance";
    case Intervenant::ecole_ordinaire: return "École d’enseignement ordinaire";
    case Intervenant::cpms: return "Centre psycho-médico-social";
    case Intervenant::pole: return "Pôle territorial";
    case Intervenant::parents: return "Parents ou personne investie de l’autorité parentale";
    case Intervenant::eleve_majeur: return "Élève majeur";
  }
  return "";
}

// "majeur" agrees with the pupil's sex where the wording names the pupil.
std::string agreed(std::string text, const Dossier& d) {
  if (d.eleve.sexe == Sexe::feminin && text.ends_with("majeur")) text += "e";
  return text;
}

std::string wording(Sexe s) {
  switch (s) {
    case Sexe::feminin: return "F";
    case Sexe::masculin: return "M";
    case Sexe::x: return "X";
  }
  return "";
}

std::string wording(AvisCpms a) {
  return a == AvisCpms::favorable ? "AVIS FAVORABLE" : "AVIS DÉFAVORABLE";
}

std::string wording(Reseau r) {
  switch (r) {
    case Reseau::wbe: return "Wallonie-Bruxelles Enseignement";
    case Reseau::officiel_subventionne: return "Enseignement officiel subventionné";
    case Reseau::libre_subventionne: return "Enseignement libre subventionné";
  }
  return "";
}

// The dossier's reference, its school year and that year's calendar.
void write_year(const Dossier& d, const SchoolCalendar& calendar, FieldWriter& w) {
  w.set("reference", d.reference);
  w.set("annee_scolaire", d.annee_scolaire.start_year() ? d.annee_scolaire.label() : "");
  w.set("annee_scolaire_courte", d.annee_scolaire.start_year() ? d.annee_scolaire.short_label() : "");
  const auto* year = calendar.find_year(d.annee_scolaire);
  w.set("calendrier.premier_jour", year ? year->first_school_day.day_month() : "");
  w.set("calendrier.dernier_jour", year ? year->last_school_day.day_month() : "");
  w.date("limite_30_09", d.annee_scolaire.start_year() ? std::optional(d.annee_scolaire.thirtieth_september()) : std::nullopt);
}

// The pupil and their responsables.
void write_pupil(const Dossier& d, FieldWriter& w) {
  using namespace detail;
  const auto& e = d.eleve;
  w.set("eleve.nom", e.nom);
  w.set("eleve.prenom", e.prenom);
  w.set("eleve.nom_prenom", e.nom.empty() ? "" : e.nom + " " + e.prenom);
  w.date("eleve.date_naissance", e.date_naissance);
  w.choice("eleve.sexe", code_of(sexe_codes, e.sexe), wording(e.sexe));
  w.date("eleve.date_inscription_specialise", e.date_inscription_specialise);
  w.set("eleve.numero_national", e.numero_national.value_or(""));
  w.set("eleve.majeur", d.eleve_majeur() ? "oui" : "non");

  for (int i = 0; i < max_rows; ++i) {
    const auto* r = static_cast<size_t>(i) < d.responsables.size() ? &d.responsables[static_cast<size_t>(i)] : nullptr;
    const std::string p = "responsables." + std::to_string(i);
    w.set(p + ".nom", r ? r->nom : "");
    w.set(p + ".prenom", r ? r->prenom : "");
    w.set(p + ".qualite", r ? r->qualite : "");
    w.set(p + ".email", r ? r->email : "");
  }
}

// The special school, the pole, its coordinator, the ordinary and partner schools, the CPMS.
void write_establishments(const Dossier& d, FieldWriter& w) {
  using namespace detail;
  w.etablissement("ecole_specialisee", &d.ecole_specialisee);
  w.choice("ecole_specialisee.reseau", code_of(reseau_codes, d.ecole_specialisee.reseau), wording(d.ecole_specialisee.reseau));
  w.etablissement("pole", &d.pole);
  w.set("pole.ecole_siege", d.pole.ecole_siege);
  w.personne("coordonnateur", &d.coordonnateur);
  w.etablissement("ecole_ordinaire", &d.ecole_ordinaire);
  const EcolePartenaire* partenaire = d.ecole_partenaire ? &*d.ecole_partenaire : nullptr;
  w.etablissement("ecole_partenaire", partenaire);
  w.choice("ecole_partenaire.type", partenaire ? code_of(partenaire_codes, partenaire->kind) : "",
           !partenaire ? "" : partenaire->kind == KindPartenaire::partenaire ? "École partenaire" : "École partenaire spécifique");
  w.set("cpms.nom", d.cpms.nom);
  w.set("cpms.adresse", d.cpms.adresse);
  w.choice("cpms.avis", d.cpms.avis ? code_of(avis_codes, *d.cpms.avis) : "", d.cpms.avis ? wording(*d.cpms.avis) : "");
  w.set("cpms.avis_ecrit", d.cpms.avis_ecrit);
}

// Annexe 3: the integration history.
void write_history(const Dossier& d, FieldWriter& w) {
  using namespace detail;
  const auto* c = std::get_if<FinIntegration>(&d.evenement);
  // Annexe 3 shows the earlier integrations and, for a first IPT, the IPT the dossier is
  // about: the row after the history.
  const auto* a = std::get_if<PremiereIpt>(&d.evenement);
  std::vector<LigneHistorique> rows = d.historique;
  if (a && d.annee_scolaire.start_year()) {
    rows.push_back({d.annee_scolaire, TypeIntegration::permanente_totale, a->annee_etude, d.protocole.date, std::nullopt});
  }
  w.set("integration.type", a || std::holds_alternative<Prolongation>(d.evenement) ? wording(TypeIntegration::permanente_totale)
                            : c ? wording(c->type_actuel) : "");
  for (int i = 0; i < max_rows; ++i) {
    const auto* r = static_cast<size_t>(i) < rows.size() ? &rows[static_cast<size_t>(i)] : nullptr;
    const std::string p = "historique." + std::to_string(i);
    w.set(p + ".annee_scolaire", r ? r->annee_scolaire.label() : "");
    w.choice(p + ".type", r ? code_of(type_integration_codes, r->type) : "", r ? wording(r->type) : "");
    w.set(p + ".annee_etude", r ? r->annee_etude : "");
    w.date(p + ".date_debut", r ? std::optional(r->date_debut) : std::nullopt);
    // Annexe 3 puts "année d'étude et date de début" in the column of the integration's type.
    const std::string since = r ? "depuis le " + r->date_debut.french() : "";
    const std::string cell = !r ? "" : r->annee_etude.empty() ? since : r->annee_etude + ", " + since;
    w.set(p + ".temporaire_partielle", r && r->type == TypeIntegration::temporaire_partielle ? cell : "");
    w.set(p + ".permanente_partielle", r && r->type == TypeIntegration::permanente_partielle ? cell : "");
    w.set(p + ".permanente_totale", r && r->type == TypeIntegration::permanente_totale ? cell : "");
    w.set(p + ".fin", r && r->fin ? *r->fin : "");
  }
}

// Annexe 2b: the protocol's sections.
void write_protocol(const Dossier& d, FieldWriter& w) {
  using namespace detail;
  const auto& p = d.protocole;
  const bool has_protocole = p.date != Date{};
  w.date("protocole.date", has_protocole ? std::optional(p.date) : std::nullopt);
  w.set("protocole.synthese", p.synthese);
  w.set("protocole.objectifs", p.objectifs);
  w.set("protocole.equipements", p.equipements);
  w.set("protocole.transport", p.transport);
  w.set("protocole.dispositif_relation", p.dispositif_relation);
  w.set("protocole.modalites_accompagnement", p.modalites_accompagnement);
  w.set("protocole.evaluation_interne", p.evaluation_interne);
  w.set("protocole.presence_registre", p.presence_registre);
}

// Procedure A: the proposal, the concertation and each disagreeing partner's motivation.
void write_premiere_ipt(const Dossier& d, FieldWriter& w) {
  using namespace detail;
  const auto* a = std::get_if<PremiereIpt>(&d.evenement);
  w.choice("premiere_ipt.proposant", a ? code_of(proposant_codes, a->proposant) : "", a ? agreed(wording(a->proposant), d) : "");
  w.date("premiere_ipt.date_proposition", a ? std::optional(a->date_proposition) : std::nullopt);
  w.date("premiere_ipt.concertation.date", a ? std::optional(a->concertation.date) : std::nullopt);
  w.date("premiere_ipt.date_envoi", a ? a->date_envoi_formulaire : std::nullopt);
  w.set("premiere_ipt.annee_etude", a ? a->annee_etude : "");
  w.choice("premiere_ipt.concertation.avis", a ? (a->concertation.favorable ? "favorable" : "defavorable") : "",
           a ? (a->concertation.favorable ? "Avis favorable" : "Avis défavorable") : "");
  for (int i = 0; i < max_rows; ++i) {
    const auto* x = a && static_cast<size_t>(i) < a->concertation.desaccords.size()
                        ? &a->concertation.desaccords[static_cast<size_t>(i)] : nullptr;
    const std::string k = "desaccords." + std::to_string(i);
    w.choice(k + ".intervenant", x ? code_of(intervenant_codes, x->intervenant) : "", x ? agreed(wording(x->intervenant), d) : "");
    w.personne(k + ".auteur", x ? &x->auteur : nullptr);
    w.set(k + ".motivation", x ? x->motivation : "");
  }
  // One sheet per partner who disagreed, keyed by the partner ("desaccord.cpms.motivation").
  for (const auto& [code, intervenant] : intervenant_codes) {
    const Desaccord* x = nullptr;
    if (a) {
      for (const auto& candidate : a->concertation.desaccords)
        if (candidate.intervenant == intervenant) x = &candidate;
    }
    std::string key = "desaccord." + std::string(code);
    std::replace(key.begin(), key.end(), '-', '_');
    w.set(key + ".intervenant", x ? agreed(wording(intervenant), d) : "");
    w.personne(key + ".auteur", x ? &x->auteur : nullptr);
    w.set(key + ".motivation", x ? x->motivation : "");
  }
  w.set("ecole_specialisee.destinataire_motivations",
        d.ecole_specialisee.reseau == Reseau::wbe ? "au directeur de l’école d’enseignement spécialisé"
                                                  : "au pouvoir organisateur de l’école d’enseignement spécialisé");
}

// Procedure B: the derogation, its form and the Minister's decision.
void write_prolongation(const Dossier& d, FieldWriter& w) {
  using namespace detail;
  const auto* b = std::get_if<Prolongation>(&d.evenement);
  w.choice("prolongation.motif", b ? code_of(motif_codes, b->motif) : "", b ? wording(b->motif) : "");
  w.set("prolongation.motivation", b ? b->motivation : "");
  w.date("prolongation.date_envoi", b ? std::optional(b->date_envoi) : std::nullopt);
  w.date("prolongation.date_reception", b ? b->date_reception : std::nullopt);
  w.etablissement("prolongation.pole_precedent", b ? &b->pole_precedent : nullptr);
  w.etablissement("prolongation.ecole_ordinaire_precedente", b ? &b->ecole_ordinaire_precedente : nullptr);
  w.set("prolongation.changement_pole", !b ? "" : b->pole_precedent.fase != d.pole.fase ? "oui" : "non");
  const auto* decision = b && b->decision ? &*b->decision : nullptr;
  w.date("prolongation.decision.date", decision ? std::optional(decision->date) : std::nullopt);
  w.choice("prolongation.decision.issue", decision ? code_of(decision_codes, decision->accordee) : "",
           !decision ? "" : decision->accordee ? "Dérogation accordée" : "Dérogation refusée");
}

// Procedure C: Annexe 4's end of integration.
void write_fin(const Dossier& d, FieldWriter& w) {
  using namespace detail;
  const auto* c = std::get_if<FinIntegration>(&d.evenement);
  w.date("fin.date_conseil_classe", c ? std::optional(c->date_conseil_classe) : std::nullopt);
  w.choice("fin.type_actuel", c ? code_of(type_actuel_codes, c->type_actuel) : "", c ? wording(c->type_actuel) : "");
  w.choice("fin.orientation", c && c->orientation ? code_of(type_integration_codes, *c->orientation) : "",
           c && c->orientation ? wording(*c->orientation) : "");
  const auto* hp = c && c->hors_pole ? &*c->hors_pole : nullptr;
  w.number("fin.hors_pole.type", hp ? hp->type_enseignement : 0);
  w.set("fin.hors_pole.annee_etude", hp ? hp->annee_etude : "");
  w.set("fin.hors_pole.maturite", hp ? hp->maturite : "");
  w.set("fin.hors_pole.forme", hp ? hp->forme : "");
  w.set("fin.hors_pole.phase", hp ? hp->phase : "");
  w.date("fin.periode_debut", c ? c->periode_debut : std::nullopt);
  w.date("fin.periode_fin", c ? c->periode_fin : std::nullopt);
  w.date("fin.date_arret", c ? std::optional(c->date_arret) : std::nullopt);
  w.choice("fin.justification", c ? code_of(justification_codes, c->justification) : "", c ? wording(c->justification) : "");
  w.set("fin.autre_raison", c ? c->autre_raison : "");
  w.set("fin.motivation", c ? c->motivation : "");
}

// The signatories, as the signature boxes name them.
void write_signataires(const Dossier& d, FieldWriter& w) {
  using namespace detail;
  for (Role role : {Role::pole, Role::ecole_ordinaire, Role::cpms, Role::responsable}) {
    const auto* s = d.find_signataire(role);
    std::string key = "signataire." + std::string(field_name(role)).substr(4);  // "signataire.pole"
    w.personne(key, s ? &s->personne : nullptr);
  }
  // What Annexes 2c and 4 print for the responsable: "Nom, prénom et qualité" or the adult pupil.
  const auto* resp = d.find_signataire(Role::responsable);
  w.set("signataire.responsable.nom_prenom_qualite",
        !resp ? "" : d.eleve_majeur() ? resp->personne.nom + " " + resp->personne.prenom + ", " + std::string(d.eleve_majeur_french())
                   : resp->personne.nom + " " + resp->personne.prenom + ", " + resp->personne.fonction);
}

void write_fields(const Dossier& d, const SchoolCalendar& calendar, FieldWriter& w) {
  write_year(d, calendar, w);
  write_pupil(d, w);
  write_establishments(d, w);
  write_history(d, w);
  write_protocol(d, w);
  write_premiere_ipt(d, w);
  write_prolongation(d, w);
  write_fin(d, w);
  write_signataires(d, w);
}

}  // namespace

DossierFields dossier_fields(const Dossier& dossier, const SchoolCalendar& calendar) {
  DossierFields fields;
  FieldWriter writer(fields);
  write_fields(dossier, calendar, writer);
  return fields;
}

const std::set<std::string, std::less<>>& dossier_field_names() {
  static const std::set<std::string, std::less<>> names = [] {
    std::set<std::string, std::less<>> out;
    static const SchoolCalendar empty_calendar;
    Dossier empty{};
    for (const auto& [key, value] : dossier_fields(empty, empty_calendar)) out.insert(key);
    return out;
  }();
  return names;
}

}  // namespace ipt::core
