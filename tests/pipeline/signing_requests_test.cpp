// Remote signing rounds: invitations in the plan's order through the outbox, tokens kept only
// as hashes, one-time codes with tries and expiry, refusals, expiry, re-issue, cancellation,
// and the next signatory invited in the transaction of the previous one's signature.
#include "ipt/pipeline/signing_requests.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "fixture.hpp"
#include "ipt/core/database.hpp"
#include "ipt/mail/outbox.hpp"
#include "ipt/mail/transport.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/pipeline/archive.hpp"
#include "ipt/pipeline/remote_signing.hpp"
#include "support/must.hpp"
#include "support/process.hpp"

namespace ipt::pipeline {
namespace {

using core::Role;
using namespace std::chrono_literals;

const std::string reference = "PT-LIEGE-2026-0002";
const std::string client = "IP 127.0.0.1, navigateur test";

class SigningRequestsTest : public testing::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    ASSERT_TRUE(documents_->render(reference, "coordinatrice"));
    mail_.sender = "coordination@pole-liege.example.be";
    portal_.base_url = "https://ipt.pole-liege.example.be";
    requests_.emplace(*store_, mail_, portal_, [this] { return now_; });
  }

  // Every message queued so far, oldest first, with its body (read before any sending).
  std::vector<std::pair<std::string, std::string>> queued() {
    auto& db = store_->database();
    auto q = test::must(core::Statement::prepare(db, "SELECT recipients_to, subject, body FROM outbox_message ORDER BY id"), "outbox");
    std::vector<std::pair<std::string, std::string>> out;
    while (*q.step()) out.emplace_back(q.text(0) + " | " + q.text(1), q.text(2));
    return out;
  }

  // The token of the last link queued.
  std::string last_token() {
    static const std::regex link(R"(https://ipt\.pole-liege\.example\.be/s/([A-Za-z0-9_-]{43}))");
    std::smatch m;
    const auto all = queued();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (std::regex_search(it->second, m, link)) return m[1];
    }
    ADD_FAILURE() << "aucun lien en file";
    return "";
  }

  std::string last_code() {
    static const std::regex code(R"(Votre code de confirmation est : (\d{6}))");
    std::smatch m;
    const auto all = queued();
    if (!all.empty() && std::regex_search(all.back().second, m, code)) return m[1];
    ADD_FAILURE() << "aucun code en file";
    return "";
  }

  // Signs the Annexe 4's field of `role` with its own key, recording the remote round's step
  // in the same transaction.
  core::Result<SignOutcome> sign_as(Role role, const std::string& token, std::vector<signing::FieldFill> fills = {}) {
    IPT_TRY(key, signing::load_pkcs12(p12(role), "mdp"));
    signing::HttpTimestampClient tsa(services_->timestamps().url());
    SignRequest request;
    request.reference = reference;
    request.document = "annexe-4";
    request.options.field = std::string(core::field_name(role));
    request.options.level = signing::Level::b_t;
    request.options.fills = std::move(fills);
    request.key = key->get();
    request.timestamps = &tsa;
    request.trust_anchors = trust();
    request.actor = "portail";
    request.on_recorded = [&](core::Transaction& tx) { return requests_->record_signed(tx, token, client); };
    return documents_->sign(request);
  }

  void confirm(const std::string& token) {
    ASSERT_TRUE(requests_->send_code(token, client));
    auto ok = requests_->confirm_code(token, last_code(), client);
    ASSERT_TRUE(ok) << ok.error().message;
  }

  std::vector<std::string> actions() {
    std::vector<std::string> out;
    const auto entries = test::must(store_->audit_entries(reference), "journal");
    for (const auto& e : entries) out.push_back(e.action);
    return out;
  }

  mail::MailConfig mail_;
  PortalConfig portal_;
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
  std::optional<SigningRequests> requests_;
};

TEST_F(SigningRequestsTest, StartInvitesTheFirstSignatoryOnly) {
  auto round = requests_->start(reference, "coordinatrice");
  ASSERT_TRUE(round) << round.error().message;
  EXPECT_EQ(round->state, RoundState::open);
  EXPECT_EQ(round->documents, std::vector<std::string>{"annexe-4"});
  ASSERT_EQ(round->invitations.size(), 4u);
  EXPECT_EQ(round->invitations[0].role, Role::pole);
  EXPECT_EQ(round->invitations[0].state, InvitationState::invited);
  EXPECT_EQ(round->invitations[0].signatory, "Marie Lambert");
  for (size_t i = 1; i < 4; ++i) EXPECT_EQ(round->invitations[i].state, InvitationState::waiting) << i;
  EXPECT_EQ(round->current()->position, 1);

  const auto mails = queued();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].first.substr(0, mails[0].first.find('\t')), "marie.lambert@pole-liege.example.be");
  EXPECT_NE(mails[0].first.find("Signature demandée – dossier PT-LIEGE-2026-0002"), std::string::npos);
  // Subject and link carry no personal data: the reference and a random token only.
  EXPECT_EQ(mails[0].first.find("Dubœuf"), std::string::npos);
  const std::string token = last_token();
  ASSERT_EQ(token.size(), 43u);
  // The token itself is not in the invitations' table, only its SHA-256.
  auto q = test::must(core::Statement::prepare(store_->database(), "SELECT token_hash FROM signing_invitation WHERE position = 1"), "q");
  ASSERT_TRUE(*q.step());
  EXPECT_EQ(q.text(0), core::sha256_hex(token));

  const auto again = requests_->start(reference, "coordinatrice");
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().is(core::Category::refused));
  EXPECT_NE(again.error().message.find("un tour de signature est déjà ouvert"), std::string::npos) << again.error().message;
  const auto audit = actions();
  EXPECT_NE(std::find(audit.begin(), audit.end(), "round.start"), audit.end());
  EXPECT_NE(std::find(audit.begin(), audit.end(), "round.invite"), audit.end());
}

TEST_F(SigningRequestsTest, TheLinkAndCodeMailsKeepNoSecretOnceSent) {
  ASSERT_TRUE(requests_->start(reference, "coordinatrice"));
  const std::string token = last_token();
  ASSERT_TRUE(requests_->send_code(token, client));
  const std::string code = last_code();
  auto outbox = test::must(mail::Outbox::open(store_->path()), "outbox");
  mail::FileTransport files(dir_ / "courriels");
  auto pass = outbox.send_due(files);
  ASSERT_TRUE(pass) << pass.error().message;
  EXPECT_EQ(pass->sent, 2);
  for (const auto& [header, body] : queued()) {
    EXPECT_EQ(body.find(token), std::string::npos) << header;
    EXPECT_EQ(body.find(code), std::string::npos) << header;
    EXPECT_NE(body.find("contenu effacé après l’envoi"), std::string::npos) << header;
  }
}

TEST_F(SigningRequestsTest, TokensThatAreUnknownOrReplacedOpenNothing) {
  ASSERT_TRUE(requests_->start(reference, "coordinatrice"));
  const std::string first = last_token();
  auto unknown = requests_->open(std::string(43, 'A'), client);
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error().is(core::Category::not_found));
  auto opened = requests_->open(first, client);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->invitation.state, InvitationState::opened);
  EXPECT_EQ(opened->invitation.role, Role::pole);
  EXPECT_EQ(opened->round.reference, reference);

  ASSERT_TRUE(requests_->reissue(reference, "coordinatrice"));
  EXPECT_FALSE(requests_->open(first, client));  // the old link stops working
  EXPECT_TRUE(requests_->open(last_token(), client));
}

TEST_F(SigningRequestsTest, ACodeHasFiveTriesAndTenMinutes) {
  ASSERT_TRUE(requests_->start(reference, "coordinatrice"));
  const std::string token = last_token();
  auto early = requests_->confirm_code(token, "123456", client);
  ASSERT_FALSE(early);
  EXPECT_NE(early.error().message.find("demandez d’abord un code"), std::string::npos);

  ASSERT_TRUE(requests_->send_code(token, client));
  const std::string code = last_code();
  const std::string wrong = code == "000000" ? "111111" : "000000";
  auto first = requests_->confirm_code(token, wrong, client);
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().message.find("code erroné (encore 4 essais)"), std::string::npos) << first.error().message;
  for (int i = 2; i <= 4; ++i) EXPECT_FALSE(requests_->confirm_code(token, wrong, client));
  auto fifth = requests_->confirm_code(token, wrong, client);
  EXPECT_NE(fifth.error().message.find("5 essais"), std::string::npos) << fifth.error().message;
  // Spent: even the right code is refused now.
  auto spent = requests_->confirm_code(token, code, client);
  ASSERT_FALSE(spent);
  EXPECT_NE(spent.error().message.find("demandez d’abord un code"), std::string::npos) << spent.error().message;

  ASSERT_TRUE(requests_->send_code(token, client));
  const std::string fresh = last_code();
  now_ += 11min;
  auto late = requests_->confirm_code(token, fresh, client);
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message.find("ce code a expiré"), std::string::npos) << late.error().message;

  ASSERT_TRUE(requests_->send_code(token, client));
  const std::string used = last_code();
  EXPECT_TRUE(requests_->confirm_code(token, used, client));
  EXPECT_EQ(requests_->show(reference)->invitations[0].state, InvitationState::confirmed);
  // A code serves once: another browser must ask for its own.
  auto reused = requests_->confirm_code(token, used, client);
  ASSERT_FALSE(reused);
  EXPECT_NE(reused.error().message.find("demandez d’abord un code"), std::string::npos) << reused.error().message;
  const auto audit = actions();
  EXPECT_EQ(std::count(audit.begin(), audit.end(), "round.code_wrong"), 5);
  EXPECT_EQ(std::count(audit.begin(), audit.end(), "round.code_confirmed"), 1);
}

TEST_F(SigningRequestsTest, EachSignatureInvitesTheNextAndTheLastClosesTheRound) {
  ASSERT_TRUE(requests_->start(reference, "coordinatrice"));
  const Role order[] = {Role::pole, Role::ecole_ordinaire, Role::cpms, Role::responsable};
  for (size_t i = 0; i < 4; ++i) {
    const std::string token = last_token();
    confirm(token);
    std::vector<signing::FieldFill> fills;
    if (order[i] == Role::cpms) fills = {{"avis_cpms", "favorable"}};
    auto signed_ = sign_as(order[i], token, fills);
    ASSERT_TRUE(signed_) << i << ": " << signed_.error().message;
    const auto round = requests_->show(reference);
    EXPECT_EQ(round->invitations[i].state, InvitationState::signed_) << i;
    if (i + 1 < 4) {
      EXPECT_EQ(round->invitations[i + 1].state, InvitationState::invited) << i;
      EXPECT_EQ(round->state, RoundState::open);
    }
    // A spent link opens nothing any more.
    auto reused = requests_->open(token, client);
    ASSERT_FALSE(reused);
    EXPECT_NE(reused.error().message.find("vous avez déjà signé"), std::string::npos) << reused.error().message;
  }
  EXPECT_EQ(requests_->show(reference)->state, RoundState::completed);
  const auto audit = actions();
  EXPECT_EQ(std::count(audit.begin(), audit.end(), "round.signed"), 4);
  EXPECT_EQ(std::count(audit.begin(), audit.end(), "round.invite"), 4);
  EXPECT_EQ(std::count(audit.begin(), audit.end(), "round.completed"), 1);
  EXPECT_TRUE(store_->verify_audit()->intact);

  // The certificate of completion lists each signatory's path: events, address and browser.
  auto seal = test::must(signing::load_pkcs12(p12(Role::pole), "mdp"), "cachet");
  signing::HttpTimestampClient tsa(services_->timestamps().url());
  auto archived = archive_dossier(*store_, *documents_, reference, dir_ / "archives", trust(), {}, ArchiveSeal{seal.get(), &tsa}, "test");
  ASSERT_TRUE(archived) << archived.error().message;
  const auto text = test::run_process({"pdftotext", "-enc", "UTF-8", (archived->folder / "certificat-achevement.pdf").string(), "-"});
  EXPECT_NE(text.out.find("Parcours des signataires à distance"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("identité confirmée"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("navigateur test"), std::string::npos) << text.out;
}

// A signature whose round step cannot be recorded (the code was never confirmed) is not kept:
// they are one transaction.
TEST_F(SigningRequestsTest, AnUnconfirmedSignatoryCannotSign) {
  ASSERT_TRUE(requests_->start(reference, "coordinatrice"));
  const std::string token = last_token();
  const auto before = signing::read_file(documents_->folder(reference) / "annexe-4.pdf");
  auto refused = sign_as(Role::pole, token);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("confirmez d’abord votre identité"), std::string::npos) << refused.error().message;
  EXPECT_EQ(*signing::read_file(documents_->folder(reference) / "annexe-4.pdf"), *before);
  EXPECT_EQ(requests_->show(reference)->invitations[0].state, InvitationState::invited);
}

TEST_F(SigningRequestsTest, ALinkExpiresAndCanBeReissued) {
  ASSERT_TRUE(requests_->start(reference, "coordinatrice"));
  const std::string token = last_token();
  now_ += std::chrono::days(15);
  auto expired = requests_->open(token, client);
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().message.find("ce lien a expiré"), std::string::npos) << expired.error().message;
  EXPECT_EQ(requests_->show(reference)->invitations[0].state, InvitationState::expired);
  ASSERT_TRUE(requests_->reissue(reference, "coordinatrice"));
  EXPECT_TRUE(requests_->open(last_token(), client));
}

TEST_F(SigningRequestsTest, RemindersCarryANewLinkAndStopAtTheirMaximum) {
  ASSERT_TRUE(requests_->start(reference, "coordinatrice"));
  EXPECT_EQ(*requests_->remind_due("coordinatrice"), 0);  // too early
  int reminded = 0;
  for (int day = 0; day < 12; ++day) {
    now_ += std::chrono::days(1);
    reminded += *requests_->remind_due("coordinatrice");
  }
  EXPECT_EQ(reminded, 3);  // every 3 days, at most 3 times
  EXPECT_EQ(requests_->show(reference)->invitations[0].reminders, 3);
  EXPECT_EQ(queued().size(), 4u);  // the invitation and three reminders
}

TEST_F(SigningRequestsTest, ADeclineNeedsAReasonAndTellsThePole) {
  ASSERT_TRUE(requests_->start(reference, "coordinatrice"));
  const std::string token = last_token();
  auto unconfirmed = requests_->decline(token, "Je ne suis pas d’accord avec le projet.", client);
  EXPECT_FALSE(unconfirmed);
  confirm(token);
  auto blank = requests_->decline(token, "  \n", client);
  ASSERT_FALSE(blank);
  EXPECT_EQ(blank.error().place.field, "raison");
  auto declined = requests_->decline(token, "Je ne suis pas d’accord avec le projet.", client);
  ASSERT_TRUE(declined) << declined.error().message;
  EXPECT_EQ(declined->invitations[0].state, InvitationState::declined);
  EXPECT_EQ(declined->invitations[0].declined_reason, "Je ne suis pas d’accord avec le projet.");
  const auto mails = queued();
  EXPECT_NE(mails.back().first.find("Signature refusée – dossier PT-LIEGE-2026-0002"), std::string::npos) << mails.back().first;
  EXPECT_FALSE(requests_->open(token, client));
}

TEST_F(SigningRequestsTest, ACancelledRoundOpensNothing) {
  ASSERT_TRUE(requests_->start(reference, "coordinatrice"));
  const std::string token = last_token();
  EXPECT_FALSE(requests_->cancel(reference, "", "coordinatrice"));
  auto cancelled = requests_->cancel(reference, "dossier corrigé", "coordinatrice");
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  EXPECT_EQ(cancelled->state, RoundState::cancelled);
  auto opened = requests_->open(token, client);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("annulé"), std::string::npos);
  EXPECT_TRUE(requests_->start(reference, "coordinatrice"));  // a new round may start
}

// Première IPT, step 4: the partner who declines has their reason become the written
// motivation of their disagreement, on a new version of the dossier whose plan gives them the
// motivations sheet to sign; the round is voided.
TEST_F(SigningRequestsTest, ADeclineInAPremiereIptIsTheWrittenMotivationOfARefusedConcertation) {
  const std::string premiere = "PT-LIEGE-2026-0007";
  ASSERT_TRUE(store_->import_dossier(test::example_dossier("a-premiere-ipt-apres-30-09"),
                                     test::example_text("a-premiere-ipt-apres-30-09"), "test"));
  ASSERT_TRUE(documents_->render(premiere, "coordinatrice"));
  auto round = requests_->start(premiere, "coordinatrice");
  ASSERT_TRUE(round) << round.error().message;
  ASSERT_EQ(round->invitations[0].role, Role::ecole_ordinaire);
  const std::string token = last_token();
  confirm(token);
  const std::string reason = "L’école ne peut pas offrir cette année l’encadrement que demande le projet.";
  RemoteSigning remote(*documents_, *requests_, {});
  auto declined = remote.decline(token, reason, client);
  ASSERT_TRUE(declined) << declined.error().message;
  EXPECT_TRUE(declined->concertation_refused);
  EXPECT_EQ(declined->round.state, RoundState::cancelled);

  // A new version: the concertation unfavourable, the school's disagreement motivated.
  const auto stored = test::must(store_->find_dossier(premiere), "dossier");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->version, 2);
  const auto dossier = core::parse_dossier(stored->xml, premiere);
  ASSERT_TRUE(dossier);
  const auto& concertation = std::get<core::PremiereIpt>(dossier->evenement).concertation;
  EXPECT_FALSE(concertation.favorable);
  ASSERT_EQ(concertation.desaccords.size(), 1u);
  EXPECT_EQ(concertation.desaccords[0].intervenant, core::Intervenant::ecole_ordinaire);
  EXPECT_EQ(concertation.desaccords[0].auteur.nom, "Renard");
  EXPECT_EQ(concertation.desaccords[0].motivation, reason);
  // The motivations sheet is rendered for the school to sign, and says its reason.
  const auto sheet = documents_->folder(premiere) / "motivations-ecole-ordinaire.pdf";
  ASSERT_TRUE(std::filesystem::exists(sheet));
  const auto text = test::run_process({"pdftotext", "-enc", "UTF-8", sheet.string(), "-"});
  EXPECT_NE(text.out.find("encadrement que demande le projet"), std::string::npos) << text.out;
  const auto audit = test::must(store_->audit_entries(premiere), "journal");
  const bool restarted = std::any_of(audit.begin(), audit.end(), [](const auto& e) { return e.action == "round.restart"; });
  EXPECT_TRUE(restarted);
  // A new round asks the school to sign its motivations.
  auto next = requests_->start(premiere, "coordinatrice");
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_NE(std::find(next->documents.begin(), next->documents.end(), "motivations-ecole-ordinaire"), next->documents.end());
}

TEST(PortalConfig, ReadsItsSectionAndNamesProblems) {
  auto config = parse_portal_config("[portail]\nurl = https://ipt.example.be/\ninvitation_jours = 7\nrappel_jours = 2\n", "ipt.conf");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->base_url, "https://ipt.example.be");
  EXPECT_EQ(config->invitation_lifetime, std::chrono::days(7));
  EXPECT_EQ(config->reminder_after, std::chrono::days(2));
  auto bad = parse_portal_config("[portail]\nurl = ipt.example.be\ninvitation_jours = jamais\ncouleur = bleu\n", "ipt.conf");
  ASSERT_FALSE(bad);
  for (const char* expected : {"ipt.conf:2: url : « ipt.example.be » doit commencer par http://",
                               "ipt.conf:3: invitation_jours : nombre de jours attendu", "ipt.conf:4: clé inconnue « couleur »"}) {
    EXPECT_NE(bad.error().message.find(expected), std::string::npos) << expected << "\n in: " << bad.error().message;
  }
}

}  // namespace
}  // namespace ipt::pipeline
