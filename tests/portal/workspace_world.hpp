#pragma once
// The portal's world with two coordinators' accounts (one of the dossier's pole, one of another),
// logging in through the pages, and the dossier form read from and posted as a browser does.
#include <cstring>
#include <fstream>
#include <map>
#include <regex>

#include "http_portal_test.hpp"
#include "ipt/pipeline/dossier_form.hpp"
#include "support/dossier_xml.hpp"
#include "support/must.hpp"

namespace ipt::test {

inline const std::string password = "une phrase de passe assez longue";


class WorkspaceTest : public HttpPortalTest {
 protected:
  void SetUp() override {
    HttpPortalTest::SetUp();
    if (HasFatalFailure()) return;
    std::ofstream(dir_ / "mdp") << password << "\n";
    fase_ = example_dossier("c-fin-integration").pole.fase;
    add_user("marie.lambert@pole-liege.example.be", "Marie Lambert", fase_);
    add_user("autre.pole@pole-namur.example.be", "Paul Autre", fase_ + 1);
  }
  void add_user(const std::string& email, const std::string& name, unsigned fase) {
    const auto r = run_ipt({"user", "add", "--email", email, "--name", name, "--pole", std::to_string(fase), "--password-file",
                            (dir_ / "mdp").string(), "--db", db_});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static std::string login_code_in(const nlohmann::json& m) {
    std::smatch found;
    const std::string text = body(m);
    if (!std::regex_search(text, found, std::regex("coordinateurs est : ([0-9]{6})"))) ADD_FAILURE() << text;
    return found.size() > 1 ? std::string(found[1]) : "";
  }
  // Logs `b` in as `email`, reading the code from message n° ++mails.
  void log_in(Browser& b, const std::string& email, size_t& mails) {
    ASSERT_EQ(get(b, "/espace/connexion")->status, 200);
    auto sent = post(b, "/espace/connexion", {{"csrf", b.csrf}, {"courriel", email}, {"mot_de_passe", password}});
    ASSERT_TRUE(sent);
    ASSERT_EQ(sent->status, 303) << sent->body;
    ASSERT_EQ(sent->get_header_value("Location"), "/espace/code");
    auto code_page = get(b, "/espace/code");
    ASSERT_EQ(code_page->status, 200);
    const auto mail = message(++mails);
    EXPECT_EQ(mail.value("subject", ""), "Votre code de connexion – IPT Dossiers");
    auto confirmed = post(b, "/espace/code", {{"csrf", b.csrf}, {"code", login_code_in(mail)}});
    ASSERT_EQ(confirmed->status, 303) << confirmed->body;
    ASSERT_EQ(confirmed->get_header_value("Location"), "/espace");
  }
  // The form's fields and skeleton, read from a form page's HTML.
  struct PageForm {
    std::map<std::string, std::string> fields;
    std::string skeleton;
  };
  static std::string unescaped(std::string s) {
    const std::pair<const char*, const char*> entities[] = {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
    for (const auto& [from, to] : entities) {
      for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + std::strlen(to))) s.replace(at, std::strlen(from), to);
    }
    return s;
  }
  static PageForm read_form(const std::string& html) {
    PageForm f;
    const std::regex field("name=\"champ:([^\"]+)\"");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), field); it != std::sregex_iterator(); ++it) f.fields[unescaped((*it)[1])] = "";
    std::smatch m;
    if (std::regex_search(html, m, std::regex("name=\"squelette\" value=\"([^\"]*)\""))) f.skeleton = unescaped(m[1]);
    return f;
  }
  httplib::Result send_form(Browser& b, const PageForm& form, const std::map<std::string, std::string>& values, const std::string& reason = "") {
    // As a browser sends it: multipart/form-data, as the form's enctype says.
    httplib::MultipartFormDataItems items{{"csrf", b.csrf, "", ""}, {"squelette", form.skeleton, "", ""}, {"enregistrer", "oui", "", ""}};
    for (const auto& [name, value] : values) items.push_back({"champ:" + name, value, "", ""});
    if (!reason.empty()) items.push_back({"raison", reason, "", ""});
    auto c = client();
    auto r = c.Post("/espace/formulaire", b.headers(), items);
    b.keep(r);
    return r;
  }
  // The example dossier's values, by field name.
  static std::map<std::string, std::string> example_values() {
    const auto example = ipt::test::must(pipeline::form_of(example_text("c-fin-integration")), "exemple");
    std::map<std::string, std::string> values;
    for (const auto& section : example.sections) {
      for (const auto& f : section.fields) values[f.name] = f.value;
    }
    return values;
  }
  // The round started, Marie logged in on `marie`, the dossier's form opened (it asks why the
  // round would restart), and the example's values with the transport changed.
  PageForm edit_with_round_begun(Browser& marie, std::map<std::string, std::string>& values) {
    EXPECT_EQ(start_round().status, 0);
    size_t mails = 1;
    log_in(marie, "marie.lambert@pole-liege.example.be", mails);
    auto edit = get(marie, "/espace/dossiers/" + reference + "/modifier");
    EXPECT_EQ(edit->status, 200);
    EXPECT_NE(edit->body.find("Pourquoi recommencer le tour"), std::string::npos);
    values = example_values();
    values["dossier/protocole/transport"] = "Léa vient à l’école en bus scolaire.";
    return read_form(edit->body);
  }
  unsigned fase_ = 0;
};

}  // namespace ipt::test
