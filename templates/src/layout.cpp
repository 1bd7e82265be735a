#include "layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "win_ansi.hpp"

namespace ipt::templates {

namespace {

struct Style {
  bool bold;
  double size;
  double leading;
};

Style style_of(TextStyle s) {
  switch (s) {
    case TextStyle::titre: return {true, 13, 16};
    case TextStyle::intertitre: return {true, 11, 14};
    case TextStyle::gras: return {true, 10, 12.5};
    case TextStyle::petit: return {false, 8, 10};
    case TextStyle::normal: break;
  }
  return {false, 10, 12.5};
}

constexpr double field_size = 10;      // text in fields
constexpr double field_leading = 12;
constexpr double field_padding = 2;
constexpr double box_size = 10;        // check boxes and radio buttons
constexpr double signature_height = 62;
constexpr double block_gap = 5;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", std::abs(v) < 0.005 ? 0.0 : v);
  std::string s(buf);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// A PDF literal string from WinAnsi bytes.
std::string literal(std::string_view bytes) {
  std::string out = "(";
  for (const char c : bytes) {
    if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back(')');
  return out;
}

// French typography binds some spaces to their neighbour, as a non-breaking space would:
// the space before « : ; ? ! » and the closing guillemet, and the one after the opening
// guillemet (WinAnsi 0xAB « and 0xBB »). A line never starts with a colon or a closing
// guillemet, nor ends with an opening one.
bool breakable_space(std::string_view text, std::size_t at) {
  const char next = at + 1 < text.size() ? text[at + 1] : '\0';
  const char previous = at > 0 ? text[at - 1] : '\0';
  if (next == ':' || next == ';' || next == '?' || next == '!' || next == '\xBB') return false;
  return previous != '\xAB';
}

// The next space at or after `from` where a line may break; npos when none.
std::size_t next_break(std::string_view text, std::size_t from) {
  for (std::size_t at = text.find(' ', from); at != std::string_view::npos; at = text.find(' ', at + 1))
    if (breakable_space(text, at)) return at;
  return std::string_view::npos;
}

// Greedy line breaking at spaces and line feeds; a word wider than the line is cut.
std::vector<std::string> wrap(std::string_view text, const FontProgram& font, double size, double width) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    const std::string_view paragraph = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::string line;
    double line_width = 0;
    const double space = font.text_width(" ", size);
    std::size_t pos = 0;
    bool any = false;
    while (pos <= paragraph.size()) {
      std::size_t next = next_break(paragraph, pos);
      if (next == std::string_view::npos) next = paragraph.size();
      std::string word(paragraph.substr(pos, next - pos));
      pos = next + 1;
      if (word.empty()) {
        if (pos > paragraph.size()) break;
        continue;
      }
      double w = font.text_width(word, size);
      if (!line.empty() && line_width + space + w <= width) {
        line += ' ';
        line += word;
        line_width += space + w;
        continue;
      }
      if (!line.empty()) lines.push_back(std::move(line));
      line.clear();
      line_width = 0;
      while (w > width && word.size() > 1) {  // cut a word longer than the line
        std::size_t n = 1;
        while (n < word.size() && font.text_width(std::string_view(word).substr(0, n + 1), size) <= width) ++n;
        lines.push_back(word.substr(0, n));
        word.erase(0, n);
        w = font.text_width(word, size);
      }
      line = std::move(word);
      line_width = w;
      any = true;
    }
    if (!line.empty() || !any) lines.push_back(std::move(line));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  while (lines.size() > 1 && lines.back().empty()) lines.pop_back();
  return lines;
}

// Draws lines of text whose first baseline is `baseline`.
std::string draw_lines(const std::vector<std::string>& lines, const FontProgram& font, bool bold, double size,
                       double leading, double x, double baseline, double width, bool centre) {
  std::string ops = "BT\n/" + std::string(bold ? "F2 " : "F1 ") + num(size) + " Tf\n";
  double previous_x = 0, previous_y = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const double lx = centre ? x + (width - font.text_width(lines[i], size)) / 2 : x;
    const double ly = baseline - static_cast<double>(i) * leading;
    ops += num(lx - previous_x) + " " + num(ly - previous_y) + " Td " + literal(lines[i]) + " Tj\n";
    previous_x = lx;
    previous_y = ly;
  }
  ops += "ET\n";
  return ops;
}

std::string rect_ops(const Rect& r) {
  return num(r.x) + " " + num(r.y) + " " + num(r.w) + " " + num(r.h) + " re\n";
}

// A circle as four Bézier curves (radius r, centre cx cy).
std::string circle(double cx, double cy, double r) {
  const double k = 0.5523 * r;
  return num(cx + r) + " " + num(cy) + " m\n" + num(cx + r) + " " + num(cy + k) + " " + num(cx + k) + " " +
         num(cy + r) + " " + num(cx) + " " + num(cy + r) + " c\n" + num(cx - k) + " " + num(cy + r) + " " +
         num(cx - r) + " " + num(cy + k) + " " + num(cx - r) + " " + num(cy) + " c\n" + num(cx - r) + " " +
         num(cy - k) + " " + num(cx - k) + " " + num(cy - r) + " " + num(cx) + " " + num(cy - r) + " c\n" +
         num(cx + k) + " " + num(cy - r) + " " + num(cx + r) + " " + num(cy - k) + " " + num(cx + r) + " " +
         num(cy) + " c\n";
}

class Layout {
 public:
  Layout(const TemplateDefinition& def, const core::DossierFields& fields, const Fonts& fonts)
      : def_(def), fields_(fields), fonts_(fonts) {
    out_.page_width = def.page_width;
    out_.page_height = def.page_height;
    left_ = def.margin;
    width_ = def.page_width - 2 * def.margin;
    new_page();
  }

  core::Result<LaidOutDocument> run() {
    for (const auto& name : def_.sources)
      if (!fields_.contains(name)) return core::fail("champ du dossier « " + name + " » absent des données");
    for (std::size_t i = 0; i < def_.blocks.size(); ++i) {
      const Block& block = def_.blocks[i];
      keep_next_ = estimate_next(i);
      const auto place_if_shown = [this](const auto& b) -> core::Result<void> {
        if constexpr (requires { b.when; })
          if (!holds(b.when)) return {};
        return place(b);
      };
      IPT_TRY_VOID(std::visit(place_if_shown, block));
    }
    finish_page();
    return std::move(out_);
  }

 private:
  const TemplateDefinition& def_;
  const core::DossierFields& fields_;
  const Fonts& fonts_;
  LaidOutDocument out_;
  double left_ = 0, width_ = 0;
  double y_ = 0;             // top of the next block
  double bottom_ = 0;        // lowest y usable on this page (above the footnotes)
  std::string ops_;          // this page's content
  std::vector<std::vector<std::string>> notes_;  // footnote lines on this page
  int page_ = -1;

  double keep_next_ = 0;  // height of the block after the current one, for headings

  // The room block `i` must leave on its page for what follows it: the next block, and the
  // footnotes declared in between (they go to the page's foot and raise it). A heading is
  // kept with it.
  double estimate_next(std::size_t i) const {
    double notes = 0;
    for (std::size_t j = i + 1; j < def_.blocks.size(); ++j) {
      const Block& block = def_.blocks[j];
      if (!std::holds_alternative<Footnote>(block)) return notes + estimate(block);
      const Footnote& n = std::get<Footnote>(block);
      const std::string text = win_ansi::encode_utf8(n.mark).bytes + " " + label_estimate(n.text);
      notes += static_cast<double>(wrap(text, fonts_.regular, 8, width_).size()) * 10 + (notes_.empty() ? 8 : 0);
    }
    return notes;
  }

  // Roughly how tall a block will be: enough to keep a heading with it.
  double estimate(const Block& block) const {
    const double w = width_;
    if (const auto* f = std::get_if<TextField>(&block)) return field_box_height(f->lines) + (f->label_above ? 14 : 0);
    if (const auto* c = std::get_if<ChoiceField>(&block)) return measure_choice(*c, label_estimate(c->label), w).room;
    if (const auto* r = std::get_if<SignatureRow>(&block)) {
      double h = 0;
      const double n = static_cast<double>(r->signatures.size());
      for (const auto& sig : r->signatures) {
        const auto measured = measure_signature(sig, (w - 16 * (n - 1)) / n, true);  // cannot fail
        h = std::max(h, measured ? measured->room : 0);
      }
      return h;
    }
    if (std::holds_alternative<Table>(block)) return 50;
    return 30;
  }

  bool holds(const Condition& c) const {
    if (c.any_of.empty()) return true;
    for (const auto& test : c.any_of) {
      const auto it = fields_.find(test.field);
      if (it == fields_.end()) continue;
      if (test.value ? it->second == *test.value : !it->second.empty()) return true;
    }
    return false;
  }

  // A label with its `{field}` references replaced; for height estimates only.
  std::string label_estimate(const std::string& label) const {
    auto t = interpolate(label);
    return t ? *t : win_ansi::encode_utf8(label).bytes;
  }

  // A label for measuring: interpolated, or for an estimate (which must not fail) label_estimate().
  core::Result<std::string> label_text(const std::string& label, bool estimate) const {
    if (label.empty()) return std::string();
    if (estimate) return label_estimate(label);
    return interpolate(label);
  }

  const FontProgram& font(bool bold) const { return bold ? fonts_.bold : fonts_.regular; }

  void new_page() {
    if (page_ >= 0) finish_page();
    ++page_;
    ops_.clear();
    notes_.clear();
    y_ = def_.page_height - def_.margin;
    bottom_ = def_.margin;
  }

  void finish_page() {
    if (!notes_.empty()) {
      // Notes sit at the bottom margin, under a short rule, in the order declared.
      double y = def_.margin;
      std::string notes_ops;
      for (auto it = notes_.rbegin(); it != notes_.rend(); ++it) {
        y += static_cast<double>(it->size()) * 10;
        notes_ops += draw_lines(*it, fonts_.regular, false, 8, 10, left_, y - 8, width_, false);
      }
      ops_ += "0 G 0.5 w " + num(left_) + " " + num(y + 4) + " m " + num(left_ + 120) + " " + num(y + 4) + " l S\n";
      ops_ += "0 g\n" + notes_ops;
    }
    out_.pages.push_back(std::move(ops_));
    ops_.clear();
  }

  // Makes room for `height` points, on a new page when needed.
  core::Result<void> reserve(double height, int line) {
    if (y_ - height >= bottom_) return {};
    if (y_ < def_.page_height - def_.margin) {
      new_page();
      if (y_ - height >= bottom_) return {};
    }
    return core::fail(core::Category::invalid_input, def_.file + ":" + std::to_string(line) + ": bloc trop haut pour une page");
  }

  // The value of a dossier field, encoded for the fonts.
  core::Result<std::string> value(const std::string& source, const std::string& field_label) const {
    const auto it = fields_.find(source);
    if (it == fields_.end()) return core::fail("champ du dossier « " + source + " » absent des données");
    const auto encoded = win_ansi::encode_utf8(it->second);
    if (encoded.bad_utf8) return core::fail(core::Category::invalid_input, "champ « " + field_label + " » : texte UTF-8 invalide");
    if (encoded.unsupported)
      return core::fail(core::Category::invalid_input, "champ « " + field_label + " » : caractère " + win_ansi::describe(*encoded.unsupported) +
                        " impossible à imprimer avec les polices du formulaire");
    return encoded.bytes;
  }

  // Definition text with `{field}` replaced, encoded for the fonts.
  core::Result<std::string> interpolate(const std::string& text) const {
    std::string out;
    std::size_t pos = 0;
    while (true) {
      const std::size_t open = text.find('{', pos);
      const auto literal_part = win_ansi::encode_utf8(text.substr(pos, open == std::string::npos ? std::string::npos : open - pos));
      out += literal_part.bytes;  // checked when the definition was parsed
      if (open == std::string::npos) break;
      const std::size_t close = text.find('}', open);
      const std::string name = text.substr(open + 1, close - open - 1);
      IPT_TRY(v, value(name, name));
      out += *v;
      pos = close + 1;
    }
    return out;
  }

  void text_at(const std::vector<std::string>& lines, const Style& st, double x, double top, double width, bool centre) {
    ops_ += "0 g\n" + draw_lines(lines, font(st.bold), st.bold, st.size, st.leading, x, top - st.size * 0.9, width, centre);
  }

  core::Result<void> place(const TextBlock& t) {
    IPT_TRY(text, interpolate(t.text));
    const Style st = style_of(t.style);
    const double pad = t.cadre ? 5 : 0;
    const auto lines = wrap(*text, font(st.bold), st.size, width_ - 2 * pad);
    const double height = static_cast<double>(lines.size()) * st.leading + 2 * pad;
    const double before = t.style == TextStyle::intertitre ? 4 : 0;
    // A heading stays with what follows it: room for it and a few lines more.
    const bool heading = t.style == TextStyle::intertitre || t.style == TextStyle::gras;
    const double keep = std::min(keep_next_, 250.0);
    if (heading && y_ - (height + before + block_gap + keep) < bottom_ && y_ < def_.page_height - def_.margin) new_page();
    if (auto r = reserve(height + before, t.line); !r) return r;
    y_ -= before;
    text_at(lines, st, left_ + pad, y_ - pad, width_ - 2 * pad, t.centre);
    if (t.cadre) ops_ += "0 G 0.8 w " + rect_ops({left_, y_ - height, width_, height}) + "S\n";
    y_ -= height + (t.style == TextStyle::titre ? 10 : block_gap);
    return {};
  }

  // A text field's widget inside `box`; fails when the value does not fit. `framed`: the box
  // is drawn (not in a table cell, whose own box frames the field).
  core::Result<void> text_widget(const TextField& f, const Rect& box, bool framed = true) {
    IPT_TRY(v, value(f.source, f.name));
    const double inner = box.w - 2 * (field_padding + 1);
    auto lines = wrap(*v, fonts_.regular, field_size, inner);
    if (v->empty()) lines.clear();
    if (static_cast<int>(lines.size()) > f.lines)
      return core::fail(core::Category::invalid_input, "champ « " + f.name + " » : le texte ne tient pas dans la case (" + std::to_string(lines.size()) +
                        " lignes pour " + std::to_string(f.lines) + ")");
    Widget w;
    w.kind = WidgetKind::text;
    w.name = f.name;
    w.page = page_;
    w.rect = box;
    w.value = fields_.find(f.source)->second;
    w.multiline = f.lines > 1;
    // Single-line text sits in the middle of its box; multi-line starts at the top.
    const double first_baseline = f.lines > 1 ? box.h - field_padding - field_size
                                              : (box.h - field_size) / 2 + 0.22 * field_size;
    w.appearance = "/Tx BMC\nq\n" + num(1) + " " + num(1) + " " + num(box.w - 2) + " " + num(box.h - 2) + " re W n\n0 g\n";
    if (!lines.empty())
      w.appearance += draw_lines(lines, fonts_.regular, false, field_size, field_leading, field_padding + 1,
                                 first_baseline, inner, false);
    w.appearance += "Q\nEMC\n";
    out_.widgets.push_back(std::move(w));
    if (framed) ops_ += "0.6 G 0.5 w " + rect_ops(box) + "S\n";
    return {};
  }

  static double field_box_height(int lines) { return lines * field_leading + 2 * field_padding + 2; }

  // A field with its label, in a column [x, x + width) from `top`; returns its height.
  core::Result<double> field_in(const TextField& f, double x, double top, double width, bool framed = true) {
    const double box_h = field_box_height(f.lines);
    const Style st = style_of(TextStyle::normal);
    if (f.label.empty()) {
      IPT_TRY_VOID(text_widget(f, {x, top - box_h, width, box_h}, framed));
      return box_h;
    }
    IPT_TRY(interpolated, interpolate(f.label));
    const std::string& label_text = *interpolated;
    if (f.label_above) {
      const auto lines = wrap(label_text, fonts_.regular, st.size, width);
      const double label_h = static_cast<double>(lines.size()) * st.leading + 1;
      text_at(lines, st, x, top, width, false);
      IPT_TRY_VOID(text_widget(f, {x, top - label_h - box_h, width, box_h}, framed));
      return label_h + box_h;
    }
    double label_w = f.label_width > 0 ? f.label_width * width
                                       : std::min(fonts_.regular.text_width(label_text, st.size) + 6, width * 0.55);
    const auto lines = wrap(label_text, fonts_.regular, st.size, label_w - 4);
    const double label_h = static_cast<double>(lines.size()) * st.leading;
    // The label's first line faces the box's first line.
    text_at(lines, st, x, top - (f.lines > 1 ? field_padding : (box_h - st.leading) / 2), label_w - 4, false);
    IPT_TRY_VOID(text_widget(f, {x + label_w, top - box_h, width - label_w, box_h}, framed));
    return std::max(label_h, box_h);
  }

  core::Result<void> place(const TextField& f) {
    const double h = f.label_above ? field_box_height(f.lines) + 2 * style_of(TextStyle::normal).leading
                                   : field_box_height(f.lines);
    if (auto r = reserve(h, f.line); !r) return r;
    IPT_TRY(used, field_in(f, left_, y_, width_));
    y_ -= *used + block_gap;
    return {};
  }

  // Appearance of a check box (a tick) or a radio button (a dot), on and off.
  static void button_appearances(Widget& w, bool radio) {
    const double s = box_size;
    const std::string frame = radio ? "0 G 0.6 w " + circle(s / 2, s / 2, s / 2 - 0.5) + "S\n"
                                    : "0 G 0.6 w 0.5 0.5 " + num(s - 1) + " " + num(s - 1) + " re S\n";
    const std::string mark = radio ? "0 g " + circle(s / 2, s / 2, s / 4) + "f\n"
                                   : "0 G 1.3 w 2 5.2 m 4.2 2.4 l 8.3 8.2 l S\n";
    w.off_appearance = "q\n" + frame + "Q\n";
    w.on_appearance = "q\n" + frame + mark + "Q\n";
  }

  void checkbox_at(const std::string& name, bool ticked, double x, double y) {
    Widget w;
    w.kind = WidgetKind::checkbox;
    w.name = name;
    w.page = page_;
    w.rect = {x, y, box_size, box_size};
    w.on_state = "Oui";
    w.selected = ticked;
    button_appearances(w, false);
    out_.widgets.push_back(std::move(w));
  }

  // A choice measured for a column of `width`: every line wrapped once, for drawing.
  struct ChoiceLayout {
    struct Option {
      std::vector<std::string> lines;
      double label_room = 0;  // width of the option's label
      double height = 0;      // of the button and its label
    };
    std::vector<std::string> label;
    std::vector<Option> options;
    // What to reserve before drawing: the options stacked vertically (the height of a
    // vertical choice, an upper bound for a horizontal one, which flows into rows).
    double room = 0;
  };

  // `label_text` is the interpolated label (label_estimate() for an estimate).
  ChoiceLayout measure_choice(const ChoiceField& c, const std::string& label_text, double width) const {
    const Style st = style_of(TextStyle::normal);
    ChoiceLayout m;
    if (!c.label.empty()) {
      m.label = wrap(label_text, fonts_.regular, st.size, width);
      m.room += static_cast<double>(m.label.size()) * st.leading + 2;
    }
    for (const auto& option : c.options) {
      const auto label = win_ansi::encode_utf8(option.label).bytes;
      ChoiceLayout::Option o;
      o.label_room = c.vertical ? width - box_size - 4
                                : std::min(fonts_.regular.text_width(label, st.size) + 1, width - box_size - 4);
      o.lines = wrap(label, fonts_.regular, st.size, o.label_room);
      o.height = std::max(box_size + 2, static_cast<double>(o.lines.size()) * st.leading);
      const double stacked = c.vertical ? o.height
                                        : std::max(box_size + 2, static_cast<double>(wrap(label, fonts_.regular, st.size,
                                                                                          width - box_size - 4)
                                                                                         .size()) *
                                                                     st.leading);
      m.room += stacked + 1;
      m.options.push_back(std::move(o));
    }
    return m;
  }

  // Draws a measured choice in a column [x, x + width) from `top`; returns its height.
  core::Result<double> draw_choice(const ChoiceField& c, const ChoiceLayout& m, double x, double top, double width) {
    IPT_TRY_VOID(value(c.source, c.name));
    const std::string& current = fields_.find(c.source)->second;
    const Style st = style_of(TextStyle::normal);
    double y = top;
    if (!c.label.empty()) {
      text_at(m.label, st, x, y, width, false);
      y -= static_cast<double>(m.label.size()) * st.leading + 2;
    }
    const int group = static_cast<int>(out_.radio_groups.size());
    out_.radio_groups.push_back({c.name, ""});
    double cx = x;
    double row_h = 0;
    for (std::size_t i = 0; i < c.options.size(); ++i) {
      const auto& option = c.options[i];
      const auto& o = m.options[i];
      if (!c.vertical && cx > x && cx + box_size + 4 + o.label_room > x + width) {  // next line
        cx = x;
        y -= row_h;
        row_h = 0;
      }
      Widget w;
      w.kind = WidgetKind::radio;
      w.name = c.name;
      w.page = page_;
      w.rect = {cx, y - box_size - 1, box_size, box_size};
      w.on_state = option.value;
      w.selected = option.value == current;
      w.group = group;
      if (w.selected) out_.radio_groups[static_cast<std::size_t>(group)].value = option.value;
      button_appearances(w, true);
      out_.widgets.push_back(std::move(w));
      text_at(o.lines, st, cx + box_size + 4, y, o.label_room, false);
      if (c.vertical) {
        y -= o.height + 1;
      } else {
        cx += box_size + 4 + o.label_room + 14;
        row_h = std::max(row_h, o.height + 1);
      }
    }
    y -= row_h;
    return top - y;
  }

  core::Result<void> place(const ChoiceField& c) {
    IPT_TRY(label, label_text(c.label, false));
    const auto measured = measure_choice(c, *label, width_);
    IPT_TRY_VOID(reserve(measured.room, c.line));
    IPT_TRY(h, draw_choice(c, measured, left_, y_, width_));
    y_ -= *h + block_gap;
    return {};
  }

  // A table cell measured for a column of `width`: the row's height it needs, and a text
  // cell's lines, wrapped once for drawing.
  struct CellLayout {
    double height = 0;
    std::vector<std::string> lines;  // text cells
    core::Result<void> text{};       // a text cell whose interpolation failed fails when drawn
  };

  CellLayout measure_cell(const Cell& cell, double width, int min_lines) const {
    const Style st = style_of(TextStyle::normal);
    CellLayout m;
    m.height = min_lines * st.leading + 6;
    if (const auto* t = std::get_if<TextBlock>(&cell)) {
      const Style ts = style_of(t->style);
      auto text = interpolate(t->text);
      if (!text) m.text = std::unexpected(text.error());
      m.lines = wrap(text ? *text : std::string(), font(ts.bold), ts.size, width - 6);
      m.height = std::max(m.height, static_cast<double>(m.lines.size()) * ts.leading + 6);
    } else if (const auto* f = std::get_if<TextField>(&cell)) {
      // The label's width is estimated here; field_in() draws the field and its label.
      double label_h = 0;
      if (!f->label.empty()) {
        const double label_w = f->label_width > 0 ? f->label_width * (width - 4) : (width - 4) * 0.55;
        const auto lines = wrap(label_estimate(f->label), fonts_.regular, st.size, f->label_above ? width - 4 : label_w - 4);
        label_h = static_cast<double>(lines.size()) * st.leading;
        if (f->label_above) label_h += field_box_height(f->lines) + 1;
      }
      m.height = std::max(m.height, std::max(label_h, field_box_height(f->lines)) + 4);
    }
    return m;
  }

  // Draws a row measured with measure_cell() at y_, each cell framed to the row's height.
  core::Result<void> draw_row(const TableRow& row, const std::vector<CellLayout>& cells, const std::vector<double>& widths,
                              double height) {
    double x = left_;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const Cell& cell = row.cells[i];
      if (const auto* t = std::get_if<TextBlock>(&cell)) {
        IPT_TRY_VOID(cells[i].text);
        text_at(cells[i].lines, style_of(t->style), x + 3, y_ - 3, widths[i] - 6, t->centre);
      } else if (const auto* f = std::get_if<TextField>(&cell)) {
        IPT_TRY_VOID(field_in(*f, x + 2, y_ - 2, widths[i] - 4, false));  // the cell's box frames it
      } else if (const auto* k = std::get_if<Tick>(&cell)) {
        bool ticked = false;  // a tick without a source is left to tick by hand
        if (!k->source.empty()) {
          const auto it = fields_.find(k->source);
          if (it == fields_.end()) return core::fail("champ du dossier « " + k->source + " » absent des données");
          ticked = !it->second.empty();
        }
        checkbox_at(k->name, ticked, x + (widths[i] - box_size) / 2, y_ - 3 - box_size - 1);
      }
      ops_ += "0 G 0.5 w " + rect_ops({x, y_ - height, widths[i], height}) + "S\n";
      x += widths[i];
    }
    y_ -= height;
    return {};
  }

  core::Result<void> place(const Table& table) {
    double total = 0;
    for (const auto& c : table.columns) total += c.width;
    std::vector<double> widths;
    for (const auto& c : table.columns) widths.push_back(width_ * c.width / total);
    const Style head = style_of(TextStyle::gras);
    bool has_heading = false;
    for (const auto& c : table.columns) has_heading = has_heading || !c.heading.empty();

    auto draw_heading = [&]() {
      double h = 0;
      std::vector<std::vector<std::string>> lines;
      for (std::size_t i = 0; i < widths.size(); ++i) {
        lines.push_back(wrap(win_ansi::encode_utf8(table.columns[i].heading).bytes, fonts_.bold, head.size, widths[i] - 6));
        h = std::max(h, static_cast<double>(lines.back().size()) * head.leading + 6);
      }
      double x = left_;
      ops_ += "0.9 g " + rect_ops({left_, y_ - h, width_, h}) + "f\n";
      for (std::size_t i = 0; i < widths.size(); ++i) {
        text_at(lines[i], head, x + 3, y_ - 3, widths[i] - 6, true);
        ops_ += "0 G 0.5 w " + rect_ops({x, y_ - h, widths[i], h}) + "S\n";
        x += widths[i];
      }
      y_ -= h;
      return h;
    };

    if (has_heading) {
      const double first_row = measure_cell(table.rows.empty() ? Cell{} : table.rows[0].cells[0], widths[0], 1).height;
      IPT_TRY_VOID(reserve(3 * head.leading + 6 + first_row, table.line));
      draw_heading();
    }
    for (const auto& row : table.rows) {
      if (!holds(row.when)) continue;
      std::vector<CellLayout> cells;
      double h = 0;
      for (std::size_t i = 0; i < widths.size(); ++i) {
        cells.push_back(measure_cell(row.cells[i], widths[i], row.min_lines));
        h = std::max(h, cells.back().height);
      }
      if (y_ - h < bottom_) {
        IPT_TRY_VOID(reserve(h + 3 * head.leading + 6, table.line));
        if (has_heading) draw_heading();
      }
      IPT_TRY_VOID(draw_row(row, cells, widths, h));
    }
    y_ -= block_gap + 3;
    return {};
  }

  // A signature column measured for `width`: its label and choices wrapped once, for drawing.
  struct SignatureLayout {
    std::vector<std::string> label;
    std::vector<ChoiceLayout> choices;  // the choices shown, in order
    // What to reserve: the label, each shown field at its box plus one or two label lines,
    // each shown choice's room, and the signature box.
    double room = 0;
  };

  // Fails only when a label's `{field}` cannot be printed, and never for an estimate.
  core::Result<SignatureLayout> measure_signature(const SignatureField& s, double width, bool estimate) const {
    const Style label_style = style_of(TextStyle::gras);
    const Style st = style_of(TextStyle::normal);
    SignatureLayout m;
    if (!s.label.empty()) {
      IPT_TRY(label, label_text(s.label, estimate));
      m.label = wrap(*label, fonts_.bold, label_style.size, width);
      m.room += static_cast<double>(m.label.size()) * label_style.leading + 3;
    }
    for (const auto& f : s.details)
      if (holds(f.when)) m.room += field_box_height(f.lines) + (f.label_above ? 2 * st.leading : st.leading) + 3;
    for (const auto& c : s.choices) {
      if (!holds(c.when)) continue;
      IPT_TRY(label, label_text(c.label, estimate));
      m.choices.push_back(measure_choice(c, *label, width));
      m.room += m.choices.back().room + 3;
    }
    m.room += signature_height;
    return m;
  }

  // Draws a measured signature column in [x, x + width) from `top`; returns its height.
  core::Result<double> draw_signature(const SignatureField& s, const SignatureLayout& m, double x, double top,
                                      double width) {
    const Style label_style = style_of(TextStyle::gras);
    double y = top;
    if (!s.label.empty()) {
      text_at(m.label, label_style, x, y, width, false);
      y -= static_cast<double>(m.label.size()) * label_style.leading + 3;
    }
    for (const auto& f : s.details) {
      if (!holds(f.when)) continue;
      IPT_TRY(h, field_in(f, x, y, width));
      y -= *h + 3;
    }
    std::size_t shown = 0;
    for (const auto& c : s.choices) {
      if (!holds(c.when)) continue;
      IPT_TRY(h, draw_choice(c, m.choices[shown++], x, y, width));
      y -= *h + 3;
    }
    const Rect box{x, y - signature_height, width, signature_height};
    // The box and its mentions are on the page, so a signer's appearance may replace the
    // widget's without losing them.
    ops_ += "0 G 0.8 w " + rect_ops(box) + "S\n";
    const Style small = style_of(TextStyle::petit);
    ops_ += "0.35 g\n" + draw_lines({win_ansi::encode_utf8(s.mentions).bytes}, fonts_.regular, false, small.size,
                                    small.leading, x + 3, y - small.size - 1, width, false);
    Widget w;
    w.kind = WidgetKind::signature;
    w.name = std::string(s.role == core::Role::pole              ? "sig_pole"
                         : s.role == core::Role::ecole_ordinaire ? "sig_ecole_ordinaire"
                         : s.role == core::Role::cpms            ? "sig_cpms"
                                                                 : "sig_responsable");
    w.page = page_;
    w.rect = box;
    w.appearance = "";  // empty until signed: the page shows the box
    for (const auto& other : out_.widgets)
      if (other.kind == WidgetKind::signature && other.name == w.name)
        return core::fail(core::Category::invalid_input, def_.file + ":" + std::to_string(s.line) + ": deux signatures pour le rôle « " + w.name + " »");
    out_.widgets.push_back(std::move(w));
    return top - y + signature_height;
  }

  core::Result<void> place(const SignatureRow& row) {
    const double gap = 16;
    std::vector<const SignatureField*> shown;
    for (const auto& s : row.signatures)
      if (holds(s.when)) shown.push_back(&s);
    if (shown.empty()) return {};
    const double n = static_cast<double>(row.signatures.size());
    const double col_w = (width_ - gap * (n - 1)) / n;
    std::vector<SignatureLayout> columns;
    double h = 0;
    for (const auto* s : shown) {
      IPT_TRY(measured, measure_signature(*s, col_w, false));
      h = std::max(h, measured->room);
      columns.push_back(*std::move(measured));
    }
    IPT_TRY_VOID(reserve(h, row.line));
    double used = 0;
    double x = left_;
    for (std::size_t i = 0; i < shown.size(); ++i) {
      IPT_TRY(hh, draw_signature(*shown[i], columns[i], x, y_, col_w));
      used = std::max(used, *hh);
      x += col_w + gap;
    }
    y_ -= used + block_gap + 4;
    return {};
  }

  core::Result<void> place(const Footnote& n) {
    IPT_TRY(text, interpolate(n.text));
    const std::string mark = win_ansi::encode_utf8(n.mark).bytes;
    auto lines = wrap(mark + " " + *text, fonts_.regular, 8, width_);
    const double h = static_cast<double>(lines.size()) * 10 + (notes_.empty() ? 8 : 0);
    if (y_ - h < bottom_) new_page();
    bottom_ += h;
    notes_.push_back(std::move(lines));
    return {};
  }

  core::Result<void> place(const Spacer& s) {
    y_ -= s.points;
    if (y_ < bottom_) new_page();
    return {};
  }

  core::Result<void> place(const PageBreak&) {
    if (y_ < def_.page_height - def_.margin) new_page();  // never an empty page
    return {};
  }
};

}  // namespace

core::Result<LaidOutDocument> layout(const TemplateDefinition& definition, const core::DossierFields& fields,
                                     const Fonts& fonts) {
  Layout l(definition, fields, fonts);
  return l.run();
}

}  // namespace ipt::templates
