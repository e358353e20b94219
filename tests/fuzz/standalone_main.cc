// Runs a libFuzzer target without clang, so `make check` exercises every
// fuzzer under g++ and the sanitizers: each file named on the command line
// (or each file in a named directory) is run as is, then `-runs=N`
// mutations of them, from a fixed seed so a failure repeats. With clang,
// `make fuzz` links the same targets against libFuzzer instead.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

uint64_t g_state = 0x9E3779B97F4A7C15ull;

uint64_t Next() {  // xorshift64*
  g_state ^= g_state >> 12;
  g_state ^= g_state << 25;
  g_state ^= g_state >> 27;
  return g_state * 0x2545F4914F6CDD1Dull;
}

size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }

// Bytes that matter to mail parsers, favoured over uniform noise.
constexpr char kInteresting[] = "\r\n\0:@<>\".\\[] \t=%#,/\xff\x80\xc3";

std::string Mutate(std::string s, const std::vector<std::string>& seeds) {
  int rounds = 1 + static_cast<int>(Below(4));
  for (int r = 0; r < rounds; ++r) {
    switch (Below(6)) {
      case 0:  // flip a byte
        if (!s.empty()) s[Below(s.size())] = static_cast<char>(Next());
        break;
      case 1:  // insert an interesting byte
        s.insert(Below(s.size() + 1), 1, kInteresting[Below(sizeof kInteresting - 1)]);
        break;
      case 2:  // erase a run
        if (!s.empty()) {
          size_t at = Below(s.size());
          s.erase(at, Below(s.size() - at) + 1);
        }
        break;
      case 3:  // repeat a run
        if (!s.empty()) {
          size_t at = Below(s.size());
          std::string run = s.substr(at, Below(64) + 1);
          for (size_t k = Below(8) + 1; k > 0; --k) s.insert(at, run);
        }
        break;
      case 4: {  // splice in part of another seed
        const std::string& other = seeds[Below(seeds.size())];
        if (!other.empty()) {
          size_t from = Below(other.size());
          s.insert(Below(s.size() + 1), other.substr(from, Below(other.size() - from) + 1));
        }
        break;
      }
      case 5:  // truncate
        s.resize(Below(s.size() + 1));
        break;
    }
  }
  if (s.size() > (1u << 16)) s.resize(1u << 16);
  return s;
}

void Collect(const std::string& path, std::vector<std::string>* out) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    DIR* d = opendir(path.c_str());
    if (d == nullptr) return;
    std::vector<std::string> names;
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    closedir(d);
    std::sort(names.begin(), names.end());  // same order, same run
    for (const auto& n : names) Collect(path + "/" + n, out);
    return;
  }
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  out->push_back(ss.str());
}

void RunOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  long runs = 0;
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "-runs=", 6) == 0) runs = std::atol(argv[i] + 6);
    else if (argv[i][0] != '-') Collect(argv[i], &seeds);
  }
  if (seeds.empty()) seeds.push_back("");
  for (const std::string& s : seeds) RunOne(s);
  for (long i = 0; i < runs; ++i) RunOne(Mutate(seeds[Below(seeds.size())], seeds));
  std::printf("%s: %zu seeds, %ld mutations, no crash\n", argv[0], seeds.size(), runs);
  return 0;
}
