#pragma once
// What circular 8783 requires for one dossier: the plan.
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/date.hpp"
#include "ipt/core/deadline.hpp"
#include "ipt/core/dossier.hpp"
#include "ipt/core/result.hpp"
#include "ipt/core/school_calendar.hpp"

namespace ipt::core {

enum class Procedure {
  premiere_ipt_liste_30_09,  // A, integration starting by 30/09: on the 30/09 list
  premiere_ipt_apres_30_09,  // A, after 30/09: form « Première IPT » après le 30-09
  prolongation_autre_pole,   // B1: change of pole (derogation)
  prolongation_meme_pole,    // B2: change of partner, same pole (derogation)
  fin_ipt                    // C: end of integration (Annexe 4)
};

enum class Document {
  annexe_1,
  annexe_2b,
  annexe_2c,
  annexe_3,
  annexe_4,
  declaration_premiere_ipt,
  declaration_prolongation_ipt,
  // The written motivation of one partner who disagreed (Première IPT, step 4): one
  // document per partner, signed by that partner alone (by hand for the special school and
  // its guidance body, which have no signing role).
  motivations_ecole_specialisee,
  motivations_organisme_guidance,
  motivations_ecole_ordinaire,
  motivations_cpms,
  motivations_pole,
  motivations_parents,
  motivations_eleve_majeur
};

// The motivations document of a partner of the concertation.
Document motivations_document(Intervenant intervenant);

// Who receives something the plan sends.
enum class Destinataire { administration, ministre };

enum class Lieu { pole, ecole_ordinaire, ecole_partenaire, ecole_specialisee };

struct SignatureStep {
  Role role;
  std::string field;            // "sig_pole", "sig_ecole_ordinaire", "sig_cpms", "sig_responsable"
  std::string signataire;       // "Prénom Nom"
  std::string qualite;          // fonction, qualité, or "élève majeur"
  std::string email;
  bool avis = false;            // the CPMS gives an opinion, it does not agree
};

struct DocumentPlan {
  Document document;
  std::vector<SignatureStep> signatures;  // in signing order; empty for unsigned documents
  Lieu original;                          // where the original is kept
  std::vector<Lieu> copies;
};

// A step of the coordinator's that sends something: the 30/09 list, the electronic form,
// the signed Annexe 4.
struct Envoi {
  std::string what;                         // French, e.g. "formulaire électronique « Prolongation IPT » après le 30-09"
  std::vector<Destinataire> destinataires;
  std::string moyen;                        // "formulaire électronique", "courriel à poles.territoriaux@cfwb.be"
  std::string par;                          // who does it: "Marie Lambert, coordonnatrice du pôle"
  std::string adresse;                      // the form's address as the circular gives it; may be empty
  std::optional<Date> avant;                // to be done by this date
  std::optional<Date> fait_le;              // done on this date, as the dossier records it
};

struct Plan {
  Procedure procedure;
  bool poursuivie = true;           // false when the concertation was unfavourable
  std::vector<DocumentPlan> documents;
  std::vector<Envoi> envois;
  bool moyens_budget_c = false;     // generates means in budget C
  bool encodage_e_poles = false;    // anything encoded in e-pôles by the Cellule
  std::string condition_debut;      // French: when the integration starts, ends, or why it does not start
  std::optional<Date> limite_30_09; // the 30/09 list's deadline: a Première IPT starting by then only
  std::string motif_derogation;     // B1, B2: the derogation ground, in the circular's words
  std::optional<Deadline> decision_ministre;  // B1, B2: when the Minister must decide
  std::vector<std::string> avertissements;    // French: what a coordinator should look at again
  std::vector<std::string> remarques;         // French notes (CPMS opinion, motivations, ...)
};

// The circular's addresses of the electronic forms (« Première IPT » après le 30-09,
// « Prolongation IPT » après le 30-09).
inline constexpr std::string_view adresse_formulaire_premiere_ipt = "https://form.jotform.com/223262293489362";
inline constexpr std::string_view adresse_formulaire_prolongation_ipt = "https://form.jotform.com/223262339131347";

// Applies the circular to a dossier already validated by parse_dossier. Fails only when a
// deadline needs a school year missing from the calendar (naming it). Signatures come in
// the order the dossier chooses (Dossier::ordre_signature).
Result<Plan> make_plan(const Dossier& dossier, const SchoolCalendar& calendar);

// Stable identifiers and French wording, shared by the CLI, the JSON and the templates.
std::string_view code(Procedure p);        // "A-liste-30-09", "A", "B1", "B2", "C"
std::string_view french_title(Procedure p);
std::string_view file_stem(Document d);    // "annexe-2b", "declaration-premiere-ipt", ...
std::string_view french_title(Document d);
std::string_view french_name(Destinataire d);
std::string_view french_name(Lieu l);
std::string_view field_name(Role r);       // "sig_pole", ...
std::string_view code(Role r);             // "pole", "ecole-ordinaire", "cpms", "responsable"

}  // namespace ipt::core
