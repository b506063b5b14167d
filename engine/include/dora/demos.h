// The built-in demo models, as the CLI and GUI list them, and the command that re-creates their
// shipped pretrained weights.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace dora {

struct DemoInfo {
    std::string name;         // "demo-mlp", "demo-gpt": both a model and its adaptation dataset
    std::string description;  // one sentence for people
};

std::vector<DemoInfo> demo_models();

// Pretrains the demo from scratch on its pretraining task and writes its weights (safetensors).
void pretrain_demo(const std::string& name, const std::string& out_path, int steps, unsigned long long seed,
                   const std::function<void(int step, double train_loss, double eval_loss)>& progress);

}  // namespace dora
