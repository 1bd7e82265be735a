#pragma once
// The portal's pages: Mustache templates kept as files in portal/pages/ (compiled into the
// binary), HTML-escaped by default, each rendered inside layout.mustache.
#include <string>

#include <httplib.h>
#include <kainjow/mustache.hpp>

namespace ipt::portal {

using PageData = kainjow::mustache::data;

// The page `name` ("invitation", "message") with `data`, inside the layout, titled `title`.
std::string render_page(const std::string& name, const std::string& title, const PageData& data);

// Answers with that page, as HTML, with `status`.
void send_page(httplib::Response& res, int status, const std::string& name, const std::string& title, const PageData& data);

// The style sheet.
std::string_view style_sheet();

}  // namespace ipt::portal
