// Files compiled into the engine: the demo models' pretrained weights (resources/demo/*.safetensors).
#pragma once

#include <cstddef>
#include <string>

namespace dora::models {

struct EmbeddedFile {
    const unsigned char* data = nullptr;
    size_t size = 0;  // 0 when the file did not exist at build time
};

EmbeddedFile embedded_file(const std::string& name);

}  // namespace dora::models
