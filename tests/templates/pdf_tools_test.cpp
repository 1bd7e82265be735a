// Every document judged by tools we did not write: qpdf (structure, form fields), poppler
// (fonts, text, page images) and PDFBox Preflight (PDF/A-1b).
#include <gtest/gtest.h>
#include <png.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fixtures.hpp"
#include "preflight.hpp"

namespace ipt::templates {
namespace {

namespace fs = std::filesystem;

struct Run {
  int status = -1;
  std::string out;
};

// Runs a shell command (arguments here never hold spaces or quotes), stdout and stderr.
Run run(const std::string& command) {
  Run r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string collapse_spaces(const std::string& text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// The fixture's documents, PDF/A-2 and PDF/A-1b, written once for all tests.
class PdfTools : public ::testing::Test {
 protected:
  static fs::path dir;
  static std::vector<std::string> ids;

  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("ipt-templates-tools-" + std::to_string(getpid()));
    fs::create_directories(dir / "a1");
    const auto fields = testing::fixture_fields();
    const auto& renderer = testing::fixture_renderer();
    for (const auto& def : renderer.templates().definitions()) {
      ids.push_back(def.id);
      for (const int part : {2, 1}) {
        auto pdf = renderer.render(def, fields, testing::fixed_options(part));
        ASSERT_TRUE(pdf) << pdf.error().message;
        std::ofstream out(part == 2 ? dir / (def.id + ".pdf") : dir / "a1" / (def.id + ".pdf"), std::ios::binary);
        out.write(reinterpret_cast<const char*>(pdf->data()), static_cast<std::streamsize>(pdf->size()));
      }
    }
  }
  static void TearDownTestSuite() { fs::remove_all(dir); }

  static std::string pdf(const std::string& id) { return (dir / (id + ".pdf")).string(); }
};
fs::path PdfTools::dir;
std::vector<std::string> PdfTools::ids;

TEST_F(PdfTools, QpdfCheckIsClean) {
  for (const auto& id : ids) {
    for (const auto& file : {pdf(id), (dir / "a1" / (id + ".pdf")).string()}) {
      const auto r = run(std::string(IPT_QPDF) + " --check " + file);
      EXPECT_EQ(r.status, 0) << file << "\n" << r.out;
    }
  }
}

TEST_F(PdfTools, EveryFontIsEmbeddedWithUnicodeMap) {
  for (const auto& id : ids) {
    const auto r = run(std::string(IPT_PDFFONTS) + " " + pdf(id));
    ASSERT_EQ(r.status, 0) << r.out;
    std::istringstream lines(r.out);
    std::string line;
    int fonts = 0;
    std::getline(lines, line);  // heading
    std::getline(lines, line);  // ----
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      ++fonts;
      // name type encoding emb sub uni object: "... WinAnsi yes yes yes 7 0"
      std::istringstream cols(line);
      std::vector<std::string> c;
      for (std::string w; cols >> w;) c.push_back(w);
      ASSERT_GE(c.size(), 7u) << line;
      EXPECT_EQ(c[c.size() - 5], "yes") << id << " not embedded: " << line;
      EXPECT_EQ(c[c.size() - 4], "yes") << id << " not a subset: " << line;
      EXPECT_EQ(c[c.size() - 3], "yes") << id << " no ToUnicode: " << line;
    }
    EXPECT_EQ(fonts, 2) << id << "\n" << r.out;
  }
}

TEST_F(PdfTools, TextExtractsBackToTheCircularsWordsAndTheDossiersValues) {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"annexe-1",
       {"Annexe 1 - Éléments constitutifs du protocole d’intégration", "Dubœuf Léa",
        "Accord des parents, de la personne exerçant l’autorité parentale, ou de l’élève majeur",
        "Bilan(s) de l’intégration (Annexe(s) 4)"}},
      {"annexe-2b",
       {"Annexe 2b - Protocole d’intégration - Suivi de l’élève", "Synthèse du dossier de l’élève",
        "Modalités de l’accompagnement et choix du personnel accompagnant¹",
        "¹ Article 142 al 2 Le membre du personnel de l’enseignement spécialisé chargé de l’accompagnement reste "
        "placé sous la seule autorité de la direction de l’école d’enseignement spécialisé dont il relève.",
        "accompagnement « sur mesure »", "sa sœur à l’école « Les Tilleuls »", "Règles de présence et registre",
        "(« covoiturage » de 35 € par mois)"}},  // poppler prints the no-break spaces as spaces
      {"annexe-2c",
       {"Annexe 2c - Protocole d’intégration - Signatures des nouveaux partenaires",
        "LES PARTENAIRES SUIVANTS (à l’exception du CPMS) MARQUENT LEUR ACCORD SUR LE PROJET", "AVIS FAVORABLE",
        "AVIS DÉFAVORABLE", "l’école « Les Tilleuls »", "Dubœuf Hélène, mère", "Date / Signature / Cachet"}},
      {"annexe-3",
       {"Annexe 3 - Tableau synoptique de l’évolution de l’intégration¹", "ÉLÈVE CONCERNÉ",
        "Date d’inscription dans l’enseignement spécialisé", "Document constitutif du protocole d’intégration",
        "¹ Ce document doit être inséré au protocole d’intégration.", "2026-2027", "14/03/2014",
        "4e primaire, depuis le 12/10/2026"}},
      {"annexe-4",
       {"Annexe 4 – Bilan d’intégration", "DATE DE NAISSANCE", "Orientation (prolongation) choisie pour l’année 2026-27",
        "Données à compléter uniquement si l’intégration est prolongée via l’école d’enseignement spécialisé (hors pôle) :",
        "Date du début et de fin de l’intégration : 31/08 au 02/07",
        "JUSTIFICATION DE L’ARRÊT D’INTÉGRATION :",
        "Arrêt de l’intégration à la suite de l’obtention d’un certificat.", "Léa a obtenu son CEB avec 78 %",
        "« Pôle territorial »", "« École ordinaire »", "Signature, date et cachet",
        "Dubœuf Léa (date de naissance : 14/03/2014) — page 2/2", "Anne-Cécile Wauters, directrice de l’école siège",
        "Pôle territorial de Bruxelles-Ouest", "Le CPMS est favorable à la poursuite"}},
      {"declaration-premiere-ipt",
       {"Fiche récapitulative – « Première IPT » après le 30-09", "elle ne remplace pas ce formulaire", "2026-2027",
        "Athénée royal « Les Érables »", "Formulaire envoyé le", "13/10/2026"}},
      {"declaration-prolongation-ipt",
       {"Fiche récapitulative – « Prolongation IPT » après le 30-09", "Changement de domicile", "à 600 m du nouveau domicile",
        "Pôle territorial de Liège-Centre", "8766", "9754",  // the previous partners' FASE implantation
        "Décision du Ministre du : 04/12/2026", "Dérogation accordée"}},
      {"motivations-ecole-ordinaire",
       {"Motivation écrite d’un partenaire en désaccord", "au directeur de l’école d’enseignement spécialisé", "L’école ne dispose pas, cette année, d’un local adapté",
        "Françoise Lacroix, directrice", "Pour l’école d’enseignement ordinaire :"}},
      {"motivations-cpms",
       {"Motivation écrite d’un partenaire en désaccord", "au directeur de l’école d’enseignement spécialisé", "Le CPMS estime qu’une intégration permanente partielle", "Jérôme Nguyen, psychologue",
        "Pour le CPMS :"}},
      {"motivations-pole", {"Motivation écrite d’un partenaire en désaccord", "au directeur de l’école d’enseignement spécialisé", "Pour le pôle territorial :"}},
      {"motivations-parents", {"Motivation écrite d’un partenaire en désaccord", "au directeur de l’école d’enseignement spécialisé", "Les parents ou la personne investie de l’autorité parentale :"}},
      {"motivations-eleve-majeur", {"Motivation écrite d’un partenaire en désaccord", "au directeur de l’école d’enseignement spécialisé", "L’élève :"}},
      {"motivations-ecole-specialisee", {"Motivation écrite d’un partenaire en désaccord", "au directeur de l’école d’enseignement spécialisé", "Pour l’école d’enseignement spécialisé :", "signature manuscrite"}},
      {"motivations-organisme-guidance", {"Motivation écrite d’un partenaire en désaccord", "au directeur de l’école d’enseignement spécialisé", "Pour l’organisme qui assure la guidance :", "signature manuscrite"}},
  };
  ASSERT_EQ(expected.size(), ids.size());
  for (const auto& id : ids) {
    const auto r = run(std::string(IPT_PDFTOTEXT) + " -enc UTF-8 " + pdf(id) + " -");
    ASSERT_EQ(r.status, 0) << r.out;
    const std::string text = collapse_spaces(r.out);
    for (const auto& want : expected.at(id)) EXPECT_NE(text.find(want), std::string::npos) << id << ": « " << want << " »\n" << text;
    // The circular's 2022-23 wording and its damaged Annexe 4 text must not leak through.
    for (const char* never : {"2022-23", "29/08", "Dàté", "dé "})
      EXPECT_EQ(text.find(never), std::string::npos) << id << ": « " << never << " »";
  }
}

// The circular's wording of each annex, line by line (tests/templates/circular-wording/):
// every line must be read back from the document, in the circular's order. Footnotes (a
// line starting with a superscript mark) go to the foot of their page, so only their
// presence is checked. Where our wording differs on purpose, the file says why.
TEST_F(PdfTools, EachAnnexReadsBackAsTheCircularWordsIt) {
  for (const auto& entry : fs::directory_iterator(IPT_WORDING_DIR)) {
    const std::string id = entry.path().stem().string();
    ASSERT_TRUE(std::find(ids.begin(), ids.end(), id) != ids.end()) << entry.path();
    // -raw: the page's text in the order it is drawn, block after block (side-by-side
    // blocks one after the other); form values come after it.
    const auto r = run(std::string(IPT_PDFTOTEXT) + " -raw -enc UTF-8 " + pdf(id) + " -");
    ASSERT_EQ(r.status, 0) << r.out;
    const std::string text = collapse_spaces(r.out);
    std::ifstream in(entry.path());
    std::size_t from = 0;
    int checked = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      ++checked;
      const bool note = line.rfind("¹", 0) == 0 || line.rfind("²", 0) == 0 || line.rfind("³", 0) == 0;
      const std::size_t at = text.find(line, note ? 0 : from);
      EXPECT_NE(at, std::string::npos) << id << ": « " << line << " » missing"
                                       << (text.find(line) != std::string::npos ? " (present, out of the circular's order)" : "")
                                       << "\n" << text;
      if (at != std::string::npos && !note) from = at + line.size();
    }
    EXPECT_GT(checked, 3) << entry.path();
  }
}

// French typography: no line starts with « : ; ? ! » or a closing guillemet, none ends with an
// opening one (the spaces there are bound, as non-breaking spaces are).
TEST_F(PdfTools, NoLineStartsWithAColonOrAClosingGuillemet) {
  // Besides the fixture's documents, a text dense with « : ; ? ! » and guillemets, so that
  // many line ends fall on a bound space.
  auto fields = testing::fixture_fields();
  std::string dense;
  for (int i = 0; i < 22; ++i) dense += "Objectif " + std::to_string(i) + " : lire ; compter ! « oui » ou non ? ";
  fields["protocole.synthese"] = dense;
  const auto* def = testing::fixture_renderer().templates().find("annexe-2b");
  ASSERT_NE(def, nullptr);
  auto dense_pdf = testing::fixture_renderer().render(*def, fields, testing::fixed_options(2));
  ASSERT_TRUE(dense_pdf) << dense_pdf.error().message;
  {
    std::ofstream out(dir / "typographie.pdf", std::ios::binary);
    out.write(reinterpret_cast<const char*>(dense_pdf->data()), static_cast<std::streamsize>(dense_pdf->size()));
  }
  std::vector<std::string> files = ids;
  files.push_back("typographie");
  int lines_read = 0;
  for (const auto& id : files) {
    const auto r = run(std::string(IPT_PDFTOTEXT) + " -enc UTF-8 " + pdf(id) + " -");
    ASSERT_EQ(r.status, 0) << r.out;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      const auto first = line.find_first_not_of(' ');
      if (first == std::string::npos) continue;
      ++lines_read;
      const std::string_view start = std::string_view(line).substr(first);
      for (const char* bad : {":", ";", "?", "!", "»"}) EXPECT_FALSE(start.starts_with(bad)) << id << ": « " << line << " »";
      const auto last = line.find_last_not_of(' ');
      EXPECT_FALSE(std::string_view(line).substr(0, last + 1).ends_with("«")) << id << ": « " << line << " »";
    }
  }
  EXPECT_GT(lines_read, 200);
}

// A heading never ends a page without its box: each of Annexe 2b's headings is on the page
// of its section's text (the fixture's values), footnotes declared in between or not.
TEST_F(PdfTools, HeadingsStayWithTheirBoxes) {
  const std::vector<std::pair<std::string, std::string>> sections = {
      {"Synthèse du dossier de l’élève", "dyspraxie visuo-spatiale"},
      {"Besoins en matière de transport", "Aucun besoin particulier"},
      {"Modalités de l’accompagnement et choix du personnel accompagnant¹", "Quatre périodes par semaine"},
      {"Modalités d’évaluation interne", "Bilan à chaque fin de trimestre"},
      {"Règles de présence et registre", "registre de fréquentation"}};
  std::vector<std::string> pages;
  for (int page = 1;; ++page) {
    const auto r = run(std::string(IPT_PDFTOTEXT) + " -enc UTF-8 -f " + std::to_string(page) + " -l " +
                       std::to_string(page) + " " + pdf("annexe-2b") + " -");
    if (r.status != 0) break;
    pages.push_back(collapse_spaces(r.out));
  }
  ASSERT_GE(pages.size(), 2u);
  for (const auto& [heading, text] : sections) {
    int heading_page = -1, text_page = -1;
    for (std::size_t i = 0; i < pages.size(); ++i) {
      if (heading_page < 0 && pages[i].find(heading) != std::string::npos) heading_page = static_cast<int>(i);
      if (text_page < 0 && pages[i].find(text) != std::string::npos) text_page = static_cast<int>(i);
    }
    EXPECT_GE(heading_page, 0) << heading;
    EXPECT_EQ(heading_page, text_page) << "« " << heading << " » is not on the page of its box";
  }
}

TEST_F(PdfTools, PreflightSaysPdfA1bValid) {
  // scripts/install-deps.sh installs PDFBox Preflight: its absence is a set-up defect, not a skip.
  ASSERT_TRUE(testing::preflight_available()) << "java or PDFBox Preflight absent";
  std::vector<fs::path> files;
  for (const auto& id : ids) files.push_back(dir / "a1" / (id + ".pdf"));
  std::string output;
  const auto verdicts = testing::preflight_a1b(files, dir / "a1", &output);
  for (const auto& id : ids) {
    ASSERT_TRUE(verdicts.contains(id + ".pdf")) << id << "\n" << output;
    EXPECT_TRUE(testing::preflight_valid(verdicts.at(id + ".pdf"))) << verdicts.at(id + ".pdf");
  }
}

// The form fields, read back by qpdf.
TEST_F(PdfTools, FieldsExistWithAppearancesAndEmptySignatures) {
  const std::map<std::string, std::vector<std::string>> signatures = {
      {"annexe-1", {}},
      {"annexe-2b", {}},
      {"annexe-2c", {"sig_ecole_ordinaire", "sig_pole", "sig_cpms", "sig_responsable"}},
      {"annexe-3", {}},
      {"annexe-4", {"sig_pole", "sig_ecole_ordinaire", "sig_cpms", "sig_responsable"}},
      {"declaration-premiere-ipt", {"sig_pole"}},
      {"declaration-prolongation-ipt", {"sig_pole"}},
      // One document per partner, signed by that partner alone (by hand without a signing role).
      {"motivations-ecole-ordinaire", {"sig_ecole_ordinaire"}},
      {"motivations-cpms", {"sig_cpms"}},
      {"motivations-pole", {"sig_pole"}},
      {"motivations-parents", {"sig_responsable"}},
      {"motivations-eleve-majeur", {"sig_responsable"}},
      {"motivations-ecole-specialisee", {}},
      {"motivations-organisme-guidance", {}},
  };
  for (const auto& id : ids) {
    const auto r = run(std::string(IPT_QPDF) + " --json=2 --json-key=acroform --json-key=qpdf " + pdf(id));
    ASSERT_EQ(r.status, 0) << r.out;
    const auto json = nlohmann::json::parse(r.out);
    const auto& objects = json.at("qpdf").at(1);
    std::vector<std::string> sigs;
    std::map<std::string, nlohmann::json> by_name;
    for (const auto& field : json.at("acroform").at("fields")) {
      const std::string name = field.at("fullname");
      by_name[name] = field;
      const std::string annotation = field.at("annotation").at("object");
      const auto& dict = objects.at("obj:" + annotation).at("value");
      ASSERT_TRUE(dict.contains("/AP")) << id << " " << name;
      ASSERT_TRUE(dict.at("/AP").contains("/N")) << id << " " << name;
      EXPECT_EQ(dict.at("/AP").size(), 1u) << id << " " << name;  // PDF/A: /N only
      EXPECT_EQ(field.at("annotation").at("annotationflags"), 4) << id << " " << name;  // printed
      if (field.at("fieldtype") == "/Sig") {
        sigs.push_back(name);
        EXPECT_TRUE(field.at("value").is_null()) << id << " " << name << " must stay unsigned";
        EXPECT_FALSE(dict.contains("/V"));
      }
    }
    EXPECT_EQ(sigs, signatures.at(id)) << id;
    if (id == "annexe-4") {
      ASSERT_TRUE(by_name.contains("avis_ecrit_cpms"));
      EXPECT_EQ(by_name["avis_ecrit_cpms"].at("fieldtype"), "/Tx");
      EXPECT_NE(by_name["avis_ecrit_cpms"].at("value").get<std::string>().find("Le CPMS est favorable"), std::string::npos);
    }
    if (id.starts_with("motivations-")) {
      for (const char* name : {"partenaire", "auteur", "motivation"}) EXPECT_TRUE(by_name.contains(name)) << id << " " << name;
    }
    if (id == "motivations-cpms") {
      EXPECT_EQ(by_name["auteur"].at("value"), "u:Jérôme Nguyen, psychologue");
    }
    if (id == "annexe-2c" || id == "annexe-4") {
      // The CPMS opinion: a choice made of named check boxes, one per option, so that
      // filling it after a signature changes only named fields (see pdf_document.cpp).
      ASSERT_TRUE(by_name.contains("avis_cpms.favorable")) << id;
      ASSERT_TRUE(by_name.contains("avis_cpms.defavorable")) << id;
      EXPECT_TRUE(by_name["avis_cpms.favorable"].at("ischeckbox"));
      EXPECT_EQ(by_name["avis_cpms.favorable"].at("value"), "/favorable");
      EXPECT_EQ(by_name["avis_cpms.defavorable"].at("value"), "/Off");
      EXPECT_EQ(by_name["signataire_responsable"].at("value"), "u:Dubœuf Hélène, mère");
      // What a signatory fills is open; the dossier's data is read-only (Ff bit 1).
      EXPECT_EQ(by_name["signataire_responsable"].at("fieldflags").get<int>() & 1, 0) << id;
      EXPECT_EQ(by_name["avis_cpms.favorable"].at("fieldflags").get<int>() & 1, 0) << id;
    }
    if (id == "annexe-4") {
      EXPECT_EQ(by_name["eleve_nom"].at("fieldflags").get<int>() & 1, 1);
      EXPECT_EQ(by_name["fin_motivation"].at("fieldflags").get<int>() & 1, 1);
    }
    if (id == "annexe-1") {
      EXPECT_EQ(by_name["element_05"].at("value"), "/Oui");   // synthèse present
      EXPECT_EQ(by_name["element_18"].at("value"), "/Oui");   // Annexe 4 (the fixture has an end date)
      // The agreements and the CPMS opinion are ticked by hand, from the signed documents.
      for (const char* by_hand : {"element_13", "element_14", "element_15", "element_16"})
        EXPECT_EQ(by_name[by_hand].at("value"), "/Off") << by_hand;
      EXPECT_EQ(by_name.size(), 19u);                         // 18 ticks and the pupil's name
    }
  }
}

// A grey image decoded with libpng; empty when the file cannot be read.
struct Gray {
  unsigned width = 0, height = 0;
  std::vector<unsigned char> pixels;
};

Gray read_png(const fs::path& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  Gray g;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0) return g;
  image.format = PNG_FORMAT_GRAY;
  g.pixels.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, g.pixels.data(), 0, nullptr) == 0) return {};
  g.width = image.width;
  g.height = image.height;
  return g;
}

// Page images against tests/templates/reference (40 dpi, grey), made by
// scripts/update-reference-renderings.sh. Poppler draws the same file the same way, so a
// change of wording or layout shows up as differing pixels.
TEST_F(PdfTools, PagesLookLikeTheReferenceRenderings) {
  const fs::path pages = dir / "pages";
  fs::create_directories(pages);
  for (const auto& id : ids) {
    const auto r = run(std::string(IPT_PDFTOPPM) + " -r 40 -gray -png " + pdf(id) + " " + (pages / id).string());
    ASSERT_EQ(r.status, 0) << r.out;
    for (int page = 1;; ++page) {
      const auto name = id + "-" + std::to_string(page) + ".png";
      const bool rendered = fs::exists(pages / name);
      const bool reference = fs::exists(fs::path(IPT_REFERENCE_DIR) / name);
      EXPECT_EQ(rendered, reference) << name << ": page count differs from the reference";
      if (!rendered || !reference) break;
      const Gray a = read_png(pages / name);
      const Gray b = read_png(fs::path(IPT_REFERENCE_DIR) / name);
      ASSERT_FALSE(a.pixels.empty()) << name;
      ASSERT_FALSE(b.pixels.empty()) << name;
      ASSERT_EQ(a.width, b.width) << name;
      ASSERT_EQ(a.height, b.height) << name;
      std::size_t differing = 0;
      for (std::size_t i = 0; i < a.pixels.size(); ++i)
        if (std::abs(int{a.pixels[i]} - int{b.pixels[i]}) > 64) ++differing;
      // Up to 0.05 % of the pixels (a few dots of antialiasing); a changed word is more.
      EXPECT_LE(differing * 2000, a.pixels.size()) << name << ": " << differing
                                                   << " pixels differ; if the change is intended, run "
                                                      "scripts/update-reference-renderings.sh";
    }
  }
}

}  // namespace
}  // namespace ipt::templates
