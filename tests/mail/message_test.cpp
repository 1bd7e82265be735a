#include "ipt/mail/message.hpp"

#include <gtest/gtest.h>

#include <set>

namespace ipt::mail {
namespace {

MailMessage valid_message() {
  MailMessage m;
  m.from = {"pole@example.be", "Pôle"};
  m.to = {{"poles.territoriaux@cfwb.be", ""}};
  m.subject = "Objet";
  m.text = "Texte";
  assign_identity(m, std::chrono::system_clock::now());
  return m;
}

TEST(EncodeHeaderText, LeavesPlainAsciiAlone) {
  EXPECT_EQ(encode_header_text("Annexe 4 - dossier PT-1"), "Annexe 4 - dossier PT-1");
}

TEST(EncodeHeaderText, EncodesUtf8InWordsOfAtMost75CharactersWithoutSplittingCharacters) {
  const std::string subject = "Annexe 4 – Bilan d’intégration – dossier PT-LIEGE-2026-0002 – élève ééééééééééé";
  const std::string encoded = encode_header_text(subject);
  size_t start = 0;
  int words = 0;
  while (start < encoded.size()) {
    auto end = encoded.find("\r\n ", start);
    const std::string word = encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?=")) << word;
    ++words;
    start = end == std::string::npos ? encoded.size() : end + 3;
  }
  EXPECT_GE(words, 2);
  // The decoding back to the French text is checked on what a real server received, with
  // Python's email package (smtp_transport_test.cpp).
}

TEST(FormatDate, IsRfc5322InUtc) {
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1795954568));  // 2026-11-29T12:16:08Z
  EXPECT_EQ(format_date(t), "Sun, 29 Nov 2026 12:16:08 +0000");
}

TEST(FormatAddress, QuotesOrEncodesTheName) {
  EXPECT_EQ(format_address({"a@b.be", ""}), "a@b.be");
  EXPECT_EQ(format_address({"a@b.be", "Pole \"Liege\""}), "\"Pole \\\"Liege\\\"\" <a@b.be>");
  EXPECT_TRUE(format_address({"a@b.be", "Pôle"}).starts_with("=?UTF-8?B?"));
}

TEST(AssignIdentity, GivesAUniqueIdInTheSendersDomainAndTheDate) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(valid_message().message_id);
  EXPECT_EQ(ids.size(), 100u);
  const auto m = valid_message();
  EXPECT_TRUE(m.message_id.starts_with("<ipt.") && m.message_id.ends_with("@example.be>")) << m.message_id;
}

TEST(Validate, AcceptsAWellFormedMessage) { EXPECT_TRUE(validate(valid_message())); }

TEST(Validate, RefusesHeaderInjectionAndMissingParts) {
  auto m = valid_message();
  m.subject = "Objet\r\nBcc: espion@example.com";
  EXPECT_FALSE(validate(m));
  m = valid_message();
  m.to = {{"poles.territoriaux@cfwb.be\r\nBcc: x@y.z", ""}};
  auto r = validate(m);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().category, core::Category::invalid_input);
  EXPECT_NE(r.error().message.find("destinataire (To) : adresse invalide"), std::string::npos);
  m = valid_message();
  m.to.clear();
  EXPECT_FALSE(validate(m));
  m = valid_message();
  m.message_id.clear();
  EXPECT_FALSE(validate(m));
  m = valid_message();
  m.attachments.push_back({"../annexe.pdf", "application/pdf", "x"});
  EXPECT_FALSE(validate(m));
  m = valid_message();
  m.from.display_name = "Pôle\nBcc: x@y.z";
  EXPECT_FALSE(validate(m));
}

TEST(IsValidEmail, TakesPlainAddressesOnly) {
  EXPECT_TRUE(is_valid_email("poles.territoriaux@cfwb.be"));
  EXPECT_FALSE(is_valid_email("poles territoriaux@cfwb.be"));
  EXPECT_FALSE(is_valid_email("<x@y.be>"));
  EXPECT_FALSE(is_valid_email("x@@y.be"));
  EXPECT_FALSE(is_valid_email("x@y"));
  EXPECT_FALSE(is_valid_email("élève@y.be"));
}

}  // namespace
}  // namespace ipt::mail
