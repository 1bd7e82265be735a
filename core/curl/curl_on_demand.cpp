// libcurl loaded the first time it is called, rather than when `ipt` starts. libcurl and the
// two dozen libraries it brings (GnuTLS, Kerberos, LDAP, libssh2, nghttp2...) cost about
// 7 ms of every process's start, and most commands never go online (plan, render, status, a
// B-B signature, an offline verification). The code that uses libcurl calls it as usual
// (curl/curl.h, with its compile-time checks); the functions it calls are defined here and
// forward to libcurl.so.4, opened with dlopen on the first call. Only the functions this
// project calls are defined: a new one fails to link, and is added here.
//
// curl_easy_setopt and curl_easy_getinfo are variadic: the one argument after the option is
// read as libcurl itself reads it, by the option's type range (CURLOPTTYPE_*: a long, a
// pointer to data or to a function, a curl_off_t), and passed on as that type.
// The definitions below are the functions themselves: curl.h's type-checking macros (GCC) would
// rewrite them.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>

namespace {

struct Curl {
  void* handle = nullptr;
  template <typename F>
  F get(const char* name) const {
    return handle ? reinterpret_cast<F>(::dlsym(handle, name)) : nullptr;
  }
};

const Curl& curl() {
  static const Curl library = [] {
    Curl c;
    c.handle = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    return c;
  }();
  return library;
}

// libcurl's own function `name`, of type F; nothing when libcurl could not be loaded.
template <typename F>
F real(const char* name) {
  return curl().get<F>(name);
}

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
  static const auto f = real<CURLcode (*)(long)>("curl_global_init");
  if (!f) return CURLE_FAILED_INIT;
  return f(flags);
}

CURL* curl_easy_init() {
  static const auto f = real<CURL* (*)()>("curl_easy_init");
  if (!f) return nullptr;
  return f();
}

CURLcode curl_easy_setopt(CURL* easy, CURLoption option, ...) {
  static const auto f = real<CURLcode (*)(CURL*, CURLoption, ...)>("curl_easy_setopt");
  if (!f) return CURLE_FAILED_INIT;
  va_list args;
  va_start(args, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    rc = f(easy, option, va_arg(args, long));
  } else if (option < CURLOPTTYPE_OFF_T) {  // data and function pointers alike
    rc = f(easy, option, va_arg(args, void*));
  } else if (option < CURLOPTTYPE_BLOB) {
    rc = f(easy, option, va_arg(args, curl_off_t));
  } else {
    rc = f(easy, option, va_arg(args, void*));
  }
  va_end(args);
  return rc;
}

CURLcode curl_easy_getinfo(CURL* easy, CURLINFO info, ...) {
  static const auto f = real<CURLcode (*)(CURL*, CURLINFO, ...)>("curl_easy_getinfo");
  if (!f) return CURLE_FAILED_INIT;
  va_list args;
  va_start(args, info);
  const CURLcode rc = f(easy, info, va_arg(args, void*));  // always where to put the answer
  va_end(args);
  return rc;
}

CURLcode curl_easy_perform(CURL* easy) {
  static const auto f = real<CURLcode (*)(CURL*)>("curl_easy_perform");
  if (!f) return CURLE_FAILED_INIT;
  return f(easy);
}

void curl_easy_cleanup(CURL* easy) {
  static const auto f = real<void (*)(CURL*)>("curl_easy_cleanup");
  if (!f) return;
  f(easy);
}

const char* curl_easy_strerror(CURLcode code) {
  static const auto f = real<const char* (*)(CURLcode)>("curl_easy_strerror");
  if (!f) return "libcurl introuvable (libcurl.so.4)";
  return f(code);
}

curl_slist* curl_slist_append(curl_slist* list, const char* text) {
  static const auto f = real<curl_slist* (*)(curl_slist*, const char*)>("curl_slist_append");
  if (!f) return nullptr;
  return f(list, text);
}

void curl_slist_free_all(curl_slist* list) {
  static const auto f = real<void (*)(curl_slist*)>("curl_slist_free_all");
  if (!f) return;
  f(list);
}

curl_mime* curl_mime_init(CURL* easy) {
  static const auto f = real<curl_mime* (*)(CURL*)>("curl_mime_init");
  if (!f) return nullptr;
  return f(easy);
}

void curl_mime_free(curl_mime* mime) {
  static const auto f = real<void (*)(curl_mime*)>("curl_mime_free");
  if (!f) return;
  f(mime);
}

curl_mimepart* curl_mime_addpart(curl_mime* mime) {
  static const auto f = real<curl_mimepart* (*)(curl_mime*)>("curl_mime_addpart");
  if (!f) return nullptr;
  return f(mime);
}

CURLcode curl_mime_data(curl_mimepart* part, const char* data, size_t size) {
  static const auto f = real<CURLcode (*)(curl_mimepart*, const char*, size_t)>("curl_mime_data");
  if (!f) return CURLE_FAILED_INIT;
  return f(part, data, size);
}

CURLcode curl_mime_type(curl_mimepart* part, const char* type) {
  static const auto f = real<CURLcode (*)(curl_mimepart*, const char*)>("curl_mime_type");
  if (!f) return CURLE_FAILED_INIT;
  return f(part, type);
}

CURLcode curl_mime_encoder(curl_mimepart* part, const char* encoding) {
  static const auto f = real<CURLcode (*)(curl_mimepart*, const char*)>("curl_mime_encoder");
  if (!f) return CURLE_FAILED_INIT;
  return f(part, encoding);
}

CURLcode curl_mime_filename(curl_mimepart* part, const char* name) {
  static const auto f = real<CURLcode (*)(curl_mimepart*, const char*)>("curl_mime_filename");
  if (!f) return CURLE_FAILED_INIT;
  return f(part, name);
}

}  // extern "C"
