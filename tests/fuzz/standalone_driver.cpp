// A bounded, deterministic fuzzing run for a libFuzzer target, for compilers without
// libFuzzer (the suite's g++ build): each seed file, then `--runs` mutations of them (bytes
// flipped, cut, repeated, spliced from another seed, digits and delimiters inserted) from a
// fixed random seed. A crash or a sanitizer report ends the process abnormally, which fails
// the test. Built with clang, the same targets link libFuzzer instead (-fsanitize=fuzzer).
//
// Usage: fuzz_target --runs N [--seed S] SEED_FILE_OR_FOLDER...
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

using Input = std::vector<uint8_t>;

Input read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Input(std::istreambuf_iterator<char>(in), {});
}

Input mutate(const std::vector<Input>& seeds, std::mt19937_64& random) {
  const Input& base = seeds[random() % seeds.size()];
  Input out = base;
  const int edits = 1 + static_cast<int>(random() % 8);
  static const char tokens[][8] = {"<<", ">>", "[", "]", "(", ")", "/", "0", "9999999", "obj", "endobj", "<", ">", "\n", "&", "\""};
  for (int e = 0; e < edits; ++e) {
    const size_t at = out.empty() ? 0 : random() % (out.size() + 1);
    switch (random() % 6) {
      case 0:  // flip a byte
        if (!out.empty()) out[at % out.size()] = static_cast<uint8_t>(random());
        break;
      case 1:  // cut the end
        out.resize(at);
        break;
      case 2: {  // remove a run
        const size_t n = std::min<size_t>(out.size() - std::min(at, out.size()), random() % 64);
        out.erase(out.begin() + static_cast<long>(at), out.begin() + static_cast<long>(at + n));
        break;
      }
      case 3: {  // insert a token
        const std::string t = tokens[random() % std::size(tokens)];
        out.insert(out.begin() + static_cast<long>(at), t.begin(), t.end());
        break;
      }
      case 4: {  // repeat a run (nesting, long values)
        if (out.empty()) break;
        const size_t from = random() % out.size();
        const size_t n = std::min<size_t>(out.size() - from, 1 + random() % 16);
        const Input run(out.begin() + static_cast<long>(from), out.begin() + static_cast<long>(from + n));
        for (int k = 0; k < static_cast<int>(random() % 64); ++k) out.insert(out.begin() + static_cast<long>(at), run.begin(), run.end());
        break;
      }
      default: {  // splice from another seed
        const Input& other = seeds[random() % seeds.size()];
        if (other.empty()) break;
        const size_t from = random() % other.size();
        const size_t n = std::min<size_t>(other.size() - from, random() % 256);
        out.insert(out.begin() + static_cast<long>(at), other.begin() + static_cast<long>(from),
                   other.begin() + static_cast<long>(from + n));
      }
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  long runs = 1000;
  unsigned long long seed = 8783;
  std::vector<Input> seeds;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::stol(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::stoull(argv[++i]);
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& e : std::filesystem::directory_iterator(arg)) {
        if (e.is_regular_file()) seeds.push_back(read(e.path()));
      }
    } else {
      seeds.push_back(read(arg));
    }
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "aucune graine : donnez des fichiers ou des dossiers\n");
    return 2;
  }
  for (const auto& s : seeds) LLVMFuzzerTestOneInput(s.data(), s.size());
  std::mt19937_64 random(seed);
  for (long r = 0; r < runs; ++r) {
    const Input input = mutate(seeds, random);
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("%zu graines, %ld mutations : aucun plantage\n", seeds.size(), runs);
  return 0;
}
