// How torch::optim keys an optimizer's per-tensor state: by the tensor's TensorImpl, as its address
// printed as text in LibTorch 1.x (c10::guts::to_string, gone from 2.x) and as the pointer itself in
// 2.x. The map's own key type decides, so one source builds against both. Engine-private.
#pragma once

#include <torch/torch.h>

#include <sstream>
#include <type_traits>
#include <utility>

namespace dora::train {

using OptimizerStateKey = typename std::decay_t<decltype(std::declval<torch::optim::Optimizer&>().state())>::key_type;

// A template so that only the branch for this LibTorch's key type is compiled.
template <typename Key = OptimizerStateKey>
Key optimizer_state_key(const torch::Tensor& p)
{
    if constexpr (std::is_pointer_v<Key>) {
        return p.unsafeGetTensorImpl();
    } else {
        std::ostringstream text;  // what c10::guts::to_string printed
        text << p.unsafeGetTensorImpl();
        return text.str();
    }
}

}  // namespace dora::train
