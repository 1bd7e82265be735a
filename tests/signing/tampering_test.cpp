// What verification catches after signing, and hostile input it survives.
#include <gtest/gtest.h>
#include <podofo/podofo.h>

#include <random>

#include "fixture.hpp"
#include "support/process.hpp"

namespace ipt::test {
namespace {

using namespace PoDoFo;

const Bytes& signed_annexe() {
  static const Bytes pdf = sign_by_all(world().annexe_4, signing::Level::b_t);
  return pdf;
}

signing::VerificationReport verify(const Bytes& pdf) {
  auto options = world().verify_options();
  auto r = signing::verify_pdf(pdf, options);
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

using signing::Indication;
using signing::ProblemCode;

// The detail of the first problem with `code`, or nothing.
std::optional<std::string> detail_of(const signing::SignatureVerdict& s, ProblemCode code) {
  for (const auto& p : s.problems) {
    if (p.code == code) return p.detail;
  }
  return std::nullopt;
}

TEST(Tampering, OneByteFlippedInASignedRange) {
  Bytes pdf = signed_annexe();
  const auto report_before = verify(pdf);
  ASSERT_TRUE(report_before.valid());
  // A byte of the first page's content, inside every signature's range.
  pdf[2000] ^= 0x01;
  const auto report = verify(pdf);
  EXPECT_EQ(report.indication, Indication::invalid);
  for (const auto& s : report.signatures) {
    EXPECT_FALSE(s.intact) << s.field;
    EXPECT_TRUE(s.has(ProblemCode::digest_mismatch)) << s.field;
  }
}

TEST(Tampering, LockedFieldChangedAfterSigning) {
  const Bytes pdf = update_with(signed_annexe(), [](PdfMemDocument& doc) {
    // The CPMS's opinion, locked by its signature, turned around.
    PdfObject* form = doc.GetObjects().GetObject(doc.GetCatalog()->GetDictionary().GetKey("AcroForm")->GetReference());
    for (const auto& f : form->GetDictionary().GetKey("Fields")->GetArray()) {
      PdfObject* field = doc.GetObjects().GetObject(f.GetReference());
      const PdfObject* t = field->GetDictionary().GetKey("T");
      if (!t || t->GetString().GetStringUtf8() != "avis_cpms") continue;
      field->GetDictionary().AddKey("V", PdfName("defavorable"));
      for (const auto& k : field->GetDictionary().GetKey("Kids")->GetArray()) {
        PdfObject* kid = doc.GetObjects().GetObject(k.GetReference());
        const bool on = kid->GetDictionary().GetKey("AP")->GetDictionary().GetKey("N")->GetDictionary().HasKey("defavorable");
        kid->GetDictionary().AddKey("AS", PdfName(on ? "defavorable" : "Off"));
      }
    }
  });
  const auto report = verify(pdf);
  EXPECT_EQ(report.indication, Indication::invalid);
  const auto& cpms = report.signatures[2];
  ASSERT_EQ(cpms.field, "sig_cpms");
  EXPECT_TRUE(cpms.intact);  // its own bytes are untouched: the change is in a later revision
  const auto locked = detail_of(cpms, ProblemCode::field_locked_changed);
  ASSERT_TRUE(locked) << signing::report_json(report);
  EXPECT_NE(locked->find("avis_cpms"), std::string::npos) << *locked;
  // The pole's certification locked the dossier's data but not the opinion: it allows this fill.
  EXPECT_FALSE(report.signatures[0].has(ProblemCode::field_locked_changed)) << signing::report_json(report);
}

TEST(Tampering, DossierDataChangedAfterCertification) {
  const Bytes pdf = update_with(signed_annexe(), [](PdfMemDocument& doc) {
    PdfObject* form = doc.GetObjects().GetObject(doc.GetCatalog()->GetDictionary().GetKey("AcroForm")->GetReference());
    for (const auto& f : form->GetDictionary().GetKey("Fields")->GetArray()) {
      PdfObject* field = doc.GetObjects().GetObject(f.GetReference());
      const PdfObject* ft = field->GetDictionary().GetKey("FT");
      if (ft && ft->GetName().GetName() == "Tx") {
        field->GetDictionary().AddKey("V", PdfString("Autre nom"));
        break;
      }
    }
  });
  const auto report = verify(pdf);
  EXPECT_EQ(report.indication, Indication::invalid);
  EXPECT_TRUE(report.signatures[0].has(ProblemCode::field_locked_changed)) << signing::report_json(report);
}

TEST(Tampering, PageAddedAfterSigning) {
  const Bytes pdf = update_with(signed_annexe(), [](PdfMemDocument& doc) {
    doc.CreatePage(PdfRect(0, 0, 595, 842));
  });
  const auto report = verify(pdf);
  EXPECT_EQ(report.indication, Indication::invalid);
  for (const auto& s : report.signatures) {
    const auto forbidden = detail_of(s, ProblemCode::change_forbidden);
    ASSERT_TRUE(forbidden) << s.field << signing::report_json(report);
    EXPECT_NE(forbidden->find("pages"), std::string::npos) << *forbidden;
  }
}

TEST(Tampering, UntrustedRootIsReported) {
  auto options = world().verify_options();
  options.trust_anchors.clear();
  auto report = signing::verify_pdf(signed_annexe(), options);
  ASSERT_TRUE(report);
  // Not knowing whom to trust proves nothing wrong: indeterminate, not invalid.
  EXPECT_EQ(report->indication, Indication::indeterminate);
  EXPECT_TRUE(report->signatures[0].has(ProblemCode::no_trust_anchor));
  EXPECT_FALSE(report->signatures[0].chain_trusted);
  EXPECT_TRUE(report->signatures[0].intact);
}

// Hostile input: truncations and random byte changes never crash or hang verification; the
// result is an error (unreadable) or a failing verdict — never a valid one.
TEST(Tampering, HostileInputNeverCrashes) {
  const Bytes& pdf = signed_annexe();
  auto options = world().verify_options();
  options.online_revocation = false;
  for (size_t cut = 1000; cut < pdf.size(); cut += pdf.size() / 23) {
    auto r = signing::verify_pdf(Bytes(pdf.begin(), pdf.begin() + static_cast<long>(cut)), options);
    EXPECT_TRUE(!r || !r->valid()) << "truncated at " << cut;
  }
  // The zero padding after each CMS in /Contents is outside every signed range and outside
  // the CMS itself: changes there are legitimately invisible, so leave it out.
  const auto clean = verify(pdf);
  auto in_a_gap = [&](size_t at) {
    for (const auto& sig : clean.signatures) {
      if (at >= sig.byte_range[1] && at < sig.byte_range[2]) return true;
    }
    return false;
  };
  std::mt19937 random(8783);
  std::uniform_int_distribution<size_t> position(0, pdf.size() - 1);
  for (int round = 0; round < 60; ++round) {
    Bytes damaged = pdf;
    for (int k = 0; k < 4; ++k) {
      size_t at = position(random);
      while (in_a_gap(at)) at = position(random);
      damaged[at] = static_cast<unsigned char>(random() | 0x80);  // never the byte it replaces
    }
    auto r = signing::verify_pdf(damaged, options);
    if (r) {
      EXPECT_FALSE(r->valid()) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace ipt::test

namespace ipt::test {
namespace {

// A later revision holding a dictionary nested 17,500 deep: PoDoFo's recursive tokenizer
// overflowed its stack on it (SIGSEGV). It is refused before parsing, as unreadable input.
TEST(Tampering, DeeplyNestedDictionaryIsRefusedNotACrash) {
  Bytes pdf = signed_annexe();
  const size_t previous_xref = [&] {
    const std::string_view text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
    const size_t at = text.rfind("startxref");
    return static_cast<size_t>(std::stoul(std::string(text.substr(at + 9, 20))));
  }();
  std::string update = "\n9999 0 obj\n";
  for (int i = 0; i < 17500; ++i) update += "<</A ";
  for (int i = 0; i < 17500; ++i) update += ">>";
  update += "\nendobj\n";
  const size_t object_at = pdf.size() + 1;
  char entry[32];
  std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", object_at);
  const size_t xref_at = pdf.size() + update.size();
  update += "xref\n9999 1\n" + std::string(entry) + "trailer\n<< /Size 10000 /Prev " + std::to_string(previous_xref) +
            " >>\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n";
  pdf.insert(pdf.end(), update.begin(), update.end());
  auto report = signing::verify_pdf(pdf, world().verify_options());
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("imbriquée"), std::string::npos) << report.error().message;
  // The command says so and exits 2 (unreadable input).
  const auto path = write_temp("imbrique.pdf", pdf);
  const auto r = run_ipt({"verify", path.string(), "--trust", world().root_pem.string()});
  EXPECT_EQ(r.status, 2) << r.out << r.err;
}

}  // namespace
}  // namespace ipt::test
