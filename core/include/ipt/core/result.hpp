#pragma once
// Expected failures are values: Result<T> holds a T or an Error carrying its context.
#include <expected>
#include <string>
#include <utility>

namespace ipt::core {

// A failure the user can act on. `message` is French and names the file, field and reason;
// context is prepended as the error travels up ("import de dossier.xml : ...").
struct Error {
  std::string message;

  Error with_context(const std::string& context) const& { return Error{context + " : " + message}; }
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

}  // namespace ipt::core
