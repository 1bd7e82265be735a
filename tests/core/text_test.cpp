#include "ipt/core/text.hpp"

#include <gtest/gtest.h>

namespace ipt::core {
namespace {

TEST(Text, FrenchIsDrawable) {
  EXPECT_FALSE(find_undrawable_character("Léa Dubœuf, « l’école » — 12 € … Ÿ ç à ù\u00a0!"));
  EXPECT_FALSE(find_undrawable_character("deux\nlignes"));
}

TEST(Text, NamesTheFirstUndrawableCharacter) {
  const auto narrow = find_undrawable_character("10\u202f%");
  ASSERT_TRUE(narrow);
  EXPECT_NE(narrow->find("U+202F"), std::string::npos) << *narrow;
  EXPECT_NE(narrow->find("espace insécable"), std::string::npos) << *narrow;
  const auto emoji = find_undrawable_character("bravo \U0001F600");
  ASSERT_TRUE(emoji);
  EXPECT_NE(emoji->find("U+1F600"), std::string::npos);
  EXPECT_TRUE(find_undrawable_character("tab\there"));
}

TEST(Text, RejectsMalformedUtf8) {
  for (std::string bad : {std::string("\xC3"), std::string("\xC3\x28"), std::string("\xE2\x82"),
                          std::string("\xC0\xAF"), std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80")}) {
    EXPECT_FALSE(decode_utf8(bad)) << "bytes of size " << bad.size();
    EXPECT_EQ(find_undrawable_character(bad), "texte UTF-8 invalide");
  }
  EXPECT_EQ(decode_utf8("é€")->size(), 2u);
}

}  // namespace
}  // namespace ipt::core
