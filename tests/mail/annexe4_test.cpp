#include "ipt/mail/annexe4.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace ipt::mail {
namespace {

TEST(MakeAnnexe4Message, NamesTheDossierNotThePupilAndAttachesThePdf) {
  MailConfig c;
  c.sender = "coordination@pole-liege.example.be";
  c.sender_name = "Pôle territorial de Liège";
  c.pole_copy = "copie@pole-liege.example.be";
  const auto m = make_annexe4_message(c, "PT-LIEGE-2026-0002", "%PDF-1.7 ...");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->subject, "Annexe 4 – Bilan d’intégration – dossier PT-LIEGE-2026-0002");
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

// The shape of the signing pipeline's completion hook: queued in the caller's transaction,
// gone with its rollback; listed per dossier.
TEST(EnqueueAnnexe4, QueuesInTheCallersTransaction) {
  test::TempDir dir;
  auto outbox = Outbox::open(dir / "ipt.sqlite");
  ASSERT_TRUE(outbox);
  auto db = core::Database::open(dir / "ipt.sqlite");
  ASSERT_TRUE(db);
  MailConfig c;
  c.sender = "coordination@pole-liege.example.be";
  const auto now = std::chrono::system_clock::now();
  for (const bool commit : {false, true}) {
    auto tx = core::Transaction::begin(*db);
    ASSERT_TRUE(tx);
    auto queued = enqueue_annexe4(*tx, c, "PT-LIEGE-2026-0002", "%PDF-signed", now);
    ASSERT_TRUE(queued) << queued.error().message;
    if (commit) {
      ASSERT_TRUE(tx->commit());
    }
  }
  ASSERT_TRUE(outbox->enqueue(*make_annexe4_message(c, "PT-NAMUR-2026-0021", "%PDF"), "PT-NAMUR-2026-0021"));
  const auto mine = outbox->list("PT-LIEGE-2026-0002");
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].subject, "Annexe 4 – Bilan d’intégration – dossier PT-LIEGE-2026-0002");
  EXPECT_EQ((*mine)[0].recipients, "poles.territoriaux@cfwb.be");
  EXPECT_EQ(outbox->list()->size(), 2u);

  MailConfig no_sender;
  auto tx = core::Transaction::begin(*db);
  ASSERT_TRUE(tx);
  auto refused = enqueue_annexe4(*tx, no_sender, "PT-1", "%PDF", now);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("envoi de l’Annexe 4 du dossier PT-1"), std::string::npos);
}

}  // namespace
}  // namespace ipt::mail
