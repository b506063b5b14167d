// What the trainer needs from a model: a loss on a batch, and its linear layers by name. Concrete
// models (the demo MLP, GPT-2-style transformers) build every linear layer as an AdaptableLinear and
// register submodules under the Hugging Face names, so target patterns and checkpoint keys match
// what users see elsewhere.
#pragma once

#include "adapters/adaptable_linear.h"

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace dora::models {

// A batch of samples. Classifiers: input (B, features) float, target (B,) class ids. Language
// models: input (B, T) token ids, target (B, T) next-token ids with -100 where no loss is taken.
struct Batch {
    torch::Tensor input;
    torch::Tensor target;
};

class Model : public torch::nn::Module {
public:
    // Mean loss over the batch's counted targets (cross-entropy for every model here).
    virtual torch::Tensor loss(const Batch& batch) = 0;
    // "mlp" or "gpt2" etc.; shown to users and stored with runs.
    virtual std::string architecture() const = 0;
};

// A causal language model: next-token logits for token ids, and the loss from them.
class LanguageModel : public Model {
public:
    virtual torch::Tensor forward(const torch::Tensor& ids) = 0;  // (B, T) -> (B, T, vocab) logits
    virtual int64_t vocab_size() const = 0;
    virtual int64_t context_length() const = 0;
    torch::Tensor loss(const Batch& batch) override;  // cross-entropy of forward(input) against target
};

using NamedLinear = std::pair<std::string, adapters::AdaptableLinear>;

// Every AdaptableLinear in the model with its dotted module name, in registration order.
std::vector<NamedLinear> linear_layers(Model& model);

// Cross-entropy over (N, C) logits and (N,) targets, ignoring targets equal to -100.
torch::Tensor cross_entropy(const torch::Tensor& logits, const torch::Tensor& targets);

}  // namespace dora::models
