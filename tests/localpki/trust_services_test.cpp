#include "ipt/localpki/trust_services.hpp"

#include <gtest/gtest.h>

#include "helpers.hpp"
#include "support/temp_dir.hpp"

namespace ipt::localpki {
namespace {

using namespace ipt::localpki::test;
using ipt::test::TempDir;

ipt::test::ProcessResult ocsp_status(const Pki& pki, const TempDir& dir, const std::string& url) {
  write_ca_files(pki, dir.path());
  write_text(dir / "pole.pem", pki.signer(Role::pole).certificate_pem());
  return openssl({"ocsp", "-issuer", dir / "intermediate.pem", "-cert", dir / "pole.pem", "-url", url, "-CAfile",
                  dir / "root.pem"});
}

TEST(TrustServices, MadeOnFirstRunThenReusedOnTheSamePortAsTheDemoDoes) {
  TempDir dir;
  PkiRecipe recipe;
  std::string first_root;
  std::uint16_t port = 0;
  {
    auto made = Pki::load_or_make(dir / "pki", recipe);  // first run: makes and saves
    ASSERT_TRUE(made) << made.error().message;
    EXPECT_EQ(made->revocation_base_url(), "");
    auto services = TrustServices::start(recipe);
    ASSERT_TRUE(services) << services.error().message;
    const Pki& pki = (*services)->pki();
    port = (*services)->revocation().port();
    EXPECT_EQ(pki.revocation_base_url(), "http://127.0.0.1:" + std::to_string(port));
    EXPECT_TRUE(contains(ocsp_status(pki, dir, ocsp_url(pki.revocation_base_url())).out, ": good"));
    EXPECT_NE((*services)->timestamps().url(), "");
    ASSERT_TRUE(pki.save(dir / "served"));
    first_root = pki.root().certificate_pem();
  }  // both servers stop here

  auto again = Pki::load_or_make(dir / "served", recipe);  // later runs: loads
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->root().certificate_pem(), first_root);
  auto services = TrustServices::start(*again);
  ASSERT_TRUE(services) << services.error().message;
  EXPECT_EQ((*services)->revocation().port(), port);
  EXPECT_TRUE(contains(ocsp_status(*again, dir, ocsp_url(again->revocation_base_url())).out, ": good"));

  // A second demo on the same saved PKI cannot have the port.
  auto clash = TrustServices::start(*again);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().message,
            "répondeur OCSP : impossible d’écouter sur 127.0.0.1:" + std::to_string(port) + " (port déjà utilisé ?)");
}

TEST(TrustServices, LoopbackPortsAreParsedStrictly) {
  EXPECT_EQ(parse_loopback_port("http://127.0.0.1:8080"), 8080);
  EXPECT_EQ(parse_loopback_port("http://localhost:1"), 1);
  EXPECT_FALSE(parse_loopback_port("http://127.0.0.1:0"));
  EXPECT_FALSE(parse_loopback_port("http://127.0.0.1:65536"));
  EXPECT_FALSE(parse_loopback_port("http://10.0.0.1:80"));
  EXPECT_FALSE(parse_loopback_port("http://127.0.0.1:80/ocsp"));
}

}  // namespace
}  // namespace ipt::localpki
