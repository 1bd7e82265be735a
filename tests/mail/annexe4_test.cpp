#include "ipt/mail/annexe4.hpp"

#include <gtest/gtest.h>

namespace ipt::mail {
namespace {

TEST(MakeAnnexe4Message, NamesTheDossierNotThePupilAndAttachesThePdf) {
  MailConfig c;
  c.sender = "coordination@pole-liege.example.be";
  c.sender_name = "Pôle territorial de Liège";
  c.pole_copy = "copie@pole-liege.example.be";
  const auto m = make_annexe4_message(c, "PT-LIEGE-2026-0002", "%PDF-1.7 ...");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->subject, "Annexe 4 – Bilan d'intégration – dossier PT-LIEGE-2026-0002");
  ASSERT_EQ(m->to.size(), 1u);
  EXPECT_EQ(m->to[0].email, "poles.territoriaux@cfwb.be");
  ASSERT_EQ(m->cc.size(), 1u);
  EXPECT_EQ(m->cc[0].email, "copie@pole-liege.example.be");
  EXPECT_NE(m->text.find("Madame, Monsieur,"), std::string::npos);
  EXPECT_NE(m->text.find("dossier PT-LIEGE-2026-0002"), std::string::npos);
  EXPECT_NE(m->text.find("Pôle territorial de Liège"), std::string::npos);
  ASSERT_EQ(m->attachments.size(), 1u);
  EXPECT_EQ(m->attachments[0].file_name, "annexe-4-PT-LIEGE-2026-0002.pdf");
  EXPECT_EQ(m->attachments[0].content_type, "application/pdf");
}

TEST(MakeAnnexe4Message, NeedsASender) {
  const auto m = make_annexe4_message(MailConfig{}, "PT-1", "x");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("sender"), std::string::npos);
}

}  // namespace
}  // namespace ipt::mail
