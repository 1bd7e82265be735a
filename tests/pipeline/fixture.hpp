#pragma once
// What the pipeline tests share: the test PKI with its OCSP responder and timestamp server on
// 127.0.0.1 and a renderer, made once per suite; per test, a fresh store holding the
// procedure-C example, its documents and each role's PKCS#12 (password "mdp").
#include <gtest/gtest.h>

#include <optional>

#include "ipt/localpki/dossier_people.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "support/dossier_xml.hpp"
#include "support/temp_dir.hpp"

namespace ipt::pipeline::testing {

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Each role's certificate names the dossier's planned signatory (the identity check).
    localpki::PkiRecipe recipe;
    recipe.signers = localpki::signers_of(test::example_dossier("c-fin-integration"));
    auto services = localpki::TrustServices::start(recipe);
    ASSERT_TRUE(services) << services.error().message;
    services_ = std::move(*services).release();
    auto renderer = templates::Renderer::create_embedded();
    ASSERT_TRUE(renderer);
    renderer_ = new templates::Renderer(*std::move(renderer));
  }
  static void TearDownTestSuite() {
    delete services_;
    delete renderer_;
  }

  void SetUp() override {
    auto store = core::Store::open(dir_ / "ipt.sqlite");
    ASSERT_TRUE(store);
    store_.emplace(*std::move(store));
    ASSERT_TRUE(store_->import_dossier(test::example_dossier("c-fin-integration"), test::example_text("c-fin-integration"), "test"));
    documents_.emplace(*store_, *renderer_);
    for (auto role : localpki::all_roles) {
      ASSERT_TRUE(services_->pki().write_pkcs12(p12(role), role, "mdp"));
    }
  }

  std::filesystem::path p12(localpki::Role role) const { return dir_ / (std::string(localpki::role_id(role)) + ".p12"); }
  std::vector<signing::Bytes> trust() const { return {services_->pki().root().certificate_der()}; }

  static inline localpki::TrustServices* services_ = nullptr;
  static inline templates::Renderer* renderer_ = nullptr;
  test::TempDir dir_;
  std::optional<core::Store> store_;
  std::optional<DossierDocuments> documents_;
};

}  // namespace ipt::pipeline::testing
