// pdf_structure (private to signing): the revisions of a PDF read from its bytes, on files
// made here byte by byte so that every offset is known.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <zlib.h>

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

  // startxref naming neither a table nor a stream.
  TwoRevisions neither;
  neither.text.replace(neither.second_xref, 4, "9 0 ");
  const auto s = scan_revisions(neither.bytes());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().category, core::Category::invalid_input) << s.error().message;

  // An entry pointing past the end of the file.
  TwoRevisions outside;
  const std::string bad = entry(99999999, 0, 'n');
  outside.text.replace(outside.second_xref + std::string("xref\n0 1\n").size() + 20 + 4, bad.size(), bad);
  const auto x = scan_revisions(outside.bytes());
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error().category, core::Category::invalid_input) << x.error().message;
}

// How the cross-reference stream of StreamRevision is written.
struct XrefStreamStyle {
  std::string widths = "1 3 1";
  bool predict = true;
  std::string filter = "/FlateDecode";
  int type_of_info = 1;   // the entry type given to object 3
  long length_delta = 0;  // added to the true /Length
};

// The same two revisions, the second ending with a cross-reference stream (object 5) as
// Acrobat writes one: /W [1 3 1], FlateDecode over PNG "Up" prediction, or as asked.
struct StreamRevision {
  std::string text;
  size_t info_again = 0, stream_xref = 0, first_xref = 0;

  StreamRevision() : StreamRevision(XrefStreamStyle{}) {}
  explicit StreamRevision(const XrefStreamStyle& style) {
    const TwoRevisions base;
    first_xref = base.first_xref;
    text = base.text.substr(0, base.first_end);
    info_again = text.size();
    text += "3 0 obj\n<< /ModDate (D:20261130080000Z) >>\nendobj\n";
    stream_xref = text.size();
    // Entries: 0 free (head), 3 in use, 4 freed, 5 the stream itself.
    std::vector<std::string> rows;
    auto row = [&](int type, size_t second, int third) {
      if (style.widths == "1 8 2") {
        std::string r(1, static_cast<char>(type));
        for (int i = 7; i >= 0; --i) r += static_cast<char>((second >> (8 * i)) & 0xff);
        return r + std::string(1, static_cast<char>(third >> 8)) + static_cast<char>(third & 0xff);
      }
      return std::string{static_cast<char>(type), static_cast<char>((second >> 16) & 0xff), static_cast<char>((second >> 8) & 0xff),
                         static_cast<char>(second & 0xff), static_cast<char>(third)};
    };
    rows.push_back(row(0, 0, 255));
    rows.push_back(row(style.type_of_info, info_again, 0));
    rows.push_back(row(0, 0, 1));
    rows.push_back(row(1, stream_xref, 0));
    std::string raw, previous(rows[0].size(), '\0');
    for (const auto& r : rows) {
      if (style.predict) {
        raw += '\x02';
        for (size_t i = 0; i < r.size(); ++i) raw += static_cast<char>((static_cast<unsigned char>(r[i]) - static_cast<unsigned char>(previous[i])) & 0xff);
        previous = r;
      } else {
        raw += r;
      }
    }
    std::string data = raw;
    if (style.filter == "/FlateDecode") {
      uLongf size = compressBound(raw.size());
      data.assign(size, '\0');
      compress(reinterpret_cast<Bytef*>(data.data()), &size, reinterpret_cast<const Bytef*>(raw.data()), raw.size());
      data.resize(size);
    }
    text += "5 0 obj\n<< /Type /XRef /Size 6 /Root 1 0 R /Info 3 0 R /Prev " + std::to_string(first_xref) + " /Index [0 1 3 3] /W [" +
            style.widths + "]" + (style.filter.empty() ? "" : " /Filter " + style.filter) +
            (style.predict ? " /DecodeParms << /Predictor 12 /Columns 5 >>" : "") + " /Length " +
            std::to_string(static_cast<long>(data.size()) + style.length_delta) + " >>\nstream\n" + data +
            "\nendstream\nendobj\nstartxref\n" + std::to_string(stream_xref) + "\n%%EOF\n";
  }
  Bytes bytes() const { return to_bytes(text); }
};

TEST(PdfStructure, ReadsARevisionEndingWithACrossReferenceStream) {
  const StreamRevision pdf;
  const auto revisions = scan_revisions(pdf.bytes());
  ASSERT_TRUE(revisions) << revisions.error().message;
  ASSERT_EQ(revisions->size(), 2u);
  const auto& second = (*revisions)[1];
  EXPECT_EQ(second.startxref, pdf.stream_xref);
  EXPECT_EQ(second.end, pdf.text.size());
  // The stream object itself is the revision's index, not its content.
  EXPECT_EQ(second.objects, (std::map<int, size_t>{{3, pdf.info_again}}));
  EXPECT_EQ(second.freed, std::vector<int>{4});
  EXPECT_NE(second.trailer.find("/Root 1 0 R"), std::string::npos) << second.trailer;

  XrefStreamStyle plain;
  plain.predict = false;
  plain.filter.clear();
  const auto unfiltered = scan_revisions(StreamRevision(plain).bytes());
  ASSERT_TRUE(unfiltered) << unfiltered.error().message;
  EXPECT_EQ((*unfiltered)[1].objects, (std::map<int, size_t>{{3, StreamRevision(plain).info_again}}));

  // pyHanko's own layout: 8-byte offsets, 2-byte generations.
  XrefStreamStyle wide;
  wide.widths = "1 8 2";
  wide.predict = false;
  const auto wide_revisions = scan_revisions(StreamRevision(wide).bytes());
  ASSERT_TRUE(wide_revisions) << wide_revisions.error().message;
  EXPECT_EQ((*wide_revisions)[1].objects, (std::map<int, size_t>{{3, StreamRevision(wide).info_again}}));
  EXPECT_EQ((*wide_revisions)[1].freed, std::vector<int>{4});
}

TEST(PdfStructure, RefusesCrossReferenceStreamsItCannotRead) {
  auto refusal = [](const XrefStreamStyle& style) {
    const auto r = scan_revisions(StreamRevision(style).bytes());
    return r ? std::make_pair(core::Category::internal, std::string("accepté")) : std::make_pair(r.error().category, r.error().message);
  };
  XrefStreamStyle too_wide;  // beyond a 64-bit offset
  too_wide.widths = "1 9 1";
  too_wide.predict = false;
  const auto [wide_category, wide_message] = refusal(too_wide);
  EXPECT_EQ(wide_category, core::Category::refused);
  EXPECT_NE(wide_message.find("entrées de 9 octets (/W)"), std::string::npos) << wide_message;

  XrefStreamStyle in_object_stream;
  in_object_stream.type_of_info = 2;
  const auto [o_category, o_message] = refusal(in_object_stream);
  EXPECT_EQ(o_category, core::Category::refused);
  EXPECT_NE(o_message.find("objet 3 rangé dans un flux d’objets"), std::string::npos) << o_message;

  XrefStreamStyle lzw;
  lzw.filter = "/LZWDecode";
  EXPECT_EQ(refusal(lzw).first, core::Category::refused) << refusal(lzw).second;

  XrefStreamStyle too_long;
  too_long.length_delta = 100000;
  EXPECT_EQ(refusal(too_long).first, core::Category::invalid_input) << refusal(too_long).second;

  XrefStreamStyle cut;  // the compressed data cut short by its /Length
  cut.length_delta = -6;
  EXPECT_EQ(refusal(cut).first, core::Category::invalid_input) << refusal(cut).second;

  StreamRevision corrupt;
  corrupt.text[corrupt.text.find("stream\n", corrupt.stream_xref) + 9] ^= 0x5a;
  const auto c = scan_revisions(corrupt.bytes());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().category, core::Category::invalid_input) << c.error().message;
}

}  // namespace
}  // namespace ipt::signing::detail
