// Training a run: the engine call behind `dora-cli train` and the GUI's Start button. Plain C++ types
// only (no torch), so the UI compiles fast and never touches tensors.
#pragma once

#include "dora/run_config.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace dora {

struct StepMetrics {
    int step = 0;                  // 1-based optimizer step
    double loss = 0;               // training loss of the step (mean over its micro-batches)
    double learning_rate = 0;
    double grad_norm = 0;          // before clipping
    double samples_per_second = 0;
    double tokens_per_second = 0;
    double seconds = 0;            // wall time since the run started
};

struct EvalResult {
    int step = 0;  // 0 = before the first step
    double loss = 0;
};

struct LayerStat {
    std::string layer;
    double delta_magnitude = 0;  // ΔM: mean over rows of |‖W_t,i‖ − ‖W0,i‖|
    double delta_direction = 0;  // ΔD: mean over rows of 1 − cos(W_t,i, W0,i)
    // Layers that take two inputs (the demo MLP's first layer) also carry their weights, so each
    // neuron can be drawn as an arrow in the plane: (out, 2) row-major, current and base. Empty
    // for every other layer. Not stored in the run store.
    std::vector<float> weight_rows{};
    std::vector<float> base_weight_rows{};
};

struct LayerStats {
    int step = 0;
    std::vector<LayerStat> layers;
};

struct CheckpointInfo {
    int step = 0;
    std::string path;  // written atomically before this is reported
};

// Called on the training thread; implementations must be quick and must not throw.
class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void on_step(const StepMetrics&) {}
    virtual void on_eval(const EvalResult&) {}
    virtual void on_layer_stats(const LayerStats&) {}
    virtual void on_message(const std::string&) {}
    // A checkpoint file now exists; record it (and the metrics up to its step) together.
    virtual void on_checkpoint(const CheckpointInfo&) {}
};

// Set from any thread; the trainer polls them once per step.
struct TrainingControl {
    std::atomic<bool> stop{false};
    std::atomic<bool> pause{false};
};

struct RunSummary {
    std::string status;        // finished | failed | stopped | interrupted (a peer rank was lost)
    int steps = 0;             // optimizer steps completed
    double first_eval_loss = 0;
    double final_eval_loss = 0;
    double seconds = 0;
    std::string message;       // why it failed or stopped; empty when finished
};

struct AdaptedLayerInfo {
    std::string name;
    long long in_features = 0, out_features = 0;
    long long trainable_parameters = 0;
};

// Builds the model, the data and the adapters from a config, then trains on demand. Construction
// throws dora::Error for anything wrong with the config (a pattern that matches no layer, a missing
// file); train() reports failures in its summary instead of throwing.
class Trainer {
public:
    struct Impl;  // defined in an engine-private header (see internals() below)

    explicit Trainer(const RunConfig& config);
    // Engine-internal: a trainer around a model and data built in code (config, device, model and data
    // set), as the training benchmark does; the adapters and optimizer are prepared here as above.
    explicit Trainer(std::unique_ptr<Impl> prepared);
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    // Checkpoints go to `dir` (created if needed) every train.checkpoint_every steps, after the last
    // step, and when the run is stopped. Without a folder no checkpoints are written.
    void set_checkpoint_dir(const std::string& dir);
    // Continue from a checkpoint of this same config: the next train() starts after its step, with the
    // same weights, optimizer state, data order and random state, so the run ends exactly as an
    // uninterrupted one. Throws dora::Error when the file does not fit this run.
    void resume_from_checkpoint(const std::string& path);
    int start_step() const;  // 0, or the step of the checkpoint resumed from

    // Runs the remaining steps. On resume first_eval_loss is NaN (it was measured by the first process).
    RunSummary train(TrainingObserver& observer, TrainingControl& control);

    // The adapter in the PEFT layout, and the model with the adapter merged in (a model folder).
    void export_adapter(const std::string& dir);
    void export_merged(const std::string& dir);

    const RunConfig& config() const;
    std::string device_name() const;           // "cpu" or "cuda"
    std::string data_description() const;
    std::vector<AdaptedLayerInfo> adapted_layers() const;
    long long trainable_parameters() const;
    long long total_parameters() const;        // base model plus adapters

    // The engine's side of the pimpl, defined only in an engine-private header: for the engine's own
    // code (exporters) and white-box tests; of no use outside the engine.
    Impl& internals() { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace dora
