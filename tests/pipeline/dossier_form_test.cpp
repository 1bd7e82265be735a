// The dossier as a web form: flattened from the XML and rebuilt from it, read back by the
// strict reader with each problem next to its field, every problem at once.
#include "ipt/pipeline/dossier_form.hpp"

#include <gtest/gtest.h>

#include "support/dossier_xml.hpp"
#include "support/must.hpp"

namespace ipt::pipeline {
namespace {

std::map<std::string, std::string> values_of(const DossierForm& form) {
  std::map<std::string, std::string> out;
  for (const auto& s : form.sections) {
    for (const auto& f : s.fields) out[f.name] = f.value;
  }
  return out;
}

const FormField* field(const DossierForm& form, const std::string& name) {
  for (const auto& s : form.sections) {
    for (const auto& f : s.fields) {
      if (f.name == name) return &f;
    }
  }
  return nullptr;
}

std::vector<std::string> fields_with_problems(const DossierForm& form) {
  std::vector<std::string> out;
  for (const auto& s : form.sections) {
    for (const auto& f : s.fields) {
      if (!f.problems.empty()) out.push_back(f.name);
    }
  }
  return out;
}

TEST(DossierForm, AStoredDossierRoundTripsThroughItsForm) {
  const std::string xml = test::example_text("c-fin-integration");
  const auto form = test::must(form_of(xml), "form");
  ASSERT_NE(field(form, "dossier/eleve/nom"), nullptr);
  EXPECT_EQ(field(form, "dossier/eleve/nom")->value, "Dubœuf");
  EXPECT_EQ(field(form, "dossier/pole/@fase")->value, "5601");
  EXPECT_EQ(field(form, "dossier/responsables/responsable[1]/email")->value, "helene.duboeuf@example.be");
  EXPECT_EQ(field(form, "dossier/historique/integration[2]/@type")->value, "permanente-totale");
  EXPECT_TRUE(field(form, "dossier/cpms/avis-ecrit")->multiline);
  EXPECT_EQ(field(form, "dossier/signataires/signataire[3]/@role")->value, "cpms");

  const auto submitted = test::must(submit_form(form.xml, values_of(form)), "submit");
  ASSERT_TRUE(submitted.dossier) << submitted.form.other_problems.size();
  const auto original = test::example_dossier("c-fin-integration");
  EXPECT_EQ(submitted.dossier->reference, original.reference);
  EXPECT_EQ(submitted.dossier->eleve.nom, original.eleve.nom);
  EXPECT_EQ(submitted.dossier->pole.fase, original.pole.fase);
  EXPECT_EQ(submitted.dossier->cpms.avis_ecrit, original.cpms.avis_ecrit);
}

TEST(DossierForm, EachProblemIsShownByItsFieldAllAtOnce) {
  const auto form = test::must(form_of(test::example_text("c-fin-integration")), "form");
  auto values = values_of(form);
  values["dossier/eleve/date-naissance"] = "2015-02-30";
  values["dossier/responsables/responsable[1]/email"] = "pas une adresse";
  values["dossier/pole/@fase"] = "douze";
  const auto submitted = test::must(submit_form(form.xml, values), "submit");
  EXPECT_FALSE(submitted.dossier);
  EXPECT_TRUE(submitted.form.other_problems.empty()) << submitted.form.other_problems.front();
  EXPECT_EQ(fields_with_problems(submitted.form),
            (std::vector<std::string>{"dossier/eleve/date-naissance", "dossier/responsables/responsable[1]/email", "dossier/pole/@fase"}));
  EXPECT_EQ(field(submitted.form, "dossier/responsables/responsable[1]/email")->value, "pas une adresse") << "la valeur donnée reste";
  // Corrected: accepted.
  values["dossier/eleve/date-naissance"] = "2015-04-22";
  values["dossier/responsables/responsable[1]/email"] = "helene.duboeuf@example.be";
  values["dossier/pole/@fase"] = "5601";
  EXPECT_TRUE(test::must(submit_form(submitted.form.xml, values), "corrected").dossier);
}

TEST(DossierForm, ABlankFormKeepsItsStructureAndAddsRows) {
  EXPECT_FALSE(blank_form("Z"));
  const auto blank = test::must(blank_form("C"), "blank");
  EXPECT_EQ(field(blank, "dossier/eleve/nom")->value, "");
  EXPECT_EQ(field(blank, "dossier/signataires/signataire[1]/@role")->value, "pole");
  EXPECT_EQ(field(blank, "dossier/@version")->value, "1");
  const auto submitted = test::must(submit_form(blank.xml, {}), "submit");
  EXPECT_FALSE(submitted.dossier);
  EXPECT_FALSE(field(submitted.form, "dossier/eleve/nom")->problems.empty());
  EXPECT_FALSE(field(submitted.form, "dossier/@reference")->problems.empty());
  // Another responsable: a blank row after the first.
  const auto added = test::must(submit_form(blank.xml, {{"dossier/responsables/responsable[1]/nom", "Martin"}}, "responsable"), "add");
  ASSERT_NE(field(added.form, "dossier/responsables/responsable[2]/nom"), nullptr);
  EXPECT_EQ(field(added.form, "dossier/responsables/responsable[1]/nom")->value, "Martin");
  EXPECT_EQ(field(added.form, "dossier/responsables/responsable[2]/nom")->value, "");
}

}  // namespace
}  // namespace ipt::pipeline
