#include "ipt/signing/verifier.hpp"
#include "ipt/core/files.hpp"


#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>

#include "cms_validation.hpp"
#include "diff_analysis.hpp"
#include "pdf_signatures.hpp"
#include "pdf_structure.hpp"
#include "prefix_digests.hpp"
#include "revocation_check.hpp"
#include "verification_cache.hpp"

// The PDF half of verification: the file's revisions, each signature's byte range and what
// it covers, the /DSS, the PAdES level, and what later revisions changed. The CMS half
// (integrity, signature value, timestamps, chain, revocation) is in cms_validation.cpp.

namespace ipt::signing {

using namespace detail;

namespace {

std::atomic<size_t> signatures_checked{0}, documents_whole{0}, documents_incremental{0}, documents_cached{0},
    revocations_rechecked{0};

std::string iso(TimePoint t) { return core::format_utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

void add(SignatureVerdict& v, ProblemCode code, std::string detail = {}) { v.problems.push_back({code, std::move(detail)}); }

// Bytes after the last complete revision: white space is tolerated; a cut signature
// revision (its dictionary is there, its %%EOF is not) or anything else is reported.
std::optional<Problem> trailing_bytes_problem(const Bytes& pdf, size_t end) {
  const std::string_view rest(reinterpret_cast<const char*>(pdf.data()) + end, pdf.size() - end);
  if (rest.find_first_not_of(" \t\r\n\f", 0) == std::string_view::npos) return std::nullopt;
  const std::string size = std::to_string(rest.size()) + " octets après l’octet " + std::to_string(end);
  if (rest.find("/ByteRange") != std::string_view::npos || rest.find("/Sig") != std::string_view::npos) {
    return Problem{ProblemCode::file_truncated_signature, size};
  }
  return Problem{ProblemCode::file_trailing_data, size};
}

// The byte range: two ranges around /Contents, inside the file, the gap a hex string.
bool byte_range_well_formed(const std::vector<size_t>& br, const Bytes& pdf) {
  return br.size() == 4 && br[0] == 0 && br[1] < br[2] && br[2] <= pdf.size() && br[3] <= pdf.size() - br[2] &&
         pdf[br[1]] == '<' && pdf[br[2] - 1] == '>';
}

// The 1-based revisions that wrote the /DSS object: they decide B-LT, and document
// timestamps after them B-LTA.
std::vector<size_t> dss_revisions(PdfObjects& doc, const std::vector<Revision>& revisions) {
  std::vector<size_t> out;
  const PdfValue* catalog = doc.catalog();
  const PdfValue* d = catalog ? catalog->find("DSS") : nullptr;
  if (!d || !d->reference()) return out;
  const int number = d->reference()->number;
  for (size_t i = 0; i < revisions.size(); ++i) {
    if (revisions[i].objects.contains(number)) out.push_back(i + 1);
  }
  return out;
}

size_t first_after(const std::vector<size_t>& revisions, size_t revision) {
  for (size_t r : revisions) {
    if (r > revision) return r;
  }
  return 0;
}

struct Document {
  const Bytes& pdf;
  const std::vector<Revision>& revisions;
  const std::vector<size_t>& dss_revisions;
};

// What later revisions changed, judged for `v` (signed in a revision where `read_only` were
// read-only), from revision index `first_later` on; forbidden changes become its problems.
void judge_later_revisions(SignatureVerdict& v, RevisionHistory& history, size_t first_later, const std::set<std::string>& read_only) {
  auto changes = history.changes(first_later, v.locked_fields, read_only);
  if (!changes) {
    add(v, ProblemCode::changes_unreadable, changes.error().message);
    return;
  }
  for (auto& c : *changes) {
    if (!c.allowed()) add(v, c.problem.value_or(ProblemCode::change_forbidden), c.detail);
    v.later_changes.push_back(std::move(c));
  }
}

// Every check of one signature; `read_only` receives the fields read-only in its revision.
SignatureVerdict verify_entry(const SignatureEntry& e, const Document& d, const CmsContext& context, RevisionHistory& history,
                              std::set<std::string>& read_only) {
  SignatureVerdict v;
  v.field = e.field;
  v.document_timestamp = e.type == "DocTimeStamp";
  v.subfilter = e.subfilter;
  v.byte_range = e.byte_range;
  v.claimed_time = e.claimed_time;
  v.certification = e.certification;
  v.locked_fields = e.locked_fields;
  const auto& br = e.byte_range;
  if (!byte_range_well_formed(br, d.pdf)) {
    add(v, ProblemCode::byte_range_invalid);
    return v;
  }
  const size_t end = br[2] + br[3];
  v.covers_whole_file = end == d.revisions.back().end;
  for (size_t i = 0; i < d.revisions.size(); ++i) {
    if (d.revisions[i].end == end) {
      v.covers_revision = true;
      v.revision = i + 1;
    }
  }
  if (!v.covers_revision) add(v, ProblemCode::byte_range_gap);
  auto contents = from_hex(std::string_view(reinterpret_cast<const char*>(d.pdf.data() + br[1] + 1), br[2] - br[1] - 2));
  if (!contents) {
    add(v, ProblemCode::contents_unreadable);
    return v;
  }
  ++signatures_checked;
  if (v.document_timestamp) {
    validate_document_timestamp(*contents, d.pdf, br, context, v);
  } else {
    const auto findings = validate_signature_cms(*contents, d.pdf, br, context, v);
    if (findings.baseline_attributes) {
      v.level = Level::b_b;
      if (v.timestamp_valid) v.level = Level::b_t;
      if (v.level == Level::b_t && findings.revocation_all_from_dss && first_after(d.dss_revisions, v.revision) != 0) {
        v.level = Level::b_lt;
      }
    }
  }
  // Later revisions: only what the signature allows.
  if (v.covers_revision) {
    auto fields = history.read_only_after(v.revision - 1);
    if (!fields) {
      add(v, ProblemCode::changes_unreadable, fields.error().message);
    } else {
      read_only = *std::move(fields);
      if (v.revision < d.revisions.size()) judge_later_revisions(v, history, v.revision, read_only);
    }
  }
  return v;
}

// SHA-256 of the bytes up to each revision's end.
std::vector<std::string> prefix_digests(const PrefixDigests& hashed, const std::vector<Revision>& revisions) {
  std::vector<std::string> out;
  out.reserve(revisions.size());
  for (const auto& r : revisions) out.push_back(to_hex(hashed.of_first(r.end)));
  return out;
}

// The verdict reached earlier on the same bytes up to `base_revisions`, reused for the
// signatures it covers when nothing since then asks for a full verification: the later
// revisions add no validation data (which changes the revocation sources and levels of the
// earlier signatures) and remove no signature.
const SignatureVerdict* earlier_verdict(const CachedVerification& base, const SignatureEntry& e, size_t& index) {
  for (size_t i = 0; i < base.report.signatures.size(); ++i) {
    const auto& v = base.report.signatures[i];
    if (v.field == e.field && v.byte_range == e.byte_range) {
      index = i;
      return &v;
    }
  }
  return nullptr;
}

void conclude(VerificationReport& report, const std::vector<size_t>& dss_at) {
  // B-LTA: a valid document timestamp added after the DSS that made the signature B-LT.
  for (auto& v : report.signatures) {
    if (v.level != Level::b_lt) continue;
    const size_t dss_revision = first_after(dss_at, v.revision);
    for (const auto& t : report.signatures) {
      if (t.document_timestamp && t.timestamp_valid && t.revision > dss_revision) v.level = Level::b_lta;
    }
  }
  Indication overall = report.signatures.empty() ? Indication::invalid : indication_of(report.problems);
  for (auto& v : report.signatures) {
    v.indication = indication_of(v.problems);
    overall = worst(overall, v.indication);
  }
  report.indication = overall;
}

core::Result<VerificationReport> verify_unchecked(const Bytes& pdf, const VerifyOptions& options) {
  if (pdf.size() > options.max_bytes) return core::fail("fichier trop volumineux pour être vérifié");
  // The same bytes verified a moment ago with the same options: the same verdict, found from
  // the file's digest before any scanning (a batch reads a document's status again after each
  // of its signatures). A verdict is kept under the digest of the bytes up to the last
  // %%EOF, which is the whole file's when nothing follows it.
  auto& cache = VerificationCache::process();
  const std::string options_part = options_key(options);
  const PrefixDigests hashed(pdf);
  const std::string whole_digest = to_hex(hashed.whole());
  // A verdict is kept under the digest of its complete revisions, which the bytes verified
  // then may have followed with blanks: the report describes these bytes.
  const auto as_these_bytes = [&](VerificationReport report) {
    report.sha256 = whole_digest;
    report.size = pdf.size();
    return report;
  };
  if (options.reuse_verdicts) {
    if (auto hit = cache.find(options_part + whole_digest)) {
      ++documents_cached;
      return as_these_bytes(hit->report);
    }
  }
  IPT_TRY(revisions, scan_revisions(pdf));
  if (revisions->size() > 200) return core::fail("trop de révisions (" + std::to_string(revisions->size()) + ")");
  VerificationReport report;
  report.size = pdf.size();
  report.revisions = revisions->size();
  // Only the complete revisions are parsed: what follows the last %%EOF is reported, never
  // silently read (or silently dropped).
  const size_t complete = revisions->back().end;
  if (auto p = trailing_bytes_problem(pdf, complete)) report.problems.push_back(*p);
  const auto digests = prefix_digests(hashed, *revisions);
  report.sha256 = whole_digest;

  // The complete revisions verified a moment ago, when what follows them is blank.
  const bool cacheable = report.problems.empty();
  if (cacheable && options.reuse_verdicts && complete != pdf.size()) {
    if (auto hit = cache.find(options_part + digests.back())) {
      ++documents_cached;
      return as_these_bytes(hit->report);
    }
  }
  std::shared_ptr<const CachedVerification> base;
  size_t base_revisions = 0;
  for (size_t k = revisions->size() - 1; cacheable && options.reuse_verdicts && k > 0; --k) {
    if ((base = cache.find(options_part + digests[k - 1]))) {
      base_revisions = k;
      break;
    }
  }

  // The document's last state, read from the bytes as far as the verdict needs; the revision
  // history reads the earlier states from the same parsed objects.
  auto parsed = std::make_shared<ParsedObjects>();
  PdfObjects doc(as_text(pdf).substr(0, complete), *revisions, revisions->size() - 1, parsed);
  if (!doc.catalog() || !doc.catalog()->dictionary()) return core::fail("PDF illisible (catalogue /Root introuvable)");
  // The signature dictionaries the earlier verdict read, and that no later revision rewrote.
  std::set<int> rewritten;
  for (size_t r = base_revisions; base && r < revisions->size(); ++r) {
    for (const auto& [number, offset] : (*revisions)[r].objects) rewritten.insert(number);
    rewritten.insert((*revisions)[r].freed.begin(), (*revisions)[r].freed.end());
  }
  const KnownSignature known = [&](int object, const std::string& field) -> const SignatureEntry* {
    if (!base || rewritten.contains(object)) return nullptr;
    for (const auto& e : base->entries) {
      if (e.value_object == object && e.field == field) return &e;
    }
    return nullptr;
  };
  const auto entries = find_signatures(doc, known);
  const ValidationPool pool = read_dss(doc);
  std::vector<X509Ptr> anchors;
  for (const auto& der : options.trust_anchors) {
    IPT_TRY(c, parse_certificate(der));
    anchors.push_back(std::move(*c));
  }
  const auto dss_at = dss_revisions(doc, *revisions);
  // Validation data added since: the earlier signatures' revocation is checked again against
  // it (their levels may rise to B-LT), nothing else of theirs.
  const bool new_dss = base && std::any_of(dss_at.begin(), dss_at.end(), [&](size_t r) { return r > base_revisions; });
  if (base) {
    size_t reused = 0, unused = 0;
    for (const auto& e : entries) reused += earlier_verdict(*base, e, unused) != nullptr;
    if (reused != base->report.signatures.size()) base.reset();
  }
  const Document document{pdf, *revisions, dss_at};
  const CmsContext context{anchors, pool, options, &hashed};
  RevisionHistory history(pdf, *revisions, parsed);
  size_t revalidated = 0;
  auto cached = std::make_shared<CachedVerification>();
  for (const auto& e : entries) {
    size_t index = 0;
    const SignatureVerdict* earlier = base ? earlier_verdict(*base, e, index) : nullptr;
    if (!earlier) {
      std::set<std::string> read_only;
      report.signatures.push_back(verify_entry(e, document, context, history, read_only));
      cached->read_only.push_back(std::move(read_only));
      cached->entries.push_back(e);
      continue;
    }
    // Checked once already: only what the new revisions changed is judged.
    SignatureVerdict v = *earlier;
    v.covers_whole_file = e.byte_range[2] + e.byte_range[3] == revisions->back().end;
    if (new_dss && !v.document_timestamp && v.level) {
      const auto& br = e.byte_range;
      auto contents = from_hex(std::string_view(reinterpret_cast<const char*>(pdf.data() + br[1] + 1), br[2] - br[1] - 2));
      const bool all_from_dss = contents && revalidate_revocation(*contents, context, v);
      v.level = v.timestamp_valid ? Level::b_t : Level::b_b;
      if (v.level == Level::b_t && all_from_dss && first_after(dss_at, v.revision) != 0) v.level = Level::b_lt;
      ++revalidated;
    }
    if (v.covers_revision) judge_later_revisions(v, history, base_revisions, base->read_only[index]);
    report.signatures.push_back(std::move(v));
    cached->read_only.push_back(base->read_only[index]);
    cached->entries.push_back(e);
  }
  conclude(report, dss_at);
  ++(base ? documents_incremental : documents_whole);
  revocations_rechecked += revalidated;
  if (cacheable && options.remember_verdict) {
    cached->report = report;
    // When no signature's revocation status depends on going online (every signature at
    // B-LT or above, its statuses from the /DSS; document timestamps have none), the verdict
    // is the same online or offline: kept for both, so that a later offline reading of a
    // completed document (status, archive) finds it.
    const bool revocation_from_document = std::all_of(report.signatures.begin(), report.signatures.end(), [](const SignatureVerdict& v) {
      return v.document_timestamp || v.level == Level::b_lt || v.level == Level::b_lta;
    });
    if (revocation_from_document) {
      VerifyOptions other = options;
      other.online_revocation = !options.online_revocation;
      cache.put(options_key(other) + digests.back(), cached);
    }
    cache.put(options_part + digests.back(), std::move(cached));
  }
  return report;
}

}  // namespace

VerificationCounters verification_counters() {
  return {signatures_checked.load(), documents_whole.load(), documents_incremental.load(), documents_cached.load(),
          revocations_rechecked.load(), ocsp_responses_checked()};
}

core::Result<VerificationReport> verify_pdf(const Bytes& pdf, const VerifyOptions& options) {
  // Hostile input: whatever the standard library throws on it (memory) is an unreadable file.
  try {
    return verify_unchecked(pdf, options);
  } catch (const std::exception& e) {
    return core::fail(std::string("PDF illisible (") + e.what() + ")");
  }
}

namespace {

nlohmann::json problems_json(const std::vector<Problem>& problems) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : problems) out.push_back({{"code", code(p.code)}, {"indication", code(indication_of(p.code))}, {"message", p.to_french()}});
  return out;
}

}  // namespace

std::string report_json(const VerificationReport& report) {
  nlohmann::json signatures = nlohmann::json::array();
  for (const auto& v : report.signatures) {
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : v.later_changes) {
      changes.push_back({{"type", code(c.kind)}, {"detail", c.detail}, {"permis", c.allowed()}});
    }
    signatures.push_back({
        {"champ", v.field},
        {"type", v.document_timestamp ? "horodatage-document" : "signature"},
        {"subfilter", v.subfilter},
        {"signataire", v.signer},
        {"organisation", v.organisation},
        {"certificat_sha256", v.certificate.empty() ? "" : to_hex(sha256(v.certificate))},
        {"date_declaree", v.claimed_time ? nlohmann::json(iso(*v.claimed_time)) : nlohmann::json(nullptr)},
        {"date_horodatage", v.timestamp_time ? nlohmann::json(iso(*v.timestamp_time)) : nlohmann::json(nullptr)},
        {"plage_octets", v.byte_range},
        {"revision", v.revision},
        {"couvre_une_revision", v.covers_revision},
        {"couvre_tout_le_fichier", v.covers_whole_file},
        {"integre", v.intact},
        {"signature_valide", v.signature_valid},
        {"chaine_de_confiance", v.chain_trusted},
        {"probleme_chaine", v.chain_problem},
        {"ancre_de_confiance_sha256", v.trust_anchor_sha256},
        {"revocation", code(v.revocation)},
        {"source_revocation", code(v.revocation_source)},
        {"horodatage_present", v.timestamp_present},
        {"horodatage_valide", v.timestamp_valid},
        {"niveau_pades", v.level ? nlohmann::json(code(*v.level)) : nlohmann::json(nullptr)},
        {"certification", v.certification},
        {"champs_verrouilles", v.locked_fields},
        {"modifications_ulterieures", changes},
        {"problemes", problems_json(v.problems)},
        {"indication", code(v.indication)},
        {"valide", v.valid()},
    });
  }
  return nlohmann::json{{"taille", report.size},
                        {"sha256", report.sha256},
                        {"revisions", report.revisions},
                        {"signatures", signatures},
                        {"problemes", problems_json(report.problems)},
                        {"indication", code(report.indication)},
                        {"valide", report.valid()}}
      .dump(2);
}

}  // namespace ipt::signing
