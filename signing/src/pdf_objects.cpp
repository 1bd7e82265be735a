#include "pdf_objects.hpp"

#include <algorithm>

#include "flate.hpp"
#include "pdf_syntax.hpp"

namespace ipt::signing::detail {

const ParsedObjects::Entry& ParsedObjects::at(std::string_view pdf, size_t offset, int number) {
  if (const auto it = entries_.find(offset); it != entries_.end()) return it->second;
  Entry e;
  size_t pos = offset;
  const auto n = read_number(pdf, pos);
  const auto g = read_number(pdf, pos);
  skip_space(pdf, pos);
  if (n && g && static_cast<int>(*n) == number && *g <= 65535 && token_at(pdf, pos, "obj")) {
    pos += 3;
    e.generation = static_cast<int>(*g);
    e.value = parse_value(pdf, pos, max_nesting);
    e.value_end = pos;
  }
  return entries_.emplace(offset, std::move(e)).first->second;
}

PdfObjects::PdfObjects(std::string_view pdf, const std::vector<Revision>& revisions, size_t last,
                       std::shared_ptr<ParsedObjects> shared)
    : pdf_(pdf), parsed_(shared ? std::move(shared) : std::make_shared<ParsedObjects>()) {
  int highest = 0;
  for (size_t i = 0; i <= last && i < revisions.size(); ++i) {
    for (const auto& [number, offset] : revisions[i].objects) {
      offsets_[number] = offset;
      highest = std::max(highest, number);
    }
    for (int number : revisions[i].freed) offsets_.erase(number);
  }
  if (last < revisions.size()) {
    size_t pos = 0;
    if (auto t = parse_value(revisions[last].trailer, pos, max_nesting); t && t->dictionary()) trailer_ = std::move(*t);
  }
  if (!trailer_.dictionary()) trailer_ = PdfDictionary{};
  const PdfValue* declared = trailer_.find("Size");
  const double declared_size = declared && declared->number() ? declared->number()->value : 0;
  size_ = std::max(highest + 1, declared_size > 0 && declared_size < 1e7 ? static_cast<int>(declared_size) : 0);
}

const PdfValue* PdfObjects::object(int number) {
  const auto at = offsets_.find(number);
  if (at == offsets_.end()) return nullptr;
  const auto& e = parsed_->at(pdf_, at->second, number);
  return e.value ? &*e.value : nullptr;
}

const PdfValue* PdfObjects::resolve(const PdfValue* v) {
  for (int i = 0; v && v->reference() && i < max_references_followed; ++i) v = object(v->reference()->number);
  return v && v->reference() ? nullptr : v;
}

int PdfObjects::generation(int number) {
  const auto at = offsets_.find(number);
  return at == offsets_.end() ? 0 : parsed_->at(pdf_, at->second, number).generation;
}

std::optional<size_t> PdfObjects::offset_of(int number) const {
  const auto at = offsets_.find(number);
  if (at == offsets_.end()) return std::nullopt;
  return at->second;
}

int PdfObjects::root_number() const {
  const PdfValue* root = trailer_.find("Root");
  return root && root->reference() ? root->reference()->number : 0;
}

std::optional<std::string_view> PdfObjects::stream_data(int number) {
  const auto at = offsets_.find(number);
  if (at == offsets_.end()) return std::nullopt;
  const auto& e = parsed_->at(pdf_, at->second, number);
  if (!e.value || !e.value->dictionary()) return std::nullopt;
  size_t pos = e.value_end;
  skip_space(pdf_, pos);
  if (!token_at(pdf_, pos, "stream")) return std::nullopt;
  pos += 6;
  // "stream" is followed by CRLF or LF (ISO 32000-1 §7.3.8.1).
  if (pos < pdf_.size() && pdf_[pos] == '\r') ++pos;
  if (pos < pdf_.size() && pdf_[pos] == '\n') ++pos;
  const PdfValue* length = key(&*e.value, "Length");
  if (!length || !length->number() || length->number()->value < 0) return std::nullopt;
  const auto n = static_cast<size_t>(length->number()->value);
  if (n > pdf_.size() - pos) return std::nullopt;
  return pdf_.substr(pos, n);
}

std::optional<std::string> PdfObjects::decoded_stream(int number, size_t limit) {
  const auto data = stream_data(number);
  if (!data) return std::nullopt;
  const PdfValue* dictionary = object(number);
  const PdfValue* filter = key(dictionary, "Filter");
  if (filter && filter->array() && filter->array()->size() == 1) filter = resolve(&filter->array()->front());
  if (!filter || (filter->array() && filter->array()->empty())) {
    if (data->size() > limit) return std::nullopt;
    return std::string(*data);
  }
  if (!filter->name() || filter->name()->name != "FlateDecode" || key(dictionary, "DecodeParms")) return std::nullopt;
  return inflate_flate(*data, limit, BeyondLimit::refuse);
}

}  // namespace ipt::signing::detail
