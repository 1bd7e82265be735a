#include <algorithm>
#include <fstream>
#include <optional>

#include "ipt/templates/template_set.hpp"
#include "ipt/core/files.hpp"

namespace ipt::templates {

core::Result<TemplateSet> TemplateSet::parse(std::span<const EmbeddedFile> files, const FieldNames& known_fields) {
  TemplateSet set;
  for (const auto& file : files) {
    auto def = parse_definition(file.content, std::string(file.name), known_fields);
    if (!def) return std::unexpected(core::to_error(def.error()));
    if (set.find(def->id) != nullptr) return core::fail(core::Category::invalid_input, std::string(file.name) + ": définition « " + def->id + " » en double");
    set.definitions_.push_back(std::move(*def));
  }
  std::ranges::sort(set.definitions_, {}, &TemplateDefinition::id);
  return set;
}

core::Result<TemplateSet> TemplateSet::load_directory(const std::filesystem::path& directory,
                                                      const FieldNames& known_fields) {
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec))
    if (entry.path().extension() == ".xml") paths.push_back(entry.path());
  if (ec) return core::fail(core::Category::not_found, "dossier de modèles « " + directory.string() + " » illisible : " + ec.message());
  std::ranges::sort(paths);
  std::vector<std::string> names;
  std::vector<std::string> contents;
  for (const auto& path : paths) {
    auto content = core::read_whole_file(path);
    if (!content) return core::fail(core::Category::not_found, "modèle « " + path.string() + " » illisible");
    contents.push_back(std::move(*content));
    names.push_back(path.filename().string());
  }
  std::vector<EmbeddedFile> files;
  for (std::size_t i = 0; i < paths.size(); ++i) files.push_back({names[i], contents[i]});
  return parse(files, known_fields);
}

const TemplateDefinition* TemplateSet::find(std::string_view id) const {
  const auto it = std::ranges::find(definitions_, id, &TemplateDefinition::id);
  return it == definitions_.end() ? nullptr : &*it;
}

}  // namespace ipt::templates
