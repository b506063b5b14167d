// The inside of dora::Trainer, shared by the trainer loop and the exporters (PEFT adapter, merged
// model), which need the model and its adapted layers. Engine-private.
#pragma once

#include "data/tensor_dataset.h"
#include "dora/training.h"
#include "models/model.h"
#include "train/batch_order.h"
#include "train/checkpoint.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace dora {

namespace train {

// One optimizer group per kind of trainable tensor, each with its own learning-rate factor.
struct ParamGroupPlan {
    std::vector<torch::Tensor> params;
    double lr_scale;
    double weight_decay;
};

}  // namespace train

struct Trainer::Impl {
    RunConfig config;
    torch::Device device{torch::kCPU};
    std::shared_ptr<models::Model> model;
    std::vector<models::NamedLinear> adapted;
    data::SplitDataset data;
    std::string data_notes;  // what the data reader skipped or cut, for the log
    std::vector<train::ParamGroupPlan> groups;
    train::NamedTensors trainable_named;  // the same tensors as in `groups`, by parameter name
    std::unique_ptr<torch::optim::AdamW> optimizer;
    std::unique_ptr<train::BatchOrder> order;
    int start_step = 0;
    std::string checkpoint_dir;

    // With config, device, model and data set: freezes the model, attaches the adapters (or
    // init_from), builds the optimizer groups and the batch order. Both constructors end here.
    void prepare_training();
    double eval_loss();  // mean held-out loss per counted target
    // Names the first layer with a non-finite gradient, to make a NaN failure actionable.
    std::string first_non_finite_layer() const;
};

}  // namespace dora
