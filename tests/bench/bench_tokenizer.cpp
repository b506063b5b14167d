// Encoding speed of the tokenizer.json reader on English prose, on one core: the project's LICENSE
// and README (about 40 KB of English) repeated to `megabytes`, through the GPT-2 tokenizer in
// tests/data/gpt2. Prints MB/s for a fresh tokenizer (every word new to its cache) and for a warm one
// (the usual case in a long corpus, where most words repeat); the target is at least 5 MB/s.
//   build/tests/bench/bench_tokenizer [megabytes] [tokenizer.json] [text file]
#include "data/tokenizer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv)
{
    const std::filesystem::path root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
    const double megabytes = argc > 1 ? std::atof(argv[1]) : 16.0;
    const std::string tokenizer_path = argc > 2 ? argv[2] : (root / "tests/data/gpt2/tokenizer.json").string();
    std::string sample = argc > 3 ? read_file(argv[3]) : read_file(root / "LICENSE") + read_file(root / "README.md");
    if (sample.empty()) {
        std::fprintf(stderr, "no text to tokenize\n");
        return 1;
    }
    std::string text;
    while (text.size() < megabytes * 1e6) text += sample;

    auto start = std::chrono::steady_clock::now();
    const dora::data::Tokenizer cold = dora::data::Tokenizer::from_file(tokenizer_path);
    std::printf("load %s: %.3f s, %lld tokens\n", tokenizer_path.c_str(), seconds_since(start),
                static_cast<long long>(cold.vocab_size()));

    start = std::chrono::steady_clock::now();
    const size_t sample_tokens = cold.encode(sample).size();
    const double cold_s = seconds_since(start);
    std::printf("cold: %8.2f MB/s  (%zu bytes of distinct text, %zu tokens)\n", sample.size() / cold_s / 1e6,
                sample.size(), sample_tokens);

    start = std::chrono::steady_clock::now();
    const size_t tokens = cold.encode(text).size();
    const double warm_s = seconds_since(start);
    std::printf("warm: %8.2f MB/s  (%zu bytes, %zu tokens, %.2f bytes per token)\n", text.size() / warm_s / 1e6,
                text.size(), tokens, double(text.size()) / tokens);

    start = std::chrono::steady_clock::now();
    const std::string back = cold.decode(cold.encode(sample));
    std::printf("round trip of the sample: %s (%.3f s)\n", back == sample ? "identical" : "DIFFERENT", seconds_since(start));
    return back == sample ? 0 : 1;
}
