// The key options of `ipt sign` read into a signing::KeyDescription (app/src/key_options.cpp).
#include <gtest/gtest.h>

#include <variant>

#include "arguments.hpp"
#include "key_options.hpp"

namespace ipt::app {
namespace {

Arguments parse(const std::vector<std::string>& args) {
  static const CommandSpec spec{"sign", "ipt sign", "", "", key_options(), 0, 0};
  auto parsed = ArgumentParser::parse(spec, args);
  if (!parsed.arguments) throw std::runtime_error(parsed.error);
  return *parsed.arguments;
}

TEST(KeyOptions, Pkcs12WithAPasswordFile) {
  const auto d = key_description(parse({"--p12", "pole.p12", "--password-file", "mdp.txt"}));
  ASSERT_TRUE(d) << d.error().message;
  const auto* p12 = std::get_if<signing::Pkcs12Key>(&*d);
  ASSERT_NE(p12, nullptr);
  EXPECT_EQ(p12->path, "pole.p12");
  EXPECT_EQ(p12->password.kind, signing::SecretSource::Kind::file);
  EXPECT_EQ(p12->password.text, "mdp.txt");
}

TEST(KeyOptions, TokenHasNoDefaultModule) {
  const auto d = key_description(parse({"--token", "Carte CPMS", "--pin-env", "IPT_PIN"}));
  ASSERT_TRUE(d) << d.error().message;
  const auto* token = std::get_if<signing::Pkcs11Key>(&*d);
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(token->location.module, "");
  EXPECT_EQ(token->location.token_label, "Carte CPMS");
  EXPECT_EQ(token->pin.kind, signing::SecretSource::Kind::environment);
  const auto opened = signing::open_key_source(*d);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().category, core::Category::invalid_input) << opened.error().message;
  const auto with_module =
      key_description(parse({"--token", "t", "--pkcs11-module", "/usr/lib/x.so", "--key", "k", "--pin-file", "pin"}));
  ASSERT_TRUE(with_module);
  EXPECT_EQ(std::get<signing::Pkcs11Key>(*with_module).location.module, "/usr/lib/x.so");
  EXPECT_EQ(std::get<signing::Pkcs11Key>(*with_module).location.key_label, "k");
}

TEST(KeyOptions, IncompleteOrDoubledIsInvalidInput) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--password-file", "mdp.txt"},
           {"--p12", "pole.p12"},
           {"--p12", "pole.p12", "--password-file", "mdp.txt", "--password-env", "IPT_MDP"}}) {
    const auto d = key_description(parse(args));
    ASSERT_FALSE(d) << args[0];
    EXPECT_EQ(d.error().category, core::Category::invalid_input) << d.error().message;
  }
}

}  // namespace
}  // namespace ipt::app
