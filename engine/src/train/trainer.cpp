// The training loop behind dora::Trainer: AdamW with a magnitude group of its own, warmup and decay,
// clipping, accumulation, evaluation, layer statistics, and stop/pause polled every step.
#include "train/trainer_impl.h"

#include "adapters/targets.h"
#include "data/demo_data.h"
#include "dora/error.h"
#include "dora/model_info.h"
#include "data/char_vocab.h"
#include "data/file_dataset.h"
#include "distributed/data_parallel.h"
#include "distributed/process_group.h"
#include "export/peft_adapter.h"
#include "models/builtin_models.h"
#include "models/model_folder.h"
#include "train/batch_order.h"
#include "train/batch_shards.h"
#include "train/checkpoint.h"
#include "train/fused_adamw.h"
#include "train/held_norms.h"
#include "train/layer_stats.h"
#include "train/lr_schedule.h"
#include "testing/crash_points.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <cmath>
#include <thread>

namespace dora {
namespace {

using Clock = std::chrono::steady_clock;

torch::Device resolve_device(const std::string& setting)
{
    if (setting == "cuda" && !torch::cuda::is_available())
        throw Error("train.device is 'cuda' but this LibTorch build sees no CUDA device; use 'auto' or 'cpu'");
    if (setting == "cuda" || (setting == "auto" && torch::cuda::is_available()))
        return torch::Device(torch::kCUDA);
    return torch::Device(torch::kCPU);
}

// The built-in datasets, checked against the model they are asked to train.
data::SplitDataset builtin_data_for(models::Model& model, const DataConfig& config)
{
    if (auto* lm = dynamic_cast<models::LanguageModel*>(&model)) {
        if (config.builtin != "demo-gpt")
            throw Error("data: the built-in dataset '" + config.builtin + "' does not fit a language model");
        if (lm->vocab_size() < data::kCharVocabSize || lm->context_length() < config.seq_len)
            throw Error("data: demo-gpt text needs a vocabulary of at least 96 and seq_len positions");
    } else if (config.builtin != "demo-mlp") {
        throw Error("data: the built-in dataset '" + config.builtin + "' does not fit the demo MLP");
    }
    return data::demo_dataset(config.builtin, data::DemoPhase::Adapt, config.seq_len, config.eval_fraction);
}

// A run that continues from an exported adapter: the adapter file decides the shapes, so the run's
// own settings must say the same thing, or the stored config would misdescribe the run.
std::vector<models::NamedLinear> start_from_adapter(models::Model& model, const AdapterConfig& config)
{
    if (config.method == "full")
        throw Error("adapter.init_from: a full fine-tuning run cannot start from an adapter");
    const std::vector<models::NamedLinear> layers = exporting::apply_peft_adapter(model, config.init_from, config);
    const adapters::AdaptableLinear& first = layers.front().second;
    const std::string method = first->method() == adapters::Method::DoRA ? "dora" : "lora";
    std::string differences;
    if (method != config.method)
        differences += " method " + method + " (the run says " + config.method + ");";
    if (first->options().rank != config.rank)
        differences += " rank " + std::to_string(first->options().rank) + " (the run says " + std::to_string(config.rank) + ");";
    if (first->options().alpha != config.alpha || first->options().rslora != config.rslora)
        differences += " a different alpha or rsLoRA setting;";
    if (!differences.empty())
        throw Error("adapter.init_from: " + config.init_from + " has" + differences + " make the run's adapter settings match");
    return layers;
}

}  // namespace

double Trainer::Impl::eval_loss()
{
    torch::NoGradGuard no_grad;
    model->eval();
    const int64_t n = data.eval.size();
    const int64_t chunk = std::max<int64_t>(config.train.batch_size, 64);
    double weighted = 0, counted = 0;
    for (int64_t start = 0; start < n; start += chunk) {
        const torch::Tensor idx = torch::arange(start, std::min(n, start + chunk), torch::kLong);
        models::Batch batch = data.eval.gather(idx);
        batch.input = batch.input.to(device);
        batch.target = batch.target.to(device);
        const double count = (batch.target != -100).sum().item<double>();
        if (count > 0) {
            weighted += model->loss(batch).item<double>() * count;
            counted += count;
        }
    }
    model->train();
    return counted > 0 ? weighted / counted : 0.0;
}

std::string Trainer::Impl::first_non_finite_layer() const
{
    for (const auto& item : model->named_parameters(true)) {
        const torch::Tensor& grad = item.value().grad();
        if (grad.defined() && !torch::isfinite(grad).all().item<bool>())
            return item.key();
    }
    return {};
}

Trainer::Trainer(const RunConfig& config) : m_impl(std::make_unique<Impl>())
{
    Impl& t = *m_impl;
    run_config_validate(config);
    t.config = config;
    t.device = resolve_device(config.train.device);

    if (config.data.builtin.empty() && config.data.path.empty())
        throw Error("data: a model folder needs data; give data.path (or data.builtin: demo-gpt suits GPT-2 models)");
    if (!config.model.path.empty()) {  // refuse before allocating: a model that does not fit would swap or be killed
        const MemoryEstimate need = estimate_memory(config);
        if (!need.fits()) {
            char text[320];
            std::snprintf(text, sizeof text,
                          "this run needs about %.0f MB (weights %.0f, adapter and optimizer %.0f, activations %.0f) "
                          "but %.0f MB are free; try a smaller batch_size or seq_len",
                          need.total_mb, need.weights_mb, need.trainable_mb, need.activations_mb, need.available_mb);
            throw Error(config.model.path + ": " + text);
        }
    }
    const std::string model_source = config.model.builtin.empty() ? config.model.path : config.model.builtin;
    t.model = config.model.builtin.empty() ? models::load_model_folder(config.model.path)
                                           : models::load_builtin_model(config.model.builtin);
    t.data = config.data.path.empty() ? builtin_data_for(*t.model, config.data)
                                      : data::load_file_dataset(config.data, model_source, *t.model, &t.data_notes);

    t.prepare_training();
}

Trainer::Trainer(std::unique_ptr<Impl> prepared) : m_impl(std::move(prepared))
{
    m_impl->prepare_training();
}

void Trainer::Impl::prepare_training()
{
    // Everything frozen first; attach() then makes exactly the adapter (or full) tensors trainable.
    for (auto& p : model->parameters())
        p.set_requires_grad(false);
    torch::manual_seed(config.train.seed);
    adapted = config.adapter.init_from.empty() ? adapters::attach_adapters(*model, config.adapter)
                                                 : start_from_adapter(*model, config.adapter);
    model->to(device);

    train::ParamGroupPlan weights{{}, 1.0, config.train.weight_decay};
    train::ParamGroupPlan magnitudes{{}, config.adapter.magnitude.lr_scale, 0.0};
    for (const auto& [name, layer] : adapted) {
        for (const auto& item : layer->named_parameters(false)) {
            if (!item.value().requires_grad())
                continue;
            (item.key() == "lora_magnitude_vector" ? magnitudes : weights).params.push_back(item.value());
        }
    }
    for (train::ParamGroupPlan* g : {&weights, &magnitudes})
        if (!g->params.empty())
            groups.push_back(*g);
    for (const auto& item : model->named_parameters(true))
        if (item.value().requires_grad())
            trainable_named.emplace_back(item.key(), item.value());

    std::vector<torch::optim::OptimizerParamGroup> optimizer_groups;
    for (const auto& g : groups)
        optimizer_groups.emplace_back(g.params, std::make_unique<torch::optim::AdamWOptions>(
                                                    torch::optim::AdamWOptions(config.train.lr * g.lr_scale)
                                                        .weight_decay(g.weight_decay)));
    optimizer = std::make_unique<torch::optim::AdamW>(std::move(optimizer_groups),
                                                        torch::optim::AdamWOptions(config.train.lr));
    order = std::make_unique<train::BatchOrder>(data.train.size(), config.train.batch_size, config.train.seed);
}

void Trainer::set_checkpoint_dir(const std::string& dir) { m_impl->checkpoint_dir = dir; }
int Trainer::start_step() const { return m_impl->start_step; }

void Trainer::resume_from_checkpoint(const std::string& path)
{
    Impl& t = *m_impl;
    const train::TrainingPosition position = train::load_checkpoint(path, t.trainable_named, *t.optimizer);
    if (position.step < 0 || position.step > t.config.train.steps)
        throw Error(path + ": the checkpoint is at step " + std::to_string(position.step) + " but the run has " +
                    std::to_string(t.config.train.steps) + " steps");
    t.order->seek(position.epoch, position.offset);
    t.start_step = position.step;
}

Trainer::~Trainer() = default;

const RunConfig& Trainer::config() const { return m_impl->config; }
std::string Trainer::device_name() const { return m_impl->device.is_cuda() ? "cuda" : "cpu"; }
std::string Trainer::data_description() const
{
    const Impl& t = *m_impl;
    return t.data_notes.empty() ? t.data.description : t.data.description + " (" + t.data_notes + ")";
}

std::vector<AdaptedLayerInfo> Trainer::adapted_layers() const
{
    std::vector<AdaptedLayerInfo> info;
    for (const auto& [name, layer] : m_impl->adapted) {
        long long trainable = 0;
        for (const auto& p : layer->parameters(false))
            if (p.requires_grad())
                trainable += p.numel();
        info.push_back({name, layer->in_features(), layer->out_features(), trainable});
    }
    return info;
}

long long Trainer::trainable_parameters() const
{
    long long n = 0;
    for (const auto& [name, p] : m_impl->trainable_named)
        n += p.numel();
    return n;
}

long long Trainer::total_parameters() const
{
    long long n = 0;
    for (const auto& p : m_impl->model->parameters())
        n += p.numel();
    return n;
}

RunSummary Trainer::train(TrainingObserver& observer, TrainingControl& control)
{
    Impl& t = *m_impl;
    const TrainConfig& tc = t.config.train;
    const int threads = tc.threads > 0 ? tc.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);  // per thread: must run on the thread that trains

    RunSummary summary;
    const auto started = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
    auto finish = [&](const std::string& status, const std::string& message) {
        summary.status = status;
        summary.message = message;
        summary.seconds = elapsed();
        if (!message.empty())
            observer.on_message(message);
        return summary;
    };

    try {
        distributed::start_from_rank0_state(t);
        torch::optim::AdamW& optimizer = *t.optimizer;
        std::vector<torch::Tensor> params;
        int64_t trainable_bytes = 0;
        for (const auto& [name, p] : t.trainable_named) {
            params.push_back(p);
            trainable_bytes += p.numel() * static_cast<int64_t>(p.element_size());
        }
        // Per row, the forward and input-gradient products: about 4 FLOP per weight and token.
        const double flop_per_row = 4.0 * static_cast<double>(total_parameters()) *
                                    static_cast<double>(std::max<int64_t>(1, t.data.tokens_per_sample));
        const train::ShardPlan shard_plan =
            train::plan_batch_shards(t.config, t.device.is_cpu(), threads, trainable_bytes, flop_per_row);
        std::unique_ptr<train::ShardWorkers> shard_workers;
        if (shard_plan.shards == 1 && shard_plan.threads_per_shard != threads)
            torch::set_num_threads(shard_plan.threads_per_shard);  // too little work to share out
        if (shard_plan.shards > 1)
            shard_workers = std::make_unique<train::ShardWorkers>(shard_plan.shards - 1, shard_plan.threads_per_shard);
        int last_checkpoint = t.start_step;
        auto checkpoint = [&](int step) {
            if (t.checkpoint_dir.empty() || step == last_checkpoint)
                return;
            std::filesystem::create_directories(t.checkpoint_dir);
            const std::string path = (std::filesystem::path(t.checkpoint_dir) /
                                      ("step-" + std::to_string(step) + ".safetensors")).string();
            train::save_checkpoint(path, t.trainable_named, optimizer, {step, t.order->epoch(), t.order->offset()});
            last_checkpoint = step;
            observer.on_checkpoint({step, path});
        };

        summary.steps = t.start_step;
        if (t.start_step == 0) {
            summary.first_eval_loss = summary.final_eval_loss = t.eval_loss();
            observer.on_eval({0, summary.first_eval_loss});
            if (t.config.log.layer_stats_every > 0)
                observer.on_layer_stats(train::compute_layer_stats(0, t.adapted));
        } else {
            summary.first_eval_loss = summary.final_eval_loss = std::numeric_limits<double>::quiet_NaN();
        }

        t.model->train();
        for (int step = t.start_step + 1; step <= tc.steps; ++step) {
            while (control.pause.load() && !control.stop.load())
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (distributed::stop_requested(control)) {
                checkpoint(summary.steps);  // so the stopped run resumes where it stopped
                return finish("stopped", "stopped by the user after step " + std::to_string(summary.steps));
            }

            const auto step_started = Clock::now();
            const double lr = train::learning_rate_at(step, tc);
            for (size_t i = 0; i < optimizer.param_groups().size(); ++i)
                static_cast<torch::optim::AdamWOptions&>(optimizer.param_groups()[i].options()).lr(lr * t.groups[i].lr_scale);

            // No zero_grad: train::adamw_step releases the gradients, and backward writes fresh ones.
            double step_loss = 0;
            {
                const train::HeldStepNorms norms_fixed_until_the_update(t.adapted, shard_workers.get());
                for (int micro = 0; micro < tc.grad_accum; ++micro) {
                    distributed::BatchShare share = distributed::take_share(t.data.train, t.order->next());
                    if (share.empty)
                        continue;
                    models::Batch& batch = share.batch;
                    batch.input = batch.input.to(t.device);
                    batch.target = batch.target.to(t.device);
                    step_loss += train::forward_backward(*t.model, batch, share.loss_weight / tc.grad_accum, params,
                                                         shard_workers.get());
                }
            }
            step_loss = distributed::all_reduce_gradients(params, step_loss, control);
            const double grad_norm =
                train::clip_gradients(params, tc.clip_grad_norm > 0 ? tc.clip_grad_norm
                                                                    : std::numeric_limits<double>::infinity());
            if (!std::isfinite(step_loss) || !std::isfinite(grad_norm)) {
                const bool loss_bad = !std::isfinite(step_loss);
                const std::string layer = t.first_non_finite_layer();
                return finish("failed", std::string("the ") + (loss_bad ? "loss" : "gradient norm") + " became " +
                                            (std::isnan(loss_bad ? step_loss : grad_norm) ? "NaN" : "infinite") +
                                            " at step " + std::to_string(step) +
                                            (layer.empty() ? "" : " (first non-finite gradient: " + layer + ")") +
                                            "; try a lower learning rate or gradient clipping");
            }
            testing::crash_point("training-step");
            train::adamw_step(optimizer);
            summary.steps = step;

            const double step_seconds = std::chrono::duration<double>(Clock::now() - step_started).count();
            StepMetrics m;
            m.step = step;
            m.loss = step_loss;
            m.learning_rate = lr;
            m.grad_norm = grad_norm;
            const double samples = static_cast<double>(tc.batch_size) * tc.grad_accum;
            m.samples_per_second = samples / std::max(step_seconds, 1e-9);
            m.tokens_per_second = m.samples_per_second * t.data.tokens_per_sample;
            m.seconds = elapsed();
            observer.on_step(m);

            if (t.config.log.layer_stats_every > 0 && step % t.config.log.layer_stats_every == 0)
                observer.on_layer_stats(train::compute_layer_stats(step, t.adapted));
            if ((tc.eval_every > 0 && step % tc.eval_every == 0) || step == tc.steps) {
                summary.final_eval_loss = t.eval_loss();
                observer.on_eval({step, summary.final_eval_loss});
            }
            if ((tc.checkpoint_every > 0 && step % tc.checkpoint_every == 0) || step == tc.steps)
                checkpoint(step);
        }
        return finish("finished", "");
    } catch (const distributed::PeerLost& e) {  // resumable from the last checkpoint
        return finish("interrupted", e.what());
    } catch (const std::exception& e) {
        return finish("failed", std::string("training stopped at step ") + std::to_string(summary.steps + 1) + ": " +
                                    e.what());
    }
}

}  // namespace dora
