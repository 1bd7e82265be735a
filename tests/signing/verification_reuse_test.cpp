// A document that grows by one revision is checked once: the new signature and what its
// revision changed, from the verdict reached on the earlier bytes, never every earlier
// signature again; and what that gives is what a whole verification gives. A forbidden
// change in the new revision is still caught, changed bytes never get the earlier verdict,
// and validation data (/DSS) has the earlier signatures' revocation checked again.
#include <gtest/gtest.h>
#include <podofo/podofo.h>

#include "fixture.hpp"
#include "ipt/signing/timestamp_client.hpp"
#include "openssl_util.hpp"
#include "support/must.hpp"

namespace ipt::test {
namespace {

using namespace PoDoFo;

signing::VerificationCounters delta(const signing::VerificationCounters& before) {
  const auto now = signing::verification_counters();
  return {now.signatures_checked - before.signatures_checked, now.documents_whole - before.documents_whole,
          now.documents_incremental - before.documents_incremental, now.documents_cached - before.documents_cached,
          now.revocations_rechecked - before.revocations_rechecked,
          now.ocsp_responses_checked - before.ocsp_responses_checked};
}

// Options that verify every signature, and keep nothing.
signing::VerifyOptions whole_options(bool online = true) {
  auto options = world().verify_options();
  options.online_revocation = online;
  options.reuse_verdicts = false;
  options.remember_verdict = false;
  return options;
}

TEST(VerificationReuse, EachNewRevisionIsCheckedOnceAndAgreesWithAWholeVerification) {
  const auto options = world().verify_options();
  Bytes current = world().annexe_4;
  size_t checked = 0;
  bool first = true;
  for (const auto& step : signing_steps()) {
    signing::SignatureOptions o;
    o.field = step.field;
    o.level = signing::Level::b_t;
    o.certify = first;
    o.fills = step.fills;
    o.lock_all = &step == &signing_steps().back();
    current = must(sign_as(current, step.credential, o), step.field.c_str());
    const auto before = signing::verification_counters();
    const auto report = must(signing::verify_pdf(current, options), "vérification");
    const auto d = delta(before);
    EXPECT_EQ(d.signatures_checked, 1u) << step.field << ": only the new signature";
    EXPECT_EQ(d.documents_incremental, first ? 0u : 1u) << step.field;
    checked += d.signatures_checked;
    EXPECT_TRUE(report.valid()) << step.field << " " << signing::report_json(report);
    // The same bytes again: the same verdict, nothing checked.
    const auto again = signing::verification_counters();
    EXPECT_EQ(signing::report_json(must(signing::verify_pdf(current, options), "encore")), signing::report_json(report));
    EXPECT_EQ(delta(again).documents_cached, 1u);
    EXPECT_EQ(delta(again).signatures_checked, 0u);
    // A whole verification says exactly the same.
    const auto whole = must(signing::verify_pdf(current, whole_options()), "entière");
    EXPECT_EQ(signing::report_json(whole), signing::report_json(report)) << step.field;
    first = false;
  }
  EXPECT_EQ(checked, 4u);  // not 1 + 2 + 3 + 4
}

TEST(VerificationReuse, AForbiddenChangeInTheNewRevisionIsStillCaught) {
  const auto options = world().verify_options();
  signing::SignatureOptions o;
  o.field = "sig_pole";
  o.certify = true;
  o.keep_open = {"signataire_responsable", "avis_cpms", "avis_ecrit_cpms"};
  const Bytes certified = must(sign_as(world().annexe_4, "pole", o), "pole");
  ASSERT_TRUE(must(signing::verify_pdf(certified, options), "avant").valid());
  const Bytes changed = update_with(certified, [](PdfMemDocument& doc) {
    PdfObject* form = doc.GetObjects().GetObject(doc.GetCatalog()->GetDictionary().GetKey("AcroForm")->GetReference());
    for (const auto& f : form->GetDictionary().GetKey("Fields")->GetArray()) {
      PdfObject* field = doc.GetObjects().GetObject(f.GetReference());
      const PdfObject* t = field->GetDictionary().GetKey("T");
      if (t && t->GetString().GetStringUtf8() == "eleve_nom") field->GetDictionary().AddKey("V", PdfString("Autre nom"));
    }
  });
  const auto before = signing::verification_counters();
  const auto report = must(signing::verify_pdf(changed, options), "après");
  EXPECT_EQ(delta(before).documents_incremental, 1u);
  EXPECT_EQ(delta(before).signatures_checked, 0u);
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_FALSE(report.valid());
  EXPECT_TRUE(report.signatures[0].has(signing::ProblemCode::field_locked_changed)) << signing::report_json(report);
  EXPECT_EQ(signing::report_json(report), signing::report_json(must(signing::verify_pdf(changed, whole_options()), "entière")));
}

TEST(VerificationReuse, ChangedBytesNeverGetTheEarlierVerdict) {
  const auto options = world().verify_options();
  const Bytes signed_pdf = sign_by_all(world().annexe_4, signing::Level::b_b);
  ASSERT_TRUE(must(signing::verify_pdf(signed_pdf, options), "intact").valid());
  Bytes tampered = signed_pdf;
  tampered[tampered.size() / 3] ^= 0x01;
  const auto report = signing::verify_pdf(tampered, options);
  ASSERT_TRUE(!report || !report->valid());
}

// A verdict reused for the same revisions followed by blanks (or no longer followed by them)
// still describes the bytes given: their size and digest, which the archive's manifest takes.
TEST(VerificationReuse, AReusedVerdictDescribesTheBytesGiven) {
  const auto options = world().verify_options();
  const Bytes signed_pdf = sign_by_all(world().annexe_4, signing::Level::b_b);
  const Bytes blanks = [&] {
    Bytes b = signed_pdf;
    for (const char c : std::string("\n\r\n  \n")) b.push_back(static_cast<unsigned char>(c));
    return b;
  }();
  for (const auto& [first, second] : {std::pair{&blanks, &signed_pdf}, std::pair{&signed_pdf, &blanks}}) {
    const auto a = must(signing::verify_pdf(*first, options), "première");
    const auto before = signing::verification_counters();
    const auto b = must(signing::verify_pdf(*second, options), "seconde");
    EXPECT_EQ(delta(before).signatures_checked, 0u) << "the same revisions: the same verdict";
    EXPECT_TRUE(a.valid());
    EXPECT_TRUE(b.valid());
    EXPECT_EQ(b.size, second->size());
    EXPECT_EQ(b.sha256, signing::to_hex(signing::detail::sha256(*second)));
    EXPECT_EQ(a.sha256, signing::to_hex(signing::detail::sha256(*first)));
  }
}

// Validation data and an archive timestamp added: the earlier signatures are not checked
// again, only their revocation against the new /DSS (their level rises to B-LT, then B-LTA),
// and the document timestamp is the one new validation; the verdict is the whole one.
TEST(VerificationReuse, ValidationDataRechecksOnlyTheEarlierSignaturesRevocation) {
  for (const bool online : {true, false}) {
    auto options = world().verify_options();
    options.online_revocation = online;
    const Bytes signed_pdf = sign_by_all(world().annexe_4, signing::Level::b_t);
    ASSERT_TRUE(must(signing::verify_pdf(signed_pdf, options), "B-T").signatures.size() == 4);
    signing::HttpTimestampClient tsa(world().services->timestamps().url(), std::chrono::seconds(5));
    const Bytes extended = must(signing::extend_to_lta(signed_pdf, tsa, world().trust()), "B-LTA");
    const auto before = signing::verification_counters();
    const auto report = must(signing::verify_pdf(extended, options), "B-LTA");
    const auto d = delta(before);
    EXPECT_EQ(d.documents_incremental, 1u);
    EXPECT_EQ(d.documents_whole, 0u);
    EXPECT_EQ(d.signatures_checked, 1u);  // the document timestamp
    EXPECT_EQ(d.revocations_rechecked, 4u);
    EXPECT_TRUE(report.valid()) << signing::report_json(report);
    for (const auto& v : report.signatures) {
      if (!v.document_timestamp) {
        EXPECT_EQ(v.level, signing::Level::b_lta) << v.field;
      }
    }
    EXPECT_EQ(signing::report_json(report), signing::report_json(must(signing::verify_pdf(extended, whole_options(online)), "entière")))
        << "en ligne : " << online;
  }
}

}  // namespace
}  // namespace ipt::test
