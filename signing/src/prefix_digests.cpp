#include "prefix_digests.hpp"

#include <algorithm>

namespace ipt::signing::detail {

namespace {

// 8 KiB between states: a prefix costs at most that much hashing again (a revision's end is
// anywhere), and a state costs a copy of the context. At most 256 states for a large file.
size_t stride_for(size_t size) { return std::max<size_t>(8192, size / 256 + 1); }

Bytes final_of(const EVP_MD_CTX* state, const unsigned char* more, size_t length, const unsigned char* then = nullptr,
               size_t then_length = 0) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_MD_CTX_copy_ex(ctx.get(), state);
  if (length) EVP_DigestUpdate(ctx.get(), more, length);
  if (then_length) EVP_DigestUpdate(ctx.get(), then, then_length);
  Bytes digest(32);
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &n);
  return digest;
}

}  // namespace

PrefixDigests::PrefixDigests(std::span<const unsigned char> bytes) : bytes_(bytes), stride_(stride_for(bytes.size())) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  states_.reserve(bytes.size() / stride_ + 1);
  for (size_t at = 0; at < bytes.size(); at += stride_) {
    EvpMdCtxPtr state(EVP_MD_CTX_new());
    EVP_MD_CTX_copy_ex(state.get(), ctx.get());
    states_.push_back(std::move(state));
    EVP_DigestUpdate(ctx.get(), bytes.data() + at, std::min(stride_, bytes.size() - at));
  }
  if (states_.empty()) {  // an empty file: its digest is the state before any byte
    EvpMdCtxPtr state(EVP_MD_CTX_new());
    EVP_MD_CTX_copy_ex(state.get(), ctx.get());
    states_.push_back(std::move(state));
  }
  whole_ = final_of(ctx.get(), nullptr, 0);
}

Bytes PrefixDigests::of_first(size_t length) const {
  if (length >= bytes_.size()) return whole_;
  const size_t i = std::min(length / stride_, states_.size() - 1);
  const size_t from = i * stride_;
  return final_of(states_[i].get(), bytes_.data() + from, length - from);
}

std::optional<Bytes> PrefixDigests::of_byte_range(const std::vector<size_t>& br) const {
  if (br.size() != 4 || br[0] != 0 || br[1] > bytes_.size() || br[2] < br[1] || br[2] > bytes_.size() ||
      br[3] > bytes_.size() - br[2]) {
    return std::nullopt;
  }
  const size_t i = std::min(br[1] / stride_, states_.size() - 1);
  const size_t from = i * stride_;
  return final_of(states_[i].get(), bytes_.data() + from, br[1] - from, bytes_.data() + br[2], br[3]);
}

}  // namespace ipt::signing::detail
