#include "train/fused_adamw.h"

#include "train/optimizer_state_key.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <limits>

namespace dora::train {
namespace {

// Elements per parallel task: below this a loop is not worth waking another thread for.
constexpr int64_t kGrain = 32768;

bool loop_takes(const torch::Tensor& p, const torch::Tensor& g)
{
    const auto type = p.scalar_type();
    return p.device().is_cpu() && g.device().is_cpu() && (type == torch::kFloat32 || type == torch::kFloat64) &&
           g.scalar_type() == type && p.is_contiguous() && g.is_contiguous() && g.numel() == p.numel();
}

torch::optim::AdamWParamState& state_of(torch::optim::AdamW& optimizer, const torch::Tensor& p)
{
    auto& slot = optimizer.state()[optimizer_state_key(p)];
    if (!slot) {  // as AdamW::step creates it
        auto state = std::make_unique<torch::optim::AdamWParamState>();
        state->step(0);
        state->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        state->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        slot = std::move(state);
    }
    return static_cast<torch::optim::AdamWParamState&>(*slot);
}

// AdamW::step for one tensor, the same arithmetic in the same order: decoupled decay, the two moving
// averages, then p -= lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε).
template <typename T>
void adamw_loop(T* p, const T* g, T* m, T* v, int64_t n, double lr, double weight_decay, double beta1, double beta2,
                double eps, int64_t step)
{
    const T decay = static_cast<T>(1.0 - lr * weight_decay);
    const T b1 = static_cast<T>(beta1), b2 = static_cast<T>(beta2);
    const T one_minus_b1 = static_cast<T>(1.0 - beta1), one_minus_b2 = static_cast<T>(1.0 - beta2);
    const T root_bc2 = static_cast<T>(std::sqrt(1.0 - std::pow(beta2, static_cast<double>(step))));
    const T step_size = static_cast<T>(lr / (1.0 - std::pow(beta1, static_cast<double>(step))));
    const T epsilon = static_cast<T>(eps);
    at::parallel_for(0, n, kGrain, [&](int64_t first, int64_t last) {
        for (int64_t i = first; i < last; ++i) {
            if (weight_decay != 0)
                p[i] *= decay;
            m[i] = m[i] * b1 + g[i] * one_minus_b1;
            v[i] = v[i] * b2 + g[i] * g[i] * one_minus_b2;
            p[i] -= step_size * (m[i] / (std::sqrt(v[i]) / root_bc2 + epsilon));
        }
    });
}

template <typename T>
double squared_norm(const T* g, int64_t n)
{
    double total = 0;
    for (int64_t i = 0; i < n; ++i)
        total += static_cast<double>(g[i]) * static_cast<double>(g[i]);
    return total;
}

}  // namespace

double clip_gradients(const std::vector<torch::Tensor>& params, double max_norm)
{
    for (const torch::Tensor& p : params)
        if (p.grad().defined() && !loop_takes(p, p.grad()))
            return torch::nn::utils::clip_grad_norm_(params, max_norm);
    double squares = 0;
    for (const torch::Tensor& p : params) {
        const torch::Tensor& g = p.grad();
        if (!g.defined())
            continue;
        AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "clip_gradients", [&] {
            squares += squared_norm(g.data_ptr<scalar_t>(), g.numel());
        });
    }
    const double norm = std::sqrt(squares);
    const double coefficient = max_norm / (norm + 1e-6);
    if (std::isfinite(norm) && coefficient < 1.0) {
        torch::NoGradGuard no_grad;
        for (const torch::Tensor& p : params)
            if (p.grad().defined())
                p.mutable_grad().mul_(coefficient);
    }
    return norm;
}

void adamw_step(torch::optim::AdamW& optimizer)
{
    torch::NoGradGuard no_grad;
    bool loops_take_all = true;  // otherwise (a GPU, AMSGrad) LibTorch's step does the whole update
    for (const auto& group : optimizer.param_groups()) {
        const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
        for (const torch::Tensor& p : group.params())
            if (p.grad().defined() && (options.amsgrad() || !loop_takes(p, p.grad())))
                loops_take_all = false;
    }
    if (!loops_take_all) {
        optimizer.step();
    } else {
        for (auto& group : optimizer.param_groups()) {
            const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
            const auto [beta1, beta2] = options.betas();
            for (torch::Tensor& p : group.params()) {
                if (!p.grad().defined())
                    continue;
                const torch::Tensor g = p.grad();
                auto& state = state_of(optimizer, p);
                if (!state.exp_avg().is_contiguous() || !state.exp_avg_sq().is_contiguous()) {
                    state.exp_avg(state.exp_avg().contiguous());
                    state.exp_avg_sq(state.exp_avg_sq().contiguous());
                }
                state.step(state.step() + 1);
                AT_DISPATCH_FLOATING_TYPES(p.scalar_type(), "adamw_step", [&] {
                    adamw_loop<scalar_t>(p.data_ptr<scalar_t>(), g.data_ptr<scalar_t>(),
                                         state.exp_avg().data_ptr<scalar_t>(), state.exp_avg_sq().data_ptr<scalar_t>(),
                                         p.numel(), options.lr(), options.weight_decay(), beta1, beta2, options.eps(),
                                         state.step());
                });
            }
        }
    }
    for (auto& group : optimizer.param_groups())
        for (torch::Tensor& p : group.params())
            p.mutable_grad() = torch::Tensor();
}

}  // namespace dora::train
