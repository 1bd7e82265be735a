// files.hpp: atomic writes and whole folders written for a rename into place, on the real
// file system: contents, owner-only modes, refusals that name the file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "ipt/core/files.hpp"
#include "support/temp_dir.hpp"

namespace ipt::core {
namespace {

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST(Files, AWholeFolderIsWrittenWithItsSubfoldersOwnerOnly) {
  const test::TempDir dir;
  const auto folder = dir / ".v1.en-cours";
  const std::string big(300000, 'x');
  ASSERT_TRUE(write_new_folder(folder, {{"manifest.json", "{}"}, {"originaux/annexe-4.pdf", big},
                                        {"copies/ecole/annexe-4.pdf", "%PDF-1.7"}, {"originaux/annexe-1.pdf", ""}}));
  EXPECT_EQ(read_whole_file(folder / "manifest.json"), "{}");
  EXPECT_EQ(read_whole_file(folder / "originaux" / "annexe-4.pdf"), big);
  EXPECT_EQ(read_whole_file(folder / "copies" / "ecole" / "annexe-4.pdf"), "%PDF-1.7");
  EXPECT_EQ(read_whole_file(folder / "originaux" / "annexe-1.pdf"), "");
  for (const auto& p : {folder / "manifest.json", folder / "originaux" / "annexe-4.pdf"}) EXPECT_EQ(mode_of(p), 0600u);
  for (const auto& p : {folder, folder / "originaux", folder / "copies" / "ecole"}) EXPECT_EQ(mode_of(p), 0700u);
  // Nothing else in it: no temporary names.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::recursive_directory_iterator(folder)) ++entries;
  EXPECT_EQ(entries, 7u);  // 4 files, 3 folders
  EXPECT_TRUE(sync_folder(folder));
}

TEST(Files, AFolderThatExistsOrAFileTwiceIsRefusedNamingIt) {
  const test::TempDir dir;
  const auto folder = dir / "v1";
  std::filesystem::create_directory(folder);
  auto again = write_new_folder(folder, {{"a.json", "{}"}});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find(folder.string()), std::string::npos) << again.error().message;

  const auto other = dir / "v2";
  auto twice = write_new_folder(other, {{"a.json", "{}"}, {"a.json", "[]"}});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("a.json"), std::string::npos) << twice.error().message;
  EXPECT_FALSE(sync_folder(dir / "absent"));
}

}  // namespace
}  // namespace ipt::core
