// The GPU check (README.md, "GPU"): what a CUDA build of LibTorch does with DoRA Studio's engine,
// compared with the CPU and with independent dense computations. No Qt, so it builds in an
// engine-only build (DORA_ENGINE_ONLY) on a machine with pip's CUDA torch.
//
//   gpu_check                  exit 77 (CTest: skipped) when LibTorch sees no CUDA device
//   gpu_check --require-cuda   exit 1 instead: on a machine that is meant to have a GPU
//   gpu_check --only-checkpoints  part (c) alone
//   gpu_check --crash-report   markers while freeing, and code addresses on the stack on SIGSEGV
//   gpu_check --device cpu     every check with the CPU in the GPU's place (a dry run of this program)
//
// It prints each check with its numbers and ends with the count of failures (exit 1 if any).
#include <torch/torch.h>

#include "tensor_compare.h"

#include "adapters/adaptable_linear.h"
#include "data/text_codec.h"
#include "dora/error.h"
#include "dora/language_model.h"
#include "dora/training.h"
#include "models/builtin_models.h"
#include "models/generation.h"
#include "models/model.h"
#include "train/layer_stats.h"
#include "train/trainer_impl.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <torch/version.h>
#include <csignal>
#include <dlfcn.h>
#include <ftw.h>
#include <ucontext.h>
#include <unistd.h>

namespace fs = std::filesystem;
using dora::adapters::AdaptableLinear;
using dora::adapters::AdapterOptions;
using dora::adapters::Method;
using dora::testing::relative_error;

namespace {

int g_checks = 0, g_failures = 0;
bool g_trace = false;

void trace(const char* what)
{
    if (g_trace)
        std::printf("      .. %s\n", what);
}

// --crash-report: on SIGSEGV, the faulting address and every word near the stack pointer that is an
// address inside a loaded object, symbolised (a call through a null pointer leaves no frame to unwind).
void crash_report(int sig, siginfo_t* info, void* context)
{
    char line[1024];
    int n = 0;
#if defined(__x86_64__)
    const auto* uc = static_cast<const ucontext_t*>(context);
    const auto* sp = reinterpret_cast<void* const*>(uc->uc_mcontext.gregs[REG_RSP]);
    n = std::snprintf(line, sizeof line, "signal %d: pc %p, fault address %p; code addresses on the stack:\n", sig,
                      reinterpret_cast<void*>(uc->uc_mcontext.gregs[REG_RIP]), info->si_addr);
    (void)!::write(2, line, n);
    int shown = 0;
    for (int i = 0; i < 512 && shown < 48; ++i) {
        Dl_info where{};
        if (!dladdr(sp[i], &where) || !where.dli_fname || !where.dli_sname)
            continue;
        ++shown;
        n = std::snprintf(line, sizeof line, "  sp[%d] %p %s+%#lx (%s)\n", i, sp[i], where.dli_sname,
                          static_cast<unsigned long>(static_cast<const char*>(sp[i]) - static_cast<const char*>(where.dli_saddr)),
                          where.dli_fname);
        (void)!::write(2, line, n);
    }
#endif
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

void check(bool ok, const std::string& what)
{
    ++g_checks;
    if (!ok)
        ++g_failures;
    std::printf("%s  %s\n", ok ? "PASS" : "FAIL", what.c_str());
    std::fflush(stdout);
}

std::string fmt(const char* format, double a, double b = 0, double c = 0, double d = 0)
{
    char text[512];
    std::snprintf(text, sizeof text, format, a, b, c, d);
    return text;
}

double relative_difference(double got, double want) { return std::fabs(got - want) / std::max(std::fabs(want), 1e-30); }

// ---------------------------------------------------------------------------------------------
// (a) One adapted layer: forward and backward on the device against the CPU (where the fused CPU
// Function runs) and against a float64 dense computation, W' = m ⊙ (W0 + s·B·A) / ‖W0 + s·B·A‖_row.

struct LayerGrads {
    torch::Tensor y, dx, dA, dB, dm;  // on the CPU, float64; dm undefined for LoRA
};

AdaptableLinear make_layer(Method method, bool detach_norm, int64_t in, int64_t out, int64_t rank)
{
    torch::manual_seed(11);
    AdaptableLinear layer(in, out, true);
    AdapterOptions options;
    options.method = method;
    options.rank = rank;
    options.alpha = 16;
    options.detach_norm = detach_norm;
    layer->attach(options);
    torch::manual_seed(12);  // B and m moved away from their start, as after training; same on both copies
    torch::NoGradGuard no_grad;
    layer->lora_B.copy_(torch::randn({out, rank}) * 0.3);
    if (method == Method::DoRA)
        layer->magnitude.mul_(torch::rand({out}) + 0.5);
    return layer;
}

LayerGrads run_layer(AdaptableLinear& layer, const torch::Tensor& x, const torch::Tensor& dy, torch::Device device)
{
    for (auto& p : layer->parameters())
        p.mutable_grad() = torch::Tensor();
    const torch::Tensor xd = x.to(device).detach().requires_grad_(true);
    const torch::Tensor y = layer(xd);
    y.backward(dy.to(device));
    auto host = [](const torch::Tensor& t) { return t.defined() ? t.detach().to(torch::kCPU, torch::kDouble) : t; };
    return {host(y), host(xd.grad()), host(layer->lora_A.grad()), host(layer->lora_B.grad()),
            layer->magnitude.defined() ? host(layer->magnitude.grad()) : torch::Tensor()};
}

LayerGrads dense_reference(AdaptableLinear& layer, const torch::Tensor& x, const torch::Tensor& dy, bool dora,
                           bool detach_norm)
{
    auto leaf = [](const torch::Tensor& t) { return t.detach().to(torch::kCPU, torch::kDouble).requires_grad_(true); };
    const torch::Tensor w0 = layer->weight.detach().to(torch::kCPU, torch::kDouble);
    const torch::Tensor b = layer->bias.detach().to(torch::kCPU, torch::kDouble);
    const torch::Tensor A = leaf(layer->lora_A), B = leaf(layer->lora_B), xd = leaf(x);
    torch::Tensor m;
    torch::Tensor w = w0 + layer->scale() * torch::mm(B, A);
    if (dora) {
        m = leaf(layer->magnitude);
        torch::Tensor norm = w.norm(2, 1, true);
        if (detach_norm)
            norm = norm.detach();
        w = m.unsqueeze(1) * w / norm;
    }
    const torch::Tensor y = torch::linear(xd, w, b);
    y.backward(dy.to(torch::kDouble));
    return {y.detach(), xd.grad(), A.grad(), B.grad(), dora ? m.grad() : torch::Tensor()};
}

void check_layer(torch::Device device, const char* label, Method method, bool detach_norm)
{
    const int64_t in = 96, out = 80, rank = 8;
    AdaptableLinear on_cpu = make_layer(method, detach_norm, in, out, rank);
    AdaptableLinear on_device = make_layer(method, detach_norm, in, out, rank);
    on_device->to(device);
    torch::manual_seed(13);
    const torch::Tensor x = torch::randn({4, 17, in});
    const torch::Tensor dy = torch::randn({4, 17, out});

    const LayerGrads d = run_layer(on_device, x, dy, device);
    const LayerGrads c = run_layer(on_cpu, x, dy, torch::kCPU);
    const LayerGrads r = dense_reference(on_cpu, x, dy, method == Method::DoRA, detach_norm);
    // float32 sums of 96 (forward) or 68 (gradients over tokens) products: single-precision rounding
    // is about 1e-7 relative per term, so 1e-5 (outputs) and 1e-4 (gradients) leave room for the
    // different summation orders of cuBLAS, the CPU BLAS and the fused CPU loops, and no more.
    const char* names[] = {"y", "dx", "dA", "dB", "dm"};
    const torch::Tensor LayerGrads::*fields[] = {&LayerGrads::y, &LayerGrads::dx, &LayerGrads::dA, &LayerGrads::dB,
                                                 &LayerGrads::dm};
    for (int i = 0; i < 5; ++i) {
        const torch::Tensor& gd = d.*fields[i];
        const torch::Tensor& gc = c.*fields[i];
        const torch::Tensor& gr = r.*fields[i];
        if (!gr.defined())
            continue;
        const double tol = i == 0 ? 1e-5 : 1e-4;
        const bool defined = gd.defined() && gc.defined();
        const double dev_cpu = defined ? relative_error(gd, gc) : 1.0;
        const double dev_ref = defined ? relative_error(gd, gr) : 1.0;
        const double cpu_ref = defined ? relative_error(gc, gr) : 1.0;
        check(defined && dev_cpu <= tol && dev_ref <= tol && cpu_ref <= tol,
              std::string("layer ") + label + " " + names[i] +
                  fmt(": rel.err device-vs-cpu %.2e, device-vs-dense64 %.2e, cpu-vs-dense64 %.2e (tol %.0e)", dev_cpu,
                      dev_ref, cpu_ref, tol));
    }

    // Merge on the device: the plain layer with the folded weight gives the adapted output; unmerge
    // gives W0 back.
    torch::NoGradGuard no_grad;
    const torch::Tensor w0 = on_device->weight.detach().clone();
    const torch::Tensor xd = x.to(device);
    const torch::Tensor adapted = on_device(xd);
    on_device->merge();
    const torch::Tensor merged = on_device(xd);
    on_device->unmerge();
    const double merge_err = relative_error(merged, adapted), unmerge_err = relative_error(on_device->weight, w0);
    check(merge_err <= 1e-5 && unmerge_err <= 1e-5 && on_device->weight.device() == xd.device(),
          std::string("layer ") + label + fmt(" merge/unmerge on the device: merged-vs-adapted %.2e, W0 after unmerge %.2e",
                                               merge_err, unmerge_err));

    // ΔM/ΔD of the layer computed from the device's tensors and from the CPU's.
    const dora::LayerStats sd = dora::train::compute_layer_stats(1, {{"l", on_device}});
    const dora::LayerStats sc = dora::train::compute_layer_stats(1, {{"l", on_cpu}});
    const double dm = relative_difference(sd.layers[0].delta_magnitude, sc.layers[0].delta_magnitude);
    const double dd = relative_difference(sd.layers[0].delta_direction, sc.layers[0].delta_direction);
    check(dm <= 1e-4 && dd <= 1e-4,
          std::string("layer ") + label +
              fmt(" stats: dM device %.6g cpu %.6g, dD device %.6g cpu %.6g", sd.layers[0].delta_magnitude,
                  sc.layers[0].delta_magnitude, sd.layers[0].delta_direction, sc.layers[0].delta_direction));
}

// ---------------------------------------------------------------------------------------------
// (b) Training runs through the public Trainer, train.device = cuda against cpu.

struct Recorder : dora::TrainingObserver {
    std::vector<dora::StepMetrics> steps;
    std::vector<dora::EvalResult> evals;
    std::vector<dora::LayerStats> stats;
    std::vector<std::string> messages;
    void on_step(const dora::StepMetrics& m) override { steps.push_back(m); }
    void on_eval(const dora::EvalResult& e) override { evals.push_back(e); }
    void on_layer_stats(const dora::LayerStats& s) override { stats.push_back(s); }
    void on_message(const std::string& m) override { messages.push_back(m); }
};

dora::RunConfig demo_config(const std::string& demo, const std::string& method, const std::string& device)
{
    dora::RunConfig c;
    c.model.builtin = c.data.builtin = demo;
    c.adapter.method = method;
    c.train.device = device;
    c.train.threads = 4;
    c.train.eval_every = 4;
    c.train.checkpoint_every = 0;
    c.log.layer_stats_every = 4;
    c.train.steps = 12;
    if (demo == "demo-mlp") {
        c.adapter.targets = {"fc1", "fc2"};
        c.adapter.rank = 2;
        c.train.batch_size = 64;
        c.train.lr = method == "full" ? 3e-3 : 1e-2;
    } else {
        c.adapter.targets = {".*c_attn", ".*c_fc"};
        c.data.seq_len = 32;
        c.train.batch_size = 8;
        c.train.lr = method == "full" ? 1e-3 : 5e-3;
    }
    return c;
}

struct Run {
    std::unique_ptr<dora::Trainer> trainer;
    Recorder recorder;
    dora::RunSummary summary;
};

std::unique_ptr<Run> train(const dora::RunConfig& config, const std::string& checkpoint_dir = "",
                           const std::string& resume_from = "")
{
    auto run = std::make_unique<Run>();
    run->trainer = std::make_unique<dora::Trainer>(config);
    if (!checkpoint_dir.empty())
        run->trainer->set_checkpoint_dir(checkpoint_dir);
    if (!resume_from.empty())
        run->trainer->resume_from_checkpoint(resume_from);
    dora::TrainingControl control;
    run->summary = run->trainer->train(run->recorder, control);
    if (!run->summary.message.empty())
        std::printf("      (%s)\n", run->summary.message.c_str());
    return run;
}

void compare_runs(const std::string& label, const std::string& device_name, const Run& d, const Run& c)
{
    const auto& ds = d.recorder.steps;
    const auto& cs = c.recorder.steps;
    const int steps = d.trainer->config().train.steps;
    check(d.summary.status == "finished" && c.summary.status == "finished" && int(ds.size()) == steps &&
              int(cs.size()) == steps && d.trainer->device_name() == device_name,
          label + ": both runs finish all " + std::to_string(steps) + " steps; the device run reports device '" +
              d.trainer->device_name() + "' (" + fmt("%.2f s on the device, %.2f s on the CPU)", d.summary.seconds, c.summary.seconds));
    if (int(ds.size()) != steps || int(cs.size()) != steps)
        return;
    bool finite = true;
    double worst = 0;
    int worst_step = 0;
    for (int i = 0; i < steps; ++i) {
        finite = finite && std::isfinite(ds[i].loss) && std::isfinite(ds[i].grad_norm);
        const double r = relative_difference(ds[i].loss, cs[i].loss);
        if (r > worst)
            worst = r, worst_step = i + 1;
    }
    std::printf("      losses device:");
    for (const auto& m : ds)
        std::printf(" %.6f", m.loss);
    std::printf("\n      losses cpu:   ");
    for (const auto& m : cs)
        std::printf(" %.6f", m.loss);
    std::printf("\n");
    // Step 1 runs the same model on the same batch: only summation order differs (1e-5). Later steps
    // add AdamW updates, whose first steps are about ±lr per element whatever the gradient's size, so
    // rounding differences in small gradients move the weights a little: 1e-3 relative on the loss.
    const double first = relative_difference(ds[0].loss, cs[0].loss);
    const double first_eval = relative_difference(d.summary.first_eval_loss, c.summary.first_eval_loss);
    const double final_eval = relative_difference(d.summary.final_eval_loss, c.summary.final_eval_loss);
    check(finite && first <= 1e-5 && first_eval <= 1e-5,
          label + fmt(": finite losses; step 1 loss %.6f vs cpu %.6f (rel %.1e); eval before training rel %.1e",
                      ds[0].loss, cs[0].loss, first, first_eval));
    check(worst <= 1e-3 && final_eval <= 1e-3,
          label + fmt(": worst step-loss rel.diff %.2e (step %.0f); final eval %.6f vs cpu %.6f", worst, worst_step,
                      d.summary.final_eval_loss, c.summary.final_eval_loss));
    // Layer statistics: the same layers, close to the CPU's (they follow the weights, so 1e-2).
    const auto& dl = d.recorder.stats.back().layers;
    const auto& cl = c.recorder.stats.back().layers;
    double worst_m = 0, worst_d = 0;
    bool same = dl.size() == cl.size() && !dl.empty();
    for (size_t i = 0; same && i < dl.size(); ++i) {
        same = dl[i].layer == cl[i].layer;
        worst_m = std::max(worst_m, relative_difference(dl[i].delta_magnitude, cl[i].delta_magnitude));
        worst_d = std::max(worst_d, relative_difference(dl[i].delta_direction, cl[i].delta_direction));
    }
    check(same && worst_m <= 1e-2 && worst_d <= 1e-2 && d.recorder.stats.size() == c.recorder.stats.size(),
          label + fmt(": layer stats at the last step, worst rel.diff dM %.2e dD %.2e (first layer dM %.4g dD %.4g)",
                      worst_m, worst_d, dl.empty() ? 0.0 : dl[0].delta_magnitude, dl.empty() ? 0.0 : dl[0].delta_direction));
}

void check_training(const std::string& device_name, const std::string& demo, const std::string& method)
{
    const std::string label = "train " + demo + " " + method;
    try {
        auto d = train(demo_config(demo, method, device_name));
        auto c = train(demo_config(demo, method, "cpu"));
        compare_runs(label, device_name, *d, *c);
    } catch (const std::exception& e) {
        check(false, label + ": threw " + e.what());
    }
}

// ---------------------------------------------------------------------------------------------
// (c) Checkpoint and resume on the device; exports and generation from a model trained there.

void check_resume(const std::string& device_name, const fs::path& tmp, double dropout)
{
    const std::string label = "resume on " + device_name + fmt(" (dropout %.1f)", dropout);
    try {
        dora::RunConfig c = demo_config("demo-gpt", "dora", device_name);
        c.train.steps = 10;
        c.train.checkpoint_every = 5;
        c.adapter.dropout = dropout;
        const fs::path dir = tmp / ("resume-" + std::to_string(int(dropout * 10)));
        auto whole = train(c, dir.string());
        auto resumed = train(c, "", (dir / "step-5.safetensors").string());
        const auto& w = whole->recorder.steps;
        const auto& r = resumed->recorder.steps;
        bool ok = whole->summary.status == "finished" && resumed->summary.status == "finished" && w.size() == 10 &&
                  r.size() == 5;
        double worst = ok ? 0 : 1;
        bool equal = ok;
        std::printf("      steps 6-10 uninterrupted / resumed:");
        for (size_t i = 0; ok && i < 5; ++i) {
            std::printf(" %.6f/%.6f", w[5 + i].loss, r[i].loss);
            worst = std::max(worst, relative_difference(r[i].loss, w[5 + i].loss));
            equal = equal && r[i].loss == w[5 + i].loss;
        }
        std::printf("\n");
        // The same kernels on the same inputs in the same order: equal unless a kernel is
        // nondeterministic (atomics), which would show as differences near 1e-7.
        check(ok && worst <= 1e-6, label + fmt(": steps 6-10 after resuming from step 5, worst rel.diff %.2e", worst) +
                                       (equal ? " (bitwise equal)" : ""));
        if (dropout > 0 && device_name == "cuda") {
            // What a resume did before checkpoints held the device's generator: the new trainer's
            // generator as its seeding left it. The dropout masks then repeat those of steps 1-5.
            Run before_fix;
            before_fix.trainer = std::make_unique<dora::Trainer>(c);
            before_fix.trainer->resume_from_checkpoint((dir / "step-5.safetensors").string());
            {
                auto generator = at::globalContext().defaultGenerator(torch::Device(torch::kCUDA, 0));
                std::lock_guard<std::mutex> lock(generator.mutex());
                generator.set_current_seed(c.train.seed);
            }
            dora::TrainingControl control;
            before_fix.summary = before_fix.trainer->train(before_fix.recorder, control);
            const auto& b = before_fix.recorder.steps;
            double differs = 0;
            for (size_t i = 0; i < b.size() && i < 5 && w.size() == 10; ++i)
                differs = std::max(differs, relative_difference(b[i].loss, w[5 + i].loss));
            check(b.size() == 5 && differs > 1e-6,
                  label + fmt(": with the device generator left as seeded (before checkpoints saved it) steps 6-10 "
                              "differ, worst rel.diff %.2e: the check above can see a lost generator state", differs));
        }
    } catch (const std::exception& e) {
        check(false, label + ": threw " + e.what());
    }
}

void check_exports(const std::string& device_name, const fs::path& tmp)
{
    const std::string label = "export from " + device_name;
    try {
        auto run = train(demo_config("demo-gpt", "dora", device_name));
        dora::Trainer& trainer = *run->trainer;
        auto& impl = trainer.internals();
        auto* lm = dynamic_cast<dora::models::LanguageModel*>(impl.model.get());
        const std::vector<long long> ids = dora::encode_text("demo-gpt", "The quick brown fox jumps over the lazy dog. ");
        const torch::Tensor all = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kLong).unsqueeze(0);
        const int64_t n = all.size(1);
        auto device_loss = [&] {
            torch::NoGradGuard no_grad;
            impl.model->eval();
            dora::models::Batch batch{all.slice(1, 0, n - 1).to(impl.device), all.slice(1, 1, n).to(impl.device)};
            return impl.model->loss(batch).item<double>();
        };
        const double before = device_loss();
        torch::Tensor device_logits;
        {
            torch::NoGradGuard no_grad;
            device_logits = lm->forward(all.to(impl.device)).to(torch::kCPU);
        }
        const fs::path adapter_dir = tmp / "adapter", merged_dir = tmp / "merged";
        trainer.export_adapter(adapter_dir.string());
        trainer.export_merged(merged_dir.string());
        const double after = device_loss();
        const bool still_there = impl.model->parameters().front().device().type() == impl.device.type();
        const double with_adapter = dora::score_ids("demo-gpt", ids, adapter_dir.string()).loss;
        const double merged = dora::score_ids(merged_dir.string(), ids).loss;
        // The export merges the live layers and unmerges them after writing: float32 rounding in
        // W0 = W'/g − s·B·A leaves differences near 1e-7 (the same on the CPU).
        const double unmerge = relative_difference(after, before);
        check(still_there && unmerge <= 1e-6,
              label + fmt(": the model stays on the device and unmerged after exporting (loss %.7f before, %.7f "
                          "after, rel %.1e)", before, after, unmerge));
        const double ra = relative_difference(with_adapter, before), rm = relative_difference(merged, before);
        check(ra <= 1e-5 && rm <= 1e-5,
              label + fmt(": loss on the device %.7f; on the CPU with the exported adapter %.7f (rel %.1e)", before,
                          with_adapter, ra) + fmt(", from the merged folder %.7f (rel %.1e)", merged, rm));

        auto merged_model = std::dynamic_pointer_cast<dora::models::LanguageModel>(dora::models::load_model(merged_dir.string()));
        torch::Tensor cpu_logits;
        {
            torch::NoGradGuard no_grad;
            merged_model->eval();
            cpu_logits = merged_model->forward(all);
        }
        const double logit_err = relative_error(device_logits, cpu_logits);
        check(logit_err <= 1e-5, label + fmt(": logits on the device vs the merged folder on the CPU, rel.err %.2e", logit_err));

        // "Try it": greedy continuation by the model on the device and by the merged folder on the CPU.
        dora::GenerateOptions options;
        options.max_new_tokens = 40;
        const std::string prompt = "The ";
        const std::string on_device =
            dora::models::continue_prompt(*lm, dora::data::TextCodec::for_source("demo-gpt"), prompt, options);
        const std::string on_cpu = dora::generate_text(merged_dir.string(), prompt, options);
        std::printf("      device: \"%s\"\n      cpu:    \"%s\"\n", on_device.c_str(), on_cpu.c_str());
        check(!on_device.empty() && on_device == on_cpu,
              label + ": greedy generation on the device equals the merged folder's on the CPU");
        trace("free the merged model loaded on the CPU");
        merged_model.reset();
        trace("free the logits");
        device_logits = cpu_logits = torch::Tensor();
        trace("free the trainer that trained on the device");
        run.reset();
        trace("trainer freed");
    } catch (const std::exception& e) {
        check(false, label + ": threw " + e.what());
    }
}

// Not std::filesystem::remove_all: built against pip's torch, that call binds to the copy libtorch.so
// exports, which jumped to address 0 on the H200 machine (README.md, "GPU"). POSIX nftw instead.
void remove_tree(const fs::path& dir)
{
    nftw(dir.c_str(), [](const char* path, const struct stat*, int, struct FTW*) { ::remove(path); return 0; },
         16, FTW_DEPTH | FTW_PHYS);
}

}  // namespace

int main(int argc, char** argv)
{
    std::string device_name = "cuda";
    bool require_cuda = false, only_checkpoints = false;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line as it is printed, also into a pipe
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--require-cuda")
            require_cuda = true;
        else if (arg == "--only-checkpoints")  // part (c) alone
            only_checkpoints = true;
        else if (arg == "--crash-report") {  // markers while freeing, and a report on SIGSEGV
            g_trace = true;
            struct sigaction action {};
            action.sa_sigaction = crash_report;
            action.sa_flags = SA_SIGINFO;
            sigaction(SIGSEGV, &action, nullptr);
        }
        else if (arg == "--device" && i + 1 < argc)
            device_name = argv[++i];
        else {
            std::fprintf(stderr, "usage: gpu_check [--device cuda|cpu] [--require-cuda] [--only-checkpoints] [--crash-report]\n");
            return 2;
        }
    }
    std::printf("LibTorch %s, CUDA available: %s, CUDA devices: %d, cuDNN: %s\n", TORCH_VERSION,
                torch::cuda::is_available() ? "yes" : "no", static_cast<int>(torch::cuda::device_count()),
                torch::cuda::cudnn_is_available() ? "yes" : "no");
    if (device_name == "cuda" && !torch::cuda::is_available()) {
        std::printf("SKIPPED: this LibTorch build sees no CUDA device\n");
        return require_cuda ? 1 : 77;
    }
    const torch::Device device(device_name == "cuda" ? torch::kCUDA : torch::kCPU);
    const fs::path tmp = fs::temp_directory_path() / ("dora-gpu-check-" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    const auto started = std::chrono::steady_clock::now();

    if (!only_checkpoints) {
        std::printf("== (a) one adapted layer, float32, %s vs cpu vs float64 dense formula\n", device_name.c_str());
        check_layer(device, "lora", Method::LoRA, true);
        check_layer(device, "dora", Method::DoRA, true);
        check_layer(device, "dora exact-norm-grad", Method::DoRA, false);

        std::printf("== (b) training, train.device=%s vs cpu, 12 steps\n", device_name.c_str());
        for (const char* method : {"lora", "dora", "full"})
            check_training(device_name, "demo-gpt", method);
        check_training(device_name, "demo-mlp", "dora");
        if (device_name == "cuda") {
            dora::RunConfig c = demo_config("demo-gpt", "dora", "auto");
            check(dora::Trainer(c).device_name() == "cuda", "train.device=auto picks cuda when LibTorch sees a GPU");
        }
    }

    std::printf("== (c) checkpoints, exports and generation on %s\n", device_name.c_str());
    check_resume(device_name, tmp, 0.0);
    check_resume(device_name, tmp, 0.1);
    check_exports(device_name, tmp);

    trace("remove the temporary folder");
    remove_tree(tmp);
    std::printf("== %d checks, %d failed (%.1f s)\n", g_checks, g_failures,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return g_failures == 0 ? 0 : 1;
}
