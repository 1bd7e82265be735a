// What the signing step will do first: PoDoFo 0.9.8 loads a rendered form for an
// incremental update, finds the empty signature fields by name, and appends an update
// that qpdf still finds clean.
#include <gtest/gtest.h>
#include <podofo/podofo.h>

#include <fstream>
#include <map>

#include "fixtures.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::templates {
namespace {

using namespace PoDoFo;

std::map<std::string, const PdfObject*> fields_by_name(PdfMemDocument& doc) {
  std::map<std::string, const PdfObject*> out;
  const PdfObject* acroform = doc.GetCatalog()->GetIndirectKey("AcroForm");
  if (acroform == nullptr) return out;
  const PdfObject* fields = acroform->GetIndirectKey("Fields");
  for (const auto& ref : fields->GetArray()) {
    const PdfObject* field = doc.GetObjects().GetObject(ref.GetReference());
    out[field->GetDictionary().GetKey("T")->GetString().GetStringUtf8()] = field;
  }
  return out;
}

TEST(PodofoReadback, SignatureFieldsAreFoundEmptyAndAnUpdateStaysClean) {
  const auto* def = testing::fixture_renderer().templates().find("annexe-2c");
  const auto pdf = testing::fixture_renderer().render(*def, testing::fixture_fields(), testing::fixed_options());
  ASSERT_TRUE(pdf) << pdf.error().message;
  test::TempDir tmp;
  const auto path = tmp / "annexe-2c.pdf";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(pdf->data()), static_cast<std::streamsize>(pdf->size()));

  PdfMemDocument doc;
  doc.Load(path.c_str(), true);
  const auto fields = fields_by_name(doc);
  for (const char* name : {"sig_pole", "sig_ecole_ordinaire", "sig_cpms", "sig_responsable"}) {
    ASSERT_TRUE(fields.contains(name)) << name;
    const PdfDictionary& d = fields.at(name)->GetDictionary();
    EXPECT_EQ(d.GetKey("FT")->GetName().GetName(), "Sig") << name;
    EXPECT_FALSE(d.HasKey("V")) << name << " must be left for the signer";
    const PdfArray& rect = d.GetKey("Rect")->GetArray();
    EXPECT_GT(rect[2].GetReal() - rect[0].GetReal(), 100) << name;
    EXPECT_GT(rect[3].GetReal() - rect[1].GetReal(), 40) << name;
    EXPECT_TRUE(d.GetKey("AP")->GetDictionary().HasKey("N")) << name;
  }
  EXPECT_EQ(fields.at("eleve_nom_prenom")->GetDictionary().GetKey("V")->GetString().GetStringUtf8(), "Dubœuf Léa");

  // An incremental update, as the signer appends one per signatory: a value filled in and a
  // new object (the signer always adds one, its signature dictionary). PoDoFo 0.9.8 writes
  // the update's /Size as its highest object number + 1, so an update that only changes
  // existing objects gets a /Size qpdf warns about: the signer must not write such updates.
  PdfObject* filled = doc.GetObjects().GetObject(fields.at("signataire_cpms")->Reference());
  filled->GetDictionary().AddKey("V", PdfString(reinterpret_cast<const pdf_utf8*>("Jérôme Nguyen")));
  PdfObject* added = doc.GetObjects().CreateObject();
  added->GetDictionary().AddKey("Type", PdfName("Sig"));
  filled->GetDictionary().AddKey("IPTTest", added->Reference());
  doc.WriteUpdate(path.c_str());
  const auto check = test::run_process({IPT_QPDF, "--check", path.string()});
  EXPECT_EQ(check.status, 0) << check.out << check.err;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::string updated(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(updated.data(), static_cast<std::streamsize>(updated.size()));
  ASSERT_GT(updated.size(), pdf->size());
  EXPECT_EQ(updated.compare(0, pdf->size(), std::string(pdf->begin(), pdf->end())), 0) << "the original bytes must stay";
}

}  // namespace
}  // namespace ipt::templates
