#include "io/folder_files.h"

#include "dora/error.h"

#include <filesystem>
#include <fstream>

namespace dora::io {

namespace fs = std::filesystem;

void ensure_folder(const std::string& dir)
{
    std::error_code error;
    fs::create_directories(dir, error);
    if (error)
        throw Error(dir + ": cannot create the folder (" + error.message() + ")");
}

void write_text_atomically(const std::string& path, const std::string& text)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) {
            std::error_code ignored;
            fs::remove(tmp, ignored);
            throw Error(path + ": cannot write (is the disk full or the folder read-only?)");
        }
    }
    std::error_code error;
    fs::rename(tmp, path, error);
    if (error) {
        fs::remove(tmp, error);
        throw Error(path + ": cannot replace the file (" + error.message() + ")");
    }
}

}  // namespace dora::io
