// `ipt serve` as the signatories meet it, over HTTP: a real SMTP server receives the
// invitations and the codes, the portal runs as its own process, and the four partners of an
// Annexe 4 each open their link, confirm with their code, fill their part and sign. The
// signed document is then judged by `ipt verify` and pdfsig, and the Administration's message
// is in the SMTP server. Around that path: unknown and spent links, forged forms, wrong codes,
// signing before confirming, and the security headers of every answer; codes wrong five times,
// another signatory's link, and a link that expires and is re-issued.
#include <gtest/gtest.h>
#include <httplib.h>

#include <regex>

#include "http_portal_test.hpp"
#include "ipt/core/database.hpp"

namespace ipt::test {
namespace {

using ServeTest = HttpPortalTest;

TEST_F(ServeTest, FourPartnersSignTheirAnnexe4FromTheirLinks) {
  auto r = start_round();
  ASSERT_EQ(r.status, 0) << r.err;
  size_t mails = 0;
  const std::vector<std::pair<std::string, httplib::Params>> partners = {
      {"marie.lambert@pole-liege.example.be", {}},
      {"direction@ec-sainte-walburge.example.be", {}},
      {"s.martin@cpms-liege2.example.be",
       {{"champ.avis_cpms", "favorable"}, {"champ.avis_ecrit_cpms", "Le CPMS est favorable à la fin de l’intégration."}}},
      {"helene.duboeuf@example.be", {}},
  };
  for (const auto& [email, fills] : partners) {
    const auto invitation = message(++mails);
    ASSERT_NE(invitation.value("to", "").find(email), std::string::npos) << invitation.dump();
    EXPECT_EQ(invitation.value("subject", ""), "Signature demandée – dossier " + reference);
    const std::string token = token_in(invitation);
    ASSERT_FALSE(token.empty());
    Browser browser;
    confirm(browser, token, mails);
    auto page = get(browser, "/s/" + token);
    ASSERT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("Remplir votre partie et signer"), std::string::npos) << page->body;
    // The previews and the download are there for this signatory.
    auto preview = get(browser, "/s/" + token + "/apercu/annexe-4/1.png");
    ASSERT_EQ(preview->status, 200);
    EXPECT_EQ(preview->get_header_value("Content-Type"), "image/png");
    EXPECT_EQ(preview->body.substr(1, 3), "PNG");
    auto pdf = get(browser, "/s/" + token + "/document/annexe-4.pdf");
    ASSERT_EQ(pdf->status, 200);
    EXPECT_TRUE(pdf->body.starts_with("%PDF-"));
    httplib::Params params = fills;
    params.emplace("csrf", browser.csrf);
    params.emplace("consentement", "oui");
    auto signed_ = post(browser, "/s/" + token + "/signer", params);
    ASSERT_TRUE(signed_);
    ASSERT_EQ(signed_->status, 200) << email << " : " << signed_->body;
    EXPECT_NE(signed_->body.find("Merci, votre signature est enregistrée"), std::string::npos);
    // A spent link opens nothing.
    auto again = get(browser, "/s/" + token);
    EXPECT_EQ(again->status, 409);
    EXPECT_NE(again->body.find("vous avez déjà signé"), std::string::npos);
  }
  // The Administration's message with the signed Annexe 4.
  const auto administration = message(++mails);
  EXPECT_NE(administration.value("to", "").find("poles.territoriaux@cfwb.be"), std::string::npos) << administration.dump();
  r = run_ipt({"request", "show", reference, "--db", db_, "--config", config_, "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["etat"], "completed") << r.out;

  // The document, judged by ipt verify, pdfsig and pyHanko, trusting the pole's CA as well.
  const auto ca_pem = fetch_ca_pem();
  ASSERT_FALSE(ca_pem.empty());
  r = verify_annexe4(ca_pem, true);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["signatures"][3]["signataire"], "Hélène Dubœuf") << r.out;
  const auto sig = run_process({"pdfsig", "-nocert", annexe4().string()});
  EXPECT_EQ(std::count(sig.out.begin(), sig.out.end(), '\n') > 0, true);
  EXPECT_NE(sig.out.find("Signature Field Name: sig_responsable"), std::string::npos) << sig.out;
  EXPECT_EQ(sig.out.find("Signature is Invalid"), std::string::npos) << sig.out;
  // pyHanko's validation and difference analysis: every signature made through the portal,
  // with one-signature certificates of the pole's CA, and the archive timestamp.
  const auto judged = run_pyhanko_judge(annexe4().string(), (dir_ / "racine.pem").string() + ":" + ca_pem.string());
  EXPECT_EQ(judged.status, 0) << judged.out << judged.err;
  EXPECT_EQ(std::count(judged.out.begin(), judged.out.end(), '\n'), 5) << judged.out;  // four signatures, one timestamp
  r = run_ipt({"audit", "verify", "--db", db_});
  EXPECT_EQ(r.status, 0) << r.out;
}

TEST_F(ServeTest, RefusesUnknownLinksForgedFormsWrongCodesAndUnconfirmedSignatures) {
  Browser stranger;
  auto unknown = get(stranger, "/s/" + std::string(43, 'A'));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(unknown->body.find("lien inconnu"), std::string::npos);
  // Every answer carries the security headers; no page needs a script.
  EXPECT_NE(unknown->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(unknown->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(unknown->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(get(stranger, "/nulle-part")->status, 404);

  ASSERT_EQ(start_round().status, 0);
  const std::string token = token_in(message(1));
  Browser browser;
  auto page = get(browser, "/s/" + token);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(browser.cookie.find("ipt_session="), std::string::npos);
  EXPECT_NE(page->get_header_value("Set-Cookie").find("HttpOnly; SameSite=Strict"), std::string::npos);
  EXPECT_EQ(page->body.find("<script"), std::string::npos);
  EXPECT_EQ(page->body.find(token.substr(0, 0) + "Dubœuf"), std::string::npos) << "le nom de l’élève n’est pas sur la page d’invitation";

  // A form without its anti-forgery token, or with another session's.
  auto forged = post(browser, "/s/" + token + "/code", {{"csrf", "faux"}});
  EXPECT_EQ(forged->status, 403);
  Browser other;
  get(other, "/s/" + token);
  auto crossed = post(browser, "/s/" + token + "/code", {{"csrf", other.csrf}});
  EXPECT_EQ(crossed->status, 403);

  // Signing before the code is confirmed.
  auto early = post(browser, "/s/" + token + "/signer", {{"csrf", browser.csrf}, {"consentement", "oui"}});
  EXPECT_EQ(early->status, 409);
  EXPECT_NE(early->body.find("confirmez d’abord votre identité"), std::string::npos);

  // A wrong code, then the right one in another browser does not confirm this one.
  ASSERT_EQ(post(browser, "/s/" + token + "/code", {{"csrf", browser.csrf}})->status, 303);
  const std::string code = code_in(message(2));
  auto wrong = post(browser, "/s/" + token + "/confirmer", {{"csrf", browser.csrf}, {"code", code == "000000" ? "111111" : "000000"}});
  EXPECT_EQ(wrong->status, 409);
  EXPECT_NE(wrong->body.find("code erroné (encore 4 essais)"), std::string::npos) << wrong->body;
  ASSERT_EQ(post(other, "/s/" + token + "/confirmer", {{"csrf", other.csrf}, {"code", code}})->status, 303);
  auto still = post(browser, "/s/" + token + "/signer", {{"csrf", browser.csrf}, {"consentement", "oui"}});
  EXPECT_EQ(still->status, 409) << "la confirmation appartient au navigateur qui a saisi le code";

  // Without consent, nothing is signed.
  auto no_consent = post(other, "/s/" + token + "/signer", {{"csrf", other.csrf}});
  EXPECT_EQ(no_consent->status, 400);
  // A field that is not theirs.
  auto not_theirs = post(other, "/s/" + token + "/signer",
                         {{"csrf", other.csrf}, {"consentement", "oui"}, {"champ.avis_cpms", "defavorable"}});
  EXPECT_EQ(not_theirs->status, 409);
  EXPECT_NE(not_theirs->body.find("le champ « avis_cpms » n’est pas à vous"), std::string::npos) << not_theirs->body;
  // Declining needs a reason; with one, the round stops and the pole is told.
  EXPECT_EQ(post(other, "/s/" + token + "/refuser", {{"csrf", other.csrf}, {"raison", " "}})->status, 400);
  auto declined = post(other, "/s/" + token + "/refuser", {{"csrf", other.csrf}, {"raison", "Le projet doit être revu."}});
  EXPECT_EQ(declined->status, 200) << declined->body;
  const auto notice = message(3);
  EXPECT_EQ(notice.value("subject", ""), "Signature refusée – dossier " + reference);
  auto r = run_ipt({"request", "show", reference, "--db", db_, "--config", config_, "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["signataires"][0]["raison_refus"], "Le projet doit être revu.");
}

// A code wrong five times is spent; a confirmation belongs to one signatory's link, not to the
// next signatory's; a link past its date opens nothing until the pole re-issues it.
TEST_F(ServeTest, ExhaustedCodesAnotherSignatorysLinkAndExpiredLinks) {
  Browser pole;
  size_t mails = 0;
  const std::string first = start_and_confirm_first(pole, mails);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(post(pole, "/s/" + first + "/signer", {{"csrf", pole.csrf}, {"consentement", "oui"}})->status, 200);

  // The director's link, opened by someone who guesses codes.
  const std::string school = token_in(message(++mails));
  Browser guesser;
  ASSERT_EQ(get(guesser, "/s/" + school)->status, 200);
  ASSERT_EQ(post(guesser, "/s/" + school + "/code", {{"csrf", guesser.csrf}})->status, 303);
  const std::string code = code_in(message(++mails));
  const std::string wrong = code == "000000" ? "111111" : "000000";
  for (int i = 0; i < 4; ++i) post(guesser, "/s/" + school + "/confirmer", {{"csrf", guesser.csrf}, {"code", wrong}});
  auto last = post(guesser, "/s/" + school + "/confirmer", {{"csrf", guesser.csrf}, {"code", wrong}});
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 409);
  EXPECT_NE(last->body.find("5 essais : ce code ne vaut plus"), std::string::npos) << last->body;
  auto spent = post(guesser, "/s/" + school + "/confirmer", {{"csrf", guesser.csrf}, {"code", code}});
  EXPECT_EQ(spent->status, 409);
  EXPECT_NE(spent->body.find("demandez d’abord un code"), std::string::npos) << spent->body;
  EXPECT_EQ(audit_details("round.code_wrong").size(), 5u);

  // The pole's browser, confirmed for its own link, cannot sign with the director's.
  auto crossed = post(pole, "/s/" + school + "/signer", {{"csrf", pole.csrf}, {"consentement", "oui"}});
  EXPECT_EQ(crossed->status, 409);
  EXPECT_NE(crossed->body.find("confirmez d’abord votre identité"), std::string::npos) << crossed->body;
  EXPECT_EQ(audit_details("document.sign").size(), 1u);

  // Time passes: the director's link expires.
  {
    auto db = core::Database::open(db_);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->execute("UPDATE signing_invitation SET expires_at = 1 WHERE state <> 'signed'"));
  }
  auto expired = get(guesser, "/s/" + school);
  EXPECT_EQ(expired->status, 409) << expired->body;
  EXPECT_NE(expired->body.find("ce lien a expiré"), std::string::npos) << expired->body;
  const auto reissued = run_ipt({"request", "reissue", reference, "--db", db_, "--config", config_});
  ASSERT_EQ(reissued.status, 0) << reissued.err;
  const std::string renewed = token_in(message(++mails));
  EXPECT_NE(renewed, school);
  EXPECT_EQ(get(guesser, "/s/" + school)->status, 404) << "l’ancien lien ne vaut plus";
  Browser director;
  confirm(director, renewed, mails);
  ASSERT_FALSE(HasFatalFailure());
  auto signed_ = post(director, "/s/" + renewed + "/signer", {{"csrf", director.csrf}, {"consentement", "oui"}});
  EXPECT_EQ(signed_->status, 200) << signed_->body;
}

}  // namespace
}  // namespace ipt::test
