#pragma once
// The verdicts this process reached on documents it verified (private to signing), so that
// a document that grows by one revision is checked once: the new revision's signature and
// what it changed, not every earlier signature again (verifier.cpp). Keyed by what the
// verdict depends on: the document's bytes up to a revision's end (SHA-256) and the options
// (trust anchors, online revocation). Bounded (the most recent entries) and aged: a verdict
// older than ten minutes is not reused, so that a long-running server sees a revocation.
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ipt/signing/verifier.hpp"
#include "pdf_signatures.hpp"

namespace ipt::signing::detail {

struct CachedVerification {
  VerificationReport report;
  // For each of report.signatures: the fields read-only in its signed revision, which its
  // judgement of later revisions needs.
  std::vector<std::set<std::string>> read_only;
  // For each of report.signatures: its signature dictionary as read, so that a later
  // revision that leaves that object alone does not have it parsed again.
  std::vector<SignatureEntry> entries;
};

// The part of the key that comes from the options.
std::string options_key(const VerifyOptions& options);

class VerificationCache {
 public:
  static VerificationCache& process();

  std::shared_ptr<const CachedVerification> find(const std::string& key);
  void put(const std::string& key, std::shared_ptr<const CachedVerification> entry);

  static constexpr size_t capacity = 64;
  static constexpr std::chrono::minutes max_age{10};

  struct Impl;

 private:
  VerificationCache();
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipt::signing::detail
