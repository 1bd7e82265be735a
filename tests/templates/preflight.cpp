#include "preflight.hpp"

#include <fstream>
#include <sstream>

#include "support/process.hpp"

namespace ipt::templates::testing {

bool preflight_available() {
  const std::string java = IPT_JAVA;
  return !java.empty() && !java.ends_with("NOTFOUND") && std::filesystem::exists("/usr/share/java/preflight.jar");
}

std::map<std::string, std::string> preflight_a1b(const std::vector<std::filesystem::path>& files,
                                                 const std::filesystem::path& work_dir, std::string* output) {
  std::map<std::string, std::string> verdicts;
  const auto list = work_dir / "preflight-list.txt";
  {
    std::ofstream out(list);
    for (const auto& f : files) out << f.string() << "\n";
  }
  const std::string cp =
      "/usr/share/java/preflight.jar:/usr/share/java/pdfbox2.jar:/usr/share/java/fontbox2.jar:"
      "/usr/share/java/xmpbox.jar:/usr/share/java/commons-logging.jar:/usr/share/java/javax.activation.jar:"
      "/usr/share/java/jaxb-api.jar";
  const auto r = test::run_process({IPT_JAVA, "-Djava.awt.headless=true", "-cp", cp,
                                    "org.apache.pdfbox.preflight.Validator_A1b", "xml", "group", list.string()});
  if (output != nullptr) *output = r.out + r.err;
  if (r.status != 0) return verdicts;
  std::ifstream in(list.string() + ".preflight.xml");
  std::stringstream report;
  report << in.rdbuf();
  const std::string xml = report.str();
  for (const auto& f : files) {
    const auto at = xml.find("<preflight name=\"" + f.filename().string() + "\">");
    if (at == std::string::npos) continue;
    verdicts[f.filename().string()] = xml.substr(at, xml.find("</preflight>", at) - at);
  }
  return verdicts;
}

}  // namespace ipt::templates::testing
