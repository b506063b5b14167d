// A user's data file as training tensors for a given model: text, JSONL and Alpaca files tokenised
// with the model's tokenizer for language models, CSV tables for the MLP. Split like the built-in
// data (a fixed permutation, so the held-out set does not move with the training seed).
#pragma once

#include "data/tensor_dataset.h"
#include "dora/run_config.h"
#include "models/model.h"

#include <string>

namespace dora::data {

// `model_source` is the built-in name or folder the model came from (where its tokenizer is).
// Throws dora::Error naming the file and what does not fit the model.
SplitDataset load_file_dataset(const DataConfig& config, const std::string& model_source, models::Model& model,
                               std::string* notes = nullptr);

}  // namespace dora::data
