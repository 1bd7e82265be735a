#pragma once
// The machine values of the dossier format and the enums they stand for (private to core).
// The same tables serve the reader (XML → enum) and the writers (enum → code).
#include <string_view>

#include "ipt/core/dossier.hpp"
#include "xml_reader.hpp"

namespace ipt::core::detail {

inline constexpr Choice<Sexe> sexe_codes[] = {
    {"F", Sexe::feminin}, {"M", Sexe::masculin}, {"X", Sexe::x}};

inline constexpr Choice<Reseau> reseau_codes[] = {
    {"wbe", Reseau::wbe},
    {"officiel-subventionne", Reseau::officiel_subventionne},
    {"libre-subventionne", Reseau::libre_subventionne}};

inline constexpr Choice<Role> role_codes[] = {
    {"pole", Role::pole}, {"ecole-ordinaire", Role::ecole_ordinaire},
    {"cpms", Role::cpms}, {"responsable", Role::responsable}};

inline constexpr Choice<AvisCpms> avis_codes[] = {
    {"favorable", AvisCpms::favorable}, {"defavorable", AvisCpms::defavorable}};

inline constexpr Choice<TypeIntegration> type_integration_codes[] = {
    {"temporaire-partielle", TypeIntegration::temporaire_partielle},
    {"permanente-partielle", TypeIntegration::permanente_partielle},
    {"permanente-totale", TypeIntegration::permanente_totale}};

inline constexpr Choice<KindPartenaire> partenaire_codes[] = {
    {"partenaire", KindPartenaire::partenaire},
    {"partenaire-specifique", KindPartenaire::partenaire_specifique}};

inline constexpr Choice<Proposant> proposant_codes[] = {
    {"conseil-de-classe", Proposant::conseil_de_classe},
    {"organisme-guidance", Proposant::organisme_guidance},
    {"parents", Proposant::parents},
    {"eleve-majeur", Proposant::eleve_majeur}};

inline constexpr Choice<Intervenant> intervenant_codes[] = {
    {"ecole-specialisee", Intervenant::ecole_specialisee},
    {"organisme-guidance", Intervenant::organisme_guidance},
    {"ecole-ordinaire", Intervenant::ecole_ordinaire},
    {"cpms", Intervenant::cpms},
    {"pole", Intervenant::pole},
    {"parents", Intervenant::parents},
    {"eleve-majeur", Intervenant::eleve_majeur}};

inline constexpr Choice<MotifDerogation> motif_codes[] = {
    {"placement", MotifDerogation::placement},
    {"changement-domicile", MotifDerogation::changement_domicile},
    {"separation-parents", MotifDerogation::separation_parents},
    {"externat-internat", MotifDerogation::externat_internat},
    {"accueil-autre-famille", MotifDerogation::accueil_autre_famille},
    {"exclusion-definitive", MotifDerogation::exclusion_definitive},
    {"circonstances-exceptionnelles", MotifDerogation::circonstances_exceptionnelles}};

inline constexpr Choice<TypeActuel> type_actuel_codes[] = {
    {"ipt", TypeActuel::ipt}, {"ipp", TypeActuel::ipp}, {"itp", TypeActuel::itp}};

inline constexpr Choice<Justification> justification_codes[] = {
    {"continue-ordinaire", Justification::continue_ordinaire},
    {"retour-specialise", Justification::retour_specialise},
    {"certificat", Justification::certificat},
    {"autre", Justification::autre}};

inline constexpr Choice<bool> decision_codes[] = {{"accordee", true}, {"refusee", false}};

inline constexpr Choice<OrdreSignature> ordre_signature_codes[] = {
    {"formulaire", OrdreSignature::formulaire}, {"pole-auteur", OrdreSignature::pole_auteur}};

template <class E, size_t N>
std::string_view code_of(const Choice<E> (&choices)[N], E value) {
  for (const auto& c : choices) {
    if (c.value == value) return c.code;
  }
  return {};
}

}  // namespace ipt::core::detail
