#pragma once
// An exclusive lock on one stored document, held from the checks that decide a change to the
// rename that makes it (private to pipeline): two processes signing the same document queue
// up, and the second sees the first one's result. flock(2) on "<document>.pdf.lock": the
// kernel releases it when the process dies, so a kill never leaves it held.
#include <filesystem>

#include "ipt/core/result.hpp"

namespace ipt::pipeline::detail {

class DocumentLock {
 public:
  // Blocks until the lock is free.
  static core::Result<DocumentLock> acquire(const std::filesystem::path& document);
  DocumentLock(DocumentLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DocumentLock& operator=(DocumentLock&&) = delete;
  ~DocumentLock();

 private:
  explicit DocumentLock(int fd) : fd_(fd) {}
  int fd_;
};

// Removes what a killed writer may have left beside `document`: the temporary files of an
// atomic write (".annexe-4.pdf.XXXXXX"). Call with the document's lock held.
void remove_stale_temporaries(const std::filesystem::path& document);

}  // namespace ipt::pipeline::detail
