#pragma once
// An IPT dossier: everything Annexes 1, 2b, 2c, 3, 4 and the declaration forms need.
// The XML form is documented in schemas/dossier.xsd and docs/dossier.md; names follow the
// circular's French terms.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ipt/core/date.hpp"
#include "ipt/core/school_year.hpp"

namespace ipt::core {

enum class Sexe { feminin, masculin, x };

// The legal status of the special school decides who receives the written motivations of a
// partner who disagreed (circular, Première IPT step 4).
enum class Reseau { wbe, officiel_subventionne, libre_subventionne };

// The four signatories of the protocol and of Annexe 4. The order they sign in is the
// plan's (see OrdreSignature), not the enum's.
enum class Role { pole, ecole_ordinaire, cpms, responsable };

// The circular gives no signing order. `formulaire` (the default) follows each document's
// form, top to bottom (Annexe 2c: école ordinaire, pôle, CPMS, responsable; Annexe 4: pôle,
// école ordinaire, CPMS, responsable); `pole_auteur` puts the pole first because it
// certifies the document as its author (DocMDP), then the others in the form's order.
enum class OrdreSignature { formulaire, pole_auteur };

enum class AvisCpms { favorable, defavorable };

enum class TypeIntegration { temporaire_partielle, permanente_partielle, permanente_totale };

struct Personne {
  std::string nom;
  std::string prenom;
  std::string fonction;  // "directrice", "coordonnateur du pôle", "mère", ...
  std::string email;     // may be empty where the circular does not need it
};

struct Eleve {
  std::string nom;
  std::string prenom;
  Date date_naissance;
  Sexe sexe = Sexe::x;
  Date date_inscription_specialise;
  std::optional<std::string> numero_national;  // 11 digits, mod-97 checked
};

struct Responsable {
  std::string nom;
  std::string prenom;
  std::string qualite;  // "mère", "père", "tuteur", ...
  std::string email;
};

struct Etablissement {
  std::string nom;
  std::string adresse;
  unsigned fase = 0;
  unsigned fase_implantation = 0;
};

struct EcoleSpecialisee : Etablissement {
  Reseau reseau = Reseau::wbe;
};

struct Pole : Etablissement {
  std::string ecole_siege;  // the special school the pole is attached to
};

enum class KindPartenaire { partenaire, partenaire_specifique };

struct EcolePartenaire : Etablissement {
  KindPartenaire kind = KindPartenaire::partenaire;
};

struct Cpms {
  std::string nom;
  std::string adresse;
  std::optional<AvisCpms> avis;  // known once the CPMS has given it
  std::string avis_ecrit;        // its written opinion (Annexe 4), when given beforehand
};

// One row of Annexe 3 (tableau synoptique): one school year, one type of integration.
struct LigneHistorique {
  SchoolYear annee_scolaire;
  TypeIntegration type = TypeIntegration::permanente_totale;
  std::string annee_etude;  // "3e primaire"
  Date date_debut;
  std::optional<std::string> fin;  // "retour dans l'école d'enseignement spécialisé", ...
};

// Annexe 2b: the sections of the protocol.
struct Protocole {
  Date date;  // the integration starts on this date (conditions in the plan)
  std::string synthese;
  std::string objectifs;
  std::string equipements;
  std::string transport;
  std::string dispositif_relation;
  std::string modalites_accompagnement;
  std::string evaluation_interne;
  std::string presence_registre;
};

// ---- The event being processed -------------------------------------------------------

enum class Proposant { conseil_de_classe, organisme_guidance, parents, eleve_majeur };

// A partner of the concertation (Première IPT step 2).
enum class Intervenant {
  ecole_specialisee, organisme_guidance, ecole_ordinaire, cpms, pole, parents, eleve_majeur
};

// A partner who disagreed and the written motivation of their position (step 4).
struct Desaccord {
  Intervenant intervenant = Intervenant::ecole_ordinaire;
  Personne auteur;
  std::string motivation;
};

struct Concertation {
  Date date;
  bool favorable = true;
  std::vector<Desaccord> desaccords;  // required when unfavourable
};

// Procedure A: Première IPT.
struct PremiereIpt {
  Proposant proposant = Proposant::conseil_de_classe;
  Date date_proposition;
  Concertation concertation;
  // When the pole sent the electronic form « Première IPT » après le 30-09 (step 7); not yet
  // when absent. Meaningless for an integration on the 30/09 list.
  std::optional<Date> date_envoi_formulaire;
  // The study year in the ordinary school, for Annexe 3's row of this IPT ("5e primaire").
  std::string annee_etude;
};

enum class MotifDerogation {
  placement,                     // mesure de placement (magistrat, Aide à la jeunesse)
  changement_domicile,
  separation_parents,
  externat_internat,
  accueil_autre_famille,         // maladie, voyage
  exclusion_definitive,
  circonstances_exceptionnelles  // requires a motivation
};

// French wording of a derogation ground, as the circular lists it.
std::string_view french_name(MotifDerogation m);

// The Minister's decision on a derogation request (procedure B), once known.
struct DecisionMinistre {
  Date date;
  bool accordee = false;  // granted; false: refused
};

// Procedure B: Prolongation d'IPT with a change of partner after 30/09 (derogation).
struct Prolongation {
  MotifDerogation motif = MotifDerogation::changement_domicile;
  std::string motivation;  // required for circonstances_exceptionnelles
  Date date_envoi;         // the form is sent
  std::optional<Date> date_reception;  // receipt by the Minister: starts the 30-day count
  Pole pole_precedent;     // same FASE as the current pole: B2; otherwise B1
  Etablissement ecole_ordinaire_precedente;
  std::optional<DecisionMinistre> decision;  // absent while the Minister has not decided
};

enum class TypeActuel { ipt, ipp, itp };

enum class Justification { continue_ordinaire, retour_specialise, certificat, autre };

// Annexe 4's "données à compléter uniquement si l'intégration est prolongée via l'école
// d'enseignement spécialisé (hors pôle)".
struct ProlongationHorsPole {
  unsigned type_enseignement = 0;  // 1 to 8
  std::string annee_etude;         // year, level (+ option) in the ordinary school
  std::string maturite;            // partial integration only
  std::string forme;
  std::string phase;
};

// Procedure C: Fin d'IPT (Annexe 4, bilan d'intégration).
struct FinIntegration {
  Date date_conseil_classe;
  TypeActuel type_actuel = TypeActuel::ipt;
  std::optional<TypeIntegration> orientation;  // for the next school year, if any
  std::optional<ProlongationHorsPole> hors_pole;
  std::optional<Date> periode_debut;  // only for a temporary partial integration;
  std::optional<Date> periode_fin;    // otherwise the school year's first and last days
  Date date_arret;
  Justification justification = Justification::continue_ordinaire;
  std::string autre_raison;  // required for Justification::autre
  std::string motivation;
};

using Evenement = std::variant<PremiereIpt, Prolongation, FinIntegration>;

struct Signataire {
  Role role = Role::pole;
  Personne personne;
};

struct Dossier {
  std::string reference;  // the pole's reference: used in logs, mails and file names
  SchoolYear annee_scolaire;
  Eleve eleve;
  std::vector<Responsable> responsables;  // may be empty for an adult pupil
  EcoleSpecialisee ecole_specialisee;
  Pole pole;
  Personne coordonnateur;  // the pole's coordinator
  Etablissement ecole_ordinaire;
  std::optional<EcolePartenaire> ecole_partenaire;
  Cpms cpms;
  std::vector<LigneHistorique> historique;
  Protocole protocole;
  Evenement evenement;
  std::vector<Signataire> signataires;  // one per role that signs
  OrdreSignature ordre_signature = OrdreSignature::formulaire;

  // The date the event is judged on: the protocol's date for A and B, the end date for C.
  Date date_evenement() const;
  // 18 or older on the event's date: the pupil signs for themself.
  bool eleve_majeur() const;
  // "élève majeur" or "élève majeure", after the pupil's sex (masculine for X).
  std::string_view eleve_majeur_french() const;
  const Signataire* find_signataire(Role role) const;
};

}  // namespace ipt::core
