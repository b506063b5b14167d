// Local workers for a data-parallel run: fork and exec this executable once per rank, then wait.
#include "worker_launcher.h"

#include "dora/distributed.h"
#include "dora/error.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace dora::cli {
namespace {

using Clock = std::chrono::steady_clock;

// After one worker dies the others normally end within a second (Gloo sees the closed socket, then a
// short roll call names the lost rank, and rank 0 records the run as interrupted). A worker still
// running after this long is stuck and is killed.
constexpr std::chrono::seconds kGracePeriod{30};

std::vector<pid_t> g_workers;  // read by the signal handler: filled before the handler is installed

extern "C" void forward_signal(int signal_number)
{
    for (pid_t pid : g_workers)
        if (pid > 0)
            ::kill(pid, signal_number);  // async-signal-safe; each worker stops after its current step
}

// A worker's command line and environment, prepared before fork: between fork and exec the child
// may only make async-signal-safe calls (no allocation), because the parent may have other threads.
struct WorkerImage {
    std::vector<std::string> words, environment;
    std::vector<char*> argv, envp;
};

WorkerImage worker_image(int rank, int count, int port, const std::vector<std::string>& train_args)
{
    WorkerImage image;
    image.words = {"dora-cli", "train"};
    image.words.insert(image.words.end(), train_args.begin(), train_args.end());
    const std::vector<std::pair<std::string, std::string>> rank_variables = {
        {"RANK", std::to_string(rank)},       {"LOCAL_RANK", std::to_string(rank)},
        {"WORLD_SIZE", std::to_string(count)}, {"LOCAL_WORLD_SIZE", std::to_string(count)},
        {"MASTER_ADDR", "127.0.0.1"},          {"MASTER_PORT", std::to_string(port)}};
    for (char** variable = environ; *variable; ++variable) {
        const std::string entry = *variable;
        bool replaced = false;
        for (const auto& [name, value] : rank_variables)
            replaced = replaced || entry.rfind(name + "=", 0) == 0;
        if (!replaced)
            image.environment.push_back(entry);
    }
    for (const auto& [name, value] : rank_variables)
        image.environment.push_back(name + "=" + value);
    for (std::string& w : image.words)
        image.argv.push_back(w.data());
    image.argv.push_back(nullptr);
    for (std::string& e : image.environment)
        image.envp.push_back(e.data());
    image.envp.push_back(nullptr);
    return image;
}

[[noreturn]] void become_worker(int rank, WorkerImage& image)
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a launcher killed outright takes its workers along
    if (rank != 0) {
        const int null_fd = ::open("/dev/null", O_WRONLY);
        if (null_fd >= 0)
            ::dup2(null_fd, STDOUT_FILENO);
    }
    ::execve("/proc/self/exe", image.argv.data(), image.envp.data());
    static const char kFailed[] = "dora-cli train: a worker could not start (exec failed)\n";
    ssize_t ignored = ::write(STDERR_FILENO, kFailed, sizeof kFailed - 1);
    (void)ignored;
    ::_exit(127);
}

std::string describe_end(int status)
{
    if (WIFSIGNALED(status))
        return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
               ::strsignal(WTERMSIG(status)) + ")";
    return "exited with code " + std::to_string(WEXITSTATUS(status));
}

bool ended_badly(int status) { return WIFSIGNALED(status) || WEXITSTATUS(status) != 0; }

}  // namespace

int launch_local_workers(int count, const std::vector<std::string>& train_args)
{
    const int port = dora::free_local_port();
    std::fflush(stdout);  // or the children would print our buffered output again
    std::fflush(stderr);
    g_workers.assign(count, -1);
    for (int rank = 0; rank < count; ++rank) {
        WorkerImage image = worker_image(rank, count, port, train_args);
        const pid_t pid = ::fork();
        if (pid < 0)
            throw Error(std::string("--nproc: could not start worker ") + std::to_string(rank) + ": " + std::strerror(errno));
        if (pid == 0)
            become_worker(rank, image);
        g_workers[rank] = pid;
    }
    std::fprintf(stderr, "dora-cli train: %d workers on 127.0.0.1:%d:", count, port);
    for (int rank = 0; rank < count; ++rank)
        std::fprintf(stderr, " rank %d pid %d%s", rank, g_workers[rank], rank + 1 < count ? "," : "\n");
    std::fflush(stderr);
    std::signal(SIGINT, forward_signal);
    std::signal(SIGTERM, forward_signal);

    int running = count, rank0_status = 0, first_lost = -1;
    Clock::time_point deadline = Clock::time_point::max();
    while (running > 0) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            for (int rank = 0; rank < count; ++rank) {
                if (g_workers[rank] != pid)
                    continue;
                g_workers[rank] = -1;
                --running;
                if (rank == 0)
                    rank0_status = status;
                if (ended_badly(status) && first_lost < 0) {
                    first_lost = rank;
                    deadline = Clock::now() + kGracePeriod;
                    std::fprintf(stderr, "dora-cli train: worker rank %d (pid %d) %s; ending the run on every rank\n",
                                 rank, pid, describe_end(status).c_str());
                }
            }
            continue;
        }
        if (Clock::now() >= deadline) {
            for (int rank = 0; rank < count; ++rank) {
                if (g_workers[rank] <= 0)
                    continue;
                std::fprintf(stderr, "dora-cli train: worker rank %d (pid %d) was still running %lld s after rank %d "
                             "ended; killing it\n", rank, g_workers[rank], static_cast<long long>(kGracePeriod.count()),
                             first_lost);
                ::kill(g_workers[rank], SIGKILL);
            }
            deadline = Clock::time_point::max();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    const int rank0_code = WIFEXITED(rank0_status) ? WEXITSTATUS(rank0_status) : 1;
    return first_lost >= 0 && rank0_code == 0 ? 1 : rank0_code;
}

}  // namespace dora::cli
