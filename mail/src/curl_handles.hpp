#pragma once
// libcurl handles owned by unique_ptr, and the one-time global initialisation (libcurl asks
// for it before any other call, once per process, before threads start using it).
#include <curl/curl.h>

#include <memory>

namespace ipt::mail::detail {

struct EasyCleanup {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct MimeFree {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

using EasyHandle = std::unique_ptr<CURL, EasyCleanup>;
using MimeHandle = std::unique_ptr<curl_mime, MimeFree>;
using Slist = std::unique_ptr<curl_slist, SlistFree>;

void ensure_curl_initialised();

// Appends to a list owned by `list`; false when libcurl could not allocate.
bool append(Slist& list, const char* text);

}  // namespace ipt::mail::detail
