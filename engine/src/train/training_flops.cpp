// training_gflop_per_step (dora/training_bench.h): the GEMM work of one training step of the
// benchmark's GPT-2, counted from the shapes. A product of (m, k) by (k, n) costs 2·m·k·n FLOPs.
#include "dora/training_bench.h"

#include "dora/error.h"

namespace dora {
namespace {

struct LinearShape {
    double in, out;
};

}  // namespace

void bench_shape_check(const BenchShape& s)
{
    auto positive = [](int value, const char* flag) {
        if (value < 1)
            throw Error(std::string("--") + flag + " must be at least 1, got " + std::to_string(value));
    };
    positive(s.layers, "layers");
    positive(s.d, "d");
    positive(s.heads, "heads");
    positive(s.vocab, "vocab");
    positive(s.seq, "seq");
    positive(s.batch, "batch");
    positive(s.rank, "rank");
    positive(s.steps, "steps");
    positive(s.threads, "threads");
    if (s.d % s.heads != 0)
        throw Error("--d " + std::to_string(s.d) + " is not a multiple of --heads " + std::to_string(s.heads));
    if (s.layer_stats_every < 0)
        throw Error("--layer-stats-every must be 0 (off) or more, got " + std::to_string(s.layer_stats_every));
}

double training_gflop_per_step(const BenchShape& s, const std::string& method)
{
    bench_shape_check(s);
    const bool full = method == "full", dora = method == "dora";
    if (!full && !dora && method != "lora")
        throw Error("unknown method '" + method + "' (lora, dora or full)");
    const double tokens = static_cast<double>(s.batch) * s.seq, d = s.d, r = s.rank;
    const LinearShape block_linears[] = {{d, 3 * d}, {d, d}, {d, 4 * d}, {4 * d, d}};  // c_attn, attn.c_proj, c_fc, mlp.c_proj

    double flops = 0;
    for (int layer = 0; layer < s.layers; ++layer) {
        for (int k = 0; k < 4; ++k) {
            const LinearShape& l = block_linears[k];
            // The first c_attn reads the embeddings, which are frozen: nothing asks for its input gradient.
            const bool input_gradient = !(layer == 0 && k == 0);
            const double base = 2 * tokens * l.in * l.out;
            flops += base;                 // forward x·W0ᵀ
            if (input_gradient)
                flops += base;             // dx = dy·W0
            if (full) {
                flops += base;             // dW = dyᵀ·x
                continue;
            }
            const double down = 2 * tokens * l.in * r, up = 2 * tokens * r * l.out;
            flops += down + up;            // forward (x·Aᵀ)·Bᵀ
            flops += 2 * up + down;        // dB, d(x·Aᵀ), dA
            if (input_gradient)
                flops += down;             // dx through A
            if (dora)                      // the row norm: W0·Aᵀ, A·Aᵀ, B·(A·Aᵀ); detached, so forward only
                flops += 2 * l.out * l.in * r + 2 * r * l.in * r + 2 * l.out * r * r;
        }
        // Attention: q·kᵀ and p·v over all heads, (T, T, d) each per sample; backward needs both operands' gradients.
        const double attention = 2 * 2.0 * s.batch * double(s.seq) * s.seq * d;
        flops += attention * 3;
    }
    const double head = 2 * tokens * d * s.vocab;  // logits against the tied, frozen embedding
    flops += 2 * head;                              // forward and dx
    return flops / 1e9;
}

}  // namespace dora
