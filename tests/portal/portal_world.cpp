#include "portal_world.hpp"

#include <fstream>
#include <thread>

#include "ipt/localpki/dossier_people.hpp"
#include "support/dossier_xml.hpp"
#include "support/must.hpp"

namespace ipt::test {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

void PortalWorld::SetUpTestSuite() {
  localpki::PkiRecipe recipe;
  recipe.signers = localpki::signers_of(example_dossier("c-fin-integration"));
  services_ = must(localpki::TrustServices::start(recipe), "services de confiance").release();
}

void PortalWorld::TearDownTestSuite() {
  delete services_;
  services_ = nullptr;
}

void PortalWorld::SetUp() {
  smtp_ = std::make_unique<SmtpTestServer>(dir_ / "smtp", SmtpServerOptions{.starttls = true});
  std::ofstream(dir_ / "racine.pem") << services_->pki().root().certificate_pem();
  std::ofstream(dir_ / "ac.mdp") << "mot de passe de l’autorité\n";
  db_ = (dir_ / "data" / "ipt.sqlite").string();
  config_ = (dir_ / "ipt.conf").string();
  port_ = free_port();
  std::string tls;
  if (https()) {
    fs::create_directories(dir_ / "tls");
    tls_ = make_test_certificate(dir_ / "tls");
    tls = "certificat_tls = " + tls_.cert.string() + "\ncle_tls = " + tls_.key.string() + "\n";
  }
  std::ofstream(config_) << "smtp_url = " << smtp_->url() << "\ntls = required\nca_file = " << smtp_->ca_file().string()
                         << "\nsender = coordination@pole-liege.example.be\n"
                            "[signature]\ntrust = racine.pem\ntsa_url = " << services_->timestamps().url()
                         << "\nissuing_ca = p12 ac.p12 ; password-file=ac.mdp\n" << signature_options()
                         << "[portail]\necoute = 127.0.0.1:" << port_ << "\nurl = " << portal_url() << "\n"
                         << tls << portal_options();
  ASSERT_EQ(run_ipt({"ca", "create", "--name", "Pôle territorial de Liège-Centre", "--out", (dir_ / "ac.p12").string(),
                     "--password-file", (dir_ / "ac.mdp").string()}).status, 0);
  auto r = run_ipt({"import", std::string(IPT_EXAMPLES_DIR) + "/c-fin-integration.xml", "--db", db_});
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_ipt({"render", "--dossier", reference, "--db", db_});
  ASSERT_EQ(r.status, 0) << r.err;
  restart_server();
}

void PortalWorld::restart_server() {
  server_.reset();
  server_ = std::make_unique<ServerProcess>(std::vector<std::string>{IPT_BINARY, "serve", "--config", config_, "--db", db_});
  const auto& line = server_->ready_line();
  ASSERT_TRUE(line.starts_with("PORT " + std::to_string(port_))) << line;
}

ProcessResult PortalWorld::start_round() const {
  return run_ipt({"request", "start", reference, "--db", db_, "--config", config_});
}

httplib::Client PortalWorld::client() const {
  httplib::Client c(portal_url());
  if (https()) c.set_ca_cert_path(tls_.cert.c_str());
  c.set_read_timeout(60, 0);
  return c;
}

nlohmann::json PortalWorld::message(size_t n) const {
  for (int i = 0; i < 300 && smtp_->received().size() < n; ++i) std::this_thread::sleep_for(50ms);
  const auto received = smtp_->received();
  if (received.size() < n) {
    ADD_FAILURE() << "message n° " << n << " jamais reçu (" << received.size() << " reçus)";
    return {};
  }
  return parse_eml(received[n - 1]);
}

nlohmann::json PortalWorld::message_to(const std::string& address) const {
  size_t read = 0;
  for (int i = 0; i < 300; ++i) {
    const auto received = smtp_->received();
    for (; read < received.size(); ++read) {
      auto m = parse_eml(received[read]);
      if (m.value("to", "").find(address) != std::string::npos) return m;
    }
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "aucun message pour " << address << " (" << smtp_->received().size() << " reçus)";
  return {};
}

std::string PortalWorld::body(const nlohmann::json& m) {
  return m.contains("parts") && !m["parts"].empty() ? m["parts"][0].value("text", "") : "";
}

std::filesystem::path PortalWorld::fetch_ca_pem() const {
  auto ca = client().Get("/ac/certificat");
  if (!ca || ca->status != 200) {
    ADD_FAILURE() << "GET /ac/certificat : " << (ca ? std::to_string(ca->status) : httplib::to_string(ca.error()));
    return {};
  }
  std::ofstream(dir_ / "ac.der", std::ios::binary) << ca->body;
  const auto pem = dir_ / "ac.pem";
  const auto r = run_process({"openssl", "x509", "-inform", "DER", "-in", (dir_ / "ac.der").string(), "-out", pem.string()});
  if (r.status != 0) {
    ADD_FAILURE() << "openssl x509 : " << r.err;
    return {};
  }
  return pem;
}

std::filesystem::path PortalWorld::annexe4() const { return dir_ / "data" / "documents" / reference / "annexe-4.pdf"; }

ProcessResult PortalWorld::verify_annexe4(const std::filesystem::path& ca_pem, bool json) const {
  std::vector<std::string> args{"verify", annexe4().string(), "--trust", (dir_ / "racine.pem").string(),
                                "--trust", ca_pem.string(), "--offline"};
  if (json) args.push_back("--json");
  return run_ipt(args);
}

}  // namespace ipt::test
