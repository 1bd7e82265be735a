// The signer portal under load: 50 signatories of 50 dossiers open their links, ask for
// their code, confirm it and sign at once, on loopback, against one `ipt serve` process
// (its outbox writing .eml files, the test PKI's timestamp server, the pole's issuing CA made
// by `ipt ca create`). Reports each request's latency (median, 99th percentile, maximum) and
// checks that no signature was lost or made twice. See docs/BENCHMARKS.md.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "ipt/localpki/dossier_people.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "smtp_server.hpp"
#include "support/dossier_xml.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int signatories = 50;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string reference_of(int i) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "PT-LIEGE-2026-%04d", 1000 + i);
  return buffer;
}

// The outbox folder read by one thread, each message once, so that the load generator's own
// reading does not take the cores from the server it measures (50 threads each re-reading the
// whole folder with std::regex every 50 ms took more CPU than the server's signatures).
class Mailbox {
 public:
  explicit Mailbox(fs::path folder) : folder_(std::move(folder)), reader_([this] { run(); }) {}
  ~Mailbox() {
    stop_ = true;
    reader_.join();
  }

  // The secret (group 2) of the first message matching `pattern` whose group 1 is `key`.
  std::string wait_for(const std::regex& pattern, const std::string& key, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    std::string found;
    arrived_.wait_for(lock, timeout, [&] {
      for (const auto& text : messages_) {
        std::smatch m;
        if (std::regex_search(text, m, pattern) && m[1] == key) {
          found = m[2];
          return true;
        }
      }
      return false;
    });
    return found;
  }

  // Every (group 1 → group 2) among the messages read so far.
  std::map<std::string, std::string> all(const std::regex& pattern) {
    std::lock_guard lock(mutex_);
    std::map<std::string, std::string> out;
    for (const auto& text : messages_) {
      std::smatch m;
      if (std::regex_search(text, m, pattern)) out[m[1]] = m[2];
    }
    return out;
  }

 private:
  void run() {
    std::set<std::string> seen;
    while (!stop_) {
      std::error_code ec;
      std::vector<std::string> fresh;
      for (const auto& entry : fs::directory_iterator(folder_, ec)) {
        if (!seen.insert(entry.path().filename().string()).second) continue;
        // Quoted-printable soft breaks undone; only the lines that carry a reference kept.
        fresh.push_back(std::regex_replace(slurp(entry.path()), std::regex("=\r?\n"), ""));
      }
      if (!fresh.empty()) {
        std::lock_guard lock(mutex_);
        for (auto& f : fresh) messages_.push_back(std::move(f));
        arrived_.notify_all();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  fs::path folder_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> messages_;
  std::thread reader_;
};

struct Latencies {
  std::mutex mutex;
  std::vector<double> ms;
  std::map<std::string, double> slowest;  // per kind of request
  void add(Clock::time_point start, const char* kind) {
    const double v = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::lock_guard lock(mutex);
    ms.push_back(v);
    slowest[kind] = std::max(slowest[kind], v);
  }
};

void BM_FiftySignatoriesAtOnce(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    ipt::test::TempDir dir;
    ipt::localpki::PkiRecipe recipe;
    recipe.signers = ipt::localpki::signers_of(ipt::test::example_dossier("c-fin-integration"));
    auto services = ipt::localpki::TrustServices::start(recipe);
    if (!services) return state.SkipWithError(services.error().message.c_str());
    const int port = ipt::test::free_port();
    const auto outbox = dir / "courriels";
    std::ofstream(dir / "racine.pem") << (*services)->pki().root().certificate_pem();
    std::ofstream(dir / "ac.mdp") << "mot de passe de l’autorité\n";
    std::ofstream(dir / "ipt.conf") << "sender = coordination@pole-liege.example.be\noutbox_dir = " << outbox.string()
                                    << "\n[signature]\ntrust = racine.pem\ntsa_url = " << (*services)->timestamps().url()
                                    << "\nissuing_ca = p12 ac.p12 ; password-file=ac.mdp\n[portail]\necoute = 127.0.0.1:" << port
                                    << "\nurl = http://127.0.0.1:" << port << "\nproxy = 127.0.0.1\n";
    const std::string db = (dir / "data" / "ipt.sqlite").string(), config = (dir / "ipt.conf").string();
    ipt::test::run_ipt({"ca", "create", "--name", "Pôle territorial de Liège-Centre", "--out", (dir / "ac.p12").string(),
                        "--password-file", (dir / "ac.mdp").string()});
    const std::string example = ipt::test::example_text("c-fin-integration");
    std::vector<std::string> import{"import", "--db", db};
    for (int i = 0; i < signatories; ++i) {
      const auto file = dir / (reference_of(i) + ".xml");
      std::ofstream(file) << std::regex_replace(example, std::regex("PT-LIEGE-2026-0002"), reference_of(i));
      import.push_back(file.string());
    }
    if (ipt::test::run_ipt(import).status != 0) return state.SkipWithError("import");
    for (int i = 0; i < signatories; ++i) {
      ipt::test::run_ipt({"render", "--dossier", reference_of(i), "--db", db});
      ipt::test::run_ipt({"request", "start", reference_of(i), "--db", db, "--config", config});
    }
    ipt::test::ServerProcess server({IPT_BINARY, "serve", "--config", config, "--db", db});
    const std::regex invitation(R"(dossier d.{1,12}int.{1,12}gration\s+(PT-LIEGE-2026-\d{4})[\s\S]*?/s/([A-Za-z0-9_-]{43}))");
    Mailbox mailbox(outbox);
    std::map<std::string, std::string> tokens;
    for (int i = 0; i < 600 && static_cast<int>(tokens.size()) < signatories; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      tokens = mailbox.all(invitation);
    }
    if (static_cast<int>(tokens.size()) < signatories) return state.SkipWithError("invitations non reçues");
    state.ResumeTiming();

    Latencies latencies;
    std::atomic<int> signed_ok{0}, failed{0};
    const std::regex code_pattern(R"(Dossier (PT-LIEGE-2026-\d{4})\.\s+Votre code de confirmation est : (\d{6}))");
    std::vector<std::thread> threads;
    int n = 0;
    for (const auto& [reference, token] : tokens) {
      // Each signatory from an address of their own, through the declared proxy (the
      // per-address limits are per signatory, as on the Internet).
      const std::string address = "10.0.0." + std::to_string(++n);
      threads.emplace_back([&, reference = reference, token = token, address] {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(120, 0);
        httplib::Headers headers;
        auto timed = [&](const char* kind, auto&& call) {
          const auto start = Clock::now();
          auto r = call();
          latencies.add(start, kind);
          return r;
        };
        headers = {{"X-Forwarded-For", address}};
        auto page = timed("page", [&] { return c.Get(("/s/" + token).c_str(), headers); });
        if (!page || page->status != 200) {
          std::fprintf(stderr, "%s : page %d\n", reference.c_str(), page ? page->status : -1);
          return void(++failed);
        }
        const std::string cookie = page->get_header_value("Set-Cookie");
        headers.emplace("Cookie", cookie.substr(0, cookie.find(';')));
        std::smatch m;
        std::regex_search(page->body, m, std::regex("name=\"csrf\" value=\"([A-Za-z0-9_-]+)\""));
        const std::string csrf = m[1];
        auto code = timed("code", [&] { return c.Post(("/s/" + token + "/code").c_str(), headers, httplib::Params{{"csrf", csrf}}); });
        if (!code || code->status != 303) {
          std::smatch why;
          if (code) std::regex_search(code->body, why, std::regex("role=\"alert\">([^<]*)<"));
          std::fprintf(stderr, "%s : code %d %s\n", reference.c_str(), code ? code->status : -1, why.size() > 1 ? why[1].str().c_str() : "");
          return void(++failed);
        }
        const std::string value = mailbox.wait_for(code_pattern, reference, std::chrono::seconds(30));
        auto confirmed = timed("confirmer", [&] {
          return c.Post(("/s/" + token + "/confirmer").c_str(), headers, httplib::Params{{"csrf", csrf}, {"code", value}});
        });
        if (!confirmed || confirmed->status != 303) {
          std::fprintf(stderr, "%s : confirmation %d (code « %s »)\n", reference.c_str(), confirmed ? confirmed->status : -1, value.c_str());
          return void(++failed);
        }
        auto signed_ = timed("signer", [&] {
          return c.Post(("/s/" + token + "/signer").c_str(), headers, httplib::Params{{"csrf", csrf}, {"consentement", "oui"}});
        });
        if (!signed_ || signed_->status != 200) {
          std::smatch why;
          if (signed_ && std::regex_search(signed_->body, why, std::regex("role=\"alert\">([^<]*)<"))) {
            std::lock_guard lock(latencies.mutex);
            std::fprintf(stderr, "%s : signature refusée (%d) : %s\n", reference.c_str(), signed_->status, why[1].str().c_str());
          }
          return void(++failed);
        }
        ++signed_ok;
      });
    }
    for (auto& t : threads) t.join();
    state.PauseTiming();
    // Nothing lost, nothing twice: exactly one recorded signature per dossier.
    int double_signed = 0, lost = 0;
    for (int i = 0; i < signatories; ++i) {
      const auto audit = ipt::test::run_ipt({"audit", "list", reference_of(i), "--db", db, "--json"});
      int signatures = 0;
      for (size_t at = audit.out.find("\"document.sign\""); at != std::string::npos; at = audit.out.find("\"document.sign\"", at + 1)) {
        ++signatures;
      }
      double_signed += signatures > 1;
      lost += signatures == 0;
    }
    std::sort(latencies.ms.begin(), latencies.ms.end());
    const auto at = [&](double q) {
      if (latencies.ms.empty()) return 0.0;
      return latencies.ms[static_cast<size_t>(q * static_cast<double>(latencies.ms.size() - 1))];
    };
    state.counters["signed"] = signed_ok.load();
    state.counters["failed"] = failed.load();
    state.counters["lost"] = lost;
    state.counters["double_signed"] = double_signed;
    state.counters["requests"] = static_cast<double>(latencies.ms.size());
    state.counters["p50_ms"] = at(0.5);
    state.counters["p99_ms"] = at(0.99);
    state.counters["max_ms"] = latencies.ms.empty() ? 0 : latencies.ms.back();
    for (const auto& [kind, ms] : latencies.slowest) state.counters["max_" + kind + "_ms"] = ms;
    state.ResumeTiming();
  }
}
BENCHMARK(BM_FiftySignatoriesAtOnce)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
