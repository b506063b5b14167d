// The run config contract (DESIGN.md): every field and default, unknown fields named, bad values
// explained, and a JSON round trip that loses nothing.
#include <QtTest/QtTest>

#include "dora/error.h"
#include "dora/run_config.h"

namespace {

// The message of the error that parsing `json` throws, or "" if it parses.
QString error_of(const std::string& json)
{
    try {
        dora::run_config_from_json(json, "test.json");
    } catch (const dora::Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestRunConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaults()
    {
        const dora::RunConfig c = dora::run_config_from_json(R"({"model": {"builtin": "demo-gpt"}})");
        QCOMPARE(c.data.builtin, std::string("demo-gpt"));  // a built-in model brings its own data
        QCOMPARE(c.adapter.method, std::string("dora"));
        QCOMPARE(c.adapter.rank, 8);
        QCOMPARE(c.adapter.alpha, 16.0);
        QVERIFY(c.adapter.magnitude.trainable && c.adapter.magnitude.detach_norm);
        QCOMPARE(c.adapter.magnitude.lr_scale, 1.0);
        QCOMPARE(c.train.schedule, std::string("cosine"));
        QCOMPARE(c.train.device, std::string("auto"));
        QCOMPARE(c.train.weight_decay, 0.0);
        QCOMPARE(c.log.layer_stats_every, 10);
    }

    void everyFieldIsRead()
    {
        const dora::RunConfig c = dora::run_config_from_json(R"({
            "name": "n", "model": {"builtin": "demo-mlp"},
            "data": {"builtin": "demo-mlp", "format": "jsonl", "eval_fraction": 0.25, "seq_len": 32},
            "adapter": {"method": "lora", "targets": ["fc1"], "rank": 2, "alpha": 4, "dropout": 0.1, "rslora": true,
                        "init_from": "/adapters/a",
                        "magnitude": {"trainable": false, "lr_scale": 2.5, "detach_norm": false}},
            "train": {"steps": 7, "batch_size": 3, "grad_accum": 2, "lr": 0.5, "weight_decay": 0.01,
                      "schedule": "linear", "warmup_steps": 1, "clip_grad_norm": 0, "eval_every": 2,
                      "checkpoint_every": 3, "seed": 99, "threads": 1, "device": "cpu"},
            "log": {"layer_stats_every": 0}})");
        QCOMPARE(c.name, std::string("n"));
        QCOMPARE(c.data.format, std::string("jsonl"));
        QCOMPARE(c.data.eval_fraction, 0.25);
        QCOMPARE(c.data.seq_len, 32);
        QCOMPARE(c.adapter.targets, std::vector<std::string>{"fc1"});
        QCOMPARE(c.adapter.rank, 2);
        QCOMPARE(c.adapter.dropout, 0.1);
        QVERIFY(c.adapter.rslora);
        QCOMPARE(c.adapter.init_from, std::string("/adapters/a"));
        QVERIFY(!c.adapter.magnitude.trainable && !c.adapter.magnitude.detach_norm);
        QCOMPARE(c.adapter.magnitude.lr_scale, 2.5);
        QCOMPARE(c.train.steps, 7);
        QCOMPARE(c.train.grad_accum, 2);
        QCOMPARE(c.train.schedule, std::string("linear"));
        QCOMPARE(c.train.clip_grad_norm, 0.0);
        QCOMPARE(c.train.checkpoint_every, 3);
        QCOMPARE(c.train.seed, 99ULL);
        QCOMPARE(c.train.device, std::string("cpu"));
        QCOMPARE(c.log.layer_stats_every, 0);

        // Round trip: what is written reads back the same.
        const dora::RunConfig again = dora::run_config_from_json(dora::run_config_to_json(c));
        QCOMPARE(dora::run_config_to_json(again), dora::run_config_to_json(c));
    }

    void badConfigs_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        const QString model = R"("model": {"builtin": "demo-mlp"})";
        QTest::newRow("not json") << "{\"model\": " << "not valid JSON";
        QTest::newRow("not an object") << "[1, 2]" << "must be a JSON object";
        QTest::newRow("no model") << "{}" << "model is missing";
        QTest::newRow("unknown top-level field") << "{" + model + R"(, "epochs": 3})" << "unknown field 'epochs'";
        QTest::newRow("unknown nested field")
            << "{" + model + R"(, "adapter": {"magnitude": {"lr_scael": 2}}})" << "unknown field 'adapter.magnitude.lr_scael'";
        QTest::newRow("rank 0") << "{" + model + R"(, "adapter": {"rank": 0}})" << "adapter.rank must be at least 1, got 0";
        QTest::newRow("steps 0") << "{" + model + R"(, "train": {"steps": 0}})" << "train.steps must be at least 1, got 0";
        QTest::newRow("fractional rank") << "{" + model + R"(, "adapter": {"rank": 2.5}})" << "adapter.rank must be a whole number";
        QTest::newRow("wrong type") << "{" + model + R"(, "train": {"lr": "fast"}})" << "train.lr must be a number";
        QTest::newRow("bad method") << "{" + model + R"(, "adapter": {"method": "qlora"}})"
                                    << "adapter.method must be one of lora, dora, full, got 'qlora'";
        // Spelled without a raw string: moc's lexer loses its place in R"(...)" holding "((".
        QTest::newRow("bad regex") << "{" + model + ", \"adapter\": {\"targets\": [\"((\"]}}"
                                   << "not a valid regular expression";
        QTest::newRow("both model sources") << R"({"model": {"builtin": "demo-mlp", "path": "/x"}})" << "exactly one of";
        QTest::newRow("eval fraction 1") << "{" + model + R"(, "data": {"eval_fraction": 1}})" << "data.eval_fraction";
        QTest::newRow("bad device") << "{" + model + R"(, "train": {"device": "tpu"}})" << "train.device must be one of";
        // Limits that keep a config from elsewhere from exhausting the machine.
        QTest::newRow("huge seq_len") << "{" + model + R"(, "data": {"seq_len": 5000000}})"
                                      << "data.seq_len must be at most 1048576, got 5000000";
        QTest::newRow("huge rank") << "{" + model + R"(, "adapter": {"rank": 100000}})" << "adapter.rank must be at most 65536";
        QTest::newRow("huge batch") << "{" + model + R"(, "train": {"batch_size": 2000000}})" << "train.batch_size must be at most";
        QTest::newRow("huge accumulation") << "{" + model + R"(, "train": {"grad_accum": 2000000}})" << "train.grad_accum must be at most";
        QTest::newRow("too many threads") << "{" + model + R"(, "train": {"threads": 5000}})" << "train.threads must be at most 1024";
        QTest::newRow("very long pattern") << "{" + model + ", \"adapter\": {\"targets\": [\"" + QString(1001, 'a') + "\"]}}"
                                           << "a pattern of 1001 characters is longer than the 1000 allowed";
        // Found by tests/fuzz: std::regex overflows a long parsing these numbers, or builds a billion states.
        QTest::newRow("back-reference") << "{" + model + ", \"adapter\": {\"targets\": [\"(fc)\\\\1\"]}}"
                                        << "back-references such as \\1 are not supported";
        QTest::newRow("huge repetition") << "{" + model + ", \"adapter\": {\"targets\": [\"(a{1000}){11}\"]}}"
                                         << "repetition counts multiply to more than 10000";
        // Validated after the targets: this pattern passes, so the rank is what is reported.
        QTest::newRow("small repetition") << "{" + model + ", \"adapter\": {\"targets\": [\"fc[0-9]{1,2}\"], \"rank\": 0}}"
                                          << "adapter.rank must be at least 1";
    }

    void badConfigs()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        const QString message = error_of(json.toStdString());
        QVERIFY2(message.startsWith("test.json: "), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY(!message.contains('\n'));
    }

    void missingFile()
    {
        try {
            dora::run_config_from_file("/nonexistent/run.json");
            QFAIL("expected an error");
        } catch (const dora::Error& e) {
            QVERIFY(QString(e.what()).contains("/nonexistent/run.json: cannot open"));
        }
    }
};

QTEST_APPLESS_MAIN(TestRunConfig)
#include "test_run_config.moc"
