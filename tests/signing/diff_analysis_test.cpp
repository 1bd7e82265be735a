// The private difference analysis, rule by rule: what a revision after a signature may do
// (sign, fill an open field, lock it, add validation data) and what it may not (change a
// read-only or FieldMDP-locked field, clear a read-only flag, touch the pages).
#include <gtest/gtest.h>
#include <podofo/podofo.h>

#include "diff_analysis.hpp"
#include "fixture.hpp"
#include "pdf_structure.hpp"

namespace ipt::test {
namespace {

using namespace PoDoFo;
using signing::ChangeKind;
using signing::LaterChange;
using signing::ProblemCode;

// The Annexe 4 certified by the pole, as the signing round does it: one signed revision over
// the rendering, the later signatories' boxes left open.
const Bytes& certified() {
  static const Bytes pdf = [] {
    signing::SignatureOptions options;
    options.field = "sig_pole";
    options.certify = true;
    options.keep_open = {"signataire_responsable", "avis_cpms", "avis_ecrit_cpms"};  // later signatories' boxes
    auto signed_pdf = sign_as(world().annexe_4, "pole", options);
    if (!signed_pdf) throw std::runtime_error(signed_pdf.error().message);
    return *signed_pdf;
  }();
  return pdf;
}

PdfObject* field_named(PdfMemDocument& doc, const std::string& name) {
  PdfObject* form = doc.GetObjects().GetObject(doc.GetCatalog()->GetDictionary().GetKey("AcroForm")->GetReference());
  std::vector<PdfObject*> stack;
  for (const auto& f : form->GetDictionary().GetKey("Fields")->GetArray()) stack.push_back(doc.GetObjects().GetObject(f.GetReference()));
  while (!stack.empty()) {
    PdfObject* o = stack.back();
    stack.pop_back();
    const PdfObject* t = o->GetDictionary().GetKey("T");
    if (t && t->GetString().GetStringUtf8() == name) return o;
    if (const PdfObject* kids = o->GetDictionary().GetKey("Kids")) {
      for (const auto& k : kids->GetArray()) stack.push_back(doc.GetObjects().GetObject(k.GetReference()));
    }
  }
  throw std::runtime_error("no field " + name);
}

// What the revisions after the certification changed, as judged for it.
std::vector<LaterChange> changes_after_certification(const Bytes& pdf, const std::vector<std::string>& locked = {}) {
  auto revisions = signing::detail::scan_revisions(pdf);
  if (!revisions) throw std::runtime_error(revisions.error().message);
  auto changes = signing::detail::analyse_changes(pdf, *revisions, 2, locked);  // revision 2 is the pole's
  if (!changes) throw std::runtime_error(changes.error().message);
  // PoDoFo writes Info's /ModDate with every update (update_with): that allowed change is set
  // aside here, so that each test sees the change it made (ItsOwnModDateIsAllowed checks it).
  std::vector<LaterChange> out;
  for (auto& c : *changes) {
    if (!(c.allowed() && c.detail == "date de modification des métadonnées")) out.push_back(std::move(c));
  }
  return out;
}

// An update that only rewrites Info's /ModDate: seen, whenever it happens, as allowed (the
// revisions' own dates are compared, not the moment PoDoFo loaded them).
TEST(DiffAnalysis, AnUpdatesOwnModDateIsSeenAndAllowed) {
  const Bytes pdf = update_with(certified(), [](PdfMemDocument& doc) {
    PdfObject* info = doc.GetObjects().GetObject(doc.GetTrailer()->GetDictionary().GetKey("Info")->GetReference());
    info->GetDictionary().AddKey("ModDate", PdfString("D:20991231235959Z"));
  });
  auto revisions = signing::detail::scan_revisions(pdf);
  ASSERT_TRUE(revisions);
  const auto changes = signing::detail::analyse_changes(pdf, *revisions, 2, {});
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_TRUE((*changes)[0].allowed());
  EXPECT_EQ((*changes)[0].detail, "date de modification des métadonnées");
}

bool has(const std::vector<LaterChange>& changes, ChangeKind kind, const std::string& detail_part = {}) {
  return std::any_of(changes.begin(), changes.end(), [&](const LaterChange& c) {
    return c.kind == kind && c.detail.find(detail_part) != std::string::npos;
  });
}

TEST(DiffAnalysis, NothingAfterTheLastRevisionIsNothingChanged) {
  auto revisions = signing::detail::scan_revisions(certified());
  ASSERT_TRUE(revisions);
  auto changes = signing::detail::analyse_changes(certified(), *revisions, revisions->size(), {});
  ASSERT_TRUE(changes);
  EXPECT_TRUE(changes->empty());
}

TEST(DiffAnalysis, TheNextSignatoryFillingItsChoiceAndSigningIsAllowed) {
  signing::SignatureOptions options;
  options.field = "sig_ecole_ordinaire";
  auto school = sign_as(certified(), "ecole-ordinaire", options);
  ASSERT_TRUE(school) << school.error().message;
  options.field = "sig_cpms";
  options.fills = {{"avis_cpms", "defavorable"}};
  auto cpms = sign_as(*school, "cpms", options);
  ASSERT_TRUE(cpms) << cpms.error().message;
  const auto changes = changes_after_certification(*cpms);
  for (const auto& c : changes) EXPECT_TRUE(c.allowed()) << c.detail;
  EXPECT_TRUE(has(changes, ChangeKind::signature, "sig_ecole_ordinaire"));
  EXPECT_TRUE(has(changes, ChangeKind::form_filling, "avis_cpms.defavorable"));
  EXPECT_TRUE(has(changes, ChangeKind::form_filling, "verrouillé"));  // the CPMS's box made read-only
}

TEST(DiffAnalysis, ADossierValueIsReadOnlyFromTheStart) {
  const Bytes pdf = update_with(certified(), [](PdfMemDocument& doc) {
    field_named(doc, "eleve_nom")->GetDictionary().AddKey("V", PdfString("Autre nom"));
  });
  const auto changes = changes_after_certification(pdf);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_FALSE(changes[0].allowed());
  EXPECT_EQ(changes[0].problem, ProblemCode::field_locked_changed) << changes[0].detail;
  EXPECT_NE(changes[0].detail.find("eleve_nom"), std::string::npos);
}

TEST(DiffAnalysis, ClearingTheReadOnlyFlagIsForbidden) {
  const Bytes pdf = update_with(certified(), [](PdfMemDocument& doc) {
    field_named(doc, "eleve_nom")->GetDictionary().AddKey("Ff", PdfVariant(static_cast<pdf_int64>(0)));
  });
  const auto changes = changes_after_certification(pdf);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::forbidden);
  EXPECT_EQ(changes[0].problem, ProblemCode::change_forbidden);
  EXPECT_NE(changes[0].detail.find("indicateurs"), std::string::npos) << changes[0].detail;
}

TEST(DiffAnalysis, AnOpenFieldMayBeFilledUnlessTheSignatureLockedIt) {
  const Bytes pdf = update_with(certified(), [](PdfMemDocument& doc) {
    field_named(doc, "signataire_responsable")->GetDictionary().AddKey("V", PdfString("Martin Julie, mère"));
  });
  const auto open = changes_after_certification(pdf);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, ChangeKind::form_filling) << open[0].detail;
  const auto locked = changes_after_certification(pdf, {"signataire_responsable"});
  ASSERT_EQ(locked.size(), 1u);
  EXPECT_EQ(locked[0].problem, ProblemCode::field_locked_changed);
}

TEST(DiffAnalysis, ValidationDataAndTimestampsAreAllowedAPageIsNot) {
  signing::HttpTimestampClient tsa(world().services->timestamps().url(), std::chrono::seconds(5));
  auto extended = signing::extend_to_lta(certified(), tsa, world().trust());
  ASSERT_TRUE(extended) << extended.error().message;
  const auto changes = changes_after_certification(*extended);
  for (const auto& c : changes) EXPECT_TRUE(c.allowed()) << c.detail;
  EXPECT_TRUE(has(changes, ChangeKind::validation_data));
  EXPECT_TRUE(has(changes, ChangeKind::timestamp));
  const Bytes page = update_with(certified(), [](PdfMemDocument& doc) { doc.CreatePage(PdfRect(0, 0, 595, 842)); });
  const auto page_changes = changes_after_certification(page);
  EXPECT_TRUE(std::any_of(page_changes.begin(), page_changes.end(), [](const LaterChange& c) { return !c.allowed(); }));
}

// What another signing tool writes beside its signature (pyHanko: its name in /Producer, the
// XMP packet kept in step, /Extensions and /Version in the catalog) is allowed; what a reader
// would see otherwise is not.
TEST(DiffAnalysis, WhatAnotherSigningToolDeclaresIsAllowedNothingMore) {
  auto info = [](PdfMemDocument& doc) { return doc.GetObjects().GetObject(doc.GetTrailer()->GetDictionary().GetKey("Info")->GetReference()); };
  const auto producer = changes_after_certification(update_with(certified(), [&](PdfMemDocument& doc) {
    info(doc)->GetDictionary().AddKey("Producer", PdfString("IPT Dossiers (PoDoFo 0.9.8); pyHanko 0.25.1"));
  }));
  ASSERT_EQ(producer.size(), 1u);
  EXPECT_TRUE(producer[0].allowed()) << producer[0].detail;
  const auto title = changes_after_certification(update_with(certified(), [&](PdfMemDocument& doc) {
    info(doc)->GetDictionary().AddKey("Title", PdfString("Autre titre"));
  }));
  ASSERT_EQ(title.size(), 1u);
  EXPECT_FALSE(title[0].allowed());
  // The same title in PDFDocEncoding (as pyHanko rewrites it) is the same title.
  const auto reencoded = changes_after_certification(update_with(certified(), [&](PdfMemDocument& doc) {
    const std::string pdfdoc = "Annexe 4 \x85 Bilan d\x90int\xe9gration";
    ASSERT_EQ(info(doc)->GetDictionary().GetKey("Title")->GetString().GetStringUtf8(), "Annexe 4 – Bilan d’intégration");
    info(doc)->GetDictionary().AddKey("Title", PdfString(pdfdoc.data(), static_cast<pdf_long>(pdfdoc.size())));
    info(doc)->GetDictionary().AddKey("Producer", PdfString("pyHanko 0.25.1"));
  }));
  for (const auto& c : reencoded) EXPECT_TRUE(c.allowed()) << c.detail;

  const auto extensions = changes_after_certification(update_with(certified(), [](PdfMemDocument& doc) {
    PdfDictionary esic;
    esic.AddKey("BaseVersion", PdfName("1.7"));
    esic.AddKey("ExtensionLevel", PdfVariant(static_cast<pdf_int64>(2)));
    PdfDictionary declared;
    declared.AddKey("ESIC", esic);
    doc.GetCatalog()->GetDictionary().AddKey("Extensions", declared);
  }));
  ASSERT_EQ(extensions.size(), 1u);
  EXPECT_TRUE(extensions[0].allowed()) << extensions[0].detail;
  const auto open_action = changes_after_certification(update_with(certified(), [](PdfMemDocument& doc) {
    doc.GetCatalog()->GetDictionary().AddKey("OpenAction", PdfArray());
  }));
  ASSERT_EQ(open_action.size(), 1u);
  EXPECT_FALSE(open_action[0].allowed());

  auto rewrite_xmp = [](const std::string& packet) {
    return update_with(certified(), [&](PdfMemDocument& doc) {
      PdfObject* xmp = doc.GetObjects().GetObject(doc.GetCatalog()->GetDictionary().GetKey("Metadata")->GetReference());
      xmp->GetStream()->Set(packet.data(), static_cast<pdf_long>(packet.size()));
    });
  };
  const auto kept_in_step = changes_after_certification(rewrite_xmp(
      "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/><?xpacket end=\"r\"?>"));
  ASSERT_EQ(kept_in_step.size(), 1u);
  EXPECT_TRUE(kept_in_step[0].allowed()) << kept_in_step[0].detail;
  const auto malformed = changes_after_certification(rewrite_xmp("<x:xmpmeta><rdf:RDF></x:xmpmeta>"));
  ASSERT_EQ(malformed.size(), 1u);
  EXPECT_FALSE(malformed[0].allowed());
  EXPECT_NE(malformed[0].detail.find("XMP mal formées"), std::string::npos) << malformed[0].detail;
}

}  // namespace
}  // namespace ipt::test
