// The layer picker's model: a well-behaved tree, presets that pick the layers their names promise on
// GPT-2 and Llama names, tri-state parents, target regexes that select exactly the checked layers,
// parameter counts against a hand computation, and the widget's count line and pattern error.
#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>

#include "models/layer_picker.h"
#include "models/layer_selection_model.h"

#include <regex>

using dora::ui::LayerSelectionModel;
using Preset = LayerSelectionModel::Preset;

namespace {

long long product(const std::vector<long long>& shape)
{
    long long p = 1;
    for (long long d : shape)
        p *= d;
    return p;
}

void add(dora::ModelInfo& info, const std::string& name, const std::string& kind, std::vector<long long> shape,
         bool bias = false)
{
    long long params = product(shape) + (bias ? shape[0] : 0);
    if (kind == "layernorm")
        params *= 2;  // weight and bias
    info.modules.push_back({name, kind, shape, params});
    info.parameters += params;
}

// GPT-2 names, 2 blocks, n_embd 64: c_attn is (192, 64).
dora::ModelInfo gpt2Like()
{
    dora::ModelInfo info;
    info.name = "tiny-gpt2";
    info.architecture = "gpt2";
    add(info, "transformer.wte", "embedding", {100, 64});
    add(info, "transformer.wpe", "embedding", {32, 64});
    for (int b = 0; b < 2; ++b) {
        const std::string h = "transformer.h." + std::to_string(b) + ".";
        add(info, h + "ln_1", "layernorm", {64});
        add(info, h + "attn.c_attn", "linear", {192, 64}, true);
        add(info, h + "attn.c_proj", "linear", {64, 64}, true);
        add(info, h + "ln_2", "layernorm", {64});
        add(info, h + "mlp.c_fc", "linear", {256, 64}, true);
        add(info, h + "mlp.c_proj", "linear", {64, 256}, true);
    }
    add(info, "transformer.ln_f", "layernorm", {64});
    add(info, "lm_head", "linear", {100, 64});
    return info;
}

// Llama names, 2 layers, hidden 32 with grouped k/v (16), intermediate 64, untied lm_head.
dora::ModelInfo llamaLike()
{
    dora::ModelInfo info;
    info.name = "tiny-llama";
    info.architecture = "llama";
    add(info, "model.embed_tokens", "embedding", {50, 32});
    for (int b = 0; b < 2; ++b) {
        const std::string l = "model.layers." + std::to_string(b) + ".";
        add(info, l + "input_layernorm", "rmsnorm", {32});
        add(info, l + "self_attn.q_proj", "linear", {32, 32});
        add(info, l + "self_attn.k_proj", "linear", {16, 32});
        add(info, l + "self_attn.v_proj", "linear", {16, 32});
        add(info, l + "self_attn.o_proj", "linear", {32, 32});
        add(info, l + "post_attention_layernorm", "rmsnorm", {32});
        add(info, l + "mlp.gate_proj", "linear", {64, 32});
        add(info, l + "mlp.up_proj", "linear", {64, 32});
        add(info, l + "mlp.down_proj", "linear", {32, 64});
    }
    add(info, "model.norm", "rmsnorm", {32});
    add(info, "lm_head", "linear", {50, 32});
    return info;
}

// Both blocks' names for each suffix, in model order (blocks first, as the model lists them).
QStringList inBlocks(const QString& prefix, const QStringList& suffixes)
{
    QStringList out;
    for (int b = 0; b < 2; ++b)
        for (const QString& s : suffixes)
            out << prefix + QString::number(b) + u'.' + s;
    return out;
}

QModelIndex indexOfName(const LayerSelectionModel& model, const QString& fullName)
{
    QModelIndex at;
    for (const QString& part : fullName.split(u'.')) {
        QModelIndex next;
        for (int r = 0; r < model.rowCount(at); ++r)
            if (model.index(r, 0, at).data().toString() == part)
                next = model.index(r, 0, at);
        if (!next.isValid())
            return {};
        at = next;
    }
    return at;
}

Qt::CheckState stateOf(const LayerSelectionModel& model, const QString& fullName)
{
    return indexOfName(model, fullName).data(Qt::CheckStateRole).value<Qt::CheckState>();
}

// The linear layers that any of the patterns matches as a whole, the engine's way (std::regex_match).
QStringList selectedBy(const QStringList& patterns, const QStringList& linear)
{
    std::vector<std::regex> res;
    for (const QString& p : patterns)
        res.emplace_back(p.toStdString());
    QStringList out;
    for (const QString& name : linear)
        for (const auto& re : res)
            if (std::regex_match(name.toStdString(), re)) {
                out << name;
                break;
            }
    return out;
}

}  // namespace

class TestLayerSelection : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void treeShape()
    {
        LayerSelectionModel model;
        model.setModelInfo(gpt2Like());
        QCOMPARE(model.rowCount(), 2);  // transformer, lm_head
        const QModelIndex cAttn = indexOfName(model, "transformer.h.0.attn.c_attn");
        QVERIFY(cAttn.isValid());
        QCOMPARE(cAttn.siblingAtColumn(LayerSelectionModel::ShapeColumn).data().toString(), QString("192 × 64"));
        QCOMPARE(cAttn.siblingAtColumn(LayerSelectionModel::KindColumn).data().toString(), QString("Linear"));
        QCOMPARE(cAttn.siblingAtColumn(LayerSelectionModel::ParametersColumn).data().toString(), QString("12,480"));
        QVERIFY(model.flags(cAttn) & Qt::ItemIsUserCheckable);
        // Norms and embeddings carry no adapter: no box.
        const QModelIndex ln = indexOfName(model, "transformer.h.0.ln_1");
        QVERIFY(!(model.flags(ln) & Qt::ItemIsUserCheckable));
        QVERIFY(!ln.data(Qt::CheckStateRole).isValid());
        QCOMPARE(model.linearLayers().size(), 9);
    }

    void passesModelTester()
    {
        for (const dora::ModelInfo& info : {gpt2Like(), llamaLike()}) {
            LayerSelectionModel model;
            QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
            model.setModelInfo(info);
            for (Preset p : {Preset::AttentionQueryValue, Preset::AllAttention, Preset::AllLinear,
                             Preset::MlpOnly, Preset::None})
                model.applyPreset(p);
            QVERIFY(model.setData(model.index(0, 0), Qt::Checked, Qt::CheckStateRole));
            QVERIFY(model.applyPattern(".*proj"));
            model.setModelInfo(info);  // a reset with the tester attached
        }
    }

    void presets_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("preset");
        QTest::addColumn<QStringList>("expected");
        const QString h = "transformer.h.", l = "model.layers.";
        QTest::newRow("gpt2 q,v") << "gpt2" << int(Preset::AttentionQueryValue) << inBlocks(h, {"attn.c_attn"});
        QTest::newRow("gpt2 attention") << "gpt2" << int(Preset::AllAttention)
                                        << inBlocks(h, {"attn.c_attn", "attn.c_proj"});
        QTest::newRow("gpt2 mlp") << "gpt2" << int(Preset::MlpOnly) << inBlocks(h, {"mlp.c_fc", "mlp.c_proj"});
        QTest::newRow("gpt2 linear") << "gpt2" << int(Preset::AllLinear)
                                     << inBlocks(h, {"attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"});
        QTest::newRow("gpt2 none") << "gpt2" << int(Preset::None) << QStringList();
        QTest::newRow("llama q,v") << "llama" << int(Preset::AttentionQueryValue)
                                   << inBlocks(l, {"self_attn.q_proj", "self_attn.v_proj"});
        QTest::newRow("llama attention")
            << "llama" << int(Preset::AllAttention)
            << inBlocks(l, {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"});
        QTest::newRow("llama mlp") << "llama" << int(Preset::MlpOnly)
                                   << inBlocks(l, {"mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"});
        QTest::newRow("llama linear")
            << "llama" << int(Preset::AllLinear)
            << inBlocks(l, {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                            "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"});
        QTest::newRow("llama none") << "llama" << int(Preset::None) << QStringList();
    }
    void presets()
    {
        QFETCH(QString, arch);
        QFETCH(int, preset);
        QFETCH(QStringList, expected);
        LayerSelectionModel model;
        model.setModelInfo(arch == "gpt2" ? gpt2Like() : llamaLike());
        model.applyPattern(".*");  // start from everything, so a preset must also uncheck
        model.applyPreset(Preset(preset));
        QCOMPARE(model.checkedLayers(), expected);
    }

    void parentChecksItsLeaves()
    {
        LayerSelectionModel model;
        model.setModelInfo(gpt2Like());
        QSignalSpy changed(&model, &LayerSelectionModel::selectionChanged);
        QVERIFY(model.setData(indexOfName(model, "transformer.h.0.attn"), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.checkedLayers(), QStringList({"transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj"}));
        QCOMPARE(stateOf(model, "transformer.h.0.attn"), Qt::Checked);
        QCOMPARE(stateOf(model, "transformer.h.0"), Qt::PartiallyChecked);
        QCOMPARE(stateOf(model, "transformer"), Qt::PartiallyChecked);
        QCOMPARE(stateOf(model, "transformer.h.1"), Qt::Unchecked);

        // A partial parent clicked becomes fully checked, then fully unchecked.
        QVERIFY(model.setData(indexOfName(model, "transformer.h.0"), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(stateOf(model, "transformer.h.0"), Qt::Checked);
        QCOMPARE(stateOf(model, "transformer.h.0.mlp.c_fc"), Qt::Checked);
        QVERIFY(model.setData(indexOfName(model, "transformer.h.0.mlp.c_fc"), Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(stateOf(model, "transformer.h.0.mlp"), Qt::PartiallyChecked);
        QVERIFY(model.setData(indexOfName(model, "transformer"), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(model.checkedLayers().isEmpty());
        QCOMPARE(stateOf(model, "transformer"), Qt::Unchecked);
    }

    void targetPatternsSelectExactlyTheChecked()
    {
        for (const dora::ModelInfo& info : {gpt2Like(), llamaLike()}) {
            LayerSelectionModel model;
            model.setModelInfo(info);
            const QStringList linear = model.linearLayers();
            for (Preset p : {Preset::AttentionQueryValue, Preset::AllAttention, Preset::AllLinear,
                             Preset::MlpOnly, Preset::None}) {
                model.applyPreset(p);
                QCOMPARE(selectedBy(model.targetPatterns(), linear), model.checkedLayers());
            }
            QRandomGenerator random(20261129);
            for (int trial = 0; trial < 200; ++trial) {
                QStringList pick;
                for (const QString& name : linear)
                    if (random.bounded(2))
                        pick << name;
                model.setCheckedLayers(pick);
                QCOMPARE(model.checkedLayers(), pick);
                QCOMPARE(selectedBy(model.targetPatterns(), linear), pick);
            }
        }
    }

    void targetPatternsAreShortForWholeKinds()
    {
        LayerSelectionModel model;
        model.setModelInfo(gpt2Like());
        model.applyPreset(Preset::AttentionQueryValue);
        QCOMPARE(model.targetPatterns(), QStringList({R"(transformer\.h\.\d+\.attn\.c_attn)"}));
        model.setCheckedLayers({"transformer.h.1.attn.c_attn", "lm_head"});
        QCOMPARE(model.targetPatterns(), QStringList({R"(transformer\.h\.1\.attn\.c_attn)", "lm_head"}));
    }

    void trainableCountsMatchHandComputation()
    {
        LayerSelectionModel model;
        model.setModelInfo(gpt2Like());
        model.applyPreset(Preset::AllAttention);  // per block: c_attn (192, 64), c_proj (64, 64)
        const int r = 4;
        QCOMPARE(model.trainableParameters("lora", r), 2LL * (r * (64 + 192) + r * (64 + 64)));
        QCOMPARE(model.trainableParameters("dora", r), 2LL * (r * (64 + 192) + 192 + r * (64 + 64) + 64));
        QCOMPARE(model.trainableParameters("full", r), 2LL * (192 * 64 + 192 + 64 * 64 + 64));
        QCOMPARE(model.totalParameters(), gpt2Like().parameters);

        model.setModelInfo(llamaLike());
        model.applyPreset(Preset::AttentionQueryValue);  // per layer: q (32, 32), v (16, 32); no biases
        QCOMPARE(model.trainableParameters("lora", 8), 2LL * (8 * 64 + 8 * 48));
        QCOMPARE(model.trainableParameters("dora", 8), 2LL * (8 * 64 + 32 + 8 * 48 + 16));
        QCOMPARE(model.trainableParameters("full", 8), 2LL * (32 * 32 + 16 * 32));
    }

    void invalidPatternChangesNothing()
    {
        LayerSelectionModel model;
        model.setModelInfo(gpt2Like());
        model.applyPreset(Preset::MlpOnly);
        const QStringList before = model.checkedLayers();
        QSignalSpy changed(&model, &LayerSelectionModel::selectionChanged);
        QString error;
        QVERIFY(!model.applyPattern("transformer.(h", &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(model.checkedLayers(), before);
        QCOMPARE(changed.count(), 0);

        // A valid one replaces the selection, matching whole names only.
        QVERIFY(model.applyPattern(R"(.*\.c_proj)", &error));
        QCOMPARE(model.checkedLayers(), inBlocks("transformer.h.", {"attn.c_proj", "mlp.c_proj"}));
        QVERIFY(model.applyPattern("c_proj"));
        QVERIFY(model.checkedLayers().isEmpty());
    }

    void pickerShowsCountAndPatternError()
    {
        dora::ui::LayerPicker picker;
        picker.resize(640, 560);
        picker.setModelInfo(gpt2Like());
        picker.setMethodAndRank("lora", 8);
        QVERIFY(picker.summaryText().startsWith("0 layers · 0 trainable"));
        picker.model()->applyPreset(Preset::AllAttention);
        // 4 layers, 2 × 8·(256 + 128) = 6,144 of 114,944.
        auto* presets = picker.findChild<QComboBox*>();
        QVERIFY(presets);
        QCOMPARE(presets->currentText(), QString("All attention"));  // named however it was made
        QCOMPARE(picker.summaryText(), QString("4 layers · 6,144 trainable parameters (5.35% of 115 K)"));
        picker.setMethodAndRank("dora", 8);
        QVERIFY(picker.summaryText().startsWith("4 layers · 6,656 trainable"));

        auto* field = picker.findChild<QLineEdit*>();
        QVERIFY(field);
        picker.show();
        field->setText("[unclosed");
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(!picker.patternError().isEmpty());
        QCOMPARE(picker.model()->checkedLayers().size(), 4);
        if (qEnvironmentVariableIsSet("DORA_PICKER_PNG"))  // for looking at it by eye
            QVERIFY(picker.grab().save(qEnvironmentVariable("DORA_PICKER_PNG")));
        field->setText(R"(.*mlp\.c_fc)");
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(picker.patternError().isEmpty());
        QVERIFY(picker.summaryText().startsWith("2 layers"));
        QCOMPARE(presets->currentText(), QString("Custom selection"));
    }
};

QTEST_MAIN(TestLayerSelection)
#include "test_layer_selection.moc"
