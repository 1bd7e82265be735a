// companion_file.hpp on the real file system: versions written into the companion and
// exchanged with the file, no file created or deleted after the first, owner-only modes,
// refusals that name the file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>

#include "ipt/core/companion_file.hpp"
#include "ipt/core/files.hpp"
#include "support/temp_dir.hpp"

namespace ipt::core {
namespace {

struct stat stat_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st;
}

TEST(CompanionFile, VersionsGoThroughTheCompanionWithoutNewFiles) {
  const test::TempDir dir;
  const auto file = dir / "annexe-4.pdf";
  const auto companion = dir / "annexe-4.pdf.nouveau";
  ASSERT_TRUE(write_file_atomically(file, "version 1"));
  ASSERT_TRUE(write_companion(companion, "version 2, plus longue"));  // the first time: created
  ASSERT_TRUE(exchange_with_companion(companion, file));
  EXPECT_EQ(read_whole_file(file), "version 2, plus longue");
  EXPECT_EQ(read_whole_file(companion), "");
  // From now on the two inodes only trade names.
  const ino_t a = stat_of(file).st_ino, b = stat_of(companion).st_ino;
  for (const std::string v : {"version 3, plus longue encore", "v4"}) {  // longer, then shorter: cut to its length
    ASSERT_TRUE(write_companion(companion, v));
    EXPECT_EQ(read_whole_file(companion), v);
    ASSERT_TRUE(exchange_with_companion(companion, file));
    EXPECT_EQ(read_whole_file(file), v);
    EXPECT_EQ(stat_of(companion).st_size, 0);
  }
  std::set<ino_t> inodes{stat_of(file).st_ino, stat_of(companion).st_ino};
  EXPECT_EQ(inodes, (std::set<ino_t>{a, b}));
  EXPECT_EQ(stat_of(file).st_mode & 0777, 0600u);
  EXPECT_EQ(stat_of(companion).st_mode & 0777, 0600u);
  // Nothing else in the folder.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 2u);
}

TEST(CompanionFile, WithoutAFileTheCompanionTakesItsName) {
  const test::TempDir dir;
  ASSERT_TRUE(write_companion(dir / "a.pdf.nouveau", "premier"));
  ASSERT_TRUE(exchange_with_companion(dir / "a.pdf.nouveau", dir / "a.pdf"));
  EXPECT_EQ(read_whole_file(dir / "a.pdf"), "premier");
  EXPECT_FALSE(std::filesystem::exists(dir / "a.pdf.nouveau"));
}

TEST(CompanionFile, ALinkAHardLinkOrAFolderInTheCompanionsPlaceIsRefusedNamingIt) {
  const test::TempDir dir;
  ASSERT_TRUE(write_file_atomically(dir / "ailleurs", "à ne pas écraser"));
  std::filesystem::create_symlink(dir / "ailleurs", dir / "a.pdf.nouveau");
  const auto linked = write_companion(dir / "a.pdf.nouveau", "x");
  ASSERT_FALSE(linked);
  EXPECT_NE(linked.error().message.find("a.pdf.nouveau"), std::string::npos) << linked.error().message;
  EXPECT_EQ(read_whole_file(dir / "ailleurs"), "à ne pas écraser");
  std::filesystem::create_hard_link(dir / "ailleurs", dir / "c.pdf.nouveau");
  EXPECT_FALSE(write_companion(dir / "c.pdf.nouveau", "x"));
  EXPECT_EQ(read_whole_file(dir / "ailleurs"), "à ne pas écraser");
  std::filesystem::create_directory(dir / "b.pdf.nouveau");
  EXPECT_FALSE(write_companion(dir / "b.pdf.nouveau", "x"));
  EXPECT_TRUE(empty_companion(dir / "absent.nouveau"));  // nothing to empty
}

}  // namespace
}  // namespace ipt::core
