// The `ipt` command as a user runs it: exit statuses, French output, JSON for programs.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "support/dossier_xml.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::test {
namespace {

std::string example_path(const std::string& name) { return std::string(IPT_EXAMPLES_DIR) + "/" + name + ".xml"; }

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// libcurl, poppler, PoDoFo and FreeType load when first used (core/curl/curl_on_demand.cpp,
// the portal's preview module, the renderer's PDF writer module), cpp-httplib and libssl only
// in the portal program: a command that neither goes online, nor shows a preview, nor
// renders starts without them.
// The dynamic loader names every library it loads (LD_DEBUG=libs).
TEST(Cli, AnOfflineCommandLoadsNeitherLibcurlNorPopplerNorPodofo) {
  const auto plan = run_ipt({"plan", example_path("c-fin-integration")}, {"LD_DEBUG=libs"});
  ASSERT_EQ(plan.status, 0) << plan.err;
  EXPECT_NE(plan.err.find("libcrypto.so"), std::string::npos) << "LD_DEBUG a-t-il parlé ?\n" << plan.err.substr(0, 2000);
  for (const char* library : {"libcurl", "libpoppler", "libpodofo", "libfreetype", "libipt_pdf_writer", "libcpp-httplib", "libssl"}) {
    EXPECT_EQ(plan.err.find(library), std::string::npos) << library;
  }
}

// `ipt serve` hands over to the portal program: same options, same French errors.
TEST(Cli, ServeHandsOverToThePortalProgram) {
  const auto r = run_ipt({"serve", "--ecoute", "sans-port"}, {"LD_DEBUG=libs"});
  EXPECT_EQ(r.status, 2) << r.err.substr(r.err.size() > 3000 ? r.err.size() - 3000 : 0);
  EXPECT_NE(r.err.find("ipt-serve"), std::string::npos);       // the loader opened its libraries
  EXPECT_NE(r.err.find("libcpp-httplib"), std::string::npos);  // there, not in ipt
  EXPECT_NE(r.err.find("ipt serve : --ecoute : « adresse:port » attendu"), std::string::npos);
}

TEST(Cli, RenderingOpensThePdfWriterModule) {
  TempDir dir;
  const auto render = run_ipt({"render", example_path("c-fin-integration"), "--out", (dir / "docs").string()},
                              {"LD_DEBUG=libs"});
  ASSERT_EQ(render.status, 0) << render.err.substr(render.err.size() > 4000 ? render.err.size() - 4000 : 0);
  EXPECT_NE(render.err.find("libipt_pdf_writer.so"), std::string::npos);
  EXPECT_NE(render.err.find("libpodofo"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "docs" / "annexe-4.pdf"));
}

TEST(Cli, EveryCommandHasFrenchHelp) {
  const auto overview = run_ipt({"--help"});
  EXPECT_EQ(overview.status, 0);
  for (const char* command : {"demo", "plan", "deadline", "import", "dossiers", "audit verify", "audit list"}) {
    EXPECT_NE(overview.out.find(command), std::string::npos) << command;
    std::vector<std::string> args;
    std::string word;
    std::istringstream words(command);
    while (words >> word) args.push_back(word);
    args.push_back("--help");
    const auto help = run_ipt(args);
    EXPECT_EQ(help.status, 0) << command;
    EXPECT_EQ(help.out.rfind("Usage : ipt " + std::string(command), 0), 0u) << help.out;
    EXPECT_NE(help.out.find("affiche cette aide"), std::string::npos) << command;
  }
}

TEST(Cli, UsageErrorsExitWithStatusTwo) {
  auto r = run_ipt({"planifier"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("commande inconnue « planifier »"), std::string::npos) << r.err;
  r = run_ipt({"plan"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("argument manquant"), std::string::npos) << r.err;
  r = run_ipt({"plan", example_path("c-fin-integration"), "--jsn"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("option inconnue « --jsn »"), std::string::npos) << r.err;
}

TEST(Cli, PlanForAPerson) {
  const auto r = run_ipt({"plan", example_path("b1-changement-de-pole")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Procédure B1 : Prolongation d’IPT avec changement de partenaire vers un autre pôle"), std::string::npos);
  EXPECT_NE(r.out.find("Motif de la dérogation : Changement de domicile\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1. Pôle territorial — Claire Dethier"), std::string::npos) << r.out;  // ordre="pole-auteur"
  EXPECT_NE(r.out.find("au plus tard le 04/01/2027 (30 jours calendriers hors vacances scolaires"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("vacances d’hiver 2026-2027 (16 jours non comptés)"), std::string::npos) << r.out;
  // The coordinator's step: the form at the circular's address, sent on the dossier's date.
  EXPECT_NE(r.out.find("  - formulaire électronique « Prolongation IPT » après le 30-09 (demande de dérogation)\n"
                       "    par Claire Dethier, coordonnatrice du pôle, à l’adresse https://form.jotform.com/223262339131347\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    fait le 18/11/2026\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Début de l’intégration :\n  L’intégration débute le 07/12/2026 (date prévue sur le protocole) : "
                       "le Ministre a accordé la dérogation le 03/12/2026."), std::string::npos) << r.out;
  // The 30/09 boundary is not a deadline of a derogation.
  EXPECT_EQ(r.out.find("30/09 de l’année scolaire"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("par par"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\''), std::string::npos) << r.out;  // one kind of apostrophe: ’
  // The pupil's name is not needed to plan and is not printed.
  EXPECT_EQ(r.out.find("Nguyen Théo"), std::string::npos);
  EXPECT_EQ(r.out.find("Théo"), std::string::npos);
}

TEST(Cli, PlanForAProgram) {
  const auto r = run_ipt({"plan", example_path("c-eleve-majeur"), "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["procedure"]["code"], "C");
  EXPECT_EQ(j["eleve_majeur"], true);
  ASSERT_EQ(j["documents"].size(), 1u);
  EXPECT_EQ(j["documents"][0]["fichier"], "annexe-4.pdf");
  const auto& signatures = j["documents"][0]["signatures"];
  ASSERT_EQ(signatures.size(), 4u);
  EXPECT_EQ(signatures[0]["champ"], "sig_pole");
  EXPECT_EQ(signatures[2]["avis"], true);
  EXPECT_EQ(signatures[3]["qualite"], "élève majeure");
  EXPECT_EQ(j["envois"][0]["destinataires"][0], "administration");
  EXPECT_EQ(j["moyens_budget_c"], false);
  EXPECT_TRUE(j["echeances"]["limite_30_09"].is_null());  // procedure C: no 30/09 deadline
  EXPECT_EQ(j["envois"][0]["par"], "Anne Piret, coordonnatrice du pôle");
}

TEST(Cli, InvalidDossierListsEveryProblemAndExitsTwo) {
  TempDir dir;
  const auto path = write(dir, "dossier.xml",
                          DossierXml("a-premiere-ipt-apres-30-09")
                              .set_text("eleve/date-naissance", "2015-02-30")
                              .set_attribute("pole", "fase", "-4")
                              .remove("signataires/signataire[3]")
                              .str());
  const auto r = run_ipt({"plan", path});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find(path + ":"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dossier/eleve/date-naissance: date invalide (format AAAA-MM-JJ"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("2015-02-30"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dossier/pole/@fase: numéro FASE invalide « -4 »"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 problèmes, rien n’a été fait"), std::string::npos) << r.err;
}

TEST(Cli, DeadlineFirstLineIsTheDueDate) {
  auto r = run_ipt({"deadline", "--received", "2026-10-15"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "2026-11-30");
  EXPECT_NE(r.out.find("2026-10-17 → 2026-11-01 : congé d’automne 2026-2027 (16 jours non comptés)"), std::string::npos) << r.out;

  r = run_ipt({"deadline", "--received", "2027-02-01", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["echeance"], "2027-03-19");
  EXPECT_EQ(j["jours_non_comptes"][0]["motif"], "congé de détente");
  EXPECT_EQ(j["jours_non_comptes"][0]["jours"], 16);

  r = run_ipt({"deadline", "--received", "2027-06-20"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("2027-2028 n’est pas connu"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--calendar DOSSIER"), std::string::npos) << r.err;

  r = run_ipt({"deadline", "--received", "20/10/2026"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("date invalide « 20/10/2026 »"), std::string::npos) << r.err;
}

TEST(Cli, DeadlineWithAnotherCalendar) {
  TempDir dir;
  std::filesystem::create_directory(dir / "cal");
  std::ofstream(dir / "cal" / "2027-2028.xml") << R"(<calendrier annee-scolaire="2027-2028">
  <premier-jour>2027-08-30</premier-jour><dernier-jour>2028-07-07</dernier-jour>
  <conge type="conge-automne" du="2027-10-25" au="2027-11-05"/>
  <conge type="vacances-hiver" du="2027-12-27" au="2028-01-07"/>
  <conge type="conge-detente" du="2028-02-21" au="2028-03-03"/>
  <conge type="vacances-printemps" du="2028-05-01" au="2028-05-12"/>
</calendrier>)";
  std::ofstream(dir / "cal" / "2026-2027.xml") << R"(<calendrier annee-scolaire="2026-2027">
  <premier-jour>2026-08-24</premier-jour><dernier-jour>2027-07-02</dernier-jour>
  <conge type="conge-automne" du="2026-10-19" au="2026-10-30"/>
  <conge type="vacances-hiver" du="2026-12-21" au="2027-01-01"/>
  <conge type="conge-detente" du="2027-02-22" au="2027-03-05"/>
  <conge type="vacances-printemps" du="2027-04-26" au="2027-05-07"/>
</calendrier>)";
  const auto r = run_ipt({"deadline", "--received", "2027-06-20", "--calendar", (dir / "cal").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  // 12 days to 02/07, summer 03/07–29/08 skipped, then 18 more days from 30/08.
  EXPECT_EQ(r.out.substr(0, 10), "2027-09-16");
}

TEST(Cli, PlanSectionsSayWhatTheySay) {
  auto r = run_ipt({"plan", example_path("c-fin-integration")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Fin de l’intégration :\n  L’intégration prend fin le 18/12/2026."), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Début de l’intégration"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Échéances"), std::string::npos) << r.out;
  r = run_ipt({"plan", example_path("a-concertation-defavorable")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Suite de la procédure :\n  La procédure ne se poursuit pas"), std::string::npos) << r.out;
  r = run_ipt({"plan", example_path("a-premiere-ipt-liste-30-09")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("  - limite du 30/09 de l’année scolaire : 30/09/2026"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    au plus tard le 30/09/2026\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("par par"), std::string::npos) << r.out;
}

TEST(Cli, PlanWarnsAboutAStartBeforeTheRequest) {
  TempDir dir;
  const auto path = write(dir, "dossier.xml",
                          DossierXml("b1-changement-de-pole")
                              .remove("prolongation/decision-ministre")
                              .set_attribute("protocole", "date", "2026-11-10")
                              .str());
  const auto r = run_ipt({"plan", path});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Avertissements :\n  ! Le protocole prévoit un début le 10/11/2026, avant la demande de dérogation"),
            std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(run_ipt({"plan", path, "--json"}).out);
  ASSERT_EQ(j["avertissements"].size(), 1u);
  EXPECT_EQ(j["envois"][0]["fait_le"], "2026-11-18");
  EXPECT_EQ(j["envois"][0]["adresse"], "https://form.jotform.com/223262339131347");
}

TEST(Cli, PlanTakesAnotherCalendar) {
  TempDir dir;
  std::filesystem::create_directory(dir / "cal");
  const auto path = write(dir, "dossier.xml",
                          DossierXml("b1-changement-de-pole")
                                  .remove("prolongation/decision-ministre")
                                  .set_attribute("prolongation", "reception", "2027-06-25")
                                  .str());
  auto r = run_ipt({"plan", path});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("2027-2028 n’est pas connu"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--calendar DOSSIER"), std::string::npos) << r.err;
  r = run_ipt({"plan", path, "--calendar", (dir / "absent").string()});
  EXPECT_EQ(r.status, 2) << r.out;
}

TEST(Cli, ImportKeepsHistoryAndAuditVerifies) {
  TempDir dir;
  const std::string db = (dir / "data" / "ipt.sqlite").string();
  auto r = run_ipt({"import", example_path("c-fin-integration"), example_path("b1-changement-de-pole"), "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("dossier PT-LIEGE-2026-0002 : importé (version 1)"), std::string::npos) << r.out;

  const auto changed = write(dir, "c.xml", DossierXml("c-fin-integration").set_text("protocole/transport", "Bus.").str());
  r = run_ipt({"import", changed, "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("nouvelle version 2"), std::string::npos) << r.out;
  r = run_ipt({"import", changed, "--db", db});
  EXPECT_NE(r.out.find("inchangé, version 2 conservée"), std::string::npos) << r.out;

  // One invalid file among several: nothing is stored.
  const auto bad = write(dir, "bad.xml", "<dossier>");
  r = run_ipt({"import", example_path("a-premiere-ipt-apres-30-09"), bad, "--db", db});
  EXPECT_EQ(r.status, 2);
  r = run_ipt({"dossiers", "--db", db, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto list = nlohmann::json::parse(r.out);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["reference"], "PT-LIEGE-2026-0002");
  EXPECT_EQ(list[0]["versions"], 2);

  r = run_ipt({"audit", "verify", "--db", db});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("journal d’audit intact : 3 entrée(s)"), std::string::npos) << r.out;
  r = run_ipt({"audit", "list", "PT-LIEGE-2026-0002", "--db", db, "--json"}, {"IPT_ACTOR=test-coordinatrice"});
  const auto entries = nlohmann::json::parse(r.out);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1]["action"], "dossier.import");

  struct stat st {};
  ASSERT_EQ(::stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Cli, ImportActorComesFromTheEnvironment) {
  TempDir dir;
  const std::string db = (dir / "ipt.sqlite").string();
  ASSERT_EQ(run_ipt({"import", example_path("c-fin-integration"), "--db", db}, {"IPT_ACTOR=marie.lambert"}).status, 0);
  const auto r = run_ipt({"audit", "list", "--db", db, "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)[0]["acteur"], "marie.lambert");
}

std::string signing_manifest(const std::string& demo_dir) {
  std::ifstream in(std::filesystem::path(demo_dir) / "pki" / "manifest.txt");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Cli, DemoRunsThePipelineOnEveryExample) {
  TempDir dir;
  const auto out = (dir / "demo").string();
  auto r = run_ipt({"demo", "--out", out});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Terminé : 8 dossiers importés, planifiés, produits, signés et archivés ; journal d’audit intact"),
            std::string::npos) << r.out;
  // Every signature of every plan (34 on 13 documents: the unfavourable concertation has one
  // motivation per disagreeing partner), each revision verified; every dossier archived and
  // its archive checked; through the bulk code, with its stages and their times.
  EXPECT_NE(r.out.find("Signatures : 34 (PAdES B-T, chacune vérifiée) ; 13 documents signés par tous, prolongés en B-LTA"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Documents : 24 en PDF/A-2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Envoyé : 2 Annexe(s) 4 à poles.territoriaux@cfwb.be"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2. Documents et signatures (8 dossiers"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Durée : Import"), std::string::npos) << r.out;
  size_t archived = 0, lines = 0;
  for (size_t at = r.out.find("vérifiée : intacte"); at != std::string::npos; at = r.out.find("vérifiée : intacte", at + 1)) ++archived;
  for (size_t at = r.out.find("] PT-"); at != std::string::npos; at = r.out.find("] PT-", at + 1)) ++lines;
  EXPECT_EQ(archived, 8u) << r.out;
  EXPECT_EQ(lines, 8u * 3) << r.out;  // a line per dossier in the plans, the documents and the archives
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / "dossiers" / "c-fin-integration.xml"));
  const std::filesystem::path c_archive = std::filesystem::path(out) / "archives" / "PT-LIEGE-2026-0002" / "v1";
  EXPECT_TRUE(std::filesystem::exists(c_archive / "originaux" / "annexe-4.pdf"));
  EXPECT_TRUE(std::filesystem::exists(c_archive / "rapports" / "annexe-4.json"));
  EXPECT_TRUE(std::filesystem::exists(c_archive / "certificat-achevement.pdf"));
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / "pki" / "manifest.txt"));
  for (const char* code : {"Procédure A-liste-30-09", "Procédure A :", "Procédure B1", "Procédure B2", "Procédure C"}) {
    EXPECT_NE(r.out.find(code), std::string::npos) << code;
  }
  // A second run starts again from a fresh database and reuses the demo PKI.
  const auto manifest = signing_manifest(out);
  r = run_ipt({"demo", "--out", out});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(signing_manifest(out), manifest);
  // Archives are written once: the second run files version 2 beside version 1.
  EXPECT_TRUE(std::filesystem::exists(c_archive.parent_path() / "v2" / "manifest.json"));
  EXPECT_NE(r.out.find("journal d’audit intact"), std::string::npos);
  // It never takes over a folder it did not make.
  std::filesystem::create_directory(dir / "autre");
  std::ofstream(dir / "autre" / "notes.txt") << "à garder";
  r = run_ipt({"demo", "--out", (dir / "autre").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("n’a pas été créé par « ipt demo »"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "autre" / "notes.txt"));
}

}  // namespace
}  // namespace ipt::test

namespace ipt::test {
namespace {

TEST(Cli, RenderWritesThePlansDocuments) {
  TempDir dir;
  const auto out = (dir / "docs").string();
  auto r = run_ipt({"render", example_path("b1-changement-de-pole"), "--out", out});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* name : {"annexe-2b.pdf", "annexe-2c.pdf", "declaration-prolongation-ipt.pdf"}) {
    const auto path = std::filesystem::path(out) / name;
    ASSERT_TRUE(std::filesystem::exists(path)) << name;
    EXPECT_NE(r.out.find(path.string()), std::string::npos) << r.out;
    EXPECT_EQ(run_process({"qpdf", "--check", path.string()}).status, 0) << name;
  }
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(out) / "annexe-4.pdf"));

  r = run_ipt({"render", example_path("b1-changement-de-pole"), "--out", out, "--only", "annexe-4"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("« annexe-4 » ne fait pas partie du plan"), std::string::npos) << r.err;

  r = run_ipt({"render", example_path("c-eleve-majeur"), "--out", out, "--only", "annexe-4", "--pdfa", "1b", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("annexe-4.pdf"), std::string::npos);
  const auto text = run_process({"pdftotext", "-enc", "UTF-8", (std::filesystem::path(out) / "annexe-4.pdf").string(), "-"});
  EXPECT_NE(text.out.find("Bilan d’intégration"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Bekkali"), std::string::npos);

  r = run_ipt({"render", example_path("c-eleve-majeur")});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--out"), std::string::npos);
}

}  // namespace
}  // namespace ipt::test
