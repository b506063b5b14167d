// The order in which training samples are visited: a fresh permutation per epoch drawn from
// (seed, epoch), so the same seed visits the same samples in the same order, and a position
// (epoch, offset) is all a checkpoint needs to continue the order exactly.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace dora::train {

class BatchOrder {
public:
    BatchOrder(int64_t samples, int64_t batch_size, uint64_t seed);

    // The next batch's sample indices, (batch_size,) int64. Batches never straddle epochs: the tail of
    // an epoch that cannot fill a batch is skipped, as PyTorch's drop_last does. A dataset smaller than
    // one batch yields all its samples each time.
    torch::Tensor next();

    int64_t epoch() const { return m_epoch; }
    int64_t offset() const { return m_offset; }
    void seek(int64_t epoch, int64_t offset);

private:
    void shuffle();

    int64_t m_samples, m_batch_size;
    uint64_t m_seed;
    int64_t m_epoch = 0, m_offset = 0;
    torch::Tensor m_permutation;
};

}  // namespace dora::train
