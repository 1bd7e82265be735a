// Rendering cost, in process: one annex, and all the documents of one dossier (Première IPT
// after 30/09: Annexes 1, 2b, 2c, 3 and the declaration). Renderer::create is measured apart:
// it holds the font work (reading, subsetting, compressing Liberation Sans), done once.
#include <benchmark/benchmark.h>

#include "fixtures.hpp"
#include "layout.hpp"
#include "pdf_writer.hpp"  // private: to split the cost between fonts, layout and writing

namespace {

using namespace ipt::templates;

void BM_RendererCreate(benchmark::State& state) {
  const auto templates = testing::fixture_templates();
  for (auto _ : state) {
    auto renderer = Renderer::create(templates);
    benchmark::DoNotOptimize(renderer);
  }
}
BENCHMARK(BM_RendererCreate)->Unit(benchmark::kMillisecond);

void BM_FontProgram(benchmark::State& state) {
  for (auto _ : state) {
    auto font = (*pdf_writer())->load_font_program(FontFiles{}.regular);
    benchmark::DoNotOptimize(font);
  }
}
BENCHMARK(BM_FontProgram)->Unit(benchmark::kMillisecond);

// Layout alone (text measuring and wrapping, content streams, appearances): the rest of a
// render is PoDoFo building and writing the objects.
void BM_LayoutOnly(benchmark::State& state) {
  const auto& renderer = testing::fixture_renderer();
  const auto fields = testing::fixture_fields();
  const auto* def = renderer.templates().find("annexe-4");
  static const auto regular = (*pdf_writer())->load_font_program(FontFiles{}.regular);
  static const auto bold = (*pdf_writer())->load_font_program(FontFiles{}.bold);
  const Fonts fonts{*regular, *bold};
  for (auto _ : state) {
    auto laid_out = layout(*def, fields, fonts);
    benchmark::DoNotOptimize(laid_out);
  }
}
BENCHMARK(BM_LayoutOnly)->Unit(benchmark::kMillisecond);

void BM_RenderOne(benchmark::State& state, const char* id, int part) {
  const auto& renderer = testing::fixture_renderer();
  const auto fields = testing::fixture_fields();
  const auto* def = renderer.templates().find(id);
  RenderOptions options = testing::fixed_options(part);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = renderer.render(*def, fields, options);
    if (!pdf) state.SkipWithError(pdf.error().message.c_str());
    bytes = pdf ? pdf->size() : 0;
    benchmark::DoNotOptimize(pdf);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK_CAPTURE(BM_RenderOne, annexe_2c, "annexe-2c", 2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderOne, annexe_4, "annexe-4", 2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderOne, annexe_4_pdfa1, "annexe-4", 1)->Unit(benchmark::kMillisecond);

void BM_RenderDossier(benchmark::State& state) {
  const auto& renderer = testing::fixture_renderer();
  const auto fields = testing::fixture_fields();
  const std::vector<const TemplateDefinition*> documents = {
      renderer.templates().find("annexe-1"), renderer.templates().find("annexe-2b"),
      renderer.templates().find("annexe-2c"), renderer.templates().find("annexe-3"),
      renderer.templates().find("declaration-premiere-ipt")};
  const auto options = testing::fixed_options();
  for (auto _ : state) {
    for (const auto* def : documents) {
      auto pdf = renderer.render(*def, fields, options);
      if (!pdf) state.SkipWithError(pdf.error().message.c_str());
      benchmark::DoNotOptimize(pdf);
    }
  }
  state.counters["documents"] = static_cast<double>(documents.size());
}
BENCHMARK(BM_RenderDossier)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
