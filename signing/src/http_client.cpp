#include "http_client.hpp"

#include <curl/curl.h>

#include <memory>

namespace ipt::signing::detail {

namespace {

struct Sink {
  Bytes data;
  size_t limit;
  bool overflow = false;
};

size_t collect(char* ptr, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->data.size() + n > sink->limit) {
    sink->overflow = true;
    return 0;
  }
  sink->data.insert(sink->data.end(), ptr, ptr + n);
  return n;
}

core::Result<Bytes> perform(const std::string& url, const std::string* content_type, const Bytes* body,
                            std::chrono::milliseconds timeout, size_t max_response) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) return core::fail("libcurl indisponible");
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  Sink sink{{}, max_response};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
  if (body) {
    headers.reset(curl_slist_append(nullptr, ("Content-Type: " + *content_type).c_str()));
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  }
  const CURLcode rc = curl_easy_perform(curl.get());
  if (sink.overflow) return core::fail(core::Category::external_service, url + " : réponse trop volumineuse");
  if (rc != CURLE_OK) {
    return core::fail(core::Category::external_service, url + " : le serveur ne répond pas (" + curl_easy_strerror(rc) + ")");
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) return core::fail(core::Category::external_service, url + " : réponse HTTP " + std::to_string(status));
  return std::move(sink.data);
}

}  // namespace

core::Result<Bytes> http_post(const std::string& url, const std::string& content_type, const Bytes& body,
                              std::chrono::milliseconds timeout, size_t max_response) {
  return perform(url, &content_type, &body, timeout, max_response);
}

core::Result<Bytes> http_get(const std::string& url, std::chrono::milliseconds timeout, size_t max_response) {
  return perform(url, nullptr, nullptr, timeout, max_response);
}

}  // namespace ipt::signing::detail
