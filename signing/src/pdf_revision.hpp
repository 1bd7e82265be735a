#pragma once
// One incremental revision of a PDF (private to signing): fills, locks, a signature dictionary
// with room for its CMS, validation data. Written straight from the file's bytes (pdf_object.hpp):
// only the objects a revision reads are parsed, only those it changes are written, after the
// untouched earlier revisions, with a cross-reference section of their own that points back
// at the previous one (classic table or stream).
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/signing/pades.hpp"

namespace ipt::signing::detail {

// What the new signature dictionary says.
struct SignatureSpec {
  bool document_timestamp = false;         // /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161
  std::string field;                       // existing empty field; for a timestamp, a new invisible one
  std::chrono::system_clock::time_point time;
  std::string name, reason, location;      // UTF-8
  bool certify = false;                    // DocMDP P=2
  // FieldMDP /Include: the check boxes (choices) this signature locks. Text fields it locks
  // are made read-only instead (PdfRevision::lock): pyHanko 0.25.1's difference analysis
  // rejects every later revision for a FieldMDP-locked field with an appearance stream that
  // the revision before did not write (its in-place appearance rule), so a text field listed
  // here would make a valid document look tampered with.
  std::vector<std::string> lock_fields;
  std::vector<std::string> appearance_lines;  // visible signature; empty: keep the box as it is
  size_t reserved_bytes = 16384;
};

// The written revision: the file, where its /Contents placeholder is, and the digest of the
// byte range around it.
struct WrittenRevision {
  Bytes pdf;
  size_t contents_offset = 0;
  size_t contents_length = 0;
  Bytes digest;
};

class PdfRevision {
 public:
  // Checks the file's structure (no object streams, no encryption) and reads its trailer and
  // catalog for an incremental update. `pdf` is read in place, not copied: it must stay alive and unchanged
  // as long as the PdfRevision (a 10 MB document is then held once, not four times).
  static core::Result<PdfRevision> open(const Bytes& pdf);
  ~PdfRevision();
  PdfRevision(PdfRevision&&) noexcept;
  PdfRevision& operator=(PdfRevision&&) noexcept;

  // The names of fields that hold a value now (text with a non-empty value, choice not Off).
  std::vector<std::string> filled_fields() const;
  // Every non-signature field's value by name: a text's value, a check box's state ("" when
  // off), and for a choice ("avis_cpms") the option that is on.
  std::map<std::string, std::string> values() const;
  // The non-signature fields not yet read-only.
  std::vector<std::string> unlocked_fields() const;
  // Sets a choice's option ("avis_cpms" = "favorable": the check box avis_cpms.favorable on,
  // the others off), a check box's state, or a text field's value (wrapped in a multi-line
  // field), with its appearance. Objects whose value does not change are not rewritten.
  core::Result<void> fill(const FieldFill& fill);
  // Makes the named fields (a choice: all its check boxes) read-only, in this revision;
  // returns the names among them that are choices or check boxes, for the FieldMDP lock.
  std::vector<std::string> lock(const std::vector<std::string>& names);
  // Adds the signature dictionary (and for a timestamp its invisible field).
  core::Result<void> add_signature(const SignatureSpec& spec);
  // Merges validation data into the catalog's /DSS.
  core::Result<void> add_validation_data(const ValidationData& data);
  // Writes the revision; for a signature, fills in /ByteRange and hashes it.
  core::Result<WrittenRevision> write();

 private:
  struct Impl;
  explicit PdfRevision(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes the hex of `cms` into the /Contents placeholder of `pdf` (at `contents_offset`,
// `contents_length` bytes including '<' and '>'), in place; fails when it does not fit.
core::Result<void> write_contents(Bytes& pdf, size_t contents_offset, size_t contents_length, const Bytes& cms);

// "D:20261129120000+00'00'"
std::string pdf_date(std::chrono::system_clock::time_point t);

}  // namespace ipt::signing::detail
