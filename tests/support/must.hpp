#pragma once
// For set-up code in tests and benchmarks: the value of a Result, or an exception naming
// what failed (a set-up failure is a defect of the test, not an outcome it checks).
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "ipt/core/result.hpp"

namespace ipt::test {

template <class T>
T must(core::Result<T> r, std::string_view what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().message);
  return *std::move(r);
}

inline void must(core::Result<void> r, std::string_view what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().message);
}

}  // namespace ipt::test
