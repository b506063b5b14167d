#include "io/folder_files.h"

#include "dora/error.h"
#include "io/file_writer.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

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
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(path + ": cannot write (" + std::strerror(errno) + ")");
    // fsync before the rename: otherwise a power cut can leave the new name pointing at an empty file.
    bool written = write_fully(fd, text.data(), text.size()) && ::fsync(fd) == 0;
    int error = errno;
    if (::close(fd) != 0 && written) {
        written = false;
        error = errno;
    }
    if (!written) {
        ::unlink(tmp.c_str());
        throw Error(path + ": cannot write (" + std::strerror(error) + "); any earlier version of the file is unchanged");
    }
    std::error_code rename_error;
    fs::rename(tmp, path, rename_error);
    if (rename_error) {
        ::unlink(tmp.c_str());
        throw Error(path + ": cannot replace the file (" + rename_error.message() + ")");
    }
}

}  // namespace dora::io
