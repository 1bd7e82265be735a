// An archive folder as one ZIP, judged by unzip (Info-ZIP) and Python's zipfile.
#include "ipt/pipeline/archive_zip.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/must.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::pipeline {
namespace {

TEST(ArchiveZip, UnzipAndPythonReadEveryFileBack) {
  test::TempDir dir;
  const auto folder = dir / "v1";
  std::filesystem::create_directories(folder / "originaux");
  std::ofstream(folder / "manifest.json") << "{\"format\": \"ipt-archive-2\"}\n";
  std::string pdf = "%PDF-1.7\n";
  for (int i = 0; i < 5000; ++i) pdf += static_cast<char>(i * 37 % 256);
  std::ofstream(folder / "originaux" / "annexe-4.pdf", std::ios::binary) << pdf;
  std::ofstream(folder / "originaux" / "fiche-motivations-école.pdf") << "é";
  const auto zip = test::must(zip_folder(folder, "PT-LIEGE-2026-0002-v1"), "zip");
  std::ofstream(dir / "archive.zip", std::ios::binary) << zip;

  const auto tested = test::run_process({"unzip", "-t", (dir / "archive.zip").string()});
  EXPECT_EQ(tested.status, 0) << tested.out << tested.err;
  EXPECT_NE(tested.out.find("No errors detected"), std::string::npos) << tested.out;
  const auto listed = test::run_process(
      {"/usr/bin/python3", "-c",
       "import sys, zipfile, hashlib\n"
       "z = zipfile.ZipFile(sys.argv[1])\n"
       "assert z.testzip() is None\n"
       "for i in z.infolist(): print(i.filename, hashlib.sha256(z.read(i)).hexdigest()[:12], oct(i.external_attr >> 16))\n",
       (dir / "archive.zip").string()});
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_NE(listed.out.find("PT-LIEGE-2026-0002-v1/manifest.json"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("PT-LIEGE-2026-0002-v1/originaux/fiche-motivations-école.pdf"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("0o100600"), std::string::npos) << listed.out;

  EXPECT_FALSE(zip_folder(dir / "absent", "x"));
}

}  // namespace
}  // namespace ipt::pipeline
