#include "pdf_document.hpp"

#include <podofo/podofo.h>

#include <cstdio>
#include <ctime>

#include "deflate.hpp"
#include "win_ansi.hpp"

namespace ipt::templates {

namespace {

using namespace PoDoFo;

constexpr const char* producer = "IPT Dossiers (PoDoFo 0.9.8)";
constexpr const char* creator_tool = "IPT Dossiers";

PdfString utf8_string(const std::string& text) { return PdfString(reinterpret_cast<const pdf_utf8*>(text.c_str())); }

PdfArray rect_array(const Rect& r) {
  PdfArray a;
  a.push_back(PdfVariant(r.x));
  a.push_back(PdfVariant(r.y));
  a.push_back(PdfVariant(r.x + r.w));
  a.push_back(PdfVariant(r.y + r.h));
  return a;
}

void set_raw_deflated(PdfObject* object, const std::string& deflated) {
  PdfMemoryInputStream in(deflated.data(), static_cast<pdf_long>(deflated.size()));
  object->GetStream()->SetRawData(&in, static_cast<pdf_long>(deflated.size()));
  object->GetDictionary().AddKey("Filter", PdfName("FlateDecode"));
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// Info and XMP carry the same instant, in UTC, in the forms PDFBox Preflight accepts.
std::string utc(std::chrono::sys_seconds t, const char* pattern) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, pattern, &tm);
  return buf;
}
std::string pdf_date(std::chrono::sys_seconds t) { return utc(t, "D:%Y%m%d%H%M%SZ"); }
std::string xmp_date(std::chrono::sys_seconds t) { return utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

std::string xmp_packet(const PdfMetadata& m) {
  const std::string conformance = m.pdfa_part == 1 ? "B" : "U";
  const std::string date = xmp_date(m.created);
  return "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
         "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
         " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
         "  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
         "   <pdfaid:part>" + std::to_string(m.pdfa_part) + "</pdfaid:part>\n"
         "   <pdfaid:conformance>" + conformance + "</pdfaid:conformance>\n"
         "  </rdf:Description>\n"
         "  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
         "   <dc:format>application/pdf</dc:format>\n"
         "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(m.title) + "</rdf:li></rdf:Alt></dc:title>\n"
         "   <dc:language><rdf:Bag><rdf:li>fr-BE</rdf:li></rdf:Bag></dc:language>\n"
         "  </rdf:Description>\n"
         "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
         "   <xmp:CreateDate>" + date + "</xmp:CreateDate>\n"
         "   <xmp:ModifyDate>" + date + "</xmp:ModifyDate>\n"
         "   <xmp:MetadataDate>" + date + "</xmp:MetadataDate>\n"
         "   <xmp:CreatorTool>" + creator_tool + "</xmp:CreatorTool>\n"
         "  </rdf:Description>\n"
         "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
         "   <pdf:Producer>" + producer + "</pdf:Producer>\n"
         "  </rdf:Description>\n"
         " </rdf:RDF>\n"
         "</x:xmpmeta>\n"
         "<?xpacket end=\"w\"?>";
}

// A simple TrueType font with WinAnsiEncoding over the cached, already compressed program.
PdfObject* add_font(PdfVecObjects& objects, const FontProgram& font, PdfObject* to_unicode) {
  PdfObject* file = objects.CreateObject();
  set_raw_deflated(file, font.font_file);
  file->GetDictionary().AddKey("Length1", PdfVariant(static_cast<pdf_int64>(font.font_file_length)));

  PdfObject* descriptor = objects.CreateObject("FontDescriptor");
  auto& d = descriptor->GetDictionary();
  d.AddKey("FontName", PdfName(font.base_font));
  d.AddKey("Flags", PdfVariant(static_cast<pdf_int64>(32)));  // nonsymbolic: WinAnsi applies
  PdfArray bbox;
  for (const double v : font.bbox) bbox.push_back(PdfVariant(static_cast<pdf_int64>(v)));
  d.AddKey("FontBBox", bbox);
  d.AddKey("ItalicAngle", PdfVariant(static_cast<pdf_int64>(0)));
  d.AddKey("Ascent", PdfVariant(static_cast<pdf_int64>(font.ascent)));
  d.AddKey("Descent", PdfVariant(static_cast<pdf_int64>(font.descent)));
  d.AddKey("CapHeight", PdfVariant(static_cast<pdf_int64>(font.cap_height)));
  d.AddKey("StemV", PdfVariant(static_cast<pdf_int64>(font.stem_v)));
  d.AddKey("FontFile2", file->Reference());

  PdfObject* dict = objects.CreateObject("Font");
  auto& f = dict->GetDictionary();
  f.AddKey("Subtype", PdfName("TrueType"));
  f.AddKey("BaseFont", PdfName(font.base_font));
  f.AddKey("FirstChar", PdfVariant(static_cast<pdf_int64>(32)));
  f.AddKey("LastChar", PdfVariant(static_cast<pdf_int64>(255)));
  PdfArray widths;
  for (std::size_t code = 32; code < 256; ++code) widths.push_back(PdfVariant(static_cast<pdf_int64>(font.widths[code])));
  f.AddKey("Widths", widths);
  f.AddKey("Encoding", PdfName("WinAnsiEncoding"));
  f.AddKey("FontDescriptor", descriptor->Reference());
  f.AddKey("ToUnicode", to_unicode->Reference());
  return dict;
}

PdfObject* form_xobject(PdfVecObjects& objects, double width, double height, const std::string& content,
                        const PdfDictionary& resources) {
  PdfObject* xobject = objects.CreateObject("XObject");
  auto& d = xobject->GetDictionary();
  d.AddKey("Subtype", PdfName("Form"));
  d.AddKey("BBox", rect_array({0, 0, width, height}));
  d.AddKey("Resources", resources);
  // Appearances are a few hundred bytes: left unfiltered, because PoDoFo sets up a fresh
  // zlib state (256 KB, zeroed) for every stream it compresses, which dominated the time.
  xobject->GetStream()->Set(content.data(), static_cast<pdf_long>(content.size()), TVecFilters());
  return xobject;
}

}  // namespace

core::Result<std::vector<std::uint8_t>> write_pdf(const LaidOutDocument& document, const SharedResources& shared,
                                                  const PdfMetadata& metadata) {
  try {
    PdfMemDocument doc;
    PdfVecObjects& objects = doc.GetObjects();

    PdfObject* to_unicode = objects.CreateObject();
    set_raw_deflated(to_unicode, shared.to_unicode_deflated);
    PdfObject* regular = add_font(objects, shared.regular, to_unicode);
    PdfObject* bold = add_font(objects, shared.bold, to_unicode);
    PdfDictionary font_dict;
    font_dict.AddKey("F1", regular->Reference());
    font_dict.AddKey("F2", bold->Reference());
    PdfDictionary resources;
    resources.AddKey("Font", font_dict);

    // PoDoFo's page cache may drop PdfPage wrappers as pages are added: keep the objects.
    std::vector<PdfObject*> pages;
    for (const auto& content : document.pages) {
      PdfPage* page = doc.CreatePage(PdfRect(0, 0, document.page_width, document.page_height));
      set_raw_deflated(page->GetContents(), deflate(content));
      page->GetResources()->GetDictionary().AddKey("Font", font_dict);
      pages.push_back(page->GetObject());
    }

    PdfArray fields;
    std::vector<PdfArray> annots(pages.size());
    std::vector<PdfObject*> groups;
    // A choice ("one of the options") is a parent field whose kids are check boxes named
    // after their option ("avis_cpms.favorable"), not a radio group: a radio group's widgets
    // have no name of their own, and validators with difference analysis (pyHanko) cannot
    // then explain the change of a widget's /AS when the choice is made after a signature.
    // Filling sets one kid on and the others off (signing/src/pdf_revision.cpp).
    for (const auto& group : document.radio_groups) {
      PdfObject* parent = objects.CreateObject();
      auto& d = parent->GetDictionary();
      d.AddKey("T", utf8_string(group.name));
      d.AddKey("Kids", PdfArray());
      fields.push_back(parent->Reference());
      groups.push_back(parent);
    }

    for (const auto& w : document.widgets) {
      PdfObject* page = pages[static_cast<std::size_t>(w.page)];
      PdfObject* widget = objects.CreateObject("Annot");
      auto& d = widget->GetDictionary();
      d.AddKey("Subtype", PdfName("Widget"));
      d.AddKey("Rect", rect_array(w.rect));
      d.AddKey("F", PdfVariant(static_cast<pdf_int64>(4)));  // print
      d.AddKey("P", page->Reference());
      PdfDictionary ap;
      switch (w.kind) {
        case WidgetKind::text: {
          d.AddKey("FT", PdfName("Tx"));
          d.AddKey("T", utf8_string(w.name));
          d.AddKey("V", utf8_string(w.value));
          d.AddKey("DA", PdfString("/F1 10 Tf 0 g"));
          if (w.multiline || w.read_only) {
            d.AddKey("Ff", PdfVariant(static_cast<pdf_int64>((w.multiline ? 1 << 12 : 0) | (w.read_only ? 1 : 0))));
          }
          ap.AddKey("N", form_xobject(objects, w.rect.w, w.rect.h, w.appearance, resources)->Reference());
          fields.push_back(widget->Reference());
          break;
        }
        case WidgetKind::signature: {
          d.AddKey("FT", PdfName("Sig"));
          d.AddKey("T", utf8_string(w.name));
          ap.AddKey("N", form_xobject(objects, w.rect.w, w.rect.h, "q Q\n", PdfDictionary())->Reference());
          fields.push_back(widget->Reference());
          break;
        }
        case WidgetKind::checkbox:
        case WidgetKind::radio: {
          const std::string state = w.selected ? w.on_state : "Off";
          PdfDictionary states;
          states.AddKey(PdfName(w.on_state),
                        form_xobject(objects, w.rect.w, w.rect.h, w.on_appearance, PdfDictionary())->Reference());
          states.AddKey("Off", form_xobject(objects, w.rect.w, w.rect.h, w.off_appearance, PdfDictionary())->Reference());
          ap.AddKey("N", states);
          d.AddKey("AS", PdfName(state));
          d.AddKey("FT", PdfName("Btn"));
          d.AddKey("V", PdfName(state));
          if (w.kind == WidgetKind::checkbox) {
            d.AddKey("T", utf8_string(w.name));
            if (w.read_only) d.AddKey("Ff", PdfVariant(static_cast<pdf_int64>(1)));
            fields.push_back(widget->Reference());
          } else {
            const auto index = static_cast<std::size_t>(w.group);
            PdfObject* parent = groups[index];
            d.AddKey("T", utf8_string(w.on_state));
            if (document.radio_groups[index].read_only) d.AddKey("Ff", PdfVariant(static_cast<pdf_int64>(1)));
            d.AddKey("Parent", parent->Reference());
            parent->GetDictionary().GetKey("Kids")->GetArray().push_back(widget->Reference());
          }
          break;
        }
      }
      d.AddKey("AP", ap);
      annots[static_cast<std::size_t>(w.page)].push_back(widget->Reference());
    }
    for (std::size_t i = 0; i < pages.size(); ++i)
      if (!annots[i].empty()) pages[i]->GetDictionary().AddKey("Annots", annots[i]);

    PdfObject* catalog = doc.GetCatalog();
    auto& c = catalog->GetDictionary();
    PdfObject* acroform = objects.CreateObject();
    acroform->GetDictionary().AddKey("Fields", fields);
    acroform->GetDictionary().AddKey("DA", PdfString("/F1 10 Tf 0 g"));
    acroform->GetDictionary().AddKey("DR", resources);
    c.AddKey("AcroForm", acroform->Reference());

    const std::string xmp = xmp_packet(metadata);
    PdfObject* meta = objects.CreateObject("Metadata");
    meta->GetDictionary().AddKey("Subtype", PdfName("XML"));
    meta->GetStream()->Set(xmp.data(), static_cast<pdf_long>(xmp.size()), TVecFilters());  // PDF/A: unfiltered
    c.AddKey("Metadata", meta->Reference());

    PdfObject* profile = objects.CreateObject();
    set_raw_deflated(profile, shared.icc_profile_deflated);
    profile->GetDictionary().AddKey("N", PdfVariant(static_cast<pdf_int64>(3)));
    PdfObject* intent = objects.CreateObject("OutputIntent");
    intent->GetDictionary().AddKey("S", PdfName("GTS_PDFA1"));
    intent->GetDictionary().AddKey("OutputConditionIdentifier", PdfString("sRGB IEC61966-2.1"));
    intent->GetDictionary().AddKey("Info", PdfString("sRGB IEC61966-2.1"));
    intent->GetDictionary().AddKey("DestOutputProfile", profile->Reference());
    PdfArray intents;
    intents.push_back(intent->Reference());
    c.AddKey("OutputIntents", intents);
    c.AddKey("Lang", PdfString("fr-BE"));
    PdfDictionary prefs;
    prefs.AddKey("DisplayDocTitle", PdfVariant(true));
    c.AddKey("ViewerPreferences", prefs);

    auto& info = doc.GetInfo()->GetObject()->GetDictionary();
    info.AddKey("Title", utf8_string(metadata.title));
    info.AddKey("Producer", PdfString(producer));
    info.AddKey("Creator", PdfString(creator_tool));
    info.AddKey("CreationDate", PdfString(pdf_date(metadata.created)));
    info.AddKey("ModDate", PdfString(pdf_date(metadata.created)));

    doc.SetPdfVersion(metadata.pdfa_part == 1 ? ePdfVersion_1_4 : ePdfVersion_1_7);
    doc.SetWriteMode(ePdfWriteMode_Clean);
    PdfRefCountedBuffer buffer(64 * 1024);
    PdfOutputDevice device(&buffer);
    doc.Write(&device);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(buffer.GetBuffer());
    return std::vector<std::uint8_t>(bytes, bytes + device.GetLength());
  } catch (const PdfError& e) {
    return core::fail(std::string("écriture du PDF impossible (PoDoFo : ") + PdfError::ErrorName(e.GetError()) + ")");
  }
}

}  // namespace ipt::templates
