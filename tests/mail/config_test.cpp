#include "ipt/mail/config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "support/temp_dir.hpp"

namespace ipt::mail {
namespace {

TEST(ParseMailConfig, ReadsEveryKeyAndKeepsDefaults) {
  const auto c = parse_mail_config(
      "# serveur du pôle\n"
      "smtp_url = smtp://smtp.example.be:587\n"
      "username = pole-liege\n"
      "password_env = IPT_SMTP_PASSWORD\n"
      "sender = coordination@pole-liege.example.be\n"
      "sender_name = Pôle territorial de Liège\n"
      "pole_copy = archives@pole-liege.example.be\n"
      "timeout_seconds = 20\n"
      "max_attempts = 5\n",
      "ipt.conf");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->smtp_url, "smtp://smtp.example.be:587");
  EXPECT_EQ(c->tls, TlsMode::required);
  EXPECT_EQ(c->admin_address, "poles.territoriaux@cfwb.be");
  EXPECT_EQ(c->sender_name, "Pôle territorial de Liège");
  EXPECT_EQ(c->timeout.count(), 20);
  EXPECT_EQ(c->max_attempts, 5);
}

TEST(ParseMailConfig, NamesTheFileLineAndReasonOfEveryProblem) {
  const auto c = parse_mail_config("smpt_url = smtp://x\nsender = pas une adresse\ntls = parfois\nhttp://x\n", "ipt.conf");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().category, core::Category::invalid_input);
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("ipt.conf:1: clé inconnue « smpt_url »"), std::string::npos) << m;
  EXPECT_NE(m.find("ipt.conf:2: sender : adresse électronique invalide"), std::string::npos) << m;
  EXPECT_NE(m.find("ipt.conf:3: tls : valeur « parfois » inconnue"), std::string::npos) << m;
  EXPECT_NE(m.find("ipt.conf:4: ligne sans « = »"), std::string::npos) << m;
}

TEST(ParseMailConfig, RefusesAPasswordWrittenInTheFile) {
  const auto c = parse_mail_config("username = u\npassword = secret123\n", "ipt.conf");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("password_file"), std::string::npos);
  EXPECT_EQ(c.error().message.find("secret123"), std::string::npos);
}

TEST(LoadPassword, ReadsAnOwnerOnlyFileAndRefusesOneOthersCanRead) {
  test::TempDir dir;
  const auto path = dir / "smtp-password";
  std::ofstream(path) << "s3cret\n";
  MailConfig c;
  c.username = "u";
  c.password_file = path.string();
  ::chmod(path.c_str(), 0644);
  auto refused = load_password(c);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("chmod 600"), std::string::npos);
  EXPECT_EQ(refused.error().message.find("s3cret"), std::string::npos);
  ::chmod(path.c_str(), 0600);
  auto read = load_password(c);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->value_or(""), "s3cret");
}

TEST(LoadPassword, ReadsTheEnvironmentAndSaysWhenItIsMissing) {
  MailConfig c;
  c.username = "u";
  c.password_env = "IPT_TEST_PASSWORD_ABSENT";
  ::unsetenv("IPT_TEST_PASSWORD_ABSENT");
  EXPECT_FALSE(load_password(c));
  ::setenv("IPT_TEST_PASSWORD_ABSENT", "pw", 1);
  EXPECT_EQ(load_password(c)->value_or(""), "pw");
  ::unsetenv("IPT_TEST_PASSWORD_ABSENT");
}

TEST(LoadMailConfig, AnAbsentOptionalFileGivesTheFileTransport) {
  test::TempDir dir;
  const auto c = load_mail_config(dir / "absent.conf", true);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->smtp_url.empty());
  EXPECT_FALSE(load_mail_config(dir / "absent.conf", false));
}

}  // namespace
}  // namespace ipt::mail
