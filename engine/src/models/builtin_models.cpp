// demo-mlp and demo-gpt: architectures, shipped weights, and their pretraining.
#include "models/builtin_models.h"

#include "data/char_vocab.h"
#include "data/demo_data.h"
#include "dora/error.h"
#include "io/tensor_io.h"
#include "models/embedded_files.h"
#include "models/gpt2.h"
#include "models/mlp.h"
#include "models/model_config.h"
#include "models/model_folder.h"
#include "train/batch_order.h"

#include <cstdio>
#include <filesystem>

namespace dora::models {
namespace {

constexpr int64_t kDemoGptContext = 128;  // positions; runs may use any seq_len up to this
constexpr int64_t kPretrainSeqLen = 64;

struct PretrainRecipe {
    int64_t batch_size;
    double lr;
};

PretrainRecipe pretrain_recipe(const std::string& name)
{
    return name == "demo-mlp" ? PretrainRecipe{64, 1e-2} : PretrainRecipe{32, 3e-3};
}

}  // namespace

const std::vector<std::string>& builtin_model_names()
{
    static const std::vector<std::string> names = {"demo-mlp", "demo-gpt"};
    return names;
}

bool is_builtin_model(const std::string& name)
{
    for (const std::string& n : builtin_model_names())
        if (n == name)
            return true;
    return false;
}

std::string builtin_model_description(const std::string& name)
{
    if (name == "demo-mlp")
        return "a small tanh MLP that classifies points of three spiral arms; adapting it teaches the arms rotated "
               "by 40 degrees";
    if (name == "demo-gpt")
        return "a tiny character-level GPT-2 that writes sentences about animals in a meadow; adapting it teaches "
               "kitchen instructions";
    throw Error("there is no built-in model '" + name + "' (built-in: demo-mlp, demo-gpt)");
}

ModelSpec builtin_model_spec(const std::string& name)
{
    ModelSpec spec;
    if (name == "demo-mlp") {
        spec.model_type = "dora-demo-mlp";
    } else if (name == "demo-gpt") {
        spec.model_type = "gpt2";
        spec.gpt2.vocab_size = data::kCharVocabSize;
        spec.gpt2.n_positions = kDemoGptContext;
    } else {
        throw Error("there is no built-in model '" + name + "' (built-in: demo-mlp, demo-gpt)");
    }
    return spec;
}

std::shared_ptr<Model> make_builtin_model(const std::string& name)
{
    return build_model(builtin_model_spec(name));
}

std::shared_ptr<Model> load_model(const std::string& builtin_or_folder)
{
    if (is_builtin_model(builtin_or_folder))
        return load_builtin_model(builtin_or_folder);
    if (!std::filesystem::is_directory(builtin_or_folder))
        throw Error("'" + builtin_or_folder + "' is neither a built-in model (demo-mlp, demo-gpt) nor a model folder");
    return load_model_folder(builtin_or_folder);
}

std::vector<std::string> base_tensor_names(Model& model)
{
    std::vector<std::string> names;
    for (const auto& item : model.named_parameters(true)) {
        const std::string& n = item.key();
        if (n.find("lora_") == std::string::npos)
            names.push_back(n);
    }
    return names;
}

std::shared_ptr<Model> load_builtin_model(const std::string& name)
{
    std::shared_ptr<Model> model = make_builtin_model(name);
    const EmbeddedFile file = embedded_file(name);
    const std::string label = "built-in " + name + " weights";
    if (file.size == 0)
        throw Error(label + " were not built into this program; run scripts/make-demo-weights.sh and rebuild");
    const io::SafetensorsHeader header = io::parse_safetensors(file.data, file.size, label);
    io::load_module_tensors(*model, base_tensor_names(*model), {header, file.data, label});
    return model;
}

void pretrain_builtin_model(const std::string& name, const std::string& out_path, int steps, uint64_t seed,
                            const std::function<void(int, double, double)>& progress)
{
    torch::manual_seed(seed);
    std::shared_ptr<Model> model = make_builtin_model(name);
    const data::SplitDataset data = data::demo_dataset(name, data::DemoPhase::Pretrain, kPretrainSeqLen, 0.1);
    const PretrainRecipe recipe = pretrain_recipe(name);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(recipe.lr).weight_decay(0.01));
    train::BatchOrder order(data.train.size(), recipe.batch_size, seed);

    auto eval_loss = [&] {
        torch::NoGradGuard no_grad;
        model->eval();
        const double loss = model->loss(data.eval.gather(torch::arange(data.eval.size()))).item<double>();
        model->train();
        return loss;
    };
    model->train();
    for (int step = 1; step <= steps; ++step) {
        const double lr = recipe.lr * 0.5 * (1.0 + std::cos(M_PI * (step - 1) / steps));
        for (auto& group : optimizer.param_groups())
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
        optimizer.zero_grad();
        const torch::Tensor loss = model->loss(data.train.gather(order.next()));
        loss.backward();
        torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
        optimizer.step();
        if (progress && (step % 100 == 0 || step == steps))
            progress(step, loss.item<double>(), eval_loss());
    }

    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    auto params = model->named_parameters(true);
    for (const std::string& n : base_tensor_names(*model))
        tensors.emplace_back(n, params[n]);
    // The held-out loss goes into the file so a test can check that loading reproduces the model.
    char eval_text[32];
    std::snprintf(eval_text, sizeof eval_text, "%.9g", eval_loss());
    io::save_tensors(out_path, tensors,
                     {{"format", "dora-studio"}, {"model", name}, {"steps", std::to_string(steps)},
                      {"seed", std::to_string(seed)}, {"pretrain_eval_loss", eval_text}});
}

}  // namespace dora::models
