// pdf_object (private to signing): PDF values read from text and written back.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

using namespace std::string_literals;

#include "pdf_object.hpp"

namespace ipt::signing::detail {
namespace {

std::optional<PdfValue> parse(std::string_view text, size_t depth = 64) {
  size_t pos = 0;
  return parse_value(text, pos, depth);
}

// Safe accessors: a value of another kind reads as a marker the expectation then rejects.
std::string number_text(const PdfValue* v) { return v && v->number() ? v->number()->text : "<pas un nombre>"; }
double number_value(const PdfValue* v) { return v && v->number() ? v->number()->value : -999; }
std::string name_text(const PdfValue* v) { return v && v->name() ? v->name()->name : "<pas un nom>"; }
std::string string_bytes(const PdfValue* v) { return v && v->string() ? v->string()->bytes : "<pas une chaîne>"; }
std::string string_bytes(const std::optional<PdfValue>& v) { return string_bytes(v ? &*v : nullptr); }
const PdfArray& array_of(const PdfValue* v) {
  static const PdfArray empty;
  return v && v->array() ? *v->array() : empty;
}

std::string written(const PdfValue& v) {
  std::string out;
  write_value(v, out);
  return out;
}

TEST(PdfObject, ReadsEveryKindOfValueAndWritesItBack) {
  const auto v = parse("<< /Type /Annot /Rect [0 -1.5 +3 .25] /T (a\\(b\\)\\\\c) /V <48 65 6C6C6F> /P 12 0 R "
                       "/On true /Off false /None null /N#20ame /x % comment\n /Kids [1 0 R 2 0 R 3] >>");
  ASSERT_TRUE(v);
  ASSERT_TRUE(v->dictionary());
  EXPECT_EQ(name_text(v->find("Type")), "Annot");
  const auto& rect = array_of(v->find("Rect"));
  ASSERT_EQ(rect.size(), 4u);
  EXPECT_EQ(number_value(&rect[1]), -1.5);
  EXPECT_EQ(number_text(&rect[2]), "+3");
  EXPECT_EQ(string_bytes(v->find("T")), "a(b)\\c");
  EXPECT_EQ(string_bytes(v->find("V")), "Hello");
  const PdfValue* p = v->find("P");
  ASSERT_TRUE(p && p->reference());
  EXPECT_EQ(*p->reference(), (PdfReference{12, 0}));
  EXPECT_TRUE(v->find("N ame"));
  const auto& kids = array_of(v->find("Kids"));
  ASSERT_EQ(kids.size(), 3u);
  EXPECT_TRUE(kids[1].reference());
  EXPECT_EQ(number_text(&kids[2]), "3");  // "3" alone is a number, not the start of a reference
  // What is written reads back as the same values, keys in the same order.
  const std::string text = written(*v);
  EXPECT_EQ(text, "<</Type /Annot/Rect [0 -1.5 +3 .25]/T (a\\(b\\)\\\\c)/V <48656C6C6F>/P 12 0 R/On true/Off false"
                  "/None null/N#20ame /x/Kids [1 0 R 2 0 R 3]>>");
  const auto again = parse(text);
  ASSERT_TRUE(again);
  EXPECT_EQ(written(*again), text);
}

TEST(PdfObject, ReadsStringEscapesAsPdfDefinesThem) {
  EXPECT_EQ(string_bytes(parse("(\\101\\60x\\n\\\n(nested) end)")), "A0x\n(nested) end");
  EXPECT_EQ(string_bytes(parse("(line\r\nbreak)")), "line\nbreak");
  EXPECT_EQ(string_bytes(parse("<4>")), "\x40");  // an odd digit count ends with a zero
  EXPECT_EQ(written(PdfString{"caf\xE9 (1)\n", false}), "(caf\\351 \\(1\\)\\n)");  // other bytes escaped
  EXPECT_EQ(written(PdfString{"AB", true}), "<4142>");
}

TEST(PdfObject, RefusesMalformedAndTooDeepValues) {
  for (const char* bad : {"<< /A 1", "[1 2", "(open", "<12G4>", "<< 1 2 >>", "nul", "", "<< /A >>"}) {
    EXPECT_FALSE(parse(bad)) << bad;
  }
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(parse(deep, 64));
  EXPECT_TRUE(parse(deep, 128));
}

TEST(PdfObject, ReadsAnIndirectObjectOnlyWhereItIs) {
  const std::string pdf = "junk 7 2 obj\n<< /A 1 >>\nendobj\n";
  int generation = -1;
  const auto v = parse_indirect_object(pdf, 5, 7, generation, 64);
  ASSERT_TRUE(v);
  EXPECT_EQ(generation, 2);
  EXPECT_EQ(number_value(v->find("A")), 1);
  EXPECT_FALSE(parse_indirect_object(pdf, 5, 8, generation, 64));  // another number
  EXPECT_FALSE(parse_indirect_object(pdf, 0, 7, generation, 64));  // not an object header
}

TEST(PdfObject, TextStringsInEveryEncoding) {
  EXPECT_EQ(text_of(PdfString{"\xFE\xFF\x00\xE9\x00t\xD8\x3D\xDE\x00"s, true}), "ét\U0001F600");
  EXPECT_EQ(text_of(PdfString{"\xEF\xBB\xBF" "d\xC3\xA9j\xC3\xA0", false}), "déjà");
  EXPECT_EQ(text_of(PdfString{"\x80\xA0\xE9", false}), "•€é");  // PDFDocEncoding
  EXPECT_EQ(text_string("avis_cpms").bytes, "avis_cpms");
  const PdfString accented = text_string("Élève");
  EXPECT_FALSE(accented.hex);
  EXPECT_EQ(accented.bytes.substr(0, 2), "\xFE\xFF");
  EXPECT_EQ(text_of(accented), "Élève");
}

TEST(PdfObject, NumbersAreWrittenInTheCLocaleWithoutTrailingZeros) {
  auto text = [](const PdfValue& v) { return number_text(&v); };
  EXPECT_EQ(text(make_real(12.5)), "12.5");
  EXPECT_EQ(text(make_real(12.0)), "12");
  EXPECT_EQ(text(make_real(-0.00001)), "0");
  EXPECT_EQ(text(make_real(595.27559)), "595.2756");
  EXPECT_EQ(text(make_integer(-42)), "-42");
  // Read back as strtod would: decimals, signs, more digits than the fast path takes.
  for (const char* number : {"86.890000", "-.5", "+3", "0.1", "595.2756", "12345678901234567", "-0.000001"}) {
    const auto v = parse(number);
    ASSERT_TRUE(v) << number;
    EXPECT_EQ(number_value(&*v), std::strtod(number, nullptr)) << number;
  }
}

}  // namespace
}  // namespace ipt::signing::detail
