// Signing cost (issue 4): one signature on Annexe 4 (2 pages, about 114 KB) in process, with
// RSA-2048 and ECDSA P-256, at B-B and at B-T (timestamp from the loopback RFC 3161 server);
// the stages of a B-B signature apart; verification of a document signed by all four
// partners (B-T), without and with online revocation checks (the OCSP responder is local);
// the PKCS#12 opening apart; and the whole `ipt sign` process (posix_spawn of build/app/ipt,
// PKCS#12 written by localpki, password file), on the annex and on a 10 MB form, with the
// child's peak RSS measured by /usr/bin/time in one extra run.
//
// The PKI, the OCSP responder and the timestamp server run on 127.0.0.1 in this process.
// Set IPT_BENCH_DIR to keep the files the process benchmarks use (annex, 10 MB form,
// PKCS#12, password file) in that folder, e.g. for hyperfine or /usr/bin/time -v.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <podofo/podofo.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/pades.hpp"
#include "ipt/signing/verifier.hpp"
#include "pdf_structure.hpp"    // private: the revision scanner
#include "pkcs12_contents.hpp"  // private: its key derivations beside OpenSSL's
#include "support/must.hpp"

extern char** environ;

namespace {

using namespace ipt;
using signing::Bytes;
namespace fs = std::filesystem;

using test::must;

// Every benchmark key is a PKCS#12 opened through the one factory, with the test password.
signing::KeyDescription p12_key(const fs::path& path) {
  return signing::Pkcs12Key{path, signing::SecretSource::given("mot de passe")};
}

void write(const fs::path& path, const Bytes& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Annexe 4 plus a third page showing a 10 MB noise image (uncompressed RGB, as
// incompressible as a scanned attachment), written by PoDoFo as a single revision with a
// classic cross-reference table: still a form with its four empty signature fields.
Bytes make_big_form(const Bytes& annex, size_t image_bytes) {
  using namespace PoDoFo;
  PdfError::EnableLogging(false);
  PdfMemDocument doc;
  doc.LoadFromBuffer(reinterpret_cast<const char*>(annex.data()), static_cast<long>(annex.size()));
  const unsigned width = 1024;
  const unsigned height = static_cast<unsigned>(image_bytes / (3 * width));
  std::string noise(static_cast<size_t>(width) * height * 3, '\0');
  std::mt19937_64 random(42);
  for (size_t i = 0; i + 8 <= noise.size(); i += 8) {
    const auto v = random();
    std::memcpy(noise.data() + i, &v, 8);
  }
  PdfPage* page = doc.CreatePage(PdfPage::CreateStandardPageSize(ePdfPageSize_A4));
  PdfImage image(&doc);
  PdfMemoryInputStream input(noise.data(), static_cast<pdf_long>(noise.size()));
  image.SetImageData(width, height, 8, &input, TVecFilters());  // no filter
  PdfPainter painter;
  painter.SetPage(page);
  painter.DrawImage(40, 40, &image, 500.0 / width, 700.0 / height);
  painter.FinishPage();
  doc.SetWriteMode(ePdfWriteMode_Clean);
  PdfRefCountedBuffer buffer(noise.size() + annex.size() + 65536);
  PdfOutputDevice device(&buffer);
  doc.Write(&device);
  const auto* data = reinterpret_cast<const unsigned char*>(buffer.GetBuffer());
  return Bytes(data, data + device.GetLength());
}

struct World {
  std::unique_ptr<localpki::TrustServices> services;
  fs::path dir;
  bool keep = false;
  Bytes annex;
  Bytes big;
  std::unique_ptr<signing::KeySource> rsa;    // "pole": RSA-2048
  std::unique_ptr<signing::KeySource> ecdsa;  // "ecole-ordinaire": ECDSA P-256
  Bytes four_signatures;                      // B-T by the four partners
  Bytes four_signatures_lt;                   // B-LT: revocation data in the /DSS
  std::vector<Bytes> trust;

  fs::path p12(const std::string& id) const { return dir / (id + ".p12"); }
  fs::path password_file() const { return dir / "mot-de-passe.txt"; }

  World() {
    if (const char* d = std::getenv("IPT_BENCH_DIR"); d && *d) {
      dir = d;
      keep = true;
      fs::create_directories(dir);
    } else {
      std::string pattern = (fs::temp_directory_path() / "ipt-signing-bench.XXXXXX").string();
      if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp");
      dir = pattern;
    }
    localpki::PkiRecipe recipe;
    recipe.signers[localpki::Role::pole].key_type = localpki::KeyType::rsa_2048;
    services = must(localpki::TrustServices::start(recipe), "trust services");
    const auto& pki = services->pki();
    for (const char* id : {"pole", "ecole-ordinaire", "cpms", "responsable"}) {
      must(pki.write_pkcs12(p12(id), id, "mot de passe"), "pkcs12");
    }
    std::ofstream(password_file()) << "mot de passe\n";
    std::ofstream(dir / "root.pem") << pki.root().certificate_pem();
    trust = {pki.root().certificate_der()};
    rsa = must(signing::open_key_source(p12_key(p12("pole"))), "pole.p12");
    ecdsa = must(signing::open_key_source(p12_key(p12("ecole-ordinaire"))), "ecole-ordinaire.p12");

    const auto& renderer = templates::testing::fixture_renderer();
    const auto fields = templates::testing::fixture_fields();
    auto pdf = must(renderer.render(*renderer.templates().find("annexe-4"), fields, templates::testing::fixed_options()),
                    "render");
    annex.assign(pdf.begin(), pdf.end());
    big = make_big_form(annex, 10u << 20);
    write(dir / "annexe-4.pdf", annex);
    write(dir / "annexe-4-10mo.pdf", big);

    four_signatures = sign_by_all(signing::Level::b_t);
    four_signatures_lt = sign_by_all(signing::Level::b_lt);
    write(dir / "annexe-4-quatre-signatures.pdf", four_signatures);
  }

  Bytes sign_by_all(signing::Level level) const {
    signing::HttpTimestampClient tsa(services->timestamps().url());
    struct Step {
      const char* id;
      const char* field;
      std::vector<signing::FieldFill> fills;
    };
    const Step steps[] = {{"pole", "sig_pole", {}},
                          {"ecole-ordinaire", "sig_ecole_ordinaire", {}},
                          {"cpms", "sig_cpms", {{"avis_cpms", "favorable"}}},
                          {"responsable", "sig_responsable", {}}};
    Bytes current = annex;
    for (const auto& step : steps) {
      auto key = must(signing::open_key_source(p12_key(p12(step.id))), step.id);
      signing::SignatureOptions options;
      options.field = step.field;
      options.level = level;
      options.certify = current == annex;
      options.fills = step.fills;
      options.reason = "Accord des partenaires";
      current = must(signing::sign_pdf(current, options, *key, &tsa, trust), step.field);
    }
    return current;
  }

  ~World() {
    if (!keep) {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  }
};

World& world() {
  static World w;
  return w;
}

signing::KeySource& key_of(const std::string& kind) { return kind == "rsa2048" ? *world().rsa : *world().ecdsa; }

signing::SignatureOptions options_for(signing::Level level) {
  signing::SignatureOptions options;
  options.field = "sig_pole";
  options.level = level;
  options.reason = "Accord sur le projet d'intégration";
  return options;
}

// ---- In process -----------------------------------------------------------------------

void BM_Sign(benchmark::State& state, const std::string& key_kind, signing::Level level) {
  auto& w = world();
  auto& key = key_of(key_kind);
  signing::HttpTimestampClient tsa(w.services->timestamps().url());
  const auto options = options_for(level);
  size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = signing::sign_pdf(w.annex, options, key, level == signing::Level::b_b ? nullptr : &tsa);
    if (!pdf) {
      state.SkipWithError(pdf.error().message.c_str());
      break;
    }
    bytes = pdf->size();
    benchmark::DoNotOptimize(pdf);
  }
  state.counters["input_bytes"] = static_cast<double>(w.annex.size());
  state.counters["output_bytes"] = static_cast<double>(bytes);
}
BENCHMARK_CAPTURE(BM_Sign, BB_rsa2048, std::string("rsa2048"), signing::Level::b_b)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Sign, BB_ecdsap256, std::string("ecdsap256"), signing::Level::b_b)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Sign, BT_rsa2048, std::string("rsa2048"), signing::Level::b_t)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Sign, BT_ecdsap256, std::string("ecdsap256"), signing::Level::b_t)->Unit(benchmark::kMillisecond);

// The stages of a B-B signature (ECDSA, so that the key's share is small): where the time goes.
void BM_StagePrepare(benchmark::State& state) {
  auto& w = world();
  const auto options = options_for(signing::Level::b_b);
  for (auto _ : state) {
    auto prepared = signing::prepare_signature(w.annex, options, w.ecdsa->certificate(), w.ecdsa->chain());
    if (!prepared) {
      state.SkipWithError(prepared.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(prepared);
  }
}
BENCHMARK(BM_StagePrepare)->Unit(benchmark::kMillisecond);

void BM_StageKeySign(benchmark::State& state, const std::string& key_kind) {
  auto& w = world();
  auto& key = key_of(key_kind);
  const auto prepared = must(signing::prepare_signature(w.annex, options_for(signing::Level::b_b), key.certificate(), key.chain()), "prepare");
  for (auto _ : state) {
    auto value = key.sign(prepared.signed_attributes);
    benchmark::DoNotOptimize(value);
  }
}
BENCHMARK_CAPTURE(BM_StageKeySign, rsa2048, std::string("rsa2048"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_StageKeySign, ecdsap256, std::string("ecdsap256"))->Unit(benchmark::kMillisecond);

void BM_StageComplete(benchmark::State& state) {
  auto& w = world();
  const auto prepared = must(signing::prepare_signature(w.annex, options_for(signing::Level::b_b), w.ecdsa->certificate(), w.ecdsa->chain()), "prepare");
  const auto value = must(w.ecdsa->sign(prepared.signed_attributes), "sign");
  for (auto _ : state) {
    auto pdf = signing::complete_signature(prepared, value, nullptr);
    benchmark::DoNotOptimize(pdf);
  }
}
BENCHMARK(BM_StageComplete)->Unit(benchmark::kMillisecond);

// Every signature intact, valid, its chain trusted and its timestamp valid; with
// `complete`, the whole verdict holds (revocation status known too).
bool verdict_as_expected(const core::Result<signing::VerificationReport>& report, bool complete) {
  if (!report || report->signatures.size() != 4) return false;
  if (complete) return report->valid();
  for (const auto& v : report->signatures) {
    if (!v.intact || !v.signature_valid || !v.chain_trusted || !v.timestamp_valid) return false;
  }
  return true;
}

// online: revocation asked of the loopback OCSP responder; offline: nothing asked, so the
// B-T document's revocation status stays "non vérifié" (a problem in the verdict), while
// the B-LT document's comes from its /DSS.
void BM_Verify4(benchmark::State& state, const std::string& level, bool online) {
  auto& w = world();
  const Bytes& pdf = level == "BLT" ? w.four_signatures_lt : w.four_signatures;
  signing::VerifyOptions options;
  options.trust_anchors = w.trust;
  options.online_revocation = online;
  options.reuse_verdicts = false;  // every signature, every time
  options.remember_verdict = false;
  for (auto _ : state) {
    auto report = signing::verify_pdf(pdf, options);
    if (!verdict_as_expected(report, online || level == "BLT")) {
      state.SkipWithError("vérification : verdict inattendu");
      break;
    }
    benchmark::DoNotOptimize(report);
  }
  state.counters["bytes"] = static_cast<double>(pdf.size());
}

// The document as it was before its last revision: up to the end of the revision before.
Bytes before_last_revision(const Bytes& pdf) {
  const std::string_view text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
  const size_t last = text.rfind("%%EOF");
  size_t end = text.rfind("%%EOF", last - 1) + 5;
  while (end < pdf.size() && (pdf[end] == '\r' || pdf[end] == '\n')) ++end;
  return Bytes(pdf.begin(), pdf.begin() + static_cast<long>(end));
}

// The fourth signature's revision checked from the verdict on the three before it (what the
// signing round does after each signature): one CMS and one revision's changes.
void BM_VerifyNewRevision(benchmark::State& state) {
  auto& w = world();
  const Bytes& pdf = w.four_signatures;
  const Bytes three = before_last_revision(pdf);
  signing::VerifyOptions options;
  options.trust_anchors = w.trust;
  options.online_revocation = false;
  auto earlier = signing::verify_pdf(three, options);  // remembered
  if (!earlier || earlier->signatures.size() != 3) {
    state.SkipWithError("trois signatures attendues");
    return;
  }
  options.remember_verdict = false;  // so that each iteration starts from the three again
  const auto before = signing::verification_counters();
  for (auto _ : state) {
    auto report = signing::verify_pdf(pdf, options);
    if (!verdict_as_expected(report, false)) {
      state.SkipWithError("vérification : verdict inattendu");
      break;
    }
    benchmark::DoNotOptimize(report);
  }
  const auto after = signing::verification_counters();
  state.counters["incremental"] = static_cast<double>(after.documents_incremental - before.documents_incremental) /
                                  static_cast<double>(state.iterations());
}
// Finding the revisions of a document with four signatures (what every verification and every
// new revision does first, over the whole file): the keyword searches and the nesting check.
void BM_ScanRevisions(benchmark::State& state) {
  const Bytes& pdf = world().four_signatures;
  for (auto _ : state) {
    auto revisions = signing::detail::scan_revisions(pdf);
    if (!revisions || revisions->size() < 5) {
      state.SkipWithError("révisions introuvables");
      break;
    }
    benchmark::DoNotOptimize(revisions);
  }
  state.counters["octets"] = static_cast<double>(pdf.size());
}

BENCHMARK(BM_VerifyNewRevision)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScanRevisions)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Verify4, BT_revocation_offline, std::string("BT"), false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Verify4, BT_revocation_online_ocsp, std::string("BT"), true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Verify4, BLT_revocation_offline_dss, std::string("BLT"), false)->Unit(benchmark::kMillisecond);

// The key derivations inside opening a PKCS#12 (10,000 iterations, the test PKI's files):
// ours (pkcs12_contents.cpp) beside OpenSSL's, in the same run.
void BM_Pbkdf2Sha256(benchmark::State& state, bool ours) {
  const std::string password = "mot de passe";
  const unsigned char salt[16] = {1, 2, 3};
  Bytes key(32);
  for (auto _ : state) {
    if (ours) {
      key = signing::detail::pbkdf2_hmac_sha256(password, salt, sizeof salt, 10000, 32);
    } else {
      PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, sizeof salt, 10000, EVP_sha256(), 32,
                        key.data());
    }
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK_CAPTURE(BM_Pbkdf2Sha256, ours, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Pbkdf2Sha256, openssl, false)->Unit(benchmark::kMillisecond);

void BM_Pkcs12MacKey(benchmark::State& state, bool ours) {
  const std::string password = "mot de passe";
  const unsigned char salt[8] = {1, 2, 3};
  Bytes key(32);
  for (auto _ : state) {
    if (ours) {
      key = *signing::detail::pkcs12_mac_key(password, salt, sizeof salt, 10000);
    } else {
      PKCS12_key_gen_utf8(password.c_str(), static_cast<int>(password.size()), const_cast<unsigned char*>(salt), sizeof salt,
                          PKCS12_MAC_ID, 10000, 32, key.data(), EVP_sha256());
    }
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK_CAPTURE(BM_Pkcs12MacKey, ours, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Pkcs12MacKey, openssl, false)->Unit(benchmark::kMillisecond);

void BM_LoadPkcs12(benchmark::State& state, const std::string& id) {
  auto& w = world();
  for (auto _ : state) {
    auto key = signing::open_key_source(p12_key(w.p12(id)));
    if (!key) {
      state.SkipWithError(key.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK_CAPTURE(BM_LoadPkcs12, rsa2048, std::string("pole"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadPkcs12, ecdsap256, std::string("ecole-ordinaire"))->Unit(benchmark::kMillisecond);

// ---- The whole `ipt sign` process -------------------------------------------------------

// Runs `program args...` with stdout and stderr to /dev/null; its exit status.
int run(const std::vector<std::string>& command) {
  std::vector<char*> argv;
  for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int status = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0) {
    int raw = 0;
    if (::waitpid(pid, &raw, 0) == pid && WIFEXITED(raw)) status = WEXITSTATUS(raw);
  }
  posix_spawn_file_actions_destroy(&actions);
  return status;
}

// The child's peak RSS in KiB, measured by /usr/bin/time. Not by wait4() here: a child
// forked from this process starts with this process's resident pages counted, and Linux
// keeps that high-water mark across exec, so ru_maxrss would report the benchmark's size.
long peak_rss_kib(const std::vector<std::string>& command, const fs::path& report) {
  std::vector<std::string> timed = {"/usr/bin/time", "-f", "%M", "-o", report.string()};
  timed.insert(timed.end(), command.begin(), command.end());
  if (run(timed) != 0) return -1;
  std::ifstream in(report);
  long kib = -1;
  in >> kib;
  return kib;
}

void BM_IptSignProcess(benchmark::State& state, const std::string& input, const std::string& key_id, const std::string& level) {
  auto& w = world();
  std::vector<std::string> command = {IPT_BINARY, "sign", (w.dir / input).string(), "-o", (w.dir / ("signe-" + input)).string(),
                                      "--field", "sig_pole", "--p12", w.p12(key_id).string(), "--password-file",
                                      w.password_file().string(), "--level", level};
  if (level != "B-B") {
    command.push_back("--tsa");
    command.push_back(w.services->timestamps().url());
  }
  for (auto _ : state) {
    if (run(command) != 0) {
      state.SkipWithError("ipt sign a échoué");
      break;
    }
  }
  state.counters["peak_rss_MiB"] = static_cast<double>(peak_rss_kib(command, w.dir / "time.txt")) / 1024.0;
  state.counters["input_bytes"] = static_cast<double>(fs::file_size(w.dir / input));
}
// The floor of any `ipt` process: exec, dynamic linking of its 52 libraries, exit.
void BM_IptVersionProcess(benchmark::State& state) {
  const std::vector<std::string> command = {IPT_BINARY, "--version"};
  for (auto _ : state) {
    if (run(command) != 0) {
      state.SkipWithError("ipt --version a échoué");
      break;
    }
  }
  state.counters["peak_rss_MiB"] = static_cast<double>(peak_rss_kib(command, world().dir / "time.txt")) / 1024.0;
}
BENCHMARK(BM_IptVersionProcess)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_CAPTURE(BM_IptSignProcess, BB_rsa2048_annex, std::string("annexe-4.pdf"), std::string("pole"), std::string("B-B"))
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_IptSignProcess, BB_ecdsap256_annex, std::string("annexe-4.pdf"), std::string("ecole-ordinaire"), std::string("B-B"))
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_IptSignProcess, BT_ecdsap256_annex, std::string("annexe-4.pdf"), std::string("ecole-ordinaire"), std::string("B-T"))
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_IptSignProcess, BB_rsa2048_10MB, std::string("annexe-4-10mo.pdf"), std::string("pole"), std::string("B-B"))
    ->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
