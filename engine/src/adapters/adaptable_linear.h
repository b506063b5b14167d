// A linear layer that can carry a LoRA or DoRA adapter, or be fully fine-tuned. Every model in the
// engine builds its linear layers from this module, so "injecting" an adapter is configuring layers
// that are already there, and parameter names stay those of the checkpoint ("weight", "bias").
#pragma once

#include "adapters/dora_math.h"

#include <torch/torch.h>

#include <optional>
#include <string>

namespace dora::adapters {

enum class Method { None, LoRA, DoRA, Full };

struct AdapterOptions {
    Method method = Method::DoRA;
    int64_t rank = 8;
    double alpha = 16.0;
    double dropout = 0.0;
    bool rslora = false;
    bool magnitude_trainable = true;
    bool detach_norm = true;
};

// alpha / r, or alpha / sqrt(r) with rsLoRA.
double adapter_scale(const AdapterOptions& options);

class AdaptableLinearImpl : public torch::nn::Module {
public:
    AdaptableLinearImpl(int64_t in_features, int64_t out_features, bool with_bias);

    torch::Tensor forward(const torch::Tensor& x);  // (..., in) -> (..., out)

    // Turns this layer into a LoRA/DoRA layer (base frozen, A Kaiming-uniform, B zero, m = ‖W0‖_row)
    // or a fully trainable one. Draws A from the global torch generator, so call in a fixed order.
    void attach(const AdapterOptions& options);
    Method method() const { return m_options.method; }
    const AdapterOptions& options() const { return m_options; }
    double scale() const { return m_scale; }

    // Folds the adapter into `weight` so inference costs exactly the base layer, and back.
    void merge();
    void unmerge();
    bool merged() const { return m_merged; }

    // The weight this layer currently applies, (out, in), and the one it started from; no autograd.
    torch::Tensor effective_weight();
    torch::Tensor reference_weight() const;

    // ΔM/ΔD of the applied weight against the reference one (dora_math.h); for an unmerged LoRA or
    // DoRA adapter from its factors, in one pass over W0, without forming the (out, in) weight.
    MagnitudeDirectionChange direction_change();

    // DoRA's g = m / ‖W0 + s·B·A‖_row, (out,), differentiable unless detach_norm (only m then).
    torch::Tensor dora_gain();

    // A and B do not change within an optimizer step, so neither does the detached norm (DoRA with
    // detach_norm). A trainer that runs several forward passes per step (micro-batches, batch
    // shards on several threads) computes it once with hold_step_norm() and must release it before
    // the weights change (train/held_norms.h does both). Other layers ignore these calls.
    void hold_step_norm();
    void release_step_norm() { m_held_norm = torch::Tensor(); }

    int64_t in_features() const { return m_in; }
    int64_t out_features() const { return m_out; }

    torch::Tensor weight;     // (out, in)
    torch::Tensor bias;       // (out,) or undefined
    torch::Tensor lora_A;     // (r, in)
    torch::Tensor lora_B;     // (out, r)
    torch::Tensor magnitude;  // (out,)  DoRA only

private:
    torch::Tensor adapter_delta();  // s·B·A, (out, in); used only off the training path

    int64_t m_in, m_out;
    AdapterOptions m_options{Method::None};
    double m_scale = 0.0;
    bool m_merged = false;
    torch::Tensor m_w0_sq;           // ‖W0‖²_row, cached once: W0 is frozen
    torch::Tensor m_held_norm;       // ‖W0 + s·B·A‖_row for the current step (hold_step_norm)
    torch::Tensor m_initial_weight;  // full fine-tuning: W0 kept for the layer statistics
    torch::Tensor m_merge_gain;      // DoRA merge: g at merge time, needed to unmerge
    torch::Tensor m_lost_rows;       // DoRA merge: row indices where g == 0, whose W0 cannot be divided back
    torch::Tensor m_lost_rows_w0;
};
TORCH_MODULE(AdaptableLinear);

}  // namespace dora::adapters
