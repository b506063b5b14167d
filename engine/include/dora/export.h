// Exporting a stored run: its adapter in the PEFT layout, or the base model with the adapter merged in,
// in the base model's own folder layout (a merged model runs at exactly the base model's cost).
#pragma once

#include <string>

namespace dora {

// Both use the run's newest checkpoint (a finished run's last step) and throw dora::Error with a
// clear message when the run, its checkpoint or the output folder is not usable.
void export_run_adapter(const std::string& db_path, long long run_id, const std::string& out_dir);
void export_run_merged(const std::string& db_path, long long run_id, const std::string& out_dir);

}  // namespace dora
