// Fuzz targets for the parsers that read files: the shard index of a model folder (whose file names
// must never lead out of the folder) and the dataset readers (text, JSONL, Alpaca, CSV). The input is
// written into a scratch folder, laid out once per process, and read back by the engine's own code.
#include "fuzz_targets.h"

#include "data/dataset_files.h"
#include "dora/error.h"
#include "io/safetensors.h"
#include "models/weight_files.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dora::fuzz {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const uint8_t* data, size_t size)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out)
        throw std::runtime_error("fuzz harness: cannot write " + path.string());
}

void write_one_tensor_file(const fs::path& path, const std::string& tensor)
{
    const float values[2] = {1.0f, -2.0f};
    const std::vector<uint8_t> bytes = io::serialize_safetensors({{tensor, io::DType::F32, {2}, values, sizeof values}});
    write_file(path, bytes.data(), bytes.size());
}

// <scratch>/model: two shards an index may name, a symlink to a shard outside the folder and a
// sub-folder, so index inputs can reach both the good paths and every way out.
fs::path model_folder()
{
    static const fs::path dir = [] {
        const fs::path root = scratch_folder(), model = root / "model";
        fs::create_directories(model / "sub");
        write_one_tensor_file(model / "model-00001-of-00002.safetensors", "a");
        write_one_tensor_file(model / "model-00002-of-00002.safetensors", "b");
        write_one_tensor_file(model / "sub" / "c.safetensors", "c");
        write_one_tensor_file(root / "outside.safetensors", "d");
        fs::create_symlink(root / "outside.safetensors", model / "outside.safetensors");
        return model;
    }();
    return dir;
}

}  // namespace

std::string scratch_folder()
{
    static const std::string dir = [] {
        std::string pattern = (fs::temp_directory_path() / "dora-fuzz-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("fuzz harness: cannot create a scratch folder");
        static const std::string removed_at_exit = pattern;
        std::atexit([] {
            std::error_code ignored;
            fs::remove_all(removed_at_exit, ignored);
        });
        return pattern;
    }();
    return dir;
}

std::string fuzz_shard_index(const uint8_t* data, size_t size)
{
    const fs::path dir = model_folder();
    write_file(dir / "model.safetensors.index.json", data, size);
    try {
        const models::WeightFiles files = models::WeightFiles::open(dir.string());
        for (const std::string& path : files.file_paths())
            if (fs::path(path).parent_path() != fs::canonical(dir))
                throw std::logic_error("the shard index led out of the model folder to " + path);
        for (const char* tensor : {"a", "b", "c", "d"})
            if (const auto found = files.find(tensor))
                static_cast<void>(found.bytes()[0]);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// The first byte picks the format and options, the rest is the file.
std::string fuzz_dataset(const uint8_t* data, size_t size)
{
    if (size == 0)
        return "";
    static const char* const kFormats[] = {"text", "jsonl", "alpaca", "csv"};
    const uint8_t choice = data[0];
    const std::string format = kFormats[choice % 4];
    const fs::path path = fs::path(scratch_folder()) / ("data." + format);
    write_file(path, data + 1, size - 1);
    try {
        if (format == "csv") {
            const data::TabularDataset table = data::read_csv_dataset(path.string(), choice & 0x80 ? "label" : "");
            if (table.features.size() != static_cast<size_t>(table.rows) * table.feature_names.size() ||
                table.labels.size() != static_cast<size_t>(table.rows))
                throw std::logic_error("the CSV reader returned a table whose sizes disagree");
            return "";
        }
        data::TextDatasetOptions options;
        options.format = format;
        options.seq_len = 1 + (choice >> 2) % 16;
        if (choice & 0x40)
            options.bos_id = 256;
        if (choice & 0x80)
            options.eos_id = 257;
        const data::Encode bytes_as_ids = [](const std::string& text) {
            return std::vector<int64_t>(reinterpret_cast<const uint8_t*>(text.data()),
                                        reinterpret_cast<const uint8_t*>(text.data()) + text.size());
        };
        std::string notes;
        for (const data::TokenizedSample& sample : data::read_text_dataset(path.string(), options, bytes_as_ids, &notes))
            if (sample.ids.size() != sample.loss_mask.size() || sample.ids.size() > size_t(options.seq_len) + 1)
                throw std::logic_error("a " + format + " sample has inconsistent or too many ids");
        data::preview_text_dataset(path.string(), options, bytes_as_ids, 3);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace dora::fuzz
