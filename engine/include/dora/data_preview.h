// The first samples of a run's data as the model will see them, for the GUI's data page: each token
// as the vocabulary spells it, and whether the loss is taken on it.
#pragma once

#include "dora/run_config.h"

#include <string>
#include <vector>

namespace dora {

struct PreviewToken {
    std::string text;
    bool trained = false;  // the model is taught to predict this token (false: prompt, padding)
};

struct DataPreview {
    std::vector<std::vector<PreviewToken>> samples;  // tabular data: one "token" per column
    long long total_samples = 0;   // in the whole dataset, before the held-out split
    long long trained_tokens = 0;  // targets the loss is taken on (rows, for tables)
    long long held_out_samples = 0;
};

// Reads the whole data file once for the counts (and the first samples for the preview). Throws
// dora::Error like training would.
DataPreview preview_data(const RunConfig& config, size_t samples);

}  // namespace dora
