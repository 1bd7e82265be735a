#pragma once
// Expected failures are values: Result<T> holds a T or an Error that says what kind of
// failure it is (its Category), where it happened (its Place) and, in French, why.
//
// Making one:
//   return core::fail(Category::not_found, "dossier « PT-1 » inconnu");
//   return core::fail(Category::invalid_input, "valeur manquante", {.file = "a.xml", .line = 41, .field = "avis"});
//   return core::fail("...");   // uncategorised: Category::internal until someone says better
// Passing one up (the enclosing function returns a Result of any type):
//   IPT_TRY(cert, parse_certificate(bytes));   // declares `cert`, a Result known to hold a value
//   use(*cert);
//   IPT_TRY_VOID(revision.fill(field));        // for Result<void> (or a Result whose value is unused)
//   if (!x) return std::unexpected(x.error().with_context("import de a.xml"));  // adding context
// Turning one into an outcome: the `ipt` command maps the category to its exit status in
// app/src/exit_status.cpp; the portal maps it to an HTTP status with http_status() below.
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace ipt::core {

// What kind of failure, i.e. what the caller can do about it. The exit statuses and the HTTP
// statuses derive from it; code() gives each a stable name for programs.
enum class Category {
  invalid_input,     // the input is unusable as given (malformed file, bad option value, wrong format)
  not_found,         // something named does not exist (a dossier, a file, a field, a token)
  refused,           // the input is well-formed but a rule or an authority refuses it (not this
                     // signatory's turn, field already signed, wrong password or PIN)
  integrity,         // something that should be intact is not (a signature, a hash, the audit chain)
  external_service,  // a service we depend on failed or did not answer (TSA, OCSP, SMTP); may pass later
  internal,          // a defect, or a failure nobody has categorised yet (the default)
};

// "invalid_input", "not_found", "refused", "integrity", "external_service", "internal".
std::string_view code(Category category);

// The HTTP status a web front end answers for a failure of this category:
// invalid_input 400, not_found 404, refused 409, integrity 422, external_service 502, internal 500.
int http_status(Category category);

// Where a failure happened; every part is optional. `line` is 0 when unknown.
struct Place {
  std::string file{};      // an input file, as the user named it
  int line = 0;          // 1-based line in `file`
  std::string field{};     // a form field, an XML path or an option (e.g. "sig_cpms", "--trust")
  std::string document{};  // a document of a dossier (e.g. "annexe-4.pdf") or a dossier reference

  bool empty() const { return file.empty() && line == 0 && field.empty() && document.empty(); }
  // "file:line: document: field" with the parts that are set (empty when none is).
  std::string to_string() const;
};

// A failure the user can act on. `message` is the whole French sentence printed to the user:
// it already names the place (fail() below prepends it) and grows context as the error travels
// up ("import de dossier.xml : ..."). `category` and `place` are for programs: exit statuses,
// HTTP statuses, tests, a portal that highlights a field.
struct Error {
  std::string message;
  Category category = Category::internal;
  Place place{};

  // The same error, its message prefixed by `context` (category and place kept).
  Error with_context(const std::string& context) const& {
    return Error{context + " : " + message, category, place};
  }
  Error with_context(const std::string& context) && {
    return Error{context + " : " + message, category, std::move(place)};
  }
  bool is(Category c) const { return category == c; }
};

template <class T>
using Result = std::expected<T, Error>;

// A failure of `category`; the message is "<place>: <reason>" when a place is given.
std::unexpected<Error> fail(Category category, std::string reason, Place place = {});

// An uncategorised failure (Category::internal). Prefer the categorised overload.
inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

}  // namespace ipt::core

// (Both macros take `expr` as one macro argument: parenthesise an expression whose top level
// holds a comma, e.g. template arguments: IPT_TRY(x, (make<A, B>())).)
//
// IPT_TRY declares a variable: write it as a statement of a block, not as the lone body of an
// `if` without braces.
//
// Evaluates `expr` (a core::Result<T>) into a new local `var`; when it holds an error, returns
// that error from the enclosing function (whose return type is any core::Result<U>). After the
// macro, `var` holds a value: use `*var` or `var->`.
#define IPT_TRY(var, expr)   \
  auto var = (expr);         \
  if (!var) return std::unexpected(std::move(var).error())

// Evaluates `expr` (a core::Result<T>, typically Result<void>); when it holds an error,
// returns that error from the enclosing function. The value, if any, is dropped. Each use
// names its variable afresh (__COUNTER__), so that one may sit inside a lambda given to another.
#define IPT_TRY_VOID(expr) IPT_TRY_VOID_NAMED_(expr, IPT_CONCAT_(ipt_try_result_, __COUNTER__))
#define IPT_CONCAT_(a, b) IPT_CONCAT_EXPANDED_(a, b)
#define IPT_CONCAT_EXPANDED_(a, b) a##b
#define IPT_TRY_VOID_NAMED_(expr, name)                         \
  do {                                                          \
    if (auto name = (expr); !name) return std::unexpected(std::move(name).error()); \
  } while (false)
