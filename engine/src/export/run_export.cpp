// Exports of a trainer's adapter and merged model, and of stored runs.
#include "dora/export.h"

#include "data/char_vocab.h"
#include "dora/error.h"
#include "export/peft_adapter.h"
#include "export/stored_run.h"
#include "io/folder_files.h"
#include "models/model_folder.h"
#include "train/trainer_impl.h"

#include <filesystem>

namespace dora {
namespace {

namespace fs = std::filesystem;

// Files of a Hugging Face folder that travel with its weights unchanged.
const char* const kCompanionFiles[] = {"tokenizer.json",          "tokenizer_config.json", "vocab.json",
                                       "merges.txt",              "special_tokens_map.json",
                                       "generation_config.json",  "tokenizer.model"};

std::unique_ptr<Trainer> trainer_at_last_checkpoint(const std::string& db_path, long long run_id)
{
    const exporting::StoredRun run = exporting::stored_run(db_path, run_id);
    auto trainer = std::make_unique<Trainer>(run.config);
    trainer->resume_from_checkpoint(run.newest_checkpoint);
    return trainer;
}

}  // namespace

void Trainer::export_adapter(const std::string& dir)
{
    const RunConfig& c = m_impl->config;
    exporting::write_peft_adapter(dir, m_impl->adapted, c.adapter, c.model.builtin.empty() ? c.model.path : c.model.builtin);
}

void Trainer::export_merged(const std::string& dir)
{
    Impl& t = *m_impl;
    torch::NoGradGuard no_grad;
    for (auto& [name, layer] : t.adapted)
        layer->merge();
    try {
        models::save_model_folder(*t.model, dir, t.config.model.path);
    } catch (...) {
        for (auto& [name, layer] : t.adapted)
            layer->unmerge();
        throw;
    }
    for (auto& [name, layer] : t.adapted)
        layer->unmerge();
    if (t.config.model.builtin == "demo-gpt")
        io::write_text_atomically((fs::path(dir) / "tokenizer.json").string(), data::char_vocab_tokenizer_json());
    if (!t.config.model.path.empty()) {
        for (const char* name : kCompanionFiles) {
            const fs::path from = fs::path(t.config.model.path) / name;
            if (fs::is_regular_file(from))
                fs::copy_file(from, fs::path(dir) / name, fs::copy_options::overwrite_existing);
        }
    }
}

void export_run_adapter(const std::string& db_path, long long run_id, const std::string& out_dir)
{
    trainer_at_last_checkpoint(db_path, run_id)->export_adapter(out_dir);
}

void export_run_merged(const std::string& db_path, long long run_id, const std::string& out_dir)
{
    trainer_at_last_checkpoint(db_path, run_id)->export_merged(out_dir);
}

}  // namespace dora
