#pragma once
// Any number of varied, valid dossiers for the benchmarks and the tests: the n-th dossier is
// one of the shipped examples (every procedure, an adult pupil, unfavourable opinions, a
// concertation in disagreement), taken in turn, with its own reference, pupil (names with
// accents, compound surnames), birth date within the same month (so that an adult stays
// adult), national number with its check digits, and, one dossier in three, long texts
// (protocol sections, the CPMS's written opinion, motivations) that wrap over more lines.
// Deterministic: the same index and seed give the same dossier.
//
// The signatories (and the parents who sign) stay those of the example, so that a
// benchmark signs 10,000 dossiers with the keys of a few people, each key opened once; set
// `vary_signatories` to give every dossier its own parents.
#include <cstddef>
#include <string>

namespace ipt::bench {

struct GeneratorOptions {
  unsigned seed = 1;
  bool long_texts = true;
  bool vary_signatories = false;
};

struct GeneratedDossier {
  std::string reference;  // "PT-LIEGE-2026-G0000042"
  std::string example;    // the example it varies: "c-fin-integration"
  std::string xml;
};

GeneratedDossier generate_dossier(size_t index, const GeneratorOptions& options = {});

// How many examples the series cycles through.
size_t example_count();

}  // namespace ipt::bench
