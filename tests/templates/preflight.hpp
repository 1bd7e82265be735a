#pragma once
// PDFBox Preflight (PDF/A-1b), one JVM for many files (its "group" mode).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ipt::templates::testing {

// True when java is there to run Preflight.
bool preflight_available();

// File name -> Preflight's verdict entry (XML, "<isValid ...>true</isValid>" when valid).
// `work_dir` receives the list file and the report. Empty map when Preflight did not run.
std::map<std::string, std::string> preflight_a1b(const std::vector<std::filesystem::path>& files,
                                                 const std::filesystem::path& work_dir, std::string* output);

inline bool preflight_valid(const std::string& entry) {
  return entry.find("<isValid type=\"PDF/A1-b\">true</isValid>") != std::string::npos;
}

}  // namespace ipt::templates::testing
