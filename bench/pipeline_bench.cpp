// A whole school year at once (issue 13): N generated dossiers (dossier_generator.hpp: every
// procedure, adult pupils, unfavourable opinions, long texts) through import, render, every
// planned signature (B-T, each signatory's own certificate, keys opened once per worker; the
// last signature of a document extends it to B-LTA), verification and archive (sealed by the
// pole at B-LTA), with the bulk code `ipt batch` and `ipt demo` use (pipeline::run_batch), on
// one to three worker processes (three is `ipt batch`'s default on 2 cores,
// pipeline::default_jobs: one worker per core and one more). The test PKI's timestamp
// server and OCSP responder run in this process on 127.0.0.1.
//
// Counters: wall time and CPU (this process and its workers) per dossier, signatures per
// dossier, and the peak RSS of the largest worker (flat in the number of dossiers: each
// dossier's state is freed when it is done).
//
//   build/bench/ipt_pipeline_bench --benchmark_filter='BM_WholeYear/1000/2'
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "dossier_generator.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/store.hpp"
#include "ipt/localpki/dossier_people.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "ipt/pipeline/batch.hpp"
#include "ipt/pipeline/batch_steps.hpp"
#include "ipt/pipeline/dispatch.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/timestamp_client.hpp"

namespace {

namespace fs = std::filesystem;
using namespace ipt;

constexpr const char* password = "banc d’essai";

// The PKI: a certificate for every signatory of the examples the generator varies, and the
// pole's seal; made once per benchmark process.
struct World {
  std::unique_ptr<localpki::TrustServices> services;
  fs::path dir;
  std::map<std::string, fs::path> p12_by_signatory;  // "pole|Marie Lambert" → its PKCS#12
  fs::path seal_p12;

  World() {
    dir = fs::temp_directory_path() / ("ipt-pipeline-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    localpki::PkiRecipe recipe;
    std::vector<core::Dossier> examples;
    for (size_t i = 0; i < bench::example_count(); ++i) {
      const auto g = bench::generate_dossier(i);
      auto d = core::parse_dossier(g.xml, g.reference);
      if (!d) throw std::runtime_error("dossier généré illisible : " + g.reference);
      for (auto& named : localpki::named_signers_of(*d)) recipe.people.push_back(std::move(named));
      examples.push_back(*std::move(d));
    }
    localpki::Person seal;
    seal.common_name = "Cachet du pôle (banc d’essai)";
    seal.organisation = "Pôle territorial (banc d’essai)";
    recipe.people.push_back({"cachet-pole", localpki::Role::pole, seal});
    auto started = localpki::TrustServices::start(recipe);
    if (!started) throw std::runtime_error(started.error().message);
    services = *std::move(started);
    for (const auto& d : examples) {
      for (const auto& [role, person] : localpki::signers_of(d)) {
        const auto id = localpki::signer_id(d.reference, role);
        const fs::path p12 = dir / (id + ".p12");
        if (auto w = services->pki().write_pkcs12(p12, id, password); !w) throw std::runtime_error(w.error().message);
        p12_by_signatory[std::string(core::code(role)) + "|" + person.common_name] = p12;
      }
    }
    seal_p12 = dir / "cachet-pole.p12";
    if (auto w = services->pki().write_pkcs12(seal_p12, "cachet-pole", password); !w) throw std::runtime_error(w.error().message);
  }
  ~World() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

World& world() {
  static World w;
  return w;
}

// One worker's state: the pipeline's (its connection, renderer, documents, TSA client) and
// its keys, each opened once.
struct Worker {
  std::shared_ptr<pipeline::BatchWorker> pipeline;
  std::map<fs::path, std::unique_ptr<signing::KeySource>> keys;

  core::Result<signing::KeySource*> key(const fs::path& p12) {
    if (auto it = keys.find(p12); it != keys.end()) return it->second.get();
    IPT_TRY(opened, signing::load_pkcs12(p12, password));
    return keys.emplace(p12, std::move(*opened)).first->second.get();
  }
};

pipeline::ItemOutcome whole_year_of(Worker& w, const std::string& file) {
  pipeline::ItemOutcome out;
  out.item = file;
  out.status = pipeline::ItemStatus::done;
  const auto& c = w.pipeline->context;
  // The file's name is the dossier's reference (ipt_generate_dossiers writes them so).
  const std::string reference = fs::path(file).stem().string();
  auto key_for = [&w](const core::Dossier& d, const core::SignatureStep& s) -> core::Result<signing::KeySource*> {
    const auto people = localpki::signers_of(d);
    const auto person = people.find(s.role);
    const auto p12 = person == people.end() ? world().p12_by_signatory.end()
                                           : world().p12_by_signatory.find(std::string(core::code(s.role)) + "|" + person->second.common_name);
    if (p12 == world().p12_by_signatory.end()) return core::fail("aucune clé pour " + s.signataire);
    return w.key(p12->second);
  };
  pipeline::absorb(out, pipeline::run_step(pipeline::BatchStep::import, c, file)) &&
      pipeline::absorb(out, pipeline::run_step(pipeline::BatchStep::render, c, reference)) &&
      pipeline::absorb(out, pipeline::sign_in_order(c, reference, key_for)) &&
      pipeline::absorb(out, pipeline::run_step(pipeline::BatchStep::verify, c, reference)) &&
      pipeline::absorb(out, pipeline::run_step(pipeline::BatchStep::archive, c, reference));
  return out;
}

double cpu_seconds(int who) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void BM_WholeYear(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const int jobs = static_cast<int>(state.range(1));
  World& w = world();
  pipeline::BatchReport last;
  double cpu = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path run = w.dir / ("lot-" + std::to_string(n) + "-" + std::to_string(jobs));
    fs::remove_all(run);
    fs::create_directories(run / "dossiers");
    std::vector<std::string> files;
    for (size_t i = 0; i < n; ++i) {
      const auto g = bench::generate_dossier(i);
      const fs::path file = run / "dossiers" / (g.reference + ".xml");
      std::ofstream(file) << g.xml;
      files.push_back(file.string());
    }
    const fs::path database = run / "ipt.sqlite";
    const std::string tsa_url = w.services->timestamps().url();
    const std::vector<signing::Bytes> trust{w.services->pki().root().certificate_der()};
    pipeline::WorkerSetup setup = [&]() -> core::Result<pipeline::ItemWorker> {
      IPT_TRY(opened, pipeline::open_batch_worker(database, tsa_url));
      auto worker = std::make_shared<Worker>();
      worker->pipeline = *std::move(opened);
      auto& c = worker->pipeline->context;
      c.trust = trust;
      c.level = signing::Level::b_t;
      mail::MailConfig mail_config;
      mail_config.sender = "coordination@pole.example";
      c.on_complete = pipeline::annexe4_mail_hook(mail_config);
      c.archive_folder = run / "archives";
      c.actor = "banc-d-essai";
      IPT_TRY(seal, worker->key(w.seal_p12));
      c.seal = *seal;
      return pipeline::ItemWorker([worker](const std::string& file) { return whole_year_of(*worker, file); });
    };
    const double cpu_before = cpu_seconds(RUSAGE_SELF) + cpu_seconds(RUSAGE_CHILDREN);
    state.ResumeTiming();
    auto report = pipeline::run_batch(files, setup, {jobs, {}});
    state.PauseTiming();
    cpu = cpu_seconds(RUSAGE_SELF) + cpu_seconds(RUSAGE_CHILDREN) - cpu_before;
    if (!report || report->failed) {
      state.SkipWithError(report ? ("échec : " + pipeline::failures(*report).front()).c_str() : report.error().message.c_str());
      break;
    }
    last = *std::move(report);
    // The lot stays until the process ends (World removes its folder): on ext4 without a
    // journal, thousands of files deleted make every inode allocated in the next minutes
    // slower (docs/BENCHMARKS.md), which would be charged to the next benchmark.
    state.ResumeTiming();
  }
  if (last.items.empty()) return;
  rusage children{};
  getrusage(RUSAGE_CHILDREN, &children);
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  state.counters["dossiers"] = static_cast<double>(n);
  state.counters["ms_par_dossier"] = 1000 * last.seconds / static_cast<double>(n);
  state.counters["cpu_ms_par_dossier"] = 1000 * cpu / static_cast<double>(n);
  state.counters["signatures_par_dossier"] = static_cast<double>(last.counts["signatures"]) / static_cast<double>(n);
  state.counters["rss_max_processus_Mio"] = static_cast<double>(jobs > 1 ? children.ru_maxrss : self.ru_maxrss) / 1024.0;
  for (const auto& [stage, seconds] : last.stages) state.counters["ms_" + stage] = 1000 * seconds / static_cast<double>(n);
}
BENCHMARK(BM_WholeYear)
    ->Args({16, 1})  // for valgrind --tool=callgrind (docs/BENCHMARKS.md)
    ->Args({100, 1})
    ->Args({100, 2})
    ->Args({100, 3})  // ipt batch's default on 2 cores: one worker per core, and one more
    ->Args({1000, 2})
    ->Args({1000, 3})
    ->Args({10000, 2})
    ->Args({10000, 3})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
