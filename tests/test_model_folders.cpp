// Hugging Face model folders: tiny random GPT-2, Llama (grouped-query attention, separate head),
// Qwen2 (q/k/v biases, tied head) and Mistral (sliding window) checkpoints written here, scored by the
// engine and by an independent plain computation in this file (per-head loops, rotary pairs written
// out, hand-made norms and softmax), agreeing to 1e-4 in F32 and 1e-2 in BF16; one of them sharded.
// And a catalogue of folders that must be refused with a message naming what is wrong.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QTemporaryDir>

#include "dora/data_preview.h"
#include "dora/error.h"
#include "dora/language_model.h"
#include "dora/model_info.h"
#include "dora/training.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"
#include "io/sha256.h"
#include "models/model_folder.h"
#include "store/run_identity.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>

namespace {

using Tensors = std::map<std::string, torch::Tensor>;
using nlohmann::json;

torch::Tensor layer_norm(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b)
{
    const torch::Tensor mean = x.mean(-1, true);
    const torch::Tensor var = (x - mean).pow(2).mean(-1, true);
    return (x - mean) / torch::sqrt(var + 1e-5) * w + b;
}

torch::Tensor softmax_rows(const torch::Tensor& s)
{
    const torch::Tensor e = torch::exp(s - std::get<0>(s.max(-1, true)));
    return e / e.sum(-1, true);
}

// Causal attention for one head, with an optional sliding window: (T, D) each.
torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t window)
{
    const int64_t t = q.size(0);
    torch::Tensor scores = torch::mm(q, k.t()) / std::sqrt(double(q.size(1)));
    for (int64_t i = 0; i < t; ++i)
        for (int64_t j = 0; j < t; ++j)
            if (j > i || (window > 0 && i - j >= window))
                scores[i][j] = -1e30;
    return torch::mm(softmax_rows(scores), v);
}

double mean_next_token_loss(const torch::Tensor& logits, const std::vector<int64_t>& ids)
{
    double total = 0;
    for (size_t i = 0; i + 1 < ids.size(); ++i) {
        const torch::Tensor row = logits[i].to(torch::kFloat64);
        const double log_z = (torch::log(torch::exp(row - row.max()).sum()) + row.max()).item<double>();
        total += log_z - row[ids[i + 1]].item<double>();
    }
    return total / double(ids.size() - 1);
}

double gpt2_reference(const Tensors& w, const json& c, const std::vector<int64_t>& ids)
{
    const int64_t t = ids.size(), heads = c["n_head"], d = c["n_embd"].get<int64_t>() / heads;
    const torch::Tensor idx = torch::tensor(ids);
    torch::Tensor x = w.at("wte.weight").index_select(0, idx) + w.at("wpe.weight").slice(0, 0, t);
    for (int64_t l = 0; l < c["n_layer"].get<int64_t>(); ++l) {
        auto p = [&](const std::string& n) { return w.at("h." + std::to_string(l) + "." + n); };
        const torch::Tensor h = layer_norm(x, p("ln_1.weight"), p("ln_1.bias"));
        const torch::Tensor qkv = torch::mm(h, p("attn.c_attn.weight")) + p("attn.c_attn.bias");  // Conv1D: (in, out)
        std::vector<torch::Tensor> outs;
        for (int64_t head = 0; head < heads; ++head) {
            const int64_t e = c["n_embd"];
            outs.push_back(attend(qkv.slice(1, head * d, head * d + d), qkv.slice(1, e + head * d, e + head * d + d),
                                  qkv.slice(1, 2 * e + head * d, 2 * e + head * d + d), 0));
        }
        x = x + torch::mm(torch::cat(outs, 1), p("attn.c_proj.weight")) + p("attn.c_proj.bias");
        const torch::Tensor u = torch::mm(layer_norm(x, p("ln_2.weight"), p("ln_2.bias")), p("mlp.c_fc.weight")) + p("mlp.c_fc.bias");
        const torch::Tensor gelu = 0.5 * u * (1 + torch::tanh(std::sqrt(2 / M_PI) * (u + 0.044715 * u.pow(3))));
        x = x + torch::mm(gelu, p("mlp.c_proj.weight")) + p("mlp.c_proj.bias");
    }
    x = layer_norm(x, w.at("ln_f.weight"), w.at("ln_f.bias"));
    return mean_next_token_loss(torch::mm(x, w.at("wte.weight").t()), ids);
}

// Rotary embedding pair by pair: dims i and i + D/2 turn by angle p · θ^(-2i/D).
torch::Tensor rotate(const torch::Tensor& x, double theta)
{
    const int64_t t = x.size(0), d = x.size(1);
    torch::Tensor out = x.clone();
    for (int64_t p = 0; p < t; ++p)
        for (int64_t i = 0; i < d / 2; ++i) {
            const double angle = p * std::pow(theta, -2.0 * i / d);
            const double a = x[p][i].item<double>(), b = x[p][i + d / 2].item<double>();
            out[p][i] = a * std::cos(angle) - b * std::sin(angle);
            out[p][i + d / 2] = b * std::cos(angle) + a * std::sin(angle);
        }
    return out;
}

double llama_reference(const Tensors& w, const json& c, const std::vector<int64_t>& ids)
{
    const int64_t heads = c["num_attention_heads"], kv_heads = c["num_key_value_heads"];
    const int64_t d = c["hidden_size"].get<int64_t>() / heads;
    const double eps = c["rms_norm_eps"], theta = c["rope_theta"];
    const bool qwen = c["model_type"] == "qwen2";
    const int64_t window = c.value("sliding_window", int64_t(0));
    auto rms = [&](const torch::Tensor& x, const torch::Tensor& g) { return x / torch::sqrt(x.pow(2).mean(-1, true) + eps) * g; };
    torch::Tensor x = w.at("model.embed_tokens.weight").index_select(0, torch::tensor(ids));
    for (int64_t l = 0; l < c["num_hidden_layers"].get<int64_t>(); ++l) {
        auto p = [&](const std::string& n) { return w.at("model.layers." + std::to_string(l) + "." + n); };
        auto proj = [&](const torch::Tensor& h, const std::string& n) {
            torch::Tensor y = torch::mm(h, p(n + ".weight").t());
            const bool biased = qwen && n.rfind("self_attn.", 0) == 0 && n != "self_attn.o_proj";  // Qwen2: q, k, v
            return biased ? y + p(n + ".bias") : y;
        };
        const torch::Tensor h = rms(x, p("input_layernorm.weight"));
        const torch::Tensor q = proj(h, "self_attn.q_proj"), k = proj(h, "self_attn.k_proj"), v = proj(h, "self_attn.v_proj");
        std::vector<torch::Tensor> outs;
        for (int64_t head = 0; head < heads; ++head) {
            const int64_t g = head / (heads / kv_heads);  // the key/value head this query head shares
            outs.push_back(attend(rotate(q.slice(1, head * d, head * d + d), theta), rotate(k.slice(1, g * d, g * d + d), theta),
                                  v.slice(1, g * d, g * d + d), window));
        }
        x = x + proj(torch::cat(outs, 1), "self_attn.o_proj");
        const torch::Tensor m = rms(x, p("post_attention_layernorm.weight"));
        const torch::Tensor gate = proj(m, "mlp.gate_proj");
        x = x + proj(gate * torch::sigmoid(gate) * proj(m, "mlp.up_proj"), "mlp.down_proj");
    }
    x = rms(x, w.at("model.norm.weight"));
    const bool tied = c.value("tie_word_embeddings", false);
    return mean_next_token_loss(torch::mm(x, w.at(tied ? "model.embed_tokens.weight" : "lm_head.weight").t()), ids);
}

json gpt2_config() { return {{"model_type", "gpt2"}, {"vocab_size", 50}, {"n_positions", 32}, {"n_embd", 16}, {"n_layer", 2}, {"n_head", 2}}; }

json llama_config(const std::string& type)
{
    json c = {{"model_type", type}, {"vocab_size", 40}, {"hidden_size", 16}, {"intermediate_size", 24},
              {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"num_key_value_heads", 2}, {"rms_norm_eps", 1e-5},
              {"rope_theta", 500.0}, {"max_position_embeddings", 64}, {"tie_word_embeddings", type == "qwen2"}};
    if (type == "mistral")
        c["sliding_window"] = 5;
    return c;
}

Tensors random_weights(const json& c)
{
    Tensors w;
    auto add = [&](const std::string& name, std::vector<int64_t> shape, double scale = 0.3) {
        w[name] = torch::randn(shape) * scale;
    };
    if (c["model_type"] == "gpt2") {
        const int64_t e = c["n_embd"];
        add("wte.weight", {c["vocab_size"], e});
        add("wpe.weight", {c["n_positions"], e});
        for (int l = 0; l < c["n_layer"].get<int>(); ++l) {
            const std::string p = "h." + std::to_string(l) + ".";
            for (const char* ln : {"ln_1", "ln_2"}) {
                w[p + ln + ".weight"] = 1 + torch::randn({e}) * 0.1;
                add(p + ln + ".bias", {e}, 0.1);
            }
            add(p + "attn.c_attn.weight", {e, 3 * e}), add(p + "attn.c_attn.bias", {3 * e}, 0.1);
            add(p + "attn.c_proj.weight", {e, e}), add(p + "attn.c_proj.bias", {e}, 0.1);
            add(p + "mlp.c_fc.weight", {e, 4 * e}), add(p + "mlp.c_fc.bias", {4 * e}, 0.1);
            add(p + "mlp.c_proj.weight", {4 * e, e}), add(p + "mlp.c_proj.bias", {e}, 0.1);
        }
        w["ln_f.weight"] = 1 + torch::randn({e}) * 0.1;
        add("ln_f.bias", {e}, 0.1);
        return w;
    }
    const int64_t h = c["hidden_size"], i = c["intermediate_size"], d = h / c["num_attention_heads"].get<int64_t>();
    const int64_t kv = d * c["num_key_value_heads"].get<int64_t>();
    const bool qwen = c["model_type"] == "qwen2";
    add("model.embed_tokens.weight", {c["vocab_size"], h});
    for (int l = 0; l < c["num_hidden_layers"].get<int>(); ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        add(p + "self_attn.q_proj.weight", {h, h}), add(p + "self_attn.k_proj.weight", {kv, h});
        add(p + "self_attn.v_proj.weight", {kv, h}), add(p + "self_attn.o_proj.weight", {h, h});
        if (qwen)
            add(p + "self_attn.q_proj.bias", {h}), add(p + "self_attn.k_proj.bias", {kv}), add(p + "self_attn.v_proj.bias", {kv});
        add(p + "mlp.gate_proj.weight", {i, h}), add(p + "mlp.up_proj.weight", {i, h}), add(p + "mlp.down_proj.weight", {h, i});
        w[p + "input_layernorm.weight"] = 1 + torch::randn({h}) * 0.1;
        w[p + "post_attention_layernorm.weight"] = 1 + torch::randn({h}) * 0.1;
    }
    w["model.norm.weight"] = 1 + torch::randn({h}) * 0.1;
    if (!c.value("tie_word_embeddings", false))
        add("lm_head.weight", {c["vocab_size"], h});
    return w;
}

// Rounds to bfloat16 (nearest even) as the files store it, and back to float for the reference.
torch::Tensor to_bf16_bits(const torch::Tensor& t, std::vector<uint16_t>& bits)
{
    const torch::Tensor f = t.contiguous();
    bits.resize(f.numel());
    const float* src = f.data_ptr<float>();
    torch::Tensor back = torch::empty_like(f);
    for (int64_t i = 0; i < f.numel(); ++i) {
        uint32_t u;
        std::memcpy(&u, &src[i], 4);
        u += 0x7fff + ((u >> 16) & 1);
        bits[i] = static_cast<uint16_t>(u >> 16);
        const uint32_t widened = uint32_t(bits[i]) << 16;
        std::memcpy(back.data_ptr<float>() + i, &widened, 4);
    }
    return back;
}

void write_json(const QString& path, const json& j)
{
    std::ofstream(path.toStdString()) << j.dump(2);
}

// Writes the folder; with `shards` > 1 splits the tensors over files and writes the index. BF16 rounds
// `w` in place, so the reference sees exactly the stored values.
void write_folder(const QString& dir, const json& config, Tensors& w, bool bf16 = false, int shards = 1)
{
    QDir().mkpath(dir);
    write_json(dir + "/config.json", config);
    std::vector<std::vector<dora::io::TensorToWrite>> parts(shards);
    std::vector<std::vector<uint16_t>> keep;
    keep.reserve(w.size());
    json weight_map = json::object();
    int n = 0;
    for (auto& [name, t] : w) {
        const int part = n++ % shards;
        t = t.contiguous();
        if (bf16) {
            keep.emplace_back();
            t = to_bf16_bits(t, keep.back());
            parts[part].push_back({name, dora::io::DType::BF16, t.sizes().vec(), keep.back().data(), keep.back().size() * 2});
        } else {
            parts[part].push_back({name, dora::io::DType::F32, t.sizes().vec(), t.data_ptr(), size_t(t.nbytes())});
        }
        weight_map[name] = "model-0000" + std::to_string(part + 1) + "-of-0000" + std::to_string(shards) + ".safetensors";
    }
    if (shards == 1) {
        dora::io::write_safetensors((dir + "/model.safetensors").toStdString(), parts[0]);
        return;
    }
    for (int i = 0; i < shards; ++i)
        dora::io::write_safetensors(
            (dir + "/model-0000" + QString::number(i + 1) + "-of-0000" + QString::number(shards) + ".safetensors").toStdString(),
            parts[i]);
    write_json(dir + "/model.safetensors.index.json", {{"metadata", json::object()}, {"weight_map", weight_map}});
}

double relative(double a, double b) { return std::fabs(a - b) / std::fabs(b); }

}  // namespace

class TestModelFolders : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void scoresMatchAnIndependentComputation_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<bool>("bf16");
        QTest::addColumn<int>("shards");
        QTest::addColumn<bool>("prefixed");
        QTest::newRow("gpt2 f32") << "gpt2" << false << 1 << false;
        QTest::newRow("gpt2 f32 transformer. names") << "gpt2" << false << 1 << true;
        QTest::newRow("gpt2 bf16") << "gpt2" << true << 1 << false;
        QTest::newRow("llama f32") << "llama" << false << 1 << false;
        QTest::newRow("llama bf16 sharded") << "llama" << true << 3 << false;
        QTest::newRow("qwen2 f32") << "qwen2" << false << 1 << false;
        QTest::newRow("mistral f32 sliding window") << "mistral" << false << 2 << false;
    }

    void scoresMatchAnIndependentComputation()
    {
        QFETCH(QString, type);
        QFETCH(bool, bf16);
        QFETCH(int, shards);
        QFETCH(bool, prefixed);
        torch::manual_seed(5);
        const json config = type == "gpt2" ? gpt2_config() : llama_config(type.toStdString());
        Tensors w = random_weights(config);
        Tensors stored;
        for (auto& [name, t] : w)
            stored[prefixed ? "transformer." + name : name] = t;
        const QString dir = m_dir.filePath(QString(QTest::currentDataTag()).replace(' ', '_'));
        write_folder(dir, config, stored, bf16, shards);
        for (auto& [name, t] : stored)  // the reference reads the values as stored (rounded in BF16)
            w[prefixed ? name.substr(12) : name] = t;

        const std::vector<long long> ids = {3, 17, 9, 1, 28, 5, 11, 2, 30, 7, 7, 19};
        const double engine = dora::score_ids(dir.toStdString(), ids).loss;
        const std::vector<int64_t> id64(ids.begin(), ids.end());
        const double reference = type == "gpt2" ? gpt2_reference(w, config, id64) : llama_reference(w, config, id64);
        QVERIFY2(relative(engine, reference) <= 1e-4,  // both read the same stored values, BF16 or not
                 qPrintable(QString("engine %1, reference %2").arg(engine, 0, 'g', 10).arg(reference, 0, 'g', 10)));
        QVERIFY(reference > 1.0);  // a real loss, not a degenerate model

        // The identity a run records names every file behind the model with its SHA-256.
        dora::ModelSource source;
        source.path = dir.toStdString();
        const QString identity = QString::fromStdString(dora::store::identity_of(source));
        QCOMPARE(identity.count(":sha256:"), shards + 1);  // config.json and each weight file
        const std::string weights = shards == 1 ? "/model.safetensors" : "/model-00001-of-0000" + std::to_string(shards) + ".safetensors";
        QVERIFY(identity.contains(QString::fromStdString(dora::io::sha256_file(dir.toStdString() + weights))));
    }

    // BF16 storage itself: the loss of the BF16 folder stays within 1e-2 of the F32 original.
    void bf16StaysCloseToF32()
    {
        torch::manual_seed(9);
        const json config = llama_config("llama");
        Tensors f32 = random_weights(config), bf16 = f32;
        write_folder(m_dir.filePath("f32"), config, f32);
        write_folder(m_dir.filePath("bf16"), config, bf16, /*bf16=*/true);
        const std::vector<long long> ids = {1, 2, 3, 4, 5, 6, 7, 8};
        const double a = dora::score_ids(m_dir.filePath("f32").toStdString(), ids).loss;
        const double b = dora::score_ids(m_dir.filePath("bf16").toStdString(), ids).loss;
        QVERIFY2(relative(b, a) <= 1e-2, qPrintable(QString("%1 vs %2").arg(a).arg(b)));
        QVERIFY(a != b);  // the rounding really happened
    }

    // A Hugging Face folder with the real GPT-2 tokenizer and a text file, trained with DoRA from the
    // data file, exported merged (with its tokenizer), and loaded again with the adapted outputs.
    void trainsAFolderModelOnATextFileAndExportsIt()
    {
        torch::manual_seed(3);
        json config = gpt2_config();
        config["vocab_size"] = 50257;
        config["n_positions"] = 64;
        Tensors w = random_weights(config);
        const QString dir = m_dir.filePath("tiny-gpt2");
        write_folder(dir, config, w);
        QVERIFY(QFile::copy(QStringLiteral(DORA_TEST_DATA "/gpt2/tokenizer.json"), dir + "/tokenizer.json"));
        const QString text = m_dir.filePath("notes.txt");
        {
            QFile f(text);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (int i = 0; i < 60; ++i)
                f.write(QString("Step %1: stir the flour into the warm milk, then rest the dough.\n\n").arg(i % 7).toUtf8());
        }
        dora::RunConfig c;
        c.model.path = dir.toStdString();
        c.data.path = text.toStdString();
        c.data.seq_len = 32;
        c.adapter.method = "dora";
        c.adapter.targets = {".*c_attn", ".*c_fc"};
        c.train.steps = 25;
        c.train.batch_size = 4;
        c.train.lr = 1e-2;
        c.train.threads = 1;
        c.train.eval_every = 0;
        const dora::DataPreview preview = dora::preview_data(c, 1);  // as the model will see it
        QCOMPARE(preview.samples.size(), size_t(1));
        QCOMPARE(preview.samples[0].size(), size_t(33));                       // seq_len + 1 ids
        QCOMPARE(preview.samples[0][0].text, std::string("<|endoftext|>"));    // GPT-2's document start
        QVERIFY(!preview.samples[0][0].trained);
        QCOMPARE(preview.samples[0][1].text, std::string("Step"));
        QVERIFY(preview.samples[0][1].trained);
        QCOMPARE(preview.samples[0][2].text, std::string("\u0120") + "0");     // " 0" in byte-level spelling
        QVERIFY(preview.total_samples > 10 && preview.trained_tokens > 32 * (preview.total_samples - 1));
        QCOMPARE(preview.held_out_samples, std::llround(preview.total_samples * 0.1));

        dora::Trainer trainer(c);
        QVERIFY(trainer.data_description().find("samples of up to 32 tokens") != std::string::npos);
        struct : dora::TrainingObserver {} quiet;
        dora::TrainingControl control;
        const dora::RunSummary summary = trainer.train(quiet, control);
        QCOMPARE(summary.status, std::string("finished"));
        QVERIFY2(summary.final_eval_loss < 0.9 * summary.first_eval_loss,
                 qPrintable(QString("%1 -> %2").arg(summary.first_eval_loss).arg(summary.final_eval_loss)));

        const QString merged = m_dir.filePath("tiny-gpt2-merged"), adapter = m_dir.filePath("tiny-gpt2-adapter");
        trainer.export_merged(merged.toStdString());
        trainer.export_adapter(adapter.toStdString());
        QVERIFY(QFile::exists(merged + "/tokenizer.json"));
        const std::vector<long long> ids = dora::encode_text(merged.toStdString(), "stir the flour into the milk");
        QCOMPARE(ids, dora::encode_text(dir.toStdString(), "stir the flour into the milk"));
        const double adapted = dora::score_ids(dir.toStdString(), ids, adapter.toStdString()).loss;
        const double from_merged = dora::score_ids(merged.toStdString(), ids).loss;
        QVERIFY2(relative(from_merged, adapted) <= 1e-5, qPrintable(QString("%1 vs %2").arg(from_merged).arg(adapted)));
        QVERIFY(relative(dora::score_ids(dir.toStdString(), ids).loss, adapted) > 1e-3);  // the adapter mattered
        // The merged folder keeps the source's layout: same tensor names (no "transformer." added).
        const auto file = dora::io::SafetensorsFile::open((merged + "/model.safetensors").toStdString());
        QVERIFY(file.header().find("h.0.attn.c_attn.weight") && !file.header().find("transformer.h.0.attn.c_attn.weight"));
        QCOMPARE(file.header().find("h.0.attn.c_attn.weight")->shape, (std::vector<int64_t>{16, 48}));  // Conv1D (in, out)
    }

    // The memory estimate comes from config.json alone and stops a run that cannot fit before any
    // weight is read: this folder has a config for a ~70-billion-parameter model and no weights at all.
    void runThatCannotFitIsRefusedBeforeLoading()
    {
        const QString dir = m_dir.filePath("huge");
        QDir().mkpath(dir);
        json config = llama_config("llama");
        config["hidden_size"] = 8192, config["intermediate_size"] = 28672, config["num_hidden_layers"] = 80;
        config["num_attention_heads"] = 64, config["num_key_value_heads"] = 8, config["vocab_size"] = 128256;
        write_json(dir + "/config.json", config);
        dora::RunConfig c;
        c.model.path = dir.toStdString();
        c.data.path = "unused.txt";
        const dora::MemoryEstimate need = dora::estimate_memory(c);
        QVERIFY(need.weights_mb > 250000 && need.weights_mb < 300000);  // ~70.6e9 parameters in float32
        QVERIFY(need.activations_mb > 0 && need.trainable_mb > 0);
        QVERIFY(!need.fits());
        try {
            dora::Trainer trainer(c);
            QFAIL("expected an error");
        } catch (const dora::Error& e) {
            QVERIFY2(QString(e.what()).contains("this run needs about") && QString(e.what()).contains("MB are free"), e.what());
        }
        // A small model fits, and the estimate grows with the batch.
        QDir().mkpath(m_dir.filePath("small"));
        write_json(m_dir.filePath("small/config.json"), llama_config("llama"));  // the estimate needs no weights
        c.model.path = m_dir.filePath("small").toStdString();
        const double small = dora::estimate_memory(c).total_mb;
        c.train.batch_size *= 4;
        QVERIFY(dora::estimate_memory(c).total_mb > small);
        QVERIFY(dora::estimate_memory(c).fits());
    }

    void brokenFoldersAreRefused_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing tensor") << "drop" << "missing tensors: model.layers.1.mlp.up_proj.weight";
        QTest::newRow("wrong shape") << "shape" << "wrong shapes: model.norm.weight is [3]";
        QTest::newRow("missing config key") << "config" << "config.json: missing 'hidden_size'";
        QTest::newRow("unsupported architecture") << "type" << "model_type 'bert' is not supported";
        QTest::newRow("shard outside the folder") << "escape" << "is not a plain file name in the model folder";
        QTest::newRow("shard link out of the folder") << "symlink" << "leads out of the model folder";
        QTest::newRow("index names a missing shard") << "absent" << "does not exist";
        QTest::newRow("no weights") << "noweights" << "has no model.safetensors or model.safetensors.index.json";
    }

    void brokenFoldersAreRefused()
    {
        QFETCH(QString, damage);
        QFETCH(QString, expected);
        torch::manual_seed(1);
        json config = llama_config("llama");
        Tensors w = random_weights(config);
        const QString dir = m_dir.filePath("broken-" + damage);
        if (damage == "drop")
            w.erase("model.layers.1.mlp.up_proj.weight");
        if (damage == "shape")
            w["model.norm.weight"] = torch::ones({3});
        write_folder(dir, config, w, false, damage == "escape" || damage == "symlink" || damage == "absent" ? 2 : 1);
        if (damage == "config") {
            config.erase("hidden_size");
            write_json(dir + "/config.json", config);
        }
        if (damage == "type")
            write_json(dir + "/config.json", {{"model_type", "bert"}});
        if (damage == "escape" || damage == "symlink" || damage == "absent") {
            std::ifstream in((dir + "/model.safetensors.index.json").toStdString());
            json index = json::parse(in);
            const std::string first = index["weight_map"].begin()->get<std::string>();
            std::string replacement = damage == "escape" ? "../" + first : damage == "absent" ? "nothing.safetensors" : "link.safetensors";
            if (damage == "symlink") {
                QFile::copy(dir + "/" + QString::fromStdString(first), m_dir.filePath("outside.safetensors"));
                QFile::link(m_dir.filePath("outside.safetensors"), dir + "/link.safetensors");
            }
            for (auto& shard : index["weight_map"])
                if (shard == first)
                    shard = replacement;
            write_json(dir + "/model.safetensors.index.json", index);
        }
        if (damage == "noweights")
            QFile::remove(dir + "/model.safetensors");
        try {
            dora::models::load_model_folder(dir.toStdString());
            QFAIL("expected an error");
        } catch (const dora::Error& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestModelFolders)
#include "test_model_folders.moc"
