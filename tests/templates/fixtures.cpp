#include "fixtures.hpp"

#include <cstdlib>
#include <iostream>

#ifndef IPT_DEFINITIONS_DIR
#define IPT_DEFINITIONS_DIR "templates/definitions"
#endif

namespace ipt::templates::testing {

namespace {

void etablissement(core::DossierFields& f, const std::string& p, std::string nom, std::string adresse,
                   std::string fase, std::string implantation) {
  f[p + ".nom"] = std::move(nom);
  f[p + ".adresse"] = std::move(adresse);
  f[p + ".fase"] = std::move(fase);
  f[p + ".fase_implantation"] = std::move(implantation);
}

void personne(core::DossierFields& f, const std::string& p, std::string prenom, std::string nom, std::string fonction,
              std::string email) {
  f[p + ".nom_complet"] = prenom.empty() ? "" : prenom + " " + nom;
  f[p + ".nom_qualite"] = prenom.empty() ? "" : prenom + " " + nom + (fonction.empty() ? "" : ", " + fonction);
  f[p + ".nom"] = std::move(nom);
  f[p + ".prenom"] = std::move(prenom);
  f[p + ".fonction"] = std::move(fonction);
  f[p + ".email"] = std::move(email);
}

void choice(core::DossierFields& f, const std::string& key, std::string code, std::string wording) {
  f[key] = std::move(wording);
  f[key + ".code"] = std::move(code);
}

}  // namespace

core::DossierFields fixture_fields() {
  core::DossierFields f;
  f["reference"] = "PT-BXL-2026-0042";
  f["annee_scolaire"] = "2026-2027";
  f["annee_scolaire_courte"] = "2026-27";
  f["calendrier.premier_jour"] = "31/08";
  f["calendrier.dernier_jour"] = "02/07";
  f["limite_30_09"] = "30/09/2026";
  f["eleve.nom"] = "Dubœuf";
  f["eleve.prenom"] = "Léa";
  f["eleve.nom_prenom"] = "Dubœuf Léa";
  f["eleve.date_naissance"] = "14/03/2014";
  choice(f, "eleve.sexe", "F", "F");
  f["eleve.date_inscription_specialise"] = "01/09/2020";
  f["eleve.numero_national"] = "14031412345";
  f["eleve.majeur"] = "non";
  for (int i = 0; i < core::max_rows; ++i) {
    const std::string p = "responsables." + std::to_string(i);
    f[p + ".nom"] = i == 0 ? "Dubœuf" : "";
    f[p + ".prenom"] = i == 0 ? "Hélène" : "";
    f[p + ".qualite"] = i == 0 ? "mère" : "";
    f[p + ".email"] = i == 0 ? "helene.duboeuf@example.be" : "";
  }
  etablissement(f, "ecole_specialisee", "École d’enseignement spécialisé « Les Érables »",
                "Rue des Érables 12, 1070 Anderlecht", "1234", "1235");
  choice(f, "ecole_specialisee.reseau", "wbe", "Wallonie-Bruxelles Enseignement");
  f["ecole_specialisee.destinataire_motivations"] = "au directeur de l’école d’enseignement spécialisé";
  etablissement(f, "pole", "Pôle territorial de Bruxelles-Ouest", "Avenue de la Forêt 3, 1070 Anderlecht", "5678", "5679");
  f["pole.ecole_siege"] = "Athénée royal « Les Érables »";
  personne(f, "coordonnateur", "Noël", "Lefèvre", "coordonnateur du pôle", "noel.lefevre@example.be");
  etablissement(f, "ecole_ordinaire", "l’école « Les Tilleuls »", "Chaussée de Ninove 210, 1080 Molenbeek-Saint-Jean",
                "2468", "2469");
  etablissement(f, "ecole_partenaire", "", "", "", "");
  choice(f, "ecole_partenaire.type", "", "");
  f["cpms.nom"] = "Centre PMS de la Communauté française d’Anderlecht";
  f["cpms.adresse"] = "Rue du Chœur 5, 1070 Anderlecht";
  choice(f, "cpms.avis", "favorable", "AVIS FAVORABLE");
  f["cpms.avis_ecrit"] = "Le CPMS est favorable à la poursuite de l’intégration en 1re année commune ; "
                         "il reste à la disposition de la famille pour le passage au secondaire.";
  f["integration.type"] = "Intégration permanente totale";
  for (int i = 0; i < core::max_rows; ++i) {
    const std::string p = "historique." + std::to_string(i);
    const bool row = i < 2;
    f[p + ".annee_scolaire"] = row ? (i == 0 ? "2025-2026" : "2026-2027") : "";
    choice(f, p + ".type", row ? (i == 0 ? "permanente-partielle" : "permanente-totale") : "",
           row ? (i == 0 ? "Intégration permanente partielle" : "Intégration permanente totale") : "");
    f[p + ".annee_etude"] = row ? (i == 0 ? "3e primaire" : "4e primaire") : "";
    f[p + ".date_debut"] = row ? (i == 0 ? "15/09/2025" : "12/10/2026") : "";
    f[p + ".temporaire_partielle"] = "";
    f[p + ".permanente_partielle"] = i == 0 ? "3e primaire, depuis le 15/09/2025" : "";
    f[p + ".permanente_totale"] = i == 1 ? "4e primaire, depuis le 12/10/2026" : "";
    f[p + ".fin"] = i == 0 ? "réorientation vers l’intégration permanente totale" : "";
  }
  f["protocole.date"] = "12/10/2026";
  f["protocole.synthese"] =
      "Léa présente une dyspraxie visuo-spatiale sévère ; elle a fait des progrès remarquables en lecture "
      "et en calcul mental. L’équipe pluridisciplinaire estime qu’elle peut suivre le programme de 4e primaire "
      "avec un accompagnement « sur mesure » : consignes reformulées, supports agrandis, temps supplémentaire.\n"
      "Ses parents soutiennent le projet et souhaitent qu’elle rejoigne sa sœur à l’école « Les Tilleuls ».";
  f["protocole.objectifs"] = "Développer l’autonomie de Léa dans l’organisation de son travail ; favoriser sa "
                             "participation aux activités de la classe et à la vie de l’école.";
  f["protocole.equipements"] = "Ordinateur portable avec logiciel de dictée vocale ; plan incliné ; règle "
                               "antidérapante.";
  // A no-break space inside the guillemets and a euro sign: both WinAnsi, both must survive.
  f["protocole.transport"] = "Aucun besoin particulier : Léa est conduite à l’école par ses parents "
                             "(«\u00A0covoiturage\u00A0» de 35\u00A0€ par mois).";
  f["protocole.dispositif_relation"] = "Réunion mensuelle entre l’enseignante, l’accompagnatrice du pôle et le CPMS ; "
                                       "cahier de liaison hebdomadaire avec les parents.";
  f["protocole.modalites_accompagnement"] = "Quatre périodes par semaine d’accompagnement en classe par une "
                                            "ergothérapeute du pôle ; adaptation des évaluations.";
  f["protocole.evaluation_interne"] = "Bilan à chaque fin de trimestre lors du conseil de classe, avec l’équipe "
                                      "du pôle ; ajustement des objectifs en janvier.";
  f["protocole.presence_registre"] = "Léa est inscrite au registre de fréquentation de l’école « Les Tilleuls » ; "
                                     "les absences sont communiquées au pôle le jour même.";
  choice(f, "premiere_ipt.proposant", "conseil-de-classe", "Le conseil de classe de l’école d’enseignement spécialisé");
  f["premiere_ipt.date_proposition"] = "07/09/2026";
  f["premiere_ipt.concertation.date"] = "21/09/2026";
  f["premiere_ipt.date_envoi"] = "13/10/2026";
  f["premiere_ipt.annee_etude"] = "4e primaire";
  choice(f, "premiere_ipt.concertation.avis", "defavorable", "Avis défavorable");
  for (int i = 0; i < core::max_rows; ++i) {
    const std::string k = "desaccords." + std::to_string(i);
    const bool row = i < 2;
    choice(f, k + ".intervenant", row ? (i == 0 ? "ecole-ordinaire" : "cpms") : "",
           row ? (i == 0 ? "École d’enseignement ordinaire" : "Centre psycho-médico-social") : "");
    personne(f, k + ".auteur", row ? (i == 0 ? "Françoise" : "Jérôme") : "", row ? (i == 0 ? "Lacroix" : "Nguyễn") : "",
             row ? (i == 0 ? "directrice" : "psychologue") : "", "");
    f[k + ".motivation"] = row ? (i == 0 ? "L’école ne dispose pas, cette année, d’un local adapté au matériel "
                                           "de Léa ; nous proposons d’en reparler en janvier."
                                         : "Le CPMS estime qu’une intégration permanente partielle serait "
                                           "préférable dans un premier temps.")
                               : "";
  }
  // The pupil's signature step may name a person with a Vietnamese name: ễ is not WinAnsi,
  // so this value is used only where a test wants an unprintable character.
  f["desaccords.1.auteur.nom"] = "Nguyen";
  f["desaccords.1.auteur.nom_complet"] = "Jérôme Nguyen";
  f["desaccords.1.auteur.nom_qualite"] = "Jérôme Nguyen, psychologue";
  // The same two partners, keyed by partner: one motivations document each.
  for (const char* code : {"ecole_specialisee", "organisme_guidance", "ecole_ordinaire", "cpms", "pole", "parents", "eleve_majeur"}) {
    const std::string k = std::string("desaccord.") + code;
    const std::string from = k == "desaccord.ecole_ordinaire" ? "desaccords.0" : k == "desaccord.cpms" ? "desaccords.1" : "";
    f[k + ".intervenant"] = from.empty() ? "" : f[from + ".intervenant"];
    f[k + ".motivation"] = from.empty() ? "" : f[from + ".motivation"];
    for (const char* part : {".nom", ".prenom", ".nom_complet", ".nom_qualite", ".fonction", ".email"})
      f[k + ".auteur" + part] = from.empty() ? "" : f[from + ".auteur" + part];
  }
  choice(f, "prolongation.motif", "changement-domicile", "Changement de domicile");
  f["prolongation.motivation"] = "La famille a déménagé de Liège à Molenbeek-Saint-Jean le 2 novembre ; "
                                 "l’école « Les Tilleuls » est à 600 m du nouveau domicile.";
  f["prolongation.date_envoi"] = "16/11/2026";
  f["prolongation.date_reception"] = "17/11/2026";
  etablissement(f, "prolongation.pole_precedent", "Pôle territorial de Liège-Centre", "Rue Saint-Gilles 1, 4000 Liège",
                "8765", "8766");
  etablissement(f, "prolongation.ecole_ordinaire_precedente", "École communale de Sainte-Walburge",
                "Rue Sainte-Walburge 2, 4000 Liège", "9753", "9754");
  f["prolongation.changement_pole"] = "oui";
  f["prolongation.decision.date"] = "04/12/2026";
  choice(f, "prolongation.decision.issue", "accordee", "Dérogation accordée");
  f["fin.date_conseil_classe"] = "25/06/2027";
  choice(f, "fin.type_actuel", "ipt", "Intégration permanente totale");
  choice(f, "fin.orientation", "", "");
  f["fin.hors_pole.type"] = "";
  f["fin.hors_pole.annee_etude"] = "";
  f["fin.hors_pole.maturite"] = "";
  f["fin.hors_pole.forme"] = "";
  f["fin.hors_pole.phase"] = "";
  f["fin.periode_debut"] = "";
  f["fin.periode_fin"] = "";
  f["fin.date_arret"] = "02/07/2027";
  choice(f, "fin.justification", "certificat", "Arrêt de l’intégration à la suite de l’obtention d’un certificat.");
  f["fin.autre_raison"] = "";
  f["fin.motivation"] = "Léa a obtenu son CEB avec 78 % ; elle poursuit en 1re année commune sans accompagnement.";
  personne(f, "signataire.pole", "Anne-Cécile", "Wauters", "directrice de l’école siège", "ac.wauters@example.be");
  personne(f, "signataire.ecole_ordinaire", "Françoise", "Lacroix", "directrice", "f.lacroix@example.be");
  personne(f, "signataire.cpms", "Jérôme", "Nguyen", "directeur du CPMS", "j.nguyen@example.be");
  personne(f, "signataire.responsable", "Hélène", "Dubœuf", "mère", "helene.duboeuf@example.be");
  f["signataire.responsable.nom_prenom_qualite"] = "Dubœuf Hélène, mère";
  return f;
}

FieldNames fixture_field_names() {
  FieldNames names;
  for (const auto& [key, value] : fixture_fields()) names.insert(key);
  return names;
}

TemplateSet fixture_templates() {
  auto set = TemplateSet::load_directory(IPT_DEFINITIONS_DIR, fixture_field_names());
  if (!set) {
    std::cerr << set.error().message << "\n";
    std::abort();
  }
  return std::move(*set);
}

const Renderer& fixture_renderer() {
  static const Renderer renderer = [] {
    auto r = Renderer::create(fixture_templates());
    if (!r) {
      std::cerr << r.error().message << "\n";
      std::abort();
    }
    return std::move(*r);
  }();
  return renderer;
}

RenderOptions fixed_options(int pdfa_part) {
  RenderOptions o;
  o.pdfa_part = pdfa_part;
  o.creation_date = std::chrono::sys_days(std::chrono::year{2026} / 11 / 29) + std::chrono::hours(9);
  return o;
}

}  // namespace ipt::templates::testing
