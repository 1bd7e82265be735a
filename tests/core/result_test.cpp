// core::Error: a category, a place, context as it travels up; the propagation macros; the
// HTTP status of each category.
#include <gtest/gtest.h>

#include "ipt/core/diagnostic.hpp"
#include "ipt/core/result.hpp"

namespace ipt::core {
namespace {

Result<int> parse_age(int raw) {
  if (raw < 0) return fail(Category::invalid_input, "âge négatif", {.file = "dossier.xml", .line = 8, .field = "eleve/age"});
  return raw;
}

Result<int> next_year(int raw) {
  IPT_TRY(age, parse_age(raw));
  return *age + 1;
}

int checked = 0;
Result<void> check(int raw) {
  if (raw > 120) return fail(Category::refused, "âge invraisemblable");
  ++checked;
  return {};
}

Result<std::string> describe(int raw) {
  IPT_TRY_VOID(check(raw));
  IPT_TRY(next, next_year(raw));
  return std::to_string(*next);
}

TEST(Result, FailPutsThePlaceBeforeTheReason) {
  const auto r = parse_age(-1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().category, Category::invalid_input);
  EXPECT_EQ(r.error().place.file, "dossier.xml");
  EXPECT_EQ(r.error().place.line, 8);
  EXPECT_EQ(r.error().place.field, "eleve/age");
  EXPECT_EQ(r.error().message, "dossier.xml:8: eleve/age: âge négatif");
  EXPECT_EQ((Place{.field = "sig_pole", .document = "annexe-4.pdf"}).to_string(), "annexe-4.pdf: sig_pole");
  EXPECT_EQ(Place{}.to_string(), "");
}

TEST(Result, UncategorisedFailuresAreInternal) {
  const auto e = fail("quelque chose").error();
  EXPECT_EQ(e.category, Category::internal);
  EXPECT_TRUE(e.place.empty());
  EXPECT_EQ(e.message, "quelque chose");
}

TEST(Result, MacrosPassTheErrorUpUnchanged) {
  EXPECT_EQ(*describe(9), "10");
  const auto bad = describe(-3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().category, Category::invalid_input);
  EXPECT_EQ(bad.error().place.line, 8);
  checked = 0;
  const auto refused = describe(130);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().category, Category::refused);
  EXPECT_EQ(checked, 0);
}

TEST(Result, ContextKeepsCategoryAndPlace) {
  const auto e = parse_age(-1).error().with_context("import de dossier.xml");
  EXPECT_EQ(e.message, "import de dossier.xml : dossier.xml:8: eleve/age: âge négatif");
  EXPECT_EQ(e.category, Category::invalid_input);
  EXPECT_EQ(e.place.line, 8);
  // The spelling the code has always used still works.
  const Result<int> up = std::unexpected(parse_age(-1).error());
  EXPECT_EQ(up.error().category, Category::invalid_input);
}

TEST(Result, EachCategoryHasAnHttpStatusAndACode) {
  EXPECT_EQ(http_status(Category::invalid_input), 400);
  EXPECT_EQ(http_status(Category::not_found), 404);
  EXPECT_EQ(http_status(Category::refused), 409);
  EXPECT_EQ(http_status(Category::integrity), 422);
  EXPECT_EQ(http_status(Category::external_service), 502);
  EXPECT_EQ(http_status(Category::internal), 500);
  EXPECT_EQ(code(Category::external_service), "external_service");
  EXPECT_EQ(code(Category::not_found), "not_found");
}

TEST(Result, DiagnosticsBecomeOneInvalidInputError) {
  const Diagnostics d = {{"a.xml", 3, "document/champ/@source", "champ « x » inconnu"},
                         {"a.xml", 9, "document/texte", "accolade « { » non refermée"}};
  const auto e = to_error(d);
  EXPECT_EQ(e.category, Category::invalid_input);
  EXPECT_EQ(e.place.file, "a.xml");
  EXPECT_EQ(e.place.line, 3);
  EXPECT_EQ(e.place.field, "document/champ/@source");
  EXPECT_EQ(e.message,
            "a.xml:3: document/champ/@source: champ « x » inconnu\na.xml:9: document/texte: accolade « { » non refermée");
}

}  // namespace
}  // namespace ipt::core
