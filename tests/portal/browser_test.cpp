// `ipt serve` in a real browser: the portal's world as the HTTP test has it (portal_world.hpp),
// then tests/portal/browser_test.py drives headless Chromium at a phone's width through the
// four signatures of the Annexe 4, reading the invitations and codes from the SMTP server's
// spool, with axe-core judging every page (serious and critical violations fail). Afterwards
// the signed document must verify and the Administration's message must be in the SMTP
// server, carrying that very document. The screenshots stay in IPT_BROWSER_SCREENSHOTS.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "ipt/core/files.hpp"
#include "ipt/core/store.hpp"  // sha256_hex
#include "portal_world.hpp"

namespace ipt::test {
namespace {

namespace fs = std::filesystem;

using BrowserTest = PortalWorld;

TEST_F(BrowserTest, FourPartnersSignTheirAnnexe4InChromiumAtAPhonesWidth) {
  ASSERT_TRUE(fs::exists(IPT_AXE_JS)) << IPT_AXE_JS << " manque : la fixture portal.axe_core l’installe avec npm";
  const fs::path screenshots = IPT_BROWSER_SCREENSHOTS;
  fs::remove_all(screenshots);
  auto r = start_round();
  ASSERT_EQ(r.status, 0) << r.err;

  r = run_process({"/usr/bin/python3", IPT_BROWSER_SCRIPT, "--url", portal_url(), "--spool", smtp_->spool().string(),
                   "--screenshots", screenshots.string(), "--axe", IPT_AXE_JS});
  std::cout << r.out << r.err;  // the pages, axe's findings, the screenshots' folder, the time taken
  ASSERT_EQ(r.status, 0) << "browser_test.py : " << (r.status == 1 ? "violations graves ou critiques, ou page trop large" : "parcours interrompu");
  EXPECT_EQ(std::distance(fs::directory_iterator(screenshots), fs::directory_iterator{}), 18)
      << "une capture par page vue : le lien inconnu, 4 × (invitation, code, signature, merci), le lien utilisé";

  // The document the browser signed four times verifies, trusting the pole's CA as well.
  const auto ca_pem = fetch_ca_pem();
  ASSERT_FALSE(ca_pem.empty());
  r = verify_annexe4(ca_pem, false);
  EXPECT_EQ(r.status, 0) << r.out << r.err;

  // The Administration received that document.
  const auto administration = message_to("poles.territoriaux@cfwb.be");
  ASSERT_TRUE(administration.contains("parts")) << administration.dump();
  const auto signed_pdf = core::read_whole_file(annexe4());
  ASSERT_TRUE(signed_pdf);
  bool attached = false;
  for (const auto& part : administration["parts"]) {
    attached |= part.value("content_type", "") == "application/pdf" && part.value("sha256", "") == core::sha256_hex(*signed_pdf);
  }
  EXPECT_TRUE(attached) << "le message à l’Administration ne porte pas l’Annexe 4 signée : " << administration.dump();
}

}  // namespace
}  // namespace ipt::test
