// pdf_structure (private to signing): the revisions of a PDF read from its bytes, on files
// made here byte by byte so that every offset is known.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "pdf_structure.hpp"

namespace ipt::signing::detail {
namespace {

std::string entry(size_t offset, int generation, char kind) {
  char line[32];
  std::snprintf(line, sizeof line, "%010zu %05d %c\r\n", offset, generation, kind);
  return line;
}

// Two revisions: the original (objects 1-3) and an update that rewrites object 3 and frees 4.
struct TwoRevisions {
  std::string text = "%PDF-1.7\n";
  size_t catalog = 0, pages = 0, info = 0, info_again = 0, first_xref = 0, second_xref = 0, first_end = 0;

  TwoRevisions() {
    catalog = text.size();
    text += "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n";
    pages = text.size();
    text += "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n";
    info = text.size();
    text += "3 0 obj\n<< /ModDate (D:20261129120000Z) /Title <48656C6C6F> >>\nendobj\n";
    first_xref = text.size();
    text += "xref\n0 4\n" + entry(0, 65535, 'f') + entry(catalog, 0, 'n') + entry(pages, 0, 'n') + entry(info, 0, 'n');
    text += "trailer\n<< /Size 4 /Root 1 0 R /Info 3 0 R >>\nstartxref\n" + std::to_string(first_xref) + "\n%%EOF\n";
    first_end = text.size();
    info_again = text.size();
    text += "3 0 obj\n<< /ModDate (D:20261130080000Z (mise \\) à jour)) >>\nendobj\n";
    second_xref = text.size();
    text += "xref\n0 1\n" + entry(0, 65535, 'f') + "3 2\n" + entry(info_again, 0, 'n') + entry(0, 1, 'f');
    text += "trailer\n<< /Size 5 /Root 1 0 R /Info 3 0 R /Prev " + std::to_string(first_xref) + " >>\nstartxref\n" +
            std::to_string(second_xref) + "\n%%EOF\n";
  }
  Bytes bytes() const { return to_bytes(text); }
};

TEST(PdfStructure, ReadsEveryRevisionInFileOrder) {
  const TwoRevisions pdf;
  const auto revisions = scan_revisions(pdf.bytes());
  ASSERT_TRUE(revisions) << revisions.error().message;
  ASSERT_EQ(revisions->size(), 2u);
  const auto& first = (*revisions)[0];
  EXPECT_EQ(first.startxref, pdf.first_xref);
  EXPECT_EQ(first.end, pdf.first_end);
  EXPECT_EQ(first.objects, (std::map<int, size_t>{{1, pdf.catalog}, {2, pdf.pages}, {3, pdf.info}}));
  EXPECT_TRUE(first.freed.empty());
  EXPECT_NE(first.trailer.find("/Root 1 0 R"), std::string::npos) << first.trailer;
  const auto& second = (*revisions)[1];
  EXPECT_EQ(second.startxref, pdf.second_xref);
  EXPECT_EQ(second.end, pdf.text.size());
  EXPECT_EQ(second.objects, (std::map<int, size_t>{{3, pdf.info_again}}));
  EXPECT_EQ(second.freed, std::vector<int>{4});
}

TEST(PdfStructure, ObjectTextAndStringValues) {
  const TwoRevisions pdf;
  const auto bytes = pdf.bytes();
  const auto info = object_text(bytes, pdf.info, 3);
  ASSERT_TRUE(info);
  EXPECT_EQ(string_value(*info, "ModDate"), "(D:20261129120000Z)");
  EXPECT_EQ(string_value(*info, "Title"), "<48656C6C6F>");
  EXPECT_EQ(string_value(*info, "Author"), std::nullopt);
  // Escaped and nested parentheses stay inside the string.
  const auto updated = object_text(bytes, pdf.info_again, 3);
  ASSERT_TRUE(updated);
  EXPECT_EQ(string_value(*updated, "ModDate"), "(D:20261130080000Z (mise \\) à jour))");
  // The wrong number, or an offset that is not an object, gives nothing.
  EXPECT_EQ(object_text(bytes, pdf.info, 4), std::nullopt);
  EXPECT_EQ(object_text(bytes, pdf.first_xref, 3), std::nullopt);
}

TEST(PdfStructure, RefusesWhatItCannotContinueSafely) {
  EXPECT_FALSE(scan_revisions(to_bytes("bonjour, ceci n’est pas un PDF")));

  TwoRevisions truncated;
  truncated.text.resize(truncated.text.size() - 7);  // "%%EOF\n" of the last revision and more
  const auto cut = scan_revisions(truncated.bytes());
  ASSERT_TRUE(cut);  // the first revision is still whole
  EXPECT_EQ(cut->size(), 1u);

  TwoRevisions encrypted;
  encrypted.text.replace(encrypted.text.rfind("/Prev"), 5, "/Encrypt 9 0 R /Prev");
  const auto e = scan_revisions(encrypted.bytes());
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().category, core::Category::refused) << e.error().message;

  TwoRevisions object_stream;
  object_stream.text.replace(object_stream.text.find("/Type /Pages"), 12, "/Type /ObjStm");
  const auto o = scan_revisions(object_stream.bytes());
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().category, core::Category::refused) << o.error().message;

  // A cross-reference stream where the table should be.
  TwoRevisions stream;
  stream.text.replace(stream.second_xref, 4, "9 0 ");
  const auto s = scan_revisions(stream.bytes());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().category, core::Category::refused) << s.error().message;

  // An entry pointing past the end of the file.
  TwoRevisions outside;
  const std::string bad = entry(99999999, 0, 'n');
  outside.text.replace(outside.second_xref + std::string("xref\n0 1\n").size() + 20 + 4, bad.size(), bad);
  const auto x = scan_revisions(outside.bytes());
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error().category, core::Category::invalid_input) << x.error().message;
}

}  // namespace
}  // namespace ipt::signing::detail
