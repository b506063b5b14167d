// `dora-cli bench` as a user runs it on a tiny shape: one JSON line per method with the documented
// fields, numbers that agree with each other and with FLOP counts worked out by hand, and bad flags
// ending in one clear line. Timing is not tested here (benchmarks print numbers; tests check facts).
#include <QtTest/QtTest>

#include "cli_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

using namespace dora::testing;

// One block, d 8, 2 heads, vocab 16, seq 4, batch 1 (N = 4 tokens), rank 1. Linear layers (in, out):
// c_attn (8, 24), attn.c_proj (8, 8), c_fc (8, 32), mlp.c_proj (32, 8); Σ in·out = 768.
const QStringList kTinyShape = {"--layers", "1", "--d", "8", "--heads", "2", "--vocab", "16", "--seq", "4",
                                "--batch", "1", "--rank", "1", "--steps", "3", "--threads", "1",
                                "--layer-stats-every", "1"};
// Worked by hand, in FLOPs (2·m·k·n per product):
//   base forward 2·4·768 = 6144; input gradients of all but c_attn (its input, the embeddings, is
//   frozen) 2·4·(64 + 256 + 256) = 4608; attention q·kᵀ and p·v over both heads, 2 × 2·4·4·8 = 512
//   forward and twice that backward; tied head 2·4·8·16 = 1024 forward, 1024 backward.
//   LoRA: adapter forward 2·4·Σ(in + out) = 1024; backward dB and d(xAᵀ) 2·2·4·Σout = 1152, dA
//   2·4·Σin = 448, dx through A (not c_attn) 2·4·48 = 384.
//   DoRA: LoRA + row norm Σ(2·out·in + 2·in + 2·out) = 1536 + 112 + 144 = 1792.
//   Full: base forward 6144 + input gradients 4608 + weight gradients 6144, attention, head.
constexpr double kCommon = 6144 + 4608 + 512 + 1024 + 1024 + 1024;
constexpr double kLoraFlop = kCommon + 1024 + 1152 + 448 + 384;
constexpr double kDoraFlop = kLoraFlop + 1792;
constexpr double kFullFlop = kCommon + 6144;

}  // namespace

class TestBenchCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // --rounds: the methods take turns, and each reports its fastest round, with every round's median.
    void roundsReportTheLeastDisturbedRound()
    {
        const CliResult r = run_cli(QStringList{"bench"} + kTinyShape + QStringList{"--methods", "lora,dora", "--rounds", "3", "--json"});
        QCOMPARE(r.exit_code, 0);
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        for (const QString& line : lines) {
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            const QJsonArray rounds = o["round_ms"].toArray();
            QCOMPARE(rounds.size(), 3);
            double fastest = rounds[0].toDouble();
            for (const QJsonValue& v : rounds)
                fastest = std::min(fastest, v.toDouble());
            QCOMPARE(o["ms_per_step"].toDouble(), fastest);
        }
        QVERIFY(run_cli(QStringList{"bench"} + kTinyShape + QStringList{"--rounds", "0"}).exit_code != 0);
    }

    // With LoRA and DoRA both asked for, DoRA's line also gives their ratio with the steps taking turns
    // in one process, as many step pairs as all the rounds have steps: each LoRA step ends before the
    // DoRA step of its pair starts, which ends before the next LoRA step starts, and the ratio is the
    // median of the pairs' ratios.
    void pairedStepsTakeTurns()
    {
        const CliResult r =
            run_cli(QStringList{"bench"} + kTinyShape + QStringList{"--methods", "dora,lora", "--rounds", "2", "--json"});
        QCOMPARE(r.exit_code, 0);
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject dora = QJsonDocument::fromJson(lines[0].toUtf8()).object();
        const QJsonObject lora = QJsonDocument::fromJson(lines[1].toUtf8()).object();
        QCOMPARE(dora["method"].toString(), QString("dora"));
        QVERIFY(!lora.contains("paired"));
        const QJsonObject paired = dora["paired"].toObject();
        QCOMPARE(paired["steps"].toInt(), 6);
        auto doubles = [&](const char* key) {
            std::vector<double> out;
            for (const QJsonValue& v : paired[key].toArray())
                out.push_back(v.toDouble());
            return out;
        };
        const std::vector<double> lora_ms = doubles("lora_step_ms"), dora_ms = doubles("dora_step_ms");
        const std::vector<double> lora_end = doubles("lora_step_end_ms"), dora_end = doubles("dora_step_end_ms");
        QCOMPARE(lora_ms.size(), size_t(6));
        QCOMPARE(dora_ms.size(), size_t(6));
        QCOMPARE(lora_end.size(), size_t(6));
        QCOMPARE(dora_end.size(), size_t(6));
        const double rounding = 0.002;  // each figure printed to 0.001 ms
        std::vector<double> ratios;
        for (size_t i = 0; i < 6; ++i) {
            QVERIFY2(lora_end[i] <= dora_end[i] - dora_ms[i] + rounding, qPrintable(QString("pair %1").arg(i)));
            if (i + 1 < 6)
                QVERIFY2(dora_end[i] <= lora_end[i + 1] - lora_ms[i + 1] + rounding,
                         qPrintable(QString("pair %1").arg(i)));
            QVERIFY(lora_ms[i] > 0 && dora_ms[i] > 0);
            ratios.push_back(dora_ms[i] / lora_ms[i]);
        }
        std::sort(ratios.begin(), ratios.end());
        const double median = (ratios[2] + ratios[3]) / 2;
        const double smallest = std::min(*std::min_element(lora_ms.begin(), lora_ms.end()),
                                         *std::min_element(dora_ms.begin(), dora_ms.end()));
        // the step times were rounded to 0.001 ms before this median was taken, the ratio to 0.0001
        QVERIFY2(std::fabs(paired["ratio"].toDouble() - median) <= 1e-4 + median * 0.001 / smallest,
                 qPrintable(QString("%1 against %2").arg(paired["ratio"].toDouble()).arg(median)));
    }

    void printsOneConsistentJsonLinePerMethod()
    {
        const CliResult r = run_cli(QStringList{"bench"} + kTinyShape + QStringList{"--methods", "lora,dora,full", "--json"});
        QCOMPARE(r.exit_code, 0);
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        const QStringList methods = {"lora", "dora", "full"};
        const double expected_flop[] = {kLoraFlop, kDoraFlop, kFullFlop};
        for (int i = 0; i < 3; ++i) {
            QJsonParseError error;
            const QJsonObject o = QJsonDocument::fromJson(lines[i].toUtf8(), &error).object();
            QCOMPARE(error.error, QJsonParseError::NoError);
            for (const char* field : {"method", "ms_per_step", "tokens_per_s", "gflop_per_step", "achieved_gflops",
                                      "gemm_peak_gflops", "mfu", "peak_rss_mb", "page_faults_per_step"})
                QVERIFY2(o.contains(field), field);
            QCOMPARE(o["method"].toString(), methods[i]);
            QCOMPARE(o.contains("paired"), methods[i] == "dora");  // only there, and only with LoRA beside it
            const double ms = o["ms_per_step"].toDouble(), gflop = o["gflop_per_step"].toDouble();
            QVERIFY(ms > 0);
            QVERIFY(qAbs(gflop * 1e9 - expected_flop[i]) < 1.0);
            QCOMPARE(o["step_ms"].toArray().size(), 3);
            // The derived numbers follow from the measured ones (fields are rounded when printed: ms to
            // 0.001, a relative error of 0.0005 / ms, which a sub-millisecond step makes visible).
            const double rounding = 1e-3 + 0.0005 / ms;
            QVERIFY(qAbs(o["tokens_per_s"].toDouble() - 4 * 1000.0 / ms) <= 0.1 + rounding * o["tokens_per_s"].toDouble());
            QVERIFY(qAbs(o["achieved_gflops"].toDouble() - gflop * 1000.0 / ms) <= 0.01 + rounding * o["achieved_gflops"].toDouble());
            const double peak = o["gemm_peak_gflops"].toDouble();
            QVERIFY2(peak > 0.5, "a matrix-product peak under 0.5 GFLOP/s is not a measurement");
            QVERIFY(qAbs(o["mfu"].toDouble() - o["achieved_gflops"].toDouble() / peak) < 1e-3);
            // Each method ran in a process that loaded LibTorch: tens of MB at least, and less than the machine.
            QVERIFY(o["peak_rss_mb"].toDouble() > 20 && o["peak_rss_mb"].toDouble() < 64 * 1024);
            QVERIFY(o["layer_stats_ms"].toDouble() > 0);
            // the mean of three steps' counts of pages (printed to 0.01): a third of a whole number, not negative
            const double faults = o["page_faults_per_step"].toDouble();
            QVERIFY(faults >= 0 && std::fabs(3 * faults - std::round(3 * faults)) <= 0.031);
        }
    }

    void readableTableWithoutJson()
    {
        const CliResult r = run_cli(QStringList{"bench"} + kTinyShape + QStringList{"--methods", "lora,dora"});
        QCOMPARE(r.exit_code, 0);
        QVERIFY(r.out.contains("method"));
        QVERIFY(r.out.contains("MFU"));
        QVERIFY(r.out.contains("DoRA / LoRA: step time"));
        QVERIFY(r.out.contains("DoRA / LoRA, steps taking turns in one process"));
        const CliResult alone = run_cli(QStringList{"bench"} + kTinyShape + QStringList{"--methods", "dora,full"});
        QCOMPARE(alone.exit_code, 0);
        QVERIFY(!alone.out.contains("taking turns"));
    }

    // With rounds, the table also gives each round's DoRA / LoRA ratio and their median.
    void roundByRoundRatiosAndTheirMedian()
    {
        const CliResult r = run_cli(QStringList{"bench"} + kTinyShape + QStringList{"--methods", "lora,dora", "--rounds", "4"});
        QCOMPARE(r.exit_code, 0);
        const QRegularExpression line("DoRA / LoRA round by round:((?: [0-9.]+)+), median ([0-9.]+)x");
        const QRegularExpressionMatch match = line.match(r.out);
        QVERIFY2(match.hasMatch(), qPrintable(r.out));
        std::vector<double> ratios;
        for (const QString& v : match.captured(1).split(' ', Qt::SkipEmptyParts))
            ratios.push_back(v.toDouble());
        QCOMPARE(ratios.size(), size_t(4));
        std::sort(ratios.begin(), ratios.end());
        QVERIFY(ratios.front() > 0);
        // printed to 3 decimals: the median of the printed ratios within their rounding
        QVERIFY(std::fabs(match.captured(2).toDouble() - (ratios[1] + ratios[2]) / 2) <= 1e-3);
    }

    void badFlagsEndInOneClearLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("method") << QStringList{"--methods", "lora,qlora"} << "unknown method 'qlora'";
        QTest::newRow("heads") << QStringList{"--d", "10", "--heads", "4"} << "not a multiple of --heads";
        QTest::newRow("zero") << QStringList{"--layers", "0"} << "--layers must be at least 1";
        QTest::newRow("number") << QStringList{"--steps", "ten"} << "--steps needs a whole number";
        QTest::newRow("flag") << QStringList{"--depth", "3"} << "unknown option --depth";
    }
    void badFlagsEndInOneClearLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CliResult r = run_cli(QStringList{"bench"} + args);
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(r.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestBenchCli)
#include "test_bench_cli.moc"
