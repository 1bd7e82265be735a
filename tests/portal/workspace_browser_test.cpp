// The coordinators' workspace in headless Chromium (tests/portal/workspace_browser_test.py):
// a coordinator logs in with the keyboard alone, creates a dossier through the form (two
// mistakes shown by their fields, then corrected), opens its round, the first invitation
// reaches the SMTP server and is signed, and the list then awaits the next signatory; then the
// form of a dossier whose round has begun, the logout and the administrator's accounts; axe-core
// judges every page. Screenshots: IPT_BROWSER_SCREENSHOTS-espace.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "ipt/pipeline/dossier_form.hpp"
#include "portal_world.hpp"
#include "support/dossier_xml.hpp"
#include "support/must.hpp"

namespace ipt::test {
namespace {

namespace fs = std::filesystem;

using WorkspaceBrowserTest = PortalWorld;

TEST_F(WorkspaceBrowserTest, ACoordinatorCreatesADossierAndFollowsItsRoundInChromium) {
  ASSERT_TRUE(fs::exists(IPT_AXE_JS)) << IPT_AXE_JS << " manque : la fixture portal.axe_core l’installe avec npm";
  // Beside the signer test's folder, not in it: the two tests may run at once.
  const fs::path screenshots = fs::path(std::string(IPT_BROWSER_SCREENSHOTS) + "-espace");
  fs::remove_all(screenshots);
  const std::string password = "une phrase de passe assez longue";
  std::ofstream(dir_ / "mdp") << password << "\n";
  const auto fase = example_dossier("c-fin-integration").pole.fase;
  auto r = run_ipt({"user", "add", "--email", "marie.lambert@pole-liege.example.be", "--name", "Marie Lambert", "--pole",
                    std::to_string(fase), "--password-file", (dir_ / "mdp").string(), "--db", db_});
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_ipt({"user", "add", "--email", "admin@pole-liege.example.be", "--name", "Admin", "--admin", "--password-file",
               (dir_ / "mdp").string(), "--db", db_});
  ASSERT_EQ(r.status, 0) << r.err;

  // The example's values under a new reference; two of them wrong at first.
  const std::string created = "PT-LIEGE-2026-0041";
  const auto form = must(pipeline::form_of(example_text("c-fin-integration")), "exemple");
  nlohmann::json values = nlohmann::json::object();
  for (const auto& section : form.sections) {
    for (const auto& f : section.fields) values[f.name] = f.value;
  }
  values["dossier/@reference"] = created;
  const nlohmann::json wrong = {{"dossier/eleve/date-naissance", {"2015-02-30", "2015-04-22"}},
                                {"dossier/responsables/responsable[1]/email", {"helene.duboeuf(at)example.be", "helene.duboeuf@example.be"}}};
  std::ofstream(dir_ / "valeurs.json") << values.dump();
  std::ofstream(dir_ / "erreurs.json") << wrong.dump();

  r = run_process({"/usr/bin/python3", IPT_WORKSPACE_BROWSER_SCRIPT, "--url", portal_url(), "--spool", smtp_->spool().string(),
                   "--screenshots", screenshots.string(), "--axe", IPT_AXE_JS, "--email", "marie.lambert@pole-liege.example.be",
                   "--password", password, "--values", (dir_ / "valeurs.json").string(), "--wrong", (dir_ / "erreurs.json").string(),
                   "--reference", created, "--admin", "admin@pole-liege.example.be"});
  std::cout << r.out << r.err;
  ASSERT_EQ(r.status, 0) << "workspace_browser_test.py : " << (r.status == 1 ? "violations graves ou critiques, ou page trop large" : "parcours interrompu");
  EXPECT_EQ(std::distance(fs::directory_iterator(screenshots), fs::directory_iterator{}), 16)
      << "une capture par page vue : connexion, code, liste, nouveau, formulaire vide, erreurs, dossier, tour ouvert, "
         "4 pages de la signature du pôle, liste après, formulaire du tour commencé, déconnexion, comptes";

  // What the browser did is in the store: the dossier, its import by the workspace, one signature.
  r = run_ipt({"audit", "list", created, "--db", db_, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  int imports = 0, signatures = 0;
  for (const auto& e : nlohmann::json::parse(r.out)) {
    if (e["action"] == "dossier.import") {
      ++imports;
      EXPECT_NE(e["acteur"].get<std::string>().find("espace (marie.lambert@pole-liege.example.be"), std::string::npos) << e.dump();
    }
    signatures += e["action"] == "document.sign";
  }
  EXPECT_EQ(imports, 1);
  EXPECT_EQ(signatures, 1);
}

}  // namespace
}  // namespace ipt::test
