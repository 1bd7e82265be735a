// `ipt batch`: every step over the shipped examples (and a malformed file that fails alone),
// done once and skipped when run again; the pole's seal on every document where its turn
// has come; a tampered document reported by its dossier; archive and extend each once; a
// render and an extension killed with SIGKILL at system calls spread over the run and
// resumed by the same command, nothing done twice; an interrupted run resumed; two sealing
// batches racing, every field sealed once.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "ipt/core/files.hpp"
#include "ipt/core/store.hpp"
#include "ipt/localpki/dossier_people.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "support/dossier_xml.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::test {
namespace {

namespace fs = std::filesystem;

const std::string c_reference = "PT-LIEGE-2026-0002";  // examples/c-fin-integration.xml

class BatchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    localpki::PkiRecipe recipe;
    recipe.signers = localpki::signers_of(example_dossier("c-fin-integration"));
    localpki::Person seal;
    seal.common_name = "Cachet du pôle territorial de Liège";
    seal.organisation = "Pôle territorial de Liège";
    recipe.people.push_back({"cachet-pole", localpki::Role::pole, seal});
    auto services = localpki::TrustServices::start(recipe);
    ASSERT_TRUE(services) << services.error().message;
    services_ = services->release();
    base_ = new TempDir();
    const TempDir& d = *base_;
    const auto& pki = services_->pki();
    std::ofstream(d / "racine.pem") << pki.root().certificate_pem();
    std::ofstream(d / "mdp.txt") << "mot de passe\n";
    for (auto role : localpki::all_roles) {
      ASSERT_TRUE(pki.write_pkcs12(d / (std::string(localpki::role_id(role)) + ".p12"), role, "mot de passe"));
    }
    ASSERT_TRUE(pki.write_pkcs12(d / "cachet.p12", "cachet-pole", "mot de passe"));
    const auto der = pki.find("cachet-pole")->certificate_der();
    const std::string seal_sha = core::sha256_hex(std::string(der.begin(), der.end()));
    std::ofstream(d / "ipt.conf") << "sender = coordination@pole-liege.example.be\noutbox_dir = " << (d / "courriels").string()
                                  << "\n[signature]\ntrust = " << (d / "racine.pem").string()
                                  << "\ntsa_url = " << services_->timestamps().url() << "\nlevel = B-T\nseal.pole = " << seal_sha
                                  << "\nseal_key.pole = p12 " << (d / "cachet.p12").string()
                                  << " ; password-file=" << (d / "mdp.txt").string() << "\n";
  }
  static void TearDownTestSuite() {
    delete base_;
    delete services_;
  }

  std::string db() const { return (dir_ / "ipt.sqlite").string(); }
  std::string conf() const { return (*base_ / "ipt.conf").string(); }

  ProcessResult batch(std::vector<std::string> args) const {
    args.insert(args.begin(), "batch");
    args.insert(args.end(), {"--db", db(), "--config", conf()});
    return run_ipt(args);
  }

  // Two batches with `args` at once; both must succeed.
  void race(const std::vector<std::string>& args) const {
    auto a = std::async(std::launch::async, [&] { return batch(args); });
    auto b = std::async(std::launch::async, [&] { return batch(args); });
    const auto ra = a.get();
    const auto rb = b.get();
    EXPECT_EQ(ra.status, 0) << ra.out << ra.err;
    EXPECT_EQ(rb.status, 0) << rb.out << rb.err;
  }

  // The examples, plus a file that is not a dossier.
  fs::path examples_folder() const {
    const fs::path folder = dir_ / "lot";
    fs::create_directories(folder);
    for (const auto& e : fs::directory_iterator(IPT_EXAMPLES_DIR)) {
      if (e.path().extension() == ".xml") fs::copy_file(e.path(), folder / e.path().filename());
    }
    std::ofstream(folder / "zz-casse.xml") << "<dossier><eleve>";
    return folder;
  }

  std::map<std::string, int> audit_counts(const std::string& action, const std::string& details_start = {}) const {
    auto store = core::Store::open(db());
    EXPECT_TRUE(store);
    std::map<std::string, int> counts;
    if (!store) return counts;
    auto entries = store->audit_entries();
    EXPECT_TRUE(entries);
    for (const auto& e : *entries) {
      if (e.action == action && e.details.starts_with(details_start)) ++counts[e.dossier];
    }
    return counts;
  }

  void sign_as(const std::string& field, const std::string& role, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"sign", "--dossier", c_reference, "--doc", "annexe-4", "--field", field,
                                  "--p12", (*base_ / (role + ".p12")).string(), "--password-file", (*base_ / "mdp.txt").string(),
                                  "--db", db(), "--config", conf()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_ipt(args);
    ASSERT_EQ(r.status, 0) << field << ": " << r.err;
  }

  // The Procédure C example imported, rendered and signed by everyone: its Annexe 4 complete.
  void complete_c_dossier() const {
    ASSERT_EQ(run_ipt({"import", std::string(IPT_EXAMPLES_DIR) + "/c-fin-integration.xml", "--db", db()}).status, 0);
    ASSERT_EQ(batch({"render", "--all"}).status, 0);
    ASSERT_EQ(batch({"sign", "--all"}).status, 0);
    sign_as("sig_ecole_ordinaire", "ecole-ordinaire");
    sign_as("sig_cpms", "cpms", {"--fill", "avis_cpms=favorable"});
    sign_as("sig_responsable", "responsable");
  }

  // The database and the documents, copied into dir_/NAME: a state each placement starts from.
  fs::path copy_state(const std::string& name) const {
    const fs::path to = dir_ / name;
    fs::create_directories(to);
    for (const auto& e : fs::directory_iterator(dir_.path())) {
      const std::string file = e.path().filename().string();
      if (file.starts_with("ipt.sqlite") || file == "documents") fs::copy(e.path(), to / file, fs::copy_options::recursive);
    }
    return to;
  }

  // `command` (an ipt command; --db and --config are added) over a copy of `seed`, killed
  // with SIGKILL at calls spread over each of its renames, fsyncs, writes and cuts (strace's fault
  // injection, in one process), then run again to the end; every state must then have an
  // intact audit chain, no temporary or pending file left, and pass `check`. An argument
  // that starts with "@ETAT@" names a path inside the state ("@ETAT@/archives").
  void kill_everywhere(const fs::path& seed, std::vector<std::string> command,
                       const std::function<void(const fs::path& state, const std::string& where)>& check, int min_renames = 20) const {
    // renameat2 exchanges a document with its companion, whose versions are pwritten and cut.
    const std::string kill_set = "rename,renameat2,fsync,fdatasync,pwrite64,ftruncate";
    command.insert(command.begin(), IPT_BINARY);
    command.insert(command.end(), {"--db", "", "--config", conf()});
    const size_t db_at = command.size() - 3;
    const std::vector<std::string> pattern = command;
    const auto in_state = [&](const fs::path& state) {
      for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i].starts_with("@ETAT@")) command[i] = state.string() + pattern[i].substr(6);
      }
      command[db_at] = (state / "ipt.sqlite").string();
    };
    // How many such calls a whole run makes; strace counts each system call apart.
    const fs::path counted = dir_ / "compte";
    fs::copy(seed, counted, fs::copy_options::recursive);
    in_state(counted);
    std::vector<std::string> trace{IPT_STRACE, "-o", (dir_ / "trace").string(), "-e", "trace=" + kill_set};
    trace.insert(trace.end(), command.begin(), command.end());
    ASSERT_EQ(run_process(trace).status, 0);
    std::ifstream in(dir_ / "trace");
    std::map<std::string, int> calls;
    for (std::string line; std::getline(in, line);) {
      if (line.find("+++") == std::string::npos && line.find("---") == std::string::npos) ++calls[line.substr(0, line.find('('))];
    }
    const auto count_of = [&](const std::string& call) { return calls.contains(call) ? calls.at(call) : 0; };
    ASSERT_GE(count_of("rename") + count_of("renameat2"), min_renames);
    std::vector<std::pair<std::string, int>> placements;
    for (const auto& [call, count] : calls) {
      for (int n : {1, count / 4, count / 2, 3 * count / 4, count}) {
        if (n >= 1 && (placements.empty() || placements.back() != std::pair{call, n})) placements.push_back({call, n});
      }
    }
    for (const auto& [call, n] : placements) {
      const std::string where = call + " n° " + std::to_string(n);
      const fs::path state = dir_ / ("coupe-" + call + "-" + std::to_string(n));
      fs::copy(seed, state, fs::copy_options::recursive);
      in_state(state);
      std::vector<std::string> killed{IPT_STRACE, "-o", "/dev/null", "-e", "trace=" + kill_set,
                                      "-e", "inject=" + call + ":signal=KILL:when=" + std::to_string(n)};
      killed.insert(killed.end(), command.begin(), command.end());
      EXPECT_EQ(run_process(killed).status, 128 + 9) << where;
      const auto resumed = run_ipt(std::vector<std::string>(command.begin() + 1, command.end()));
      EXPECT_EQ(resumed.status, 0) << where << ": " << resumed.out << resumed.err;
      if (call == "rename" && n > 2) {  // the run's journal entry is written before any rename
        EXPECT_NE(resumed.err.find("reprise du lot"), std::string::npos) << where << ": " << resumed.err;
      }
      auto store = core::Store::open(state / "ipt.sqlite");
      ASSERT_TRUE(store);
      const auto audit = store->verify_audit();
      ASSERT_TRUE(audit);
      EXPECT_TRUE(audit->intact) << where << ": " << audit->problem;
      for (const auto& e : fs::recursive_directory_iterator(state / "documents")) {
        const std::string name = e.path().filename().string();
        // A document's companion (core/companion_file.hpp) stays, empty.
        const bool pending_revision = name.ends_with(".nouveau") && fs::file_size(e.path()) > 0;
        EXPECT_TRUE(name.find(".tmp") == std::string::npos && !pending_revision) << where << ": " << e.path();
      }
      check(state, where);
    }
  }

  static inline localpki::TrustServices* services_ = nullptr;
  static inline TempDir* base_ = nullptr;
  TempDir dir_;
};

TEST_F(BatchTest, EveryStepOverTheExamplesOnceEachAndABadFileFailsAlone) {
  const fs::path folder = examples_folder();
  const auto imported = batch({"import", folder.string(), "--jobs", "2"});
  EXPECT_EQ(imported.status, 1) << imported.err;
  EXPECT_NE(imported.out.find("zz-casse.xml : échec"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("8 fait(s), 0 déjà fait(s), 1 échec(s)"), std::string::npos) << imported.out;
  const auto again = batch({"import", folder.string()});
  EXPECT_NE(again.out.find("0 fait(s), 8 déjà fait(s), 1 échec(s)"), std::string::npos) << again.out;

  const auto rendered = batch({"render", "--all", "--jobs", "2"});
  ASSERT_EQ(rendered.status, 0) << rendered.out << rendered.err;
  size_t pdfs = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "documents")) pdfs += e.path().extension() == ".pdf";
  EXPECT_EQ(pdfs, 24u);
  EXPECT_NE(batch({"render", "--all"}).out.find("0 fait(s), 8 déjà fait(s)"), std::string::npos);

  // The pole's seal where its turn has come: first on every Annexe 4 (the pole certifies).
  const auto sealed = batch({"sign", "--all", "--jobs", "2"});
  ASSERT_EQ(sealed.status, 0) << sealed.out << sealed.err;
  const auto signatures = audit_counts("document.sign");
  EXPECT_EQ(signatures.at(c_reference), 1);
  const std::string annexe4 = (dir_ / "documents" / c_reference / "annexe-4.pdf").string();
  const auto pdfsig = run_process({"pdfsig", annexe4});
  EXPECT_NE(pdfsig.out.find("Signer Certificate Common Name: Cachet du pôle territorial de Liège"), std::string::npos) << pdfsig.out;
  EXPECT_NE(pdfsig.out.find("Signature Validation: Signature is Valid."), std::string::npos) << pdfsig.out;
  EXPECT_EQ(run_process({"qpdf", "--check", annexe4}).status, 0);
  // Run again: nothing is sealed twice.
  const auto resealed = batch({"sign", "--all", "--jobs", "2"});
  EXPECT_EQ(resealed.status, 0) << resealed.out;
  EXPECT_EQ(audit_counts("document.sign"), signatures);

  const auto verified = batch({"verify", "--all", "--json"});
  ASSERT_EQ(verified.status, 0) << verified.out << verified.err;
  const auto report = nlohmann::json::parse(verified.out);
  EXPECT_EQ(report["faits"], 8);
  EXPECT_EQ(report["echecs"], 0);
  EXPECT_GE(report["comptes"]["signatures"].get<int>(), 1);
  // No --jobs: one worker per core and one more (pipeline::default_jobs).
  EXPECT_EQ(report["processus"].get<int>(), static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) + 1);

  // A tampered document is reported by its dossier; the others verify.
  {
    std::fstream f(annexe4, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2000);
    f.put('#');
  }
  const auto tampered = batch({"verify", "--procedure", "C"});
  EXPECT_EQ(tampered.status, 1) << tampered.out;
  EXPECT_NE(tampered.out.find(c_reference + " : échec — annexe-4 sig_pole : NON VALIDE"), std::string::npos) << tampered.out;
  EXPECT_NE(tampered.out.find("1 fait(s), 0 déjà fait(s), 1 échec(s)"), std::string::npos) << tampered.out;
  EXPECT_EQ(run_ipt({"audit", "verify", "--db", db()}).status, 0);
}

TEST_F(BatchTest, ArchivesAndExtendsEachCompleteDossierOnce) {
  ASSERT_EQ(run_ipt({"import", std::string(IPT_EXAMPLES_DIR) + "/c-fin-integration.xml", "--db", db()}).status, 0);
  ASSERT_EQ(batch({"render", "--dossier", c_reference}).status, 0);
  ASSERT_EQ(batch({"sign", "--etape", "a-completer"}).status, 0);  // rendered, no remote round
  sign_as("sig_ecole_ordinaire", "ecole-ordinaire");
  sign_as("sig_cpms", "cpms", {"--fill", "avis_cpms=favorable"});
  sign_as("sig_responsable", "responsable");

  const fs::path out = dir_ / "archives";
  const auto archived = batch({"archive", "--all", "--out", out.string()});
  ASSERT_EQ(archived.status, 0) << archived.out << archived.err;
  EXPECT_NE(archived.out.find("archive version 1"), std::string::npos) << archived.out;
  EXPECT_NE(batch({"archive", "--all", "--out", out.string()}).out.find("déjà archivé"), std::string::npos);
  EXPECT_EQ(run_ipt({"archive", "verify", (out / c_reference / "v1").string(), "--config", conf()}).status, 0);

  const auto extended = batch({"extend", "--all", "--json"});
  ASSERT_EQ(extended.status, 0) << extended.out << extended.err;
  EXPECT_EQ(nlohmann::json::parse(extended.out)["comptes"]["documents"], 1);
  EXPECT_EQ(audit_counts("document.extend").at(c_reference), 1);
  const std::string annexe4 = (dir_ / "documents" / c_reference / "annexe-4.pdf").string();
  const auto verify = run_ipt({"verify", annexe4, "--trust", (*base_ / "racine.pem").string(), "--offline"});
  EXPECT_EQ(verify.status, 0) << verify.out;
  // The complete dossier, sealed by the batch, signed by the others and extended twice, as
  // tools we did not write judge it: every signature valid.
  const auto judged = run_pyhanko_judge(annexe4, (*base_ / "racine.pem").string());
  EXPECT_EQ(judged.status, 0) << judged.out << judged.err;
  const auto pdfsig = run_process({"pdfsig", annexe4});
  EXPECT_NE(pdfsig.out.find("Signature #4"), std::string::npos) << pdfsig.out;
  EXPECT_EQ(pdfsig.out.find("Signature is Invalid"), std::string::npos) << pdfsig.out;
  EXPECT_EQ(run_process({"qpdf", "--check", annexe4}).status, 0);
  // New material since the archive: the next archive run files version 2.
  EXPECT_NE(batch({"archive", "--all", "--out", out.string()}).out.find("archive version 2"), std::string::npos);
}

// Killed anywhere (kill_everywhere), then run again: it resumes the same run, renders what
// is missing, and nothing twice.
TEST_F(BatchTest, RenderKilledAnywhereResumesAndRendersNothingTwice) {
  const std::string kill_set = "rename,fsync,fdatasync,pwrite64";
  const fs::path folder = examples_folder();
  fs::remove(folder / "zz-casse.xml");
  ASSERT_EQ(batch({"import", folder.string()}).status, 0);
  const fs::path seed = copy_state("graine");
  kill_everywhere(seed, {"batch", "render", "--all", "--jobs", "1"}, [&](const fs::path& state, const std::string& where) {
    auto store = core::Store::open(state / "ipt.sqlite");
    ASSERT_TRUE(store);
    std::map<std::string, int> renders;
    const auto entries = store->audit_entries();
    ASSERT_TRUE(entries);
    for (const auto& e : *entries) renders[e.dossier] += e.action == "document.render";
    size_t pdfs = 0;
    for (const auto& e : fs::recursive_directory_iterator(state / "documents")) pdfs += e.path().extension() == ".pdf";
    EXPECT_EQ(pdfs, 24u) << where;
    EXPECT_EQ(renders.size(), 8u) << where;
    for (const auto& [reference, count] : renders) EXPECT_EQ(count, 1) << where << ": " << reference << " rendu deux fois";
  });
}

// The same for a new archive timestamp: killed anywhere, resumed, the document is extended
// exactly once by the run, verifies offline, and nothing half-written is left beside it.
TEST_F(BatchTest, ExtendKilledAnywhereResumesAndExtendsEachDocumentOnce) {
  complete_c_dossier();
  const fs::path seed = copy_state("graine");
  kill_everywhere(seed, {"batch", "extend", "--all", "--jobs", "1"}, [&](const fs::path& state, const std::string& where) {
    auto store = core::Store::open(state / "ipt.sqlite");
    ASSERT_TRUE(store);
    const auto entries = store->audit_entries(c_reference);
    ASSERT_TRUE(entries);
    int extensions = 0;
    for (const auto& e : *entries) extensions += e.action == "document.extend";
    EXPECT_EQ(extensions, 1) << where;
    const auto verified = run_ipt({"verify", (state / "documents" / c_reference / "annexe-4.pdf").string(), "--trust",
                                   (*base_ / "racine.pem").string(), "--offline"});
    EXPECT_EQ(verified.status, 0) << where << ": " << verified.out;
  }, 1);
}

// The same for the archive: killed anywhere (a file of the version being synced, the
// version's rename, its audit entry), resumed, the dossier is archived exactly once, the
// version verifies, and no half-written version is left.
TEST_F(BatchTest, ArchiveKilledAnywhereResumesAndFilesOneCompleteVersion) {
  complete_c_dossier();
  const fs::path seed = copy_state("graine");
  kill_everywhere(seed, {"batch", "archive", "--all", "--jobs", "1", "--out", "@ETAT@/archives"},
                  [&](const fs::path& state, const std::string& where) {
    auto store = core::Store::open(state / "ipt.sqlite");
    ASSERT_TRUE(store);
    const auto entries = store->audit_entries(c_reference);
    ASSERT_TRUE(entries);
    int archives = 0;
    for (const auto& e : *entries) archives += e.action == "dossier.archive";
    EXPECT_EQ(archives, 1) << where;
    const fs::path folder = state / "archives" / c_reference;
    std::vector<std::string> versions;
    for (const auto& e : fs::directory_iterator(folder)) versions.push_back(e.path().filename().string());
    EXPECT_EQ(versions, std::vector<std::string>{"v1"}) << where;
    const auto verified = run_ipt({"archive", "verify", (folder / "v1").string(), "--config", conf()});
    EXPECT_EQ(verified.status, 0) << where << ": " << verified.out << verified.err;
  }, 1);
}

// Two archivings of the same dossier at once (two `ipt archive` processes): each files a
// version of its own, v1 and v2, both recorded, both complete, nothing pending left.
TEST_F(BatchTest, TwoArchivingsOfOneDossierAtOnceFileTwoVersions) {
  complete_c_dossier();
  const fs::path out = dir_ / "archives";
  auto archive = [&] { return run_ipt({"archive", c_reference, "--out", out.string(), "--db", db(), "--config", conf()}); };
  auto first = std::async(std::launch::async, archive);
  auto second = std::async(std::launch::async, archive);
  const auto a = first.get(), b = second.get();
  ASSERT_EQ(a.status, 0) << a.out << a.err;
  ASSERT_EQ(b.status, 0) << b.out << b.err;
  std::vector<std::string> versions;
  for (const auto& e : fs::directory_iterator(out / c_reference)) versions.push_back(e.path().filename().string());
  std::sort(versions.begin(), versions.end());
  EXPECT_EQ(versions, (std::vector<std::string>{"v1", "v2"}));
  for (const char* v : {"v1", "v2"}) {
    const auto verified = run_ipt({"archive", "verify", (out / c_reference / v).string(), "--config", conf()});
    EXPECT_EQ(verified.status, 0) << v << ": " << verified.out << verified.err;
  }
  EXPECT_EQ(audit_counts("dossier.archive").at(c_reference), 2);
  auto store = core::Store::open(db());
  ASSERT_TRUE(store);
  const auto audit = store->verify_audit();
  ASSERT_TRUE(audit);
  EXPECT_TRUE(audit->intact) << audit->problem;
}

// Interrupted (SIGINT, as Ctrl-C sends it): nothing new starts, what is in flight finishes,
// the run stays open, and the same command resumes it; every document rendered once.
TEST_F(BatchTest, AnInterruptedRunStopsCleanlyAndTheSameCommandResumesIt) {
  // 160 dossiers: the examples under references of their own.
  const fs::path folder = dir_ / "lot";
  fs::create_directories(folder);
  size_t count = 0;
  for (const auto& e : fs::directory_iterator(IPT_EXAMPLES_DIR)) {
    if (e.path().extension() != ".xml") continue;
    const std::string xml = core::read_whole_file(e.path()).value_or("");
    const size_t at = xml.find("reference=\"") + 11;
    const size_t end = xml.find('"', at);
    for (int i = 0; i < 20; ++i) {
      std::string copy = xml;
      copy.insert(end, "-L" + std::to_string(i));
      std::ofstream(folder / (std::to_string(count++) + ".xml")) << copy;
    }
  }
  ASSERT_EQ(batch({"import", folder.string(), "--quiet"}).status, 0);
  // timeout sends SIGINT to ipt alone, as a supervisor would; the workers finish their items.
  const auto interrupted = run_process({"timeout", "--preserve-status", "-s", "INT", "0.4", IPT_BINARY, "batch", "render", "--all",
                                        "--jobs", "2", "--db", db()});
  ASSERT_EQ(interrupted.status, 1) << interrupted.out << interrupted.err;
  EXPECT_NE(interrupted.err.find("interrompu"), std::string::npos) << interrupted.err;
  EXPECT_NE(interrupted.err.find("relancez la même commande"), std::string::npos) << interrupted.err;
  EXPECT_EQ(interrupted.out.find(" : échec"), std::string::npos) << interrupted.out;  // nothing cut
  EXPECT_NE(interrupted.out.find(", 0 échec(s)"), std::string::npos) << interrupted.out;
  const auto resumed = batch({"render", "--all", "--jobs", "2"});
  ASSERT_EQ(resumed.status, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.err.find("reprise du lot"), std::string::npos) << resumed.err;
  const auto renders = audit_counts("document.render");
  EXPECT_EQ(renders.size(), count);
  for (const auto& [reference, n] : renders) EXPECT_EQ(n, 1) << reference;
  auto store = core::Store::open(db());
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->verify_audit()->intact);
}

// Two sealing batches at once over the same store: every pole field is sealed exactly once,
// and neither reports the other's work as a failure.
TEST_F(BatchTest, TwoSealingBatchesRacingSealEachFieldOnce) {
  const fs::path folder = examples_folder();
  fs::remove(folder / "zz-casse.xml");
  ASSERT_EQ(batch({"import", folder.string()}).status, 0);
  ASSERT_EQ(batch({"render", "--all"}).status, 0);
  race({"sign", "--all", "--jobs", "2"});
  auto store = core::Store::open(db());
  ASSERT_TRUE(store);
  std::map<std::string, int> per_field;
  const auto entries = store->audit_entries();
  ASSERT_TRUE(entries);
  for (const auto& e : *entries) {
    if (e.action == "document.sign") ++per_field[e.dossier + " " + e.details.substr(0, e.details.find(" B-"))];
  }
  EXPECT_FALSE(per_field.empty());
  for (const auto& [field, count] : per_field) EXPECT_EQ(count, 1) << field;
  EXPECT_TRUE(store->verify_audit()->intact);
}

// Two extending batches at once over a complete dossier: each document is extended under its
// lock, one batch after the other, so the document in place is the one the last extension
// recorded, it verifies offline, its companion is empty and the audit chain is intact.
TEST_F(BatchTest, TwoExtendingBatchesRacingLeaveTheLastRecordedDocument) {
  complete_c_dossier();
  race({"extend", "--all", "--jobs", "1"});
  auto store = core::Store::open(db());
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->verify_audit()->intact);
  const auto entries = store->audit_entries(c_reference);
  ASSERT_TRUE(entries);
  std::string last_extension;
  int extensions = 0;
  for (const auto& e : *entries) {
    if (e.action == "document.extend" && e.details.starts_with("annexe-4 ")) {
      ++extensions;
      last_extension = e.details.substr(e.details.find("sha256 ") + 7, 64);
    }
  }
  EXPECT_GE(extensions, 1);
  EXPECT_LE(extensions, 2);
  const fs::path annexe4 = dir_ / "documents" / c_reference / "annexe-4.pdf";
  EXPECT_EQ(last_extension, core::sha256_hex(*core::read_whole_file(annexe4)));
  EXPECT_EQ(fs::file_size(annexe4.string() + ".nouveau"), 0u) << "a revision left in the companion";
  const auto verified = run_ipt({"verify", annexe4.string(), "--trust", (*base_ / "racine.pem").string(), "--offline"});
  EXPECT_EQ(verified.status, 0) << verified.out;
}

TEST_F(BatchTest, ExplainsBadUsageInFrench) {
  auto r = batch({"tamponner", "--all"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("étape inconnue « tamponner »"), std::string::npos) << r.err;
  r = batch({"render"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("choisissez les dossiers"), std::string::npos) << r.err;
  r = batch({"render", "--dossier", "PT-LIEGE-2026-9999"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("dossier PT-LIEGE-2026-9999 inconnu"), std::string::npos) << r.err;
  r = batch({"archive", "--all"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
  std::ofstream(dir_ / "faux.txt") << "pas le bon\n";
  r = run_ipt({"batch", "sign", "--all", "--db", db(), "--p12", (*base_ / "cachet.p12").string(), "--password-file",
               (dir_ / "faux.txt").string()});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("mot de passe"), std::string::npos) << r.err;
  EXPECT_EQ(run_ipt({"batch", "--help"}).status, 0);
}

}  // namespace
}  // namespace ipt::test
