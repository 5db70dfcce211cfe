#include "runner/run_experiment.h"

#include "common/error.h"
#include "ingest/ingest.h"
#include "kernel/source_build.h"
#include "runner/qemu.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unistd.h>

namespace bootlab::runner {
namespace {

std::string guest_init_script() {
    // The source tree's guest-images/, found from the build (BOOTLAB_SOURCE_DIR) or overridden.
    if (const char* p = std::getenv("BOOTLAB_GUEST_IMAGES"); p && *p) return std::string(p) + "/init.sh";
    return std::string(BOOTLAB_SOURCE_DIR) + "/guest-images/init.sh";
}

} // namespace

std::string hostname() {
    char b[256] = {};
    ::gethostname(b, sizeof b - 1);
    return b;
}

std::string shell_quote(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        if (a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:+@") ==
            std::string::npos) {
            s += a;
            continue;
        }
        s += '\'';
        for (char c : a) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
        s += '\'';
    }
    return s;
}

ExperimentResult run_experiment(store::Store& store, const ExperimentSpec& spec, const RunOptions& opt,
                                const RunEvents& ev, const std::atomic<bool>& cancel) {
    auto say = [&](const std::string& m) { if (ev.message) ev.message(m); };

    // Kernels and guest images first: failures here cost no boots.
    std::vector<kernel::Kernel> kernels;
    for (const auto& k : spec.kernels) {
        if (k.source == "distro") {
            kernels.push_back(kernel::stock_kernel(say));
        } else if (k.source == "series") {
            kernel::BuildOptions bo;
            bo.progress = [&](const std::string& m) { say("kernel " + k.name + ": " + m); };
            bo.cancel = &cancel;
            kernels.push_back(kernel::series_kernel(kernel::load_series(k.series), bo));
        } else {
            kernels.push_back(kernel::kernel_from_files(k.name, k.image, {}));
        }
        kernels.back().name = k.name;
        say("kernel " + k.name + ": " + (kernels.back().package.empty() ? kernels.back().image.string()
                                                                         : kernels.back().package));
    }
    // an image per kernel and hardware set that some boot uses (slowprobe hardware, say, only
    // exists for the patched kernel)
    std::set<std::pair<std::size_t, std::size_t>> used;
    for (const auto& p : expand(spec, 0)) used.insert({p.kernel, p.hardware});
    std::map<std::pair<std::size_t, std::size_t>, image::Image> images;
    for (const auto& [k, h] : used) {
        image::ImageSpec is;
        is.modules = modules_for(spec.hardware[h].devices);
        is.init_script = guest_init_script();
        if (std::find(is.modules.begin(), is.modules.end(), "bootlab_slowprobe") != is.modules.end())
            is.extra.emplace_back(std::string("lib/firmware/") + kSlowprobeFirmware, image::slowprobe_firmware());
        images[{k, h}] = image::build_initramfs(kernels[k], is, say);
    }

    ExperimentResult result;
    std::map<std::pair<std::string, int>, std::vector<store::RunInfo>> earlier;
    if (!opt.fresh)
        if (auto id = store.find_experiment(spec.name, spec.text)) {
            result.experiment_id = *id;
            for (auto& r : store.runs_of(*id)) earlier[{r.variant, static_cast<int>(r.repetition)}].push_back(r);
        }

    const std::uint64_t seed = opt.seed ? opt.seed
        : static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    std::vector<BootPlan> todo;
    for (const auto& p : expand(spec, seed)) {
        bool done = false;
        for (const auto& r : earlier[{p.label, p.repetition}]) done |= r.status != "cancelled";
        if (done) ++result.skipped;
        else todo.push_back(p);
    }
    if (result.experiment_id)
        say((todo.empty() ? "experiment " : "resuming experiment ") + std::to_string(result.experiment_id) +
            ": " + std::to_string(result.skipped) + " boots already stored, " + std::to_string(todo.size()) +
            " to go" + (todo.empty() ? " (--new boots it all again)" : ""));

    const std::string host = hostname();
    std::mutex mu;               // guards the store, the result and `next`
    std::size_t next = 0;
    int done_count = result.skipped;
    const int total = static_cast<int>(todo.size()) + result.skipped;

    std::exception_ptr failure; // the first error of any worker: rethrown after all have stopped
    std::atomic<bool> stop{false};
    auto work_loop = [&] {
        for (;;) {
            BootPlan plan;
            {
                std::lock_guard<std::mutex> lock(mu);
                if (next >= todo.size() || cancel || stop) return;
                plan = todo[next++];
            }
            BootRequest req{kernels[plan.kernel], images.at({plan.kernel, plan.hardware}),
                            spec.hardware[plan.hardware].devices, spec.variants[plan.variant].flags,
                            spec.smp, spec.memory_mb, spec.timeout, opt.hang};
            BootOutcome out;
            try {
                auto console = [&](std::string_view bytes) {
                    if (ev.console) ev.console(plan, bytes);
                };
                out = boot_qemu(req, cancel, console, [&](const std::vector<std::string>& argv) {
                    std::lock_guard<std::mutex> lock(mu);
                    if (ev.starting) ev.starting(plan, argv);
                });
            } catch (const Error& e) {
                out.status = "error";
                out.error = e.what();
            }
            std::lock_guard<std::mutex> lock(mu);
            ingest::ImportOptions io;
            io.run.experiment_id = result.experiment_id ? std::optional(result.experiment_id) : std::nullopt;
            io.run.experiment_name = spec.name;
            io.run.experiment_origin = opt.origin;
            io.run.experiment_spec = spec.text;
            io.run.variant = plan.label;
            io.run.repetition = plan.repetition;
            io.run.backend = "qemu";
            io.run.host = host;
            io.run.source = spec.file.string();
            io.run.emulator_argv = nlohmann::json(out.argv).dump();
            io.run.wall_us = out.wall_us;
            const kernel::Kernel& kern = kernels[plan.kernel];
            io.run.kernel = {kern.hash, kern.origin == "file" ? "unknown" : kern.origin, kern.series,
                             kern.config_hash};
            for (const auto& r : earlier[{plan.label, plan.repetition}]) io.run.replaces.push_back(r.id);
            io.require_initcalls = false;
            if (out.status != "ok") {
                io.status = out.status;
                io.error = out.error;
            }
            auto r = ingest::import_text(store, out.log, spec.name + " " + plan.label, io);
            result.experiment_id = r.experiment_id;
            ++result.booted;
            if (r.status != "ok" && r.status != "cancelled") ++result.failed;
            if (r.status == "cancelled") result.cancelled = true;
            ++done_count;
            if (ev.finished) ev.finished(plan, store.require_run(r.run_id), done_count, total);
        }
    };
    // An exception must not escape a thread (that aborts the process, QEMU and all): the first
    // one stops the other workers after their current boot and is rethrown here.
    auto worker = [&] {
        try {
            work_loop();
        } catch (...) {
            std::lock_guard<std::mutex> lock(mu);
            if (!failure) failure = std::current_exception();
            stop = true;
        }
    };
    std::vector<std::thread> pool;
    for (int i = 0; i < std::max(1, opt.jobs); ++i) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    if (cancel) result.cancelled = true;
    return result;
}

} // namespace bootlab::runner
