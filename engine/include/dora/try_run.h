// "Try it": a stored run's trained model next to the base model it started from, on the same input.
// Both rebuild the run from its config and newest checkpoint; call them off the GUI thread (they load
// the model). Throw dora::Error when the run is missing, has no checkpoint yet, or is of the other kind.
#pragma once

#include "dora/language_model.h"

#include <string>
#include <vector>

namespace dora {

struct SideBySideText {
    std::string base;     // the base model's continuation of the prompt
    std::string adapted;  // the trained run's
};

// Language-model runs. `options.adapter_dir` is ignored: the adapter is the run's own.
SideBySideText continue_with_run(const std::string& db_path, long long run_id, const std::string& prompt,
                                 const GenerateOptions& options);

struct ClassifiedSample {
    std::vector<float> input;  // the sample's features (two coordinates for demo-mlp)
    int truth = 0;
    int base = 0;              // the base model's predicted class
    int adapted = 0;           // the trained run's
};

struct HeldOutPredictions {
    std::vector<ClassifiedSample> samples;
    double base_accuracy = 0;     // over every held-out sample, not only those returned
    double adapted_accuracy = 0;
    int held_out = 0;             // how many samples the run held out
};

// Classifier runs (demo-mlp): predictions on the run's held-out samples, the first `max_samples`.
HeldOutPredictions predict_with_run(const std::string& db_path, long long run_id, int max_samples);

}  // namespace dora
