// pdf_revision (private to signing): incremental revisions written from the file's bytes, on
// forms made here byte by byte, so that which objects a revision rewrites can be checked one
// by one. Whole documents (rendered annexes) signed this way are judged by pyHanko, pdfsig and
// qpdf in pades_test.cpp.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "openssl_util.hpp"
#include "pdf_object.hpp"
#include "pdf_revision.hpp"
#include "pdf_structure.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::signing::detail {
namespace {

// A one-page form: a signature field, a multi-line text field, a choice of two check boxes
// (favorable on, defavorable off), a font; its AcroForm a reference or inline in the catalog.
struct Form {
  std::string text = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::map<int, size_t> offsets;
  size_t xref = 0;

  // `overrides` replaces objects by number (hostile variants).
  explicit Form(bool inline_acroform = false, std::map<int, std::string> overrides = {}) : overrides_(std::move(overrides)) {
    const std::string acroform = "<< /Fields [5 0 R 6 0 R 7 0 R] /DR << /Font << /F1 8 0 R >> >> /DA (/F1 10 Tf 0 g) >>";
    object(1, inline_acroform ? "<< /Type /Catalog /Pages 2 0 R /AcroForm " + acroform + " >>"
                              : "<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>");
    object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [5 0 R 6 0 R 9 0 R 10 0 R] >>");
    if (!inline_acroform) object(4, acroform);
    object(5, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (sig_direction) /Rect [50 50 250 110] /F 4 /P 3 0 R >>");
    object(6, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (remarques) /Ff 4096 /Rect [50 200 400 300] /F 4 /P 3 0 R "
              "/DA (/F1 10 Tf 0 g) /V (Pas encore) >>");
    object(7, "<< /FT /Btn /T (avis) /Kids [9 0 R 10 0 R] >>");
    object(8, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    object(9, "<< /Type /Annot /Subtype /Widget /Parent 7 0 R /FT /Btn /T (favorable) /V /Oui /AS /Oui "
              "/AP << /N << /Oui 11 0 R /Off 12 0 R >> >> /Rect [50 400 60 410] /F 4 /P 3 0 R >>");
    object(10, "<< /Type /Annot /Subtype /Widget /Parent 7 0 R /FT /Btn /T (defavorable) /V /Off /AS /Off "
               "/AP << /N << /Oui 11 0 R /Off 12 0 R >> >> /Rect [70 400 80 410] /F 4 /P 3 0 R >>");
    object(11, "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 15 >>\nstream\n0 0 m 10 10 l S\nendstream");
    object(12, "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 0 >>\nstream\n\nendstream");
    xref = text.size();
    const int size = 13;
    text += "xref\n0 " + std::to_string(size) + "\n0000000000 65535 f\r\n";
    for (int n = 1; n < size; ++n) {
      char entry[32];
      if (offsets.count(n)) {
        std::snprintf(entry, sizeof entry, "%010zu 00000 n\r\n", offsets[n]);
      } else {
        std::snprintf(entry, sizeof entry, "0000000000 00001 f\r\n");
      }
      text += entry;
    }
    text += "trailer\n<< /Size 13 /Root 1 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>] >>\n"
            "startxref\n" + std::to_string(xref) + "\n%%EOF\n";
  }
  void object(int n, const std::string& body) {
    offsets[n] = text.size();
    const auto replaced = overrides_.find(n);
    text += std::to_string(n) + " 0 obj\n" + (replaced == overrides_.end() ? body : replaced->second) + "\nendobj\n";
  }
  Bytes bytes() const { return to_bytes(text); }

 private:
  std::map<int, std::string> overrides_;
};

std::set<int> rewritten(const Bytes& pdf) {
  const auto revisions = scan_revisions(pdf);
  EXPECT_TRUE(revisions) << revisions.error().message;
  std::set<int> out;
  if (revisions) {
    for (const auto& [number, offset] : revisions->back().objects) out.insert(number);
  }
  return out;
}

std::string object_of(const Bytes& pdf, int number) {
  const auto revisions = scan_revisions(pdf);
  for (size_t i = revisions->size(); i-- > 0;) {
    const auto at = (*revisions)[i].objects.find(number);
    if (at != (*revisions)[i].objects.end()) return object_text(pdf, at->second, number).value_or("");
  }
  return "";
}

// qpdf --check's complaints (warnings included); empty when it accepts the file.
std::string qpdf_problems(const Bytes& pdf) {
  test::TempDir dir;
  const auto path = dir.path() / "revision.pdf";
  if (!write_file_atomically(path, pdf)) return "écriture impossible";
  const auto run = test::run_process({"qpdf", "--check", path.string()});
  return run.status == 0 ? "" : run.out + run.err;
}

TEST(PdfRevision, ASignatureRewritesOnlyWhatItChanges) {
  const Form form;
  const Bytes original = form.bytes();
  ASSERT_EQ(qpdf_problems(original), "");
  auto revision = PdfRevision::open(original);
  ASSERT_TRUE(revision) << revision.error().message;
  EXPECT_EQ(revision->values().at("remarques"), "Pas encore");
  EXPECT_EQ(revision->values().at("avis"), "favorable");
  EXPECT_EQ(revision->values().at("avis.defavorable"), "");

  ASSERT_TRUE(revision->fill({"remarques", "Élève suivi par le pôle, deux périodes par semaine."}));
  ASSERT_TRUE(revision->fill({"avis", "favorable"}));  // already so: nothing to rewrite
  const auto stateful = revision->lock({"remarques", "avis"});
  EXPECT_EQ(stateful, std::vector<std::string>{"avis"});
  SignatureSpec spec;
  spec.field = "sig_direction";
  spec.name = "Anne Directrice";
  spec.reason = "Accord de l’école";
  spec.lock_fields = stateful;
  spec.appearance_lines = {"Signé électroniquement par", "Anne Directrice"};
  spec.reserved_bytes = 256;
  ASSERT_TRUE(revision->add_signature(spec));
  auto written = revision->write();
  ASSERT_TRUE(written) << written.error().message;
  const Bytes& pdf = written->pdf;

  // The earlier revision is untouched; the new one holds the filled, locked, signed fields (the
  // check boxes for their lock: the one already on is not switched), the form (SigFlags), the
  // signature dictionary and the two appearances; not the catalog, the page or the choice.
  ASSERT_GT(pdf.size(), original.size());
  EXPECT_TRUE(std::equal(original.begin(), original.end(), pdf.begin()));
  EXPECT_EQ(rewritten(pdf), (std::set<int>{4, 5, 6, 9, 10, 13, 14, 15}));
  const auto revisions = scan_revisions(pdf);
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_NE(revisions->back().trailer.find("/Prev " + std::to_string(form.xref)), std::string::npos) << revisions->back().trailer;
  EXPECT_NE(revisions->back().trailer.find("/ID [<00112233445566778899AABBCCDDEEFF> <"), std::string::npos);
  EXPECT_NE(object_of(pdf, 4).find("/SigFlags 3"), std::string::npos);
  EXPECT_NE(object_of(pdf, 5).find("/V 14 0 R"), std::string::npos) << object_of(pdf, 5);
  EXPECT_NE(object_of(pdf, 6).find("/Ff 4097"), std::string::npos) << object_of(pdf, 6);

  // The byte range covers everything but the placeholder, and the digest is of that range.
  const std::string sig = object_of(pdf, 14);
  EXPECT_NE(sig.find("/Type /Sig"), std::string::npos) << sig;
  EXPECT_NE(sig.find("/TransformMethod /FieldMDP"), std::string::npos) << sig;
  const std::string text(as_text(pdf));
  EXPECT_EQ(text.compare(written->contents_offset, 2, "<0"), 0);
  EXPECT_EQ(text[written->contents_offset + written->contents_length - 1], '>');
  char range[96];
  std::snprintf(range, sizeof range, "/ByteRange [0 %zu %zu %zu", written->contents_offset,
                written->contents_offset + written->contents_length, pdf.size() - written->contents_offset - written->contents_length);
  EXPECT_NE(sig.find(range), std::string::npos) << sig;
  Bytes covered(pdf.begin(), pdf.begin() + static_cast<long>(written->contents_offset));
  covered.insert(covered.end(), pdf.begin() + static_cast<long>(written->contents_offset + written->contents_length), pdf.end());
  EXPECT_EQ(written->digest, sha256(covered));
  EXPECT_EQ(qpdf_problems(pdf), "");

  // Read again: the values, the lock and the signature as written.
  auto again = PdfRevision::open(pdf);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->values().at("remarques"), "Élève suivi par le pôle, deux périodes par semaine.");
  const auto open_fields = again->unlocked_fields();
  EXPECT_EQ(std::count(open_fields.begin(), open_fields.end(), "remarques"), 0);
  EXPECT_FALSE(again->add_signature(spec));  // already signed
}

TEST(PdfRevision, AChoiceSwitchesOnlyTheBoxesThatChange) {
  const Form form;
  const Bytes original = form.bytes();
  auto revision = PdfRevision::open(original);
  ASSERT_TRUE(revision);
  ASSERT_TRUE(revision->fill({"avis", "defavorable"}));
  EXPECT_FALSE(revision->fill({"avis", "peut-etre"}));
  auto written = revision->write();
  ASSERT_TRUE(written);
  EXPECT_EQ(rewritten(written->pdf), (std::set<int>{9, 10}));
  auto again = PdfRevision::open(written->pdf);
  EXPECT_EQ(again->values().at("avis"), "defavorable");
  EXPECT_EQ(qpdf_problems(written->pdf), "");
}

TEST(PdfRevision, AnInlineFormIsChangedInItsCatalog) {
  const Form form(true);
  const Bytes original = form.bytes();
  auto revision = PdfRevision::open(original);
  ASSERT_TRUE(revision) << revision.error().message;
  SignatureSpec spec;
  spec.field = "sig_direction";
  spec.certify = true;
  spec.reserved_bytes = 64;
  ASSERT_TRUE(revision->add_signature(spec));
  auto written = revision->write();
  ASSERT_TRUE(written);
  EXPECT_EQ(rewritten(written->pdf), (std::set<int>{1, 5, 13}));
  const std::string catalog = object_of(written->pdf, 1);
  EXPECT_NE(catalog.find("/SigFlags 3"), std::string::npos) << catalog;
  EXPECT_NE(catalog.find("/Perms <</DocMDP 13 0 R>>"), std::string::npos) << catalog;
  EXPECT_EQ(qpdf_problems(written->pdf), "");
}

TEST(PdfRevision, ATimestampAndValidationDataAddTheirOwnObjects) {
  const Form form;
  const Bytes original = form.bytes();
  auto revision = PdfRevision::open(original);
  ASSERT_TRUE(revision);
  ValidationData data;
  data.certificates = {to_bytes("certificat A"), to_bytes("certificat B")};
  data.crls = {to_bytes("liste C")};
  ASSERT_TRUE(revision->add_validation_data(data));
  auto with_dss = revision->write();
  ASSERT_TRUE(with_dss);
  EXPECT_EQ(rewritten(with_dss->pdf), (std::set<int>{1, 13, 14, 15, 16}));
  EXPECT_NE(object_of(with_dss->pdf, 13).find("/Certs [14 0 R 15 0 R]/CRLs [16 0 R]"), std::string::npos) << object_of(with_dss->pdf, 13);

  // More validation data joins the same /DSS; a document timestamp gets a field of its own.
  auto next = PdfRevision::open(with_dss->pdf);
  ASSERT_TRUE(next);
  data.certificates = {to_bytes("certificat D")};
  data.crls.clear();
  ASSERT_TRUE(next->add_validation_data(data));
  SignatureSpec stamp;
  stamp.document_timestamp = true;
  stamp.field = "horodatage_1";
  stamp.reserved_bytes = 64;
  ASSERT_TRUE(next->add_signature(stamp));
  auto stamped = next->write();
  ASSERT_TRUE(stamped) << stamped.error().message;
  EXPECT_EQ(rewritten(stamped->pdf), (std::set<int>{3, 4, 13, 17, 18, 19}));
  EXPECT_NE(object_of(stamped->pdf, 13).find("/Certs [14 0 R 15 0 R 17 0 R]/CRLs [16 0 R]"), std::string::npos) << object_of(stamped->pdf, 13);
  EXPECT_NE(object_of(stamped->pdf, 3).find("/Annots [5 0 R 6 0 R 9 0 R 10 0 R 18 0 R]"), std::string::npos) << object_of(stamped->pdf, 3);
  EXPECT_NE(object_of(stamped->pdf, 4).find("/Fields [5 0 R 6 0 R 7 0 R 18 0 R]"), std::string::npos) << object_of(stamped->pdf, 4);
  EXPECT_NE(object_of(stamped->pdf, 18).find("/V 19 0 R"), std::string::npos);
  EXPECT_NE(object_of(stamped->pdf, 19).find("/Type /DocTimeStamp"), std::string::npos);
  EXPECT_EQ(qpdf_problems(stamped->pdf), "");
}

// A revision that ends with a cross-reference stream (Acrobat, pyHanko) is continued with a
// classic section whose /Prev names the stream.
TEST(PdfRevision, ContinuesAFileWhoseLastRevisionIsACrossReferenceStream) {
  const Form form;
  std::string text = form.text;
  const size_t updated_field = text.size();
  text += "6 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Tx /T (remarques) /Ff 4096 /Rect [50 200 400 300] /F 4 /P 3 0 R "
          "/DA (/F1 10 Tf 0 g) /V (Vu par le CPMS) >>\nendobj\n";
  const size_t stream_xref = text.size();
  // W [1 4 1]: type, offset, generation; rows for object 6 and for the stream itself (13).
  auto row = [](int type, size_t offset, int generation) {
    return std::string{static_cast<char>(type), static_cast<char>((offset >> 24) & 0xff), static_cast<char>((offset >> 16) & 0xff),
                       static_cast<char>((offset >> 8) & 0xff), static_cast<char>(offset & 0xff), static_cast<char>(generation)};
  };
  const std::string rows = row(1, updated_field, 0) + row(1, stream_xref, 0);
  text += "13 0 obj\n<< /Type /XRef /Size 14 /Root 1 0 R /Prev " + std::to_string(form.xref) +
          " /Index [6 1 13 1] /W [1 4 1] /Length " + std::to_string(rows.size()) + " >>\nstream\n" + rows +
          "\nendstream\nendobj\nstartxref\n" + std::to_string(stream_xref) + "\n%%EOF\n";
  const Bytes original = to_bytes(text);
  auto revision = PdfRevision::open(original);
  ASSERT_TRUE(revision) << revision.error().message;
  EXPECT_EQ(revision->values().at("remarques"), "Vu par le CPMS");
  revision->lock({"remarques"});
  auto written = revision->write();
  ASSERT_TRUE(written) << written.error().message;
  const auto revisions = scan_revisions(written->pdf);
  ASSERT_TRUE(revisions) << revisions.error().message;
  ASSERT_EQ(revisions->size(), 3u);
  EXPECT_EQ(revisions->back().objects.size(), 1u);
  EXPECT_NE(revisions->back().trailer.find("/Size 14"), std::string::npos) << revisions->back().trailer;
  EXPECT_NE(revisions->back().trailer.find("/Prev " + std::to_string(stream_xref)), std::string::npos);
  EXPECT_NE(object_of(written->pdf, 6).find("(Vu par le CPMS)"), std::string::npos);
  EXPECT_EQ(qpdf_problems(written->pdf), "");
}

// Cycles end the search instead of looping: a field that is its own kid (many times over, which
// a depth limit alone would explore exponentially), resources that are a reference cycle.
TEST(PdfRevision, CyclesEndTheSearch) {
  const Form form(false, {{6, "<< /FT /Tx /T (remarques) /Kids [6 0 R 6 0 R 6 0 R 6 0 R 6 0 R 6 0 R 6 0 R 6 0 R 6 0 R 6 0 R] >>"},
                          {4, "<< /Fields [5 0 R 6 0 R 7 0 R] /DR 11 0 R /DA (/F1 10 Tf 0 g) >>"},
                          {11, "12 0 R"},
                          {12, "11 0 R"}});
  const Bytes original = form.bytes();
  auto revision = PdfRevision::open(original);
  ASSERT_TRUE(revision) << revision.error().message;
  const auto values = revision->values();
  EXPECT_EQ(values.count("remarques"), 0u);
  EXPECT_EQ(values.at("avis"), "favorable");
  const auto missing = revision->fill({"remarques", "texte"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("« remarques » inexistant"), std::string::npos) << missing.error().message;
  // The signature's appearance needs the form's font: behind the cycle, the box keeps its look.
  SignatureSpec spec;
  spec.field = "sig_direction";
  spec.appearance_lines = {"Signé"};
  spec.reserved_bytes = 64;
  ASSERT_TRUE(revision->add_signature(spec));
  auto written = revision->write();
  ASSERT_TRUE(written);
  EXPECT_EQ(rewritten(written->pdf), (std::set<int>{4, 5, 13}));
}

TEST(PdfRevision, RefusesWhatItCannotContinue) {
  const Form form;
  for (const auto& [bytes, expected] : std::vector<std::pair<std::string, std::string>>{
           {form.text + "trailing", "des données suivent la dernière révision"},
           {Form(false, {{1, "<< /Type /Catalog /Pages 2 0 R >>"}}).text, "pas de formulaire"},
           {Form(false, {{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R"}}).text, "catalogue"},
           {"not a pdf at all, really", "n’est pas un PDF"}}) {
    const Bytes pdf = to_bytes(bytes);
    const auto revision = PdfRevision::open(pdf);
    ASSERT_FALSE(revision) << expected;
    EXPECT_NE(revision.error().message.find(expected), std::string::npos) << revision.error().message;
  }
}

}  // namespace
}  // namespace ipt::signing::detail
