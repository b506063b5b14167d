// The GUI holding a long finished run: writes a run of STEPS logged steps (default 100,000) with an
// evaluation every 500 steps and ΔM/ΔD of 8 layers every 10 steps into a fresh database, opens the
// main window on it, and shows the run from the Runs page as a user would. Prints the time to load and
// draw the run, then the GUI thread's worst event-loop stall while the user works with it for a few
// seconds (the window resized every 50 ms, which relayouts and redraws every plot, and the pages
// switched every 500 ms). A 5 ms precise QTimer measures the loop, as in bench_gui_stalls; a stall is
// an interval minus 5 ms, and none over 50 ms is the target.
//
//   QT_QPA_PLATFORM=offscreen build/tests/bench/bench_gui_history [STEPS] [LAYERS]
//   xvfb-run -a build/tests/bench/bench_gui_history [STEPS] [LAYERS]
// LAYERS (default 8) is how many layers have statistics; 0 leaves the layer plots empty.
#include "dora/run_config.h"
#include "dora/run_store.h"
#include "main_window.h"
#include "pages/train_page.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

constexpr qint64 kPeriodNs = 5'000'000;

long long write_long_run(const QString& db, int steps, int layers)
{
    dora::RunConfig config;
    config.name = "long run";
    config.model.builtin = config.data.builtin = "demo-gpt";
    config.train.steps = steps;
    dora::RunStore store(db.toStdString());
    dora::NewRun run;
    run.name = config.name;
    run.method = config.adapter.method;
    run.model = "demo-gpt";
    run.model_identity = run.data_identity = "builtin:demo-gpt";
    run.config_json = dora::run_config_to_json(config);
    run.total_steps = steps;
    const long long id = store.create_run(run);
    for (int first = 1; first <= steps; first += 1000) {
        dora::MetricsBatch batch;
        for (int step = first; step < first + 1000 && step <= steps; ++step) {
            const double t = double(step) / steps;
            batch.steps.push_back({step, 3.0 * std::exp(-4 * t) + 0.05 * std::sin(step * 0.37), 1e-3 * (1 - t),
                                   0.5 + 0.1 * std::cos(step * 0.11), 400, 12800, step * 0.04});
            if (step % 500 == 0)
                batch.evals.push_back({step, 3.0 * std::exp(-4 * t) + 0.1});
            if (step % 10 == 0 && layers > 0) {
                dora::LayerStats stats{step, {}};
                for (int layer = 0; layer < layers; ++layer)
                    stats.layers.push_back({"transformer.h." + std::to_string(layer / 4) + ".layer" + std::to_string(layer),
                                            1e-3 * t * (layer + 1), 1e-4 * t * (8 - layer)});
                batch.layer_stats.push_back(std::move(stats));
            }
        }
        store.write_metrics(id, batch);
    }
    store.finish_run(id, "finished", "");
    return id;
}

}  // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line as it is measured, also into a file
    const int steps = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int layers = argc > 2 ? std::atoi(argv[2]) : 8;
    QTemporaryDir dir;
    const QString db = dir.filePath("runs.sqlite");
    QElapsedTimer clock;
    clock.start();
    const long long run_id = write_long_run(db, steps, layers);
    std::printf("gui-history: wrote a finished run of %d steps (%d layers' ΔM/ΔD every 10 steps) in %.2f s\n", steps,
                layers, clock.nsecsElapsed() / 1e9);

    dora::ui::MainWindow window(db);
    window.resize(1200, 800);
    window.show();
    window.showPage(dora::ui::MainWindow::RunsStep);
    QApplication::processEvents();

    std::vector<qint64> intervals;
    QElapsedTimer last;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        intervals.push_back(last.nsecsElapsed());
        last.start();
    });

    // Loading: what "Show" on the Runs page does, then everything it queued (layout, replots, paints).
    clock.restart();
    window.trainPage()->showStoredRun(run_id);
    window.showPage(dora::ui::MainWindow::TrainStep);
    QApplication::processEvents();
    QApplication::processEvents();
    const double load_s = clock.nsecsElapsed() / 1e9;

    // Working with it: the loop must keep turning while plots of 100,000 points are redrawn.
    int resizes = 0;
    QTimer resize;
    resize.setInterval(50);
    QObject::connect(&resize, &QTimer::timeout, [&] {
        ++resizes;
        window.resize(resizes % 2 ? 1280 : 1100, resizes % 2 ? 860 : 760);
        if (resizes % 10 == 0)
            window.showPage(resizes % 20 ? dora::ui::MainWindow::RunsStep : dora::ui::MainWindow::TrainStep);
    });
    last.start();
    tick.start();
    resize.start();
    clock.restart();
    while (clock.elapsed() < 4000)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    tick.stop();
    resize.stop();

    std::vector<double> stalls;
    for (qint64 ns : intervals)
        stalls.push_back(std::max<qint64>(0, ns - kPeriodNs) / 1e6);
    std::sort(stalls.begin(), stalls.end());
    const double worst = stalls.empty() ? 0 : stalls.back();
    const double p99 = stalls.empty() ? 0 : stalls[std::min(stalls.size() - 1, size_t(0.99 * double(stalls.size())))];
    const long over = std::count_if(stalls.begin(), stalls.end(), [](double ms) { return ms > 50; });
    std::printf("gui-history: load and first draw of the run: %.3f s (the GUI thread is busy for all of it)\n", load_s);
    std::printf("gui-history: then %d resizes and page switches in 4 s: %zu ticks, worst stall %.1f ms, p99 %.1f ms, "
                "%ld over 50 ms (target: none)\n",
                resizes, intervals.size(), worst, p99, over);
    return 0;
}
