#pragma once
// The portal's world (portal_world.hpp) seen through a browser made of an HTTP client: its
// cookie and anti-forgery token, the links and codes read from the SMTP server's messages.
#include <httplib.h>

#include <regex>
#include <thread>

#include "portal_world.hpp"

namespace ipt::test {

class HttpPortalTest : public PortalWorld {
 protected:
  // The details of the dossier's (by default the world's) audit entries of `action`, in order.
  std::vector<std::string> audit_details(const std::string& action, const std::string& dossier = "") const {
    const auto r = run_ipt({"audit", "list", dossier.empty() ? reference : dossier, "--db", db_, "--json"});
    std::vector<std::string> out;
    for (const auto& e : nlohmann::json::parse(r.out)) {
      if (e["action"] == action) out.push_back(e["details"]);
    }
    return out;
  }

  std::string token_in(const nlohmann::json& m) const {
    std::smatch found;
    const std::string text = body(m);
    const std::regex link(std::regex_replace(portal_url(), std::regex("\\."), "\\.") + "/s/([A-Za-z0-9_-]{43})");
    if (!std::regex_search(text, found, link)) {
      ADD_FAILURE() << "pas de lien dans : " << text;
      return "";
    }
    return found[1];
  }
  static std::string code_in(const nlohmann::json& m) {
    std::smatch found;
    const std::string text = body(m);
    if (!std::regex_search(text, found, std::regex("code de confirmation est : ([0-9]{6})"))) ADD_FAILURE() << text;
    return found.size() > 1 ? std::string(found[1]) : "";
  }

  // A browser: its cookie, and the anti-forgery token of the last page.
  struct Browser {
    std::string cookie;
    std::string csrf;
    httplib::Headers headers() const { return cookie.empty() ? httplib::Headers{} : httplib::Headers{{"Cookie", cookie}}; }
    void keep(const httplib::Result& r) {
      if (r && r->has_header("Set-Cookie")) {
        const std::string set = r->get_header_value("Set-Cookie");
        cookie = set.substr(0, set.find(';'));
      }
      std::smatch found;
      if (r && std::regex_search(r->body, found, std::regex("name=\"csrf\" value=\"([A-Za-z0-9_-]+)\""))) csrf = found[1];
    }
  };

  httplib::Result get(Browser& b, const std::string& path) {
    auto c = client();
    auto r = c.Get(path.c_str(), b.headers());
    b.keep(r);
    return r;
  }
  httplib::Result post(Browser& b, const std::string& path, httplib::Params params) {
    auto c = client();
    auto r = c.Post(path.c_str(), b.headers(), params);
    b.keep(r);
    return r;
  }

  // Opens the link, asks for a code, reads it from the SMTP server and confirms it.
  void confirm(Browser& b, const std::string& token, size_t& mails) {
    auto page = get(b, "/s/" + token);
    ASSERT_TRUE(page);
    ASSERT_EQ(page->status, 200) << page->body;
    auto code = post(b, "/s/" + token + "/code", {{"csrf", b.csrf}});
    ASSERT_TRUE(code);
    ASSERT_EQ(code->status, 303) << code->body;
    const auto mail = message(++mails);
    EXPECT_NE(mail.value("subject", "").find("Votre code de confirmation – dossier " + reference), std::string::npos);
    auto confirmed = post(b, "/s/" + token + "/confirmer", {{"csrf", b.csrf}, {"code", code_in(mail)}});
    ASSERT_TRUE(confirmed);
    ASSERT_EQ(confirmed->status, 303) << confirmed->body;
  }

  // Starts the round, opens the first invitation in `b` and confirms its code; the token.
  // SIGKILL to ipt serve `delay` after `request` was started, the request's end awaited, the
  // server started again, and the audit chain checked.
  void kill_after(std::chrono::microseconds delay, std::thread& request) {
    std::this_thread::sleep_for(delay);
    server_->kill_now();
    request.join();
    ASSERT_NO_FATAL_FAILURE(restart_server());
    const auto chain = run_ipt({"audit", "verify", "--db", db_});
    EXPECT_EQ(chain.status, 0) << chain.out << chain.err;
  }

  std::string start_and_confirm_first(Browser& b, size_t& mails) {
    EXPECT_EQ(start_round().status, 0);
    mails = 1;
    const std::string token = token_in(message(1));
    confirm(b, token, mails);
    return token;
  }
};

}  // namespace ipt::test
