// pdf_objects (private to signing): a document's objects as of each revision, and their
// streams, on a file made here byte by byte.
#include <gtest/gtest.h>

#include <zlib.h>

#include <cstdio>
#include <string>

#include "pdf_objects.hpp"
#include "pdf_structure.hpp"

namespace ipt::signing::detail {
namespace {

// Revision 1: catalog (1), an Info (2), a plain stream (3), a compressed stream whose /Length is
// an indirect object (4, length in 5). Revision 2: Info rewritten, object 3 freed.
struct TwoStates {
  std::string text = "%PDF-1.7\n";
  std::string compressed;
  size_t first_xref = 0, info_again = 0;

  TwoStates() {
    const std::string plain = "BT (Bonjour) Tj ET";
    std::string packed(compressBound(plain.size()), '\0');
    uLongf size = packed.size();
    compress(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(plain.data()), plain.size());
    packed.resize(size);
    compressed = packed;
    std::map<int, size_t> at;
    auto object = [&](int n, const std::string& body) {
      at[n] = text.size();
      text += std::to_string(n) + " 0 obj\n" + body + "\nendobj\n";
    };
    object(1, "<< /Type /Catalog /Pages 9 0 R >>");
    object(2, "<< /Producer (premier) >>");
    object(3, "<< /Length 18 >>\nstream\n" + plain + "\nendstream");
    object(4, "<< /Length 5 0 R /Filter /FlateDecode >>\nstream\n" + packed + "\nendstream");
    object(5, std::to_string(packed.size()));
    first_xref = text.size();
    text += "xref\n0 6\n0000000000 65535 f\r\n";
    for (int n = 1; n <= 5; ++n) {
      char entry[32];
      std::snprintf(entry, sizeof entry, "%010zu 00000 n\r\n", at[n]);
      text += entry;
    }
    text += "trailer\n<< /Size 6 /Root 1 0 R /Info 2 0 R >>\nstartxref\n" + std::to_string(first_xref) + "\n%%EOF\n";
    info_again = text.size();
    text += "2 0 obj\n<< /Producer (second) >>\nendobj\n";
    const size_t second_xref = text.size();
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n\r\n", info_again);
    text += "xref\n0 1\n0000000003 65535 f\r\n2 2\n" + std::string(entry) + "0000000000 00001 f\r\n";
    text += "trailer\n<< /Size 6 /Root 1 0 R /Info 2 0 R /Prev " + std::to_string(first_xref) + " >>\nstartxref\n" +
            std::to_string(second_xref) + "\n%%EOF\n";
  }
};

std::string producer(PdfObjects& state) {
  const PdfValue* p = state.key(state.object(2), "Producer");
  return p && p->string() ? p->string()->bytes : "<absent>";
}

TEST(PdfObjects, EachStateSeesItsOwnRevisionAndSharesWhatWasParsed) {
  const TwoStates file;
  const Bytes pdf = to_bytes(file.text);
  const auto revisions = scan_revisions(pdf);
  ASSERT_TRUE(revisions) << revisions.error().message;
  ASSERT_EQ(revisions->size(), 2u);
  auto parsed = std::make_shared<ParsedObjects>();
  PdfObjects first(file.text, *revisions, 0, parsed), second(file.text, *revisions, 1, parsed);
  EXPECT_EQ(producer(first), "premier");
  EXPECT_EQ(producer(second), "second");
  EXPECT_EQ(first.root_number(), 1);
  EXPECT_EQ(second.size(), 6);
  // Object 3 is freed in the second state; the catalog is the same object in both.
  EXPECT_TRUE(first.object(3));
  EXPECT_FALSE(second.object(3));
  EXPECT_EQ(first.catalog(), second.catalog());
  EXPECT_EQ(second.offset_of(2), file.info_again);
  // A reference that leads nowhere resolves to nothing.
  EXPECT_FALSE(second.key(second.catalog(), "Pages"));
}

TEST(PdfObjects, StreamsAreReadWhereTheirLengthSaysAndDecoded) {
  const TwoStates file;
  const Bytes pdf = to_bytes(file.text);
  const auto revisions = scan_revisions(pdf);
  ASSERT_TRUE(revisions);
  PdfObjects state(file.text, *revisions, 0);
  EXPECT_EQ(state.stream_data(3).value_or("<absent>"), "BT (Bonjour) Tj ET");
  EXPECT_EQ(state.decoded_stream(3).value_or("<absent>"), "BT (Bonjour) Tj ET");
  EXPECT_EQ(state.stream_data(4).value_or("<absent>"), file.compressed);  // /Length through a reference
  EXPECT_EQ(state.decoded_stream(4).value_or("<absent>"), "BT (Bonjour) Tj ET");
  EXPECT_FALSE(state.decoded_stream(4, 5));  // larger than allowed
  EXPECT_FALSE(state.stream_data(2));        // not a stream
  EXPECT_FALSE(state.stream_data(42));       // no such object
}

TEST(PdfObjects, AStreamLongerThanTheFileOrCorruptIsNotRead) {
  const TwoStates file;
  const Bytes pdf = to_bytes(file.text);
  const auto revisions = scan_revisions(pdf);
  ASSERT_TRUE(revisions);
  // The file cut five bytes into the stream's data: its /Length goes past the end.
  const std::string_view cut = std::string_view(file.text).substr(0, file.text.find("BT (Bonjour)") + 5);
  PdfObjects short_state(cut, *revisions, 0);
  ASSERT_TRUE(short_state.object(3));
  EXPECT_FALSE(short_state.stream_data(3));
  TwoStates corrupt;
  corrupt.text[corrupt.text.find(corrupt.compressed) + 3] ^= 0x55;
  const Bytes corrupt_pdf = to_bytes(corrupt.text);
  const auto corrupt_revisions = scan_revisions(corrupt_pdf);
  ASSERT_TRUE(corrupt_revisions);
  PdfObjects state(corrupt.text, *corrupt_revisions, 0);
  EXPECT_TRUE(state.stream_data(4));
  EXPECT_FALSE(state.decoded_stream(4));
}

}  // namespace
}  // namespace ipt::signing::detail
