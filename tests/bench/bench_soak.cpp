// A long run loses nothing and leaks nothing: trains demo-mlp for STEPS steps (default 10,000) through
// the same engine call as dora-cli, with layer statistics every LAYER_STATS_EVERY steps (default 10),
// an evaluation and a checkpoint every 50, and prints at intervals the resident memory of the process
// and the size of the database. Targets (issue 8): the resident memory at the end within 5% of the
// memory after the first 500 steps, and the database growing linearly in the steps logged (the same
// bytes per step in every interval).
//
//   build/tests/bench/bench_soak [STEPS] [LAYER_STATS_EVERY]
//
// Sizes are read on the training thread while the run is recorded. The database's size is its logical
// size (page_count x page_size as a reader sees it, WAL included), not the bytes of the two files: the
// WAL file is reused at a fixed size after each checkpoint and would hide the trend.
#include "dora/recorded_run.h"

#include <sqlite3.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

double resident_mib()
{
    std::ifstream statm("/proc/self/statm");
    long long total_pages = 0, resident_pages = 0;
    statm >> total_pages >> resident_pages;
    return static_cast<double>(resident_pages) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1 << 20);
}

long long file_bytes(const std::string& path)
{
    std::error_code error;
    const auto size = fs::file_size(path, error);
    return error ? 0 : static_cast<long long>(size);
}

struct Sample {
    int step = 0;
    double rss_mib = 0;
    long long db_bytes = 0;
};

long long pragma_number(sqlite3* db, const char* sql)
{
    sqlite3_stmt* statement = nullptr;
    long long value = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
        value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return value;
}

// The committed size of the database, read through a connection of its own.
long long database_bytes(const std::string& path)
{
    sqlite3* db = nullptr;
    long long bytes = 0;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK)
        bytes = pragma_number(db, "PRAGMA page_count") * pragma_number(db, "PRAGMA page_size");
    sqlite3_close(db);
    return bytes;
}

class Sampler : public dora::RecordedRunObserver {
public:
    Sampler(std::string db, int every) : m_db(std::move(db)), m_every(every) {}
    void on_step(const dora::StepMetrics& m) override
    {
        if (m.step == 500 || m.step % m_every == 0)
            samples.push_back({m.step, resident_mib(), database_bytes(m_db)});
    }
    std::vector<Sample> samples;

private:
    std::string m_db;
    int m_every;
};

}  // namespace

int main(int argc, char** argv)
{
    const int steps = argc > 1 ? std::atoi(argv[1]) : 10000;
    const int layer_stats_every = argc > 2 ? std::atoi(argv[2]) : 10;
    if (steps < 1000 || layer_stats_every < 0) {
        std::fprintf(stderr, "usage: bench_soak [STEPS >= 1000] [LAYER_STATS_EVERY >= 0]\n");
        return 2;
    }
    const std::string folder = (fs::temp_directory_path() / ("dora-bench-soak-" + std::to_string(::getpid()))).string();
    fs::create_directories(folder);
    const std::string db = folder + "/runs.sqlite";

    dora::RunConfig config;
    config.model.builtin = config.data.builtin = "demo-mlp";
    config.train.steps = steps;
    config.train.threads = 1;
    config.train.eval_every = 50;
    config.train.checkpoint_every = 50;
    config.log.layer_stats_every = layer_stats_every;
    Sampler sampler(db, steps / 20);
    dora::TrainingControl control;
    const dora::RecordedRun run = dora::train_recorded(db, config, sampler, control);
    const long long final_db = file_bytes(db);

    std::printf("soak: demo-mlp DoRA, %d steps (%s), layer statistics every %d steps, %.1f s, store %.2f s\n",
                run.summary.steps, run.summary.status.c_str(), layer_stats_every, run.summary.seconds, run.store_seconds);
    std::printf("%7s %9s %12s %15s\n", "step", "rss_MiB", "db_bytes", "bytes/step");
    const Sample* previous = nullptr;
    for (const Sample& s : sampler.samples) {
        if (previous)
            std::printf("%7d %9.1f %12lld %15.1f\n", s.step, s.rss_mib, s.db_bytes,
                        double(s.db_bytes - previous->db_bytes) / (s.step - previous->step));
        else
            std::printf("%7d %9.1f %12lld %15s\n", s.step, s.rss_mib, s.db_bytes, "-");
        previous = &s;
    }
    int exit_code = 0;
    if (sampler.samples.size() >= 3 && sampler.samples.front().step == 500) {
        const Sample& first = sampler.samples.front();
        const Sample& last = sampler.samples.back();
        const double growth = 100.0 * (last.rss_mib - first.rss_mib) / first.rss_mib;
        // Bytes per step over the first and the second half of the run after step 500: equal when the
        // growth is linear.
        const Sample& middle = sampler.samples[sampler.samples.size() / 2];
        const double early = double(middle.db_bytes - first.db_bytes) / (middle.step - first.step);
        const double late = double(last.db_bytes - middle.db_bytes) / (last.step - middle.step);
        std::printf("resident memory: %.1f MiB after step 500, %.1f MiB at step %d: %+.2f%% (target within 5%%)\n",
                    first.rss_mib, last.rss_mib, last.step, growth);
        std::printf("database: %.1f bytes/step over steps %d-%d, %.1f over %d-%d (ratio %.3f; linear = 1); "
                    "%lld bytes after the run\n",
                    early, first.step, middle.step, late, middle.step, last.step, late / early, final_db);
        exit_code = std::fabs(growth) <= 5.0 ? 0 : 1;
    }
    fs::remove_all(folder);
    return run.summary.status == "finished" ? exit_code : 1;
}
