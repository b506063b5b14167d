// How fast, and in how much memory, a GPT-2-small-sized model folder (124M parameters, F32
// safetensors, about 500 MB) loads, against reading the same file once (performance issue: at most
// 3x the read time, peak memory at most 1.3x the model's size). The bench writes the folder itself
// into a temporary directory, then measures in a fresh process (this executable again) so that the
// peak resident memory it reports belongs to loading alone.
//   build/tests/bench/bench_model_load [--layers N]     (12 by default: GPT-2 small)
#include "models/model_config.h"
#include "models/model_folder.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A line of /proc/self/status in MB ("VmRSS", "VmHWM").
double status_mb(const std::string& key)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(key + ":", 0) == 0)
            return std::stod(line.substr(key.size() + 1)) / 1024.0;
    return 0;
}

// Runs in the fresh process: load (timed, peak memory above what the process held before), then one
// plain read of the file (timed). The file was just written, so both find it in the page cache.
int measure(const std::string& dir)
{
    const std::string file = (fs::path(dir) / "model.safetensors").string();
    const double file_mb = static_cast<double>(fs::file_size(file)) / (1024.0 * 1024.0);
    const double rss_before = status_mb("VmRSS");

    auto start = Clock::now();
    std::shared_ptr<dora::models::Model> model = dora::models::load_model_folder(dir);
    const double load_s = seconds_since(start);
    const double load_peak_mb = status_mb("VmHWM") - rss_before;
    long long parameters = 0;
    for (const auto& p : model->parameters())
        parameters += p.numel();
    model.reset();

    start = Clock::now();
    std::vector<char> bytes(fs::file_size(file));
    std::ifstream in(file, std::ios::binary);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    const double read_s = seconds_since(start);

    std::printf("%-11s %9s %8s %8s %10s %13s %10s\n", "parameters", "file_MB", "read_s", "load_s", "load/read",
                "load_peak_MB", "peak/size");
    std::printf("%-11lld %9.1f %8.3f %8.3f %10.2f %13.1f %10.2f\n", parameters, file_mb, read_s, load_s,
                load_s / read_s, load_peak_mb, load_peak_mb / file_mb);
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc == 3 && std::string(argv[1]) == "--measure")
        return measure(argv[2]);
    dora::models::ModelSpec spec;
    spec.model_type = "gpt2";
    spec.gpt2 = {50257, 1024, 768, argc == 3 && std::string(argv[1]) == "--layers" ? std::atoi(argv[2]) : 12, 12, 1e-5};
    const fs::path dir = fs::temp_directory_path() / ("dora-bench-load-" + std::to_string(::getpid()));
    {
        std::shared_ptr<dora::models::Model> model = dora::models::build_model(spec);
        dora::models::save_model_folder(*model, dir.string());
    }
    std::fflush(stdout);
    const pid_t child = ::fork();
    if (child == 0) {
        const std::string folder = dir.string();
        ::execl("/proc/self/exe", argv[0], "--measure", folder.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 1;
    ::waitpid(child, &status, 0);
    fs::remove_all(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
