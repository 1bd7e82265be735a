#include "ipt/pipeline/archive_zip.hpp"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

namespace ipt::pipeline {

namespace {

void le16(std::string& out, unsigned v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}
void le32(std::string& out, unsigned long v) {
  le16(out, static_cast<unsigned>(v & 0xffff));
  le16(out, static_cast<unsigned>((v >> 16) & 0xffff));
}

constexpr unsigned utf8_names = 1u << 11;  // general purpose flag 11: names are UTF-8
constexpr unsigned dos_date = (46u << 9) | (1u << 5) | 1u;  // 2026-01-01: archives carry their own dates in the manifest

}  // namespace

core::Result<std::string> zip_folder(const std::filesystem::path& folder, const std::string& top) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec); !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) return core::fail(core::Category::not_found, folder.string() + " : dossier d’archive illisible (" + ec.message() + ")");
  std::sort(files.begin(), files.end());
  if (files.size() > 0xffff) return core::fail(core::Category::refused, "trop de fichiers pour un ZIP sans ZIP64");
  std::string zip, directory;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream read;
    read << in.rdbuf();
    if (!in && !in.eof()) return core::fail(core::Category::internal, path.string() + " : lecture impossible");
    const std::string data = read.str();
    const std::string name = top + "/" + std::filesystem::relative(path, folder).generic_string();
    if (zip.size() + data.size() + name.size() > 0xfffffff0ul) return core::fail(core::Category::refused, "archive de plus de 4 Gio");
    const unsigned long crc = crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
    const unsigned long offset = zip.size();
    // Local file header (APPNOTE 4.3.7).
    le32(zip, 0x04034b50);
    le16(zip, 20);
    le16(zip, utf8_names);
    le16(zip, 0);  // stored
    le16(zip, 0);
    le16(zip, dos_date);
    le32(zip, crc);
    le32(zip, data.size());
    le32(zip, data.size());
    le16(zip, static_cast<unsigned>(name.size()));
    le16(zip, 0);
    zip += name;
    zip += data;
    // Its central directory entry (4.3.12).
    le32(directory, 0x02014b50);
    le16(directory, (3u << 8) | 20);  // made by: Unix, 2.0
    le16(directory, 20);
    le16(directory, utf8_names);
    le16(directory, 0);
    le16(directory, 0);
    le16(directory, dos_date);
    le32(directory, crc);
    le32(directory, data.size());
    le32(directory, data.size());
    le16(directory, static_cast<unsigned>(name.size()));
    le16(directory, 0);
    le16(directory, 0);
    le16(directory, 0);
    le16(directory, 0);
    le32(directory, 0100600ul << 16);  // a regular file, readable by its owner only
    le32(directory, offset);
    directory += name;
  }
  const unsigned long directory_at = zip.size();
  zip += directory;
  // End of central directory (4.3.16).
  le32(zip, 0x06054b50);
  le16(zip, 0);
  le16(zip, 0);
  le16(zip, static_cast<unsigned>(files.size()));
  le16(zip, static_cast<unsigned>(files.size()));
  le32(zip, directory.size());
  le32(zip, directory_at);
  le16(zip, 0);
  return zip;
}

}  // namespace ipt::pipeline
