#include "pages.hpp"

#include <span>
#include <stdexcept>

#include "ipt/core/embedded_file.hpp"

namespace ipt::portal {

std::span<const EmbeddedFile> embedded_pages();   // generated from pages/
std::span<const EmbeddedFile> embedded_static();  // generated from static/

namespace {

std::string_view file(std::span<const EmbeddedFile> files, std::string_view name) {
  for (const auto& f : files) {
    if (f.name == name) return f.content;
  }
  // A page the server asks for is one of its own files: its absence is a defect of the build.
  throw std::logic_error("page absente du portail : " + std::string(name));
}

}  // namespace

std::string render_page(const std::string& name, const std::string& title, const PageData& data) {
  kainjow::mustache::mustache body{std::string(file(embedded_pages(), name + ".mustache"))};
  PageData page = data;
  page.set("titre", title);
  const std::string rendered = body.render(page);
  kainjow::mustache::mustache layout{std::string(file(embedded_pages(), "layout.mustache"))};
  PageData outer;
  outer.set("titre", title);
  outer.set("corps", rendered);  // already escaped by its own template: inserted with {{{ }}}
  return layout.render(outer);
}

void send_page(httplib::Response& res, int status, const std::string& name, const std::string& title, const PageData& data) {
  res.status = status;
  res.set_content(render_page(name, title, data), "text/html; charset=utf-8");
}

std::string_view style_sheet() { return file(embedded_static(), "portail.css"); }

}  // namespace ipt::portal
