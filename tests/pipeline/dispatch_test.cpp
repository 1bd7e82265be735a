// From the last signature of an Annexe 4 to the Administration's mailbox: queued in the
// transaction of that signature, sent through a real SMTP server (aiosmtpd, STARTTLS and
// login) on 127.0.0.1, and the attached PDF still verifies on arrival.
#include "ipt/pipeline/dispatch.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "ipt/localpki/dossier_people.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "ipt/mail/outbox.hpp"
#include "ipt/mail/transport.hpp"
#include "smtp_server.hpp"
#include "support/dossier_xml.hpp"
#include "support/temp_dir.hpp"

namespace ipt::pipeline {
namespace {

TEST(Dispatch, SignedAnnexe4ReachesTheAdministrationAndStillVerifies) {
  localpki::PkiRecipe recipe;
  recipe.signers = localpki::signers_of(test::example_dossier("c-fin-integration"));  // the planned signatories
  auto services = localpki::TrustServices::start(recipe);
  ASSERT_TRUE(services) << services.error().message;
  test::TempDir dir;
  const test::SmtpServerOptions server_options{.starttls = true, .user = "pole", .password = "secret smtp"};
  test::SmtpTestServer server(dir / "smtp", server_options);
  auto config = test::config_for(server, server_options);
  config.pole_copy.clear();  // the dossier's coordinator receives the copy

  auto store = core::Store::open(dir / "ipt.sqlite");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->import_dossier(test::example_dossier("c-fin-integration"), test::example_text("c-fin-integration"), "test"));
  auto set = templates::TemplateSet::load_embedded();
  ASSERT_TRUE(set);
  auto renderer = templates::Renderer::create(*std::move(set));
  ASSERT_TRUE(renderer);
  DossierDocuments documents(*store, *renderer);
  ASSERT_TRUE(documents.render("PT-LIEGE-2026-0002", "test"));

  const std::vector<signing::Bytes> trust{(*services)->pki().root().certificate_der()};
  signing::HttpTimestampClient tsa((*services)->timestamps().url());
  const auto hook = annexe4_mail_hook(config);
  const char* fields[] = {"sig_pole", "sig_ecole_ordinaire", "sig_cpms", "sig_responsable"};
  for (auto role : localpki::all_roles) {
    const auto p12 = dir / (std::string(localpki::role_id(role)) + ".p12");
    ASSERT_TRUE((*services)->pki().write_pkcs12(p12, role, "mdp"));
    auto key = signing::load_pkcs12(p12, "mdp");
    ASSERT_TRUE(key);
    SignRequest request;
    request.reference = "PT-LIEGE-2026-0002";
    request.document = "annexe-4";
    request.options.field = fields[static_cast<int>(role)];
    request.options.level = signing::Level::b_lt;  // its validation data travels with it
    if (role == localpki::Role::cpms) request.options.fills = {{"avis_cpms", "favorable"}};
    request.key = key->get();
    request.timestamps = &tsa;
    request.trust_anchors = trust;
    request.actor = "test";
    auto outcome = documents.sign(request, hook);
    ASSERT_TRUE(outcome) << outcome.error().message;
    EXPECT_EQ(outcome->hook_ran, role == localpki::Role::responsable);
  }

  // Queued once, with the signature; sent by one worker pass.
  auto outbox = mail::Outbox::open(dir / "ipt.sqlite");
  ASSERT_TRUE(outbox);
  auto queued = outbox->list();
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ((*queued)[0].dossier, "PT-LIEGE-2026-0002");
  auto transport = mail::SmtpTransport::create(config);
  ASSERT_TRUE(transport) << transport.error().message;
  auto pass = outbox->send_due(**transport);
  ASSERT_TRUE(pass) << pass.error().message;
  EXPECT_EQ(pass->sent, 1);

  ASSERT_EQ(server.received().size(), 1u);
  EXPECT_EQ(server.envelope(1)["rcpt"], nlohmann::json::array({"poles.territoriaux@cfwb.be", "marie.lambert@pole-liege.example.be"}));
  std::filesystem::create_directory(dir / "pieces");
  const auto parsed = test::parse_eml(server.received()[0], dir / "pieces");
  const std::string subject = parsed["subject"];
  EXPECT_NE(subject.find("PT-LIEGE-2026-0002"), std::string::npos) << subject;
  EXPECT_EQ(subject.find("Dubœuf"), std::string::npos) << "the pupil’s name must not be in the subject";
  ASSERT_EQ(parsed["parts"].size(), 2u);
  const auto attachment = dir / "pieces" / "annexe-4-PT-LIEGE-2026-0002.pdf";
  auto received_pdf = signing::read_file(attachment);
  ASSERT_TRUE(received_pdf) << parsed.dump();
  auto stored_pdf = signing::read_file(documents.folder("PT-LIEGE-2026-0002") / "annexe-4.pdf");
  ASSERT_TRUE(stored_pdf);
  EXPECT_EQ(*received_pdf, *stored_pdf);
  signing::VerifyOptions options;
  options.trust_anchors = trust;
  options.online_revocation = false;  // extended to B-LTA: the document carries its revocation data
  auto report = signing::verify_pdf(*received_pdf, options);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->valid()) << signing::report_json(*report);
  ASSERT_EQ(report->signatures.size(), 5u);  // four signatures and the archive timestamp
  EXPECT_TRUE(report->signatures.back().document_timestamp);
  for (const auto& s : report->signatures) {
    if (!s.document_timestamp) {
      EXPECT_EQ(s.level, signing::Level::b_lta) << s.field;
    }
  }

  // The archive's certificate names what was sent and its state.
  const auto sent = dispatches_of(dir / "ipt.sqlite", "PT-LIEGE-2026-0002");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].state, "envoyé");
}

}  // namespace
}  // namespace ipt::pipeline
