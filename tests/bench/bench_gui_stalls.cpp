// How responsive the GUI thread stays while a run trains. The whole main window is shown (offscreen or
// under xvfb-run), a run is started from the Train page, and a 5 ms precise QTimer on the GUI thread
// records the real interval between its timeouts; a stall is an interval minus 5 ms. One line per case
// (demo × torch threads), then a verdict: no stall over 50 ms is the target.
//
//   QT_QPA_PLATFORM=offscreen build/tests/bench/bench_gui_stalls
//   xvfb-run -a build/tests/bench/bench_gui_stalls
//
// Like the app, it re-executes itself with OMP_WAIT_POLICY=passive when the variable is unset (libgomp
// reads it when it is loaded, before main); a policy given in the environment is kept, so
// `OMP_WAIT_POLICY=active bench_gui_stalls` measures libgomp's spinning. BENCH_STALL_CASES=gpt,mlp and
// BENCH_STALL_THREADS=1,2 pick cases; BENCH_STALL_GPT_STEPS / BENCH_STALL_MLP_STEPS change the length.
// The cases gpt-pair and mlp-pair press "LoRA vs DoRA" instead of Start: two runs, then the Compare
// page opens, which is measured too (half a second past the end of the second run).
#include "dora/run_config.h"
#include "main_window.h"
#include "pages/model_page.h"
#include "pages/options_page.h"
#include "pages/train_page.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <vector>

namespace {

constexpr qint64 kPeriodNs = 5'000'000;
constexpr double kLimitMs = 50.0;

struct Result {
    QString demo;
    int threads = 0;
    double run_s = 0;
    long ticks = 0;
    double max_ms = 0, p99_ms = 0;
    long over = 0;
    QString status;
    std::vector<std::pair<double, double>> worst;  // (seconds into the run, stall ms), largest first
};

// `pair`: the LoRA vs DoRA action instead of Start: two runs one after the other, then the comparison
// opens; measured until it has been on screen for a moment.
Result measure(const QString& demo, int threads, int steps, bool pair)
{
    Result r;
    r.demo = pair ? demo + " pair" : demo;
    r.threads = threads;

    QTemporaryDir dir;
    dora::ui::MainWindow window(dir.filePath("runs.sqlite"));
    window.resize(1200, 800);
    window.show();
    if (demo != "demo-gpt" && !window.modelPage()->choose(demo)) {
        r.status = "cannot choose " + demo;
        return r;
    }
    // Choosing a model resets the options to its defaults: set threads and steps afterwards.
    dora::RunConfig config;
    window.optionsPage()->apply(config);
    config.train.threads = threads;
    config.train.steps = steps;
    window.optionsPage()->show(config);
    window.showPage(dora::ui::MainWindow::TrainStep);
    QApplication::processEvents();

    QEventLoop loop;
    if (pair) {
        QObject::connect(window.trainPage(), &dora::ui::TrainPage::seriesFinished, &loop,
                         [&](const QList<qint64>& runs) {
                             r.status = runs.size() == 2 ? "finished" : QString("%1 of 2 runs").arg(runs.size());
                             QTimer::singleShot(500, &loop, &QEventLoop::quit);  // the comparison's first frames
                         });
    } else {
        QObject::connect(window.trainPage(), &dora::ui::TrainPage::runFinished, &loop,
                         [&](qint64, const QString& status) {
                             r.status = status;
                             loop.quit();
                         });
    }
    QTimer guard;  // a run that never ends is a result too
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &loop, [&] {
        r.status = "timeout";
        loop.quit();
    });

    std::vector<qint64> intervals;
    std::vector<qint64> at;  // when each interval ended, ns since the start
    intervals.reserve(1 << 16);
    at.reserve(1 << 16);
    QElapsedTimer clock, last;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        intervals.push_back(last.nsecsElapsed());
        at.push_back(now);
        last.start();
    });

    clock.start();
    last.start();
    tick.start();
    if (pair)  // on the GUI thread like a click: its own cost is measured too
        window.trainPage()->startLoraVsDora();
    else
        window.trainPage()->startRun();
    if (!window.trainPage()->isTraining()) {
        r.status = "did not start";
        return r;
    }
    guard.start(600'000);
    loop.exec();
    tick.stop();
    r.run_s = clock.nsecsElapsed() / 1e9;
    r.ticks = long(intervals.size());

    std::vector<double> stalls;
    stalls.reserve(intervals.size());
    for (size_t i = 0; i < intervals.size(); ++i) {
        const double ms = std::max<qint64>(0, intervals[i] - kPeriodNs) / 1e6;
        stalls.push_back(ms);
        if (ms > kLimitMs)
            ++r.over;
        r.worst.emplace_back(at[i] / 1e9, ms);
    }
    std::sort(r.worst.begin(), r.worst.end(), [](auto& a, auto& b) { return a.second > b.second; });
    if (r.worst.size() > 5)
        r.worst.resize(5);
    if (!stalls.empty()) {
        std::sort(stalls.begin(), stalls.end());
        r.max_ms = stalls.back();
        r.p99_ms = stalls[std::min(stalls.size() - 1, size_t(0.99 * double(stalls.size())))];
    }
    // Let the worker thread wind down before the window goes.
    for (int i = 0; i < 400 && window.trainPage()->isTraining(); ++i) {
        QApplication::processEvents(QEventLoop::AllEvents, 10);
        usleep(5000);
    }
    return r;
}

std::vector<int> intList(const char* name, std::vector<int> fallback)
{
    const QString value = qEnvironmentVariable(name);
    if (value.isEmpty())
        return fallback;
    std::vector<int> out;
    for (const QString& part : value.split(',', Qt::SkipEmptyParts))
        out.push_back(part.toInt());
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    if (!std::getenv("OMP_WAIT_POLICY")) {
        ::setenv("OMP_WAIT_POLICY", "passive", 1);
        ::execv("/proc/self/exe", argv);
        // Only returns on failure: carry on with libgomp's default (spinning) policy, and say so below.
        ::unsetenv("OMP_WAIT_POLICY");
    }
    QApplication app(argc, argv);

    const int gpt_steps = qEnvironmentVariableIsSet("BENCH_STALL_GPT_STEPS") ? qEnvironmentVariableIntValue("BENCH_STALL_GPT_STEPS") : 300;
    const int mlp_steps = qEnvironmentVariableIsSet("BENCH_STALL_MLP_STEPS") ? qEnvironmentVariableIntValue("BENCH_STALL_MLP_STEPS") : 3000;
    const QString cases = qEnvironmentVariable("BENCH_STALL_CASES", "gpt,mlp");
    const std::vector<int> thread_counts = intList("BENCH_STALL_THREADS", {1, 2});

    std::printf("platform=%s OMP_WAIT_POLICY=%s cores=%ld timer=5ms limit=%.0fms\n",
                qPrintable(QApplication::platformName()),
                std::getenv("OMP_WAIT_POLICY") ? std::getenv("OMP_WAIT_POLICY") : "(unset: libgomp default, spinning)",
                sysconf(_SC_NPROCESSORS_ONLN), kLimitMs);
    std::printf("%-9s %7s %8s %7s %9s %9s %7s  %s\n", "demo", "threads", "run_s", "ticks", "max_ms", "p99_ms",
                ">50ms", "status / worst stalls (t_s:ms)");
    std::fflush(stdout);

    long total_over = 0;
    double worst = 0;
    bool all_ran = true;
    for (const QString& which : cases.split(',', Qt::SkipEmptyParts)) {
        const bool pair = which.trimmed().endsWith(QStringLiteral("-pair"));
        const QString demo = "demo-" + which.trimmed().section('-', 0, 0);
        const int steps = demo == "demo-mlp" ? mlp_steps : gpt_steps;
        for (int threads : thread_counts) {
            const Result r = measure(demo, threads, steps, pair);
            QString detail = r.status;
            for (const auto& [t, ms] : r.worst)
                detail += QString(" %1:%2").arg(t, 0, 'f', 2).arg(ms, 0, 'f', 1);
            std::printf("%-9s %7d %8.2f %7ld %9.2f %9.2f %7ld  %s\n", qPrintable(r.demo), r.threads, r.run_s,
                        r.ticks, r.max_ms, r.p99_ms, r.over, qPrintable(detail));
            std::fflush(stdout);
            total_over += r.over;
            worst = std::max(worst, r.max_ms);
            all_ran = all_ran && r.status == "finished";
        }
    }
    if (total_over == 0 && all_ran)
        std::printf("verdict: PASS, worst stall %.2f ms, none over %.0f ms\n", worst, kLimitMs);
    else
        std::printf("verdict: FAIL, worst stall %.2f ms, %ld stalls over %.0f ms%s\n", worst, total_over, kLimitMs,
                    all_ran ? "" : ", and a run did not finish");
    return total_over == 0 && all_ran ? 0 : 1;
}
