// Small file-system steps shared by the exporters: making the output folder and writing a text file
// (a JSON config) so that a crash or a full disk never leaves half of it behind.
#pragma once

#include <string>

namespace dora::io {

// Creates `dir` and its parents; throws dora::Error naming it and the system's reason.
void ensure_folder(const std::string& dir);

// Writes `text` to "<path>.tmp" and renames it over `path`; on failure removes the temporary file and
// throws dora::Error naming `path`.
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace dora::io
