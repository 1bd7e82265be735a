// Core: reading a dossier, planning it, computing a deadline.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/plan.hpp"

namespace {

std::string example(const char* name) {
  std::ifstream in(std::string(IPT_EXAMPLES_DIR) + "/" + name + ".xml");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void BM_ParseDossier(benchmark::State& state) {
  const auto xml = example("b1-changement-de-pole");
  for (auto _ : state) {
    auto d = ipt::core::parse_dossier(xml, "b1.xml");
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(xml.size()));
}
BENCHMARK(BM_ParseDossier);

void BM_MakePlan(benchmark::State& state) {
  const auto d = *ipt::core::parse_dossier(example("b1-changement-de-pole"), "b1.xml");
  const auto& calendar = ipt::core::SchoolCalendar::official();
  for (auto _ : state) {
    auto p = ipt::core::make_plan(d, calendar);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_MakePlan);

void BM_MinisterDeadline(benchmark::State& state) {
  const auto& calendar = ipt::core::SchoolCalendar::official();
  const auto received = ipt::core::Date::from_ymd(2026, 11, 19);
  for (auto _ : state) {
    auto d = ipt::core::minister_decision_deadline(calendar, received);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_MinisterDeadline);

}  // namespace
