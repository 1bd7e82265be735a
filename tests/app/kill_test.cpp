// Nothing lost, nothing twice: `ipt sign` (the last signature of an Annexe 4, which queues the
// Administration's mail) and `ipt outbox send` killed with SIGKILL at chosen system calls
// (strace's fault injection, so the program carries no fault points of its own), then run
// again; and two signing processes racing for the same field. After each: the audit chain
// verifies, the document verifies and carries every signature once, each signature has its
// audit entry naming the document's SHA-256, each completed Annexe 4 has exactly one queued
// message, and nothing half-written is left beside the document.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ipt/core/store.hpp"
#include "ipt/localpki/dossier_people.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "support/dossier_xml.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::test {
namespace {

namespace fs = std::filesystem;

const std::string reference = "PT-LIEGE-2026-0002";
// The system calls at which a process is killed: every write, sync, cut, rename, removal and lock.
const std::string kill_set = "write,pwrite64,fsync,fdatasync,ftruncate,rename,renameat,renameat2,unlink,unlinkat,flock";

std::string sha256_of_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return core::sha256_hex(bytes.str());
}

class KillTest : public ::testing::Test {
 protected:
  // One state with three of the four signatures, made once: each placement starts from a copy.
  static void SetUpTestSuite() {
    localpki::PkiRecipe recipe;
    recipe.signers = localpki::signers_of(example_dossier("c-fin-integration"));
    auto services = localpki::TrustServices::start(recipe);
    ASSERT_TRUE(services) << services.error().message;
    services_ = services->release();
    base_ = new TempDir();
    const TempDir& d = *base_;
    std::ofstream(d / "racine.pem") << services_->pki().root().certificate_pem();
    std::ofstream(d / "mdp.txt") << "mot de passe\n";
    std::ofstream(d / "ipt.conf") << "sender = coordination@pole-liege.example.be\noutbox_dir = " << (d / "courriels").string()
                                  << "\n[signature]\ntrust = " << (d / "racine.pem").string()
                                  << "\ntsa_url = " << services_->timestamps().url() << "\nlevel = B-T\n";
    for (auto role : localpki::all_roles) {
      ASSERT_TRUE(services_->pki().write_pkcs12(d / (std::string(localpki::role_id(role)) + ".p12"), role, "mot de passe"));
    }
    const fs::path state = d / "etat";
    ASSERT_EQ(run_ipt({"import", std::string(IPT_EXAMPLES_DIR) + "/c-fin-integration.xml", "--db", (state / "ipt.sqlite").string()}).status, 0);
    ASSERT_EQ(run_ipt({"render", "--dossier", reference, "--db", (state / "ipt.sqlite").string()}).status, 0);
    for (const auto& [field, role] : std::vector<std::pair<std::string, std::string>>{
             {"sig_pole", "pole"}, {"sig_ecole_ordinaire", "ecole-ordinaire"}, {"sig_cpms", "cpms"}}) {
      auto args = sign_args(state, field, role);
      if (role == "cpms") args.insert(args.end(), {"--fill", "avis_cpms=favorable"});
      const auto r = run_ipt(args);
      ASSERT_EQ(r.status, 0) << field << ": " << r.err;
    }
  }
  static void TearDownTestSuite() {
    delete base_;
    delete services_;
  }

  static std::vector<std::string> sign_args(const fs::path& state, const std::string& field, const std::string& role) {
    const TempDir& d = *base_;
    return {"sign", "--dossier", reference, "--doc", "annexe-4", "--field", field, "--p12", (d / (role + ".p12")).string(),
            "--password-file", (d / "mdp.txt").string(), "--db", (state / "ipt.sqlite").string(), "--config",
            (d / "ipt.conf").string()};
  }

  // A fresh copy of the three-signature state.
  fs::path copy_state(const std::string& name) const {
    const fs::path to = dir_ / name;
    fs::copy(*base_ / "etat", to, fs::copy_options::recursive);
    return to;
  }

  static std::vector<std::string> with_ipt(std::vector<std::string> args) {
    args.insert(args.begin(), IPT_BINARY);
    return args;
  }

  // Where a process is killed: the `n`-th call of one system call. (strace counts each
  // system call of an injection set apart, so a placement names its call.)
  struct Placement {
    std::string call;
    int n;
    std::string name() const { return call + "-" + std::to_string(n); }
  };

  // `args` (an ipt command) under strace, killed at `at`.
  static ProcessResult run_killed_at(const std::vector<std::string>& args, const Placement& at) {
    std::vector<std::string> argv{IPT_STRACE, "-o", "/dev/null", "-e", "trace=" + kill_set,
                                  "-e", "inject=" + at.call + ":signal=KILL:when=" + std::to_string(at.n)};
    const auto command = with_ipt(args);
    argv.insert(argv.end(), command.begin(), command.end());
    return run_process(argv);
  }

  // How many calls of each system call of kill_set `args` makes when it runs to the end (on a copy).
  std::map<std::string, int> count_calls(const std::vector<std::string>& args, const fs::path& trace) const {
    std::vector<std::string> argv{IPT_STRACE, "-o", trace.string(), "-e", "trace=" + kill_set};
    const auto command = with_ipt(args);
    argv.insert(argv.end(), command.begin(), command.end());
    const auto r = run_process(argv);
    EXPECT_EQ(r.status, 0) << r.err;
    std::ifstream in(trace);
    std::map<std::string, int> calls;
    for (std::string line; std::getline(in, line);) {
      if (line.find("+++") == std::string::npos && line.find("---") == std::string::npos) ++calls[line.substr(0, line.find('('))];
    }
    return calls;
  }

  static int total_of(const std::map<std::string, int>& calls) {
    int total = 0;
    for (const auto& [call, count] : calls) total += count;
    return total;
  }

  // Every call of the rare system calls (the syncs, renames, cuts, removals and locks: each
  // a step of what the command changes), and `spread` calls of each frequent one (the
  // database's page writes), half over the whole run and half over its last third, where
  // the document is written, recorded and put in place.
  static std::vector<Placement> placements(const std::map<std::string, int>& calls, int spread) {
    std::vector<Placement> out;
    for (const auto& [call, count] : calls) {
      if (count <= 8) {
        for (int n = 1; n <= count; ++n) out.push_back({call, n});
        continue;
      }
      std::vector<int> at;
      for (int i = 0; i < spread / 2; ++i) at.push_back(1 + i * count / (spread / 2));
      for (int i = 0; i < spread - spread / 2; ++i) at.push_back(count * 2 / 3 + 1 + i * (count / 3) / (spread - spread / 2));
      at.push_back(count);
      std::sort(at.begin(), at.end());
      at.erase(std::unique(at.begin(), at.end()), at.end());
      for (int n : at) out.push_back({call, n});
    }
    return out;
  }

  // Every invariant of a completed round, after whatever happened before.
  void expect_consistent(const fs::path& state, const std::string& where) {
    const std::string db = (state / "ipt.sqlite").string();
    const auto audit = run_ipt({"audit", "verify", "--db", db});
    EXPECT_EQ(audit.status, 0) << where << ": " << audit.out << audit.err;
    const fs::path document = state / "documents" / reference / "annexe-4.pdf";
    const auto verified = run_ipt({"verify", document.string(), "--trust", (*base_ / "racine.pem").string(), "--offline", "--json"});
    EXPECT_EQ(verified.status, 0) << where << ": " << verified.out.substr(0, 2000);
    if (verified.status == 0) {
      const auto report = nlohmann::json::parse(verified.out);
      int signatures = 0;
      for (const auto& s : report["signatures"]) signatures += s["type"] == "signature";
      EXPECT_EQ(signatures, 4) << where;
    }
    const auto entries = nlohmann::json::parse(run_ipt({"audit", "list", reference, "--db", db, "--json"}).out);
    int last_signature = 0;
    std::string recorded_hash;
    for (const auto& e : entries) {
      const std::string details = e["details"];
      if (e["action"] == "document.sign" && details.starts_with("annexe-4 sig_responsable")) {
        ++last_signature;
        recorded_hash = details.substr(details.find("sha256 ") + 7, 64);
      }
    }
    EXPECT_EQ(last_signature, 1) << where;
    EXPECT_EQ(recorded_hash, sha256_of_file(document)) << where << ": the audit entry names the document as stored";
    const auto outbox = nlohmann::json::parse(run_ipt({"outbox", "list", "--db", db, "--json"}).out);
    EXPECT_EQ(outbox.size(), 1u) << where << ": exactly one message for the completed Annexe 4";
    for (const auto& entry : fs::directory_iterator(document.parent_path())) {
      const std::string name = entry.path().filename().string();
      // The document's companion (core/companion_file.hpp) stays, empty.
      const bool pending_revision = name.ends_with(".nouveau") && fs::file_size(entry.path()) > 0;
      EXPECT_FALSE(pending_revision || name.starts_with(".annexe-4.pdf.")) << where << ": left behind: " << name;
    }
  }

  static inline localpki::TrustServices* services_ = nullptr;
  static inline TempDir* base_ = nullptr;
  TempDir dir_;
};

TEST_F(KillTest, TheLastSignatureKilledAtEveryStepLosesNothing) {
  const fs::path probe = copy_state("mesure");
  const auto calls = count_calls(sign_args(probe, "sig_responsable", "responsable"), dir_ / "trace.txt");
  ASSERT_GT(total_of(calls), 30) << "strace counted too few calls";
  const auto at = placements(calls, 24);
  ASSERT_GE(at.size(), 30u);
  size_t killed = 0;
  std::string survived;  // placements the process ran past, with how it ended
  for (const auto& p : at) {
    const fs::path state = copy_state("kill-" + p.name());
    const auto args = sign_args(state, "sig_responsable", "responsable");
    const auto first = run_killed_at(args, p);
    if (first.status == 128 + SIGKILL || first.status == 137) {
      ++killed;
    } else {
      survived += " " + p.name() + " (statut " + std::to_string(first.status) + ")";
    }
    // `ipt status` only reads: it neither promotes nor removes what a kill left.
    EXPECT_EQ(run_ipt({"status", reference, "--db", (state / "ipt.sqlite").string()}).status, 0);
    // The signatory tries again: done once, whatever the first attempt left.
    const auto again = run_ipt(args);
    if (again.status != 0) {
      EXPECT_NE(again.err.find("déjà signé"), std::string::npos) << "kill at " << p.name() << ": " << again.err;
    }
    expect_consistent(state, "kill at " + p.name());
  }
  // The same command makes the same calls: every placement is reached.
  EXPECT_EQ(killed, at.size()) << "not killed at:" << survived;
}

TEST_F(KillTest, AnOutboxPassKilledAtEveryStepSendsEveryMessageWithOneIdentity) {
  // The completed Annexe 4's message, then a pass of the file transport killed at each step.
  const fs::path ready = copy_state("pret");
  ASSERT_EQ(run_ipt(sign_args(ready, "sig_responsable", "responsable")).status, 0);
  const std::string config = (*base_ / "ipt.conf").string();
  const auto send_args = [&](const fs::path& state) {
    return std::vector<std::string>{"outbox", "send", "--db", (state / "ipt.sqlite").string(), "--config", config};
  };
  fs::path probe = dir_ / "mesure-envoi";
  fs::copy(ready, probe, fs::copy_options::recursive);
  const auto calls = count_calls(send_args(probe), dir_ / "trace-envoi.txt");
  ASSERT_GT(total_of(calls), 10);
  const std::string message_id = nlohmann::json::parse(run_ipt({"outbox", "list", "--db", (ready / "ipt.sqlite").string(), "--json"}).out)[0]["message_id"];
  for (const auto& p : placements(calls, 16)) {
    const std::string n = p.name();
    const fs::path state = dir_ / ("envoi-" + n);
    fs::copy(ready, state, fs::copy_options::recursive);
    (void)run_killed_at(send_args(state), p);
    const auto again = run_ipt(send_args(state));
    EXPECT_EQ(again.status, 0) << n << ": " << again.err;
    const std::string db = (state / "ipt.sqlite").string();
    EXPECT_EQ(run_ipt({"audit", "verify", "--db", db}).status, 0) << n;
    const auto outbox = nlohmann::json::parse(run_ipt({"outbox", "list", "--db", db, "--json"}).out);
    ASSERT_EQ(outbox.size(), 1u) << n;
    EXPECT_EQ(outbox[0]["statut"], "sent") << n;
    EXPECT_EQ(outbox[0]["message_id"], message_id) << n << ": a resend keeps its Message-ID";
    // Its outcome is in the audit trail exactly once, however the pass was interrupted.
    int recorded = 0;
    for (const auto& e : nlohmann::json::parse(run_ipt({"audit", "list", reference, "--db", db, "--json"}).out)) {
      const std::string details = e["details"];
      recorded += e["action"] == "mail.written" && details.find(message_id) != std::string::npos;
    }
    EXPECT_EQ(recorded, 1) << "kill at call " << n;
  }
}

TEST_F(KillTest, ARoundRestartKilledAtEveryStepLosesNoDocument) {
  // A corrected dossier (version 2) over three signatures, then `ipt round restart` killed.
  const std::string corrected = DossierXml("c-fin-integration").set_text("fin-integration/motivation", "Motivation corrigée.").str();
  const fs::path xml = dir_ / "corrige.xml";
  std::ofstream(xml) << corrected;
  const auto restart_args = [&](const fs::path& state) {
    return std::vector<std::string>{"round", "restart", reference, "--reason", "motivation corrigée", "--db",
                                    (state / "ipt.sqlite").string()};
  };
  const fs::path probe = copy_state("mesure-relance");
  ASSERT_EQ(run_ipt({"import", xml.string(), "--db", (probe / "ipt.sqlite").string()}).status, 0);
  const std::string signed_hash = sha256_of_file(probe / "documents" / reference / "annexe-4.pdf");
  const auto calls = count_calls(restart_args(probe), dir_ / "trace-relance.txt");
  ASSERT_GT(total_of(calls), 10);
  for (const auto& p : placements(calls, 14)) {
    const std::string n = p.name();
    const fs::path state = copy_state("relance-" + n);
    ASSERT_EQ(run_ipt({"import", xml.string(), "--db", (state / "ipt.sqlite").string()}).status, 0);
    (void)run_killed_at(restart_args(state), p);
    const auto again = run_ipt(restart_args(state));
    EXPECT_EQ(again.status, 0) << "kill at call " << n << ": " << again.err;
    const std::string db = (state / "ipt.sqlite").string();
    EXPECT_EQ(run_ipt({"audit", "verify", "--db", db}).status, 0) << n;
    // The signed document is never lost: it is among the voided ones, byte for byte.
    bool kept = false;
    for (const auto& e : fs::recursive_directory_iterator(state / "documents" / reference / "annules")) {
      if (e.is_regular_file() && e.path().extension() == ".pdf") kept = kept || sha256_of_file(e.path()) == signed_hash;
    }
    EXPECT_TRUE(kept) << "kill at call " << n << ": the signed document of version 1 is gone";
    // The round starts again on version 2's document, unsigned, and it can be signed.
    const auto status = nlohmann::json::parse(run_ipt({"status", reference, "--db", db, "--json"}).out);
    EXPECT_EQ(status["version_des_documents"], 2) << n;
    EXPECT_EQ(run_ipt(sign_args(state, "sig_pole", "pole")).status, 0) << n;
  }
}

TEST_F(KillTest, TwoProcessesSigningTheSameFieldAtOnceSignItOnce) {
  for (int round = 0; round < 6; ++round) {
    const fs::path state = copy_state("course-" + std::to_string(round));
    const auto args = sign_args(state, "sig_responsable", "responsable");
    auto first = std::async(std::launch::async, [&] { return run_ipt(args); });
    auto second = std::async(std::launch::async, [&] { return run_ipt(args); });
    const auto a = first.get();
    const auto b = second.get();
    EXPECT_EQ((a.status == 0) + (b.status == 0), 1) << "round " << round << ": exactly one succeeds\n" << a.err << "\n" << b.err;
    const auto& loser = a.status == 0 ? b : a;
    EXPECT_NE(loser.err.find("déjà signé"), std::string::npos) << loser.err;
    expect_consistent(state, "race " + std::to_string(round));
  }
}

}  // namespace
}  // namespace ipt::test
