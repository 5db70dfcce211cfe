#include "runner/artifacts.h"

#include "kernel/source_build.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace bootlab::runner {
namespace {

std::string guest_init_script() {
    // The source tree's guest-images/, found from the build (BOOTLAB_SOURCE_DIR) or overridden.
    if (const char* p = std::getenv("BOOTLAB_GUEST_IMAGES"); p && *p) return std::string(p) + "/init.sh";
    return std::string(BOOTLAB_SOURCE_DIR) + "/guest-images/init.sh";
}

} // namespace

BootRequest Artifacts::request(const ExperimentSpec& spec, const BootPlan& plan, bool hang) const {
    BootRequest r{kernels[plan.kernel], images.at({plan.kernel, plan.hardware}), spec.hardware[plan.hardware].devices,
                  spec.variants[plan.variant].flags, spec.smp, spec.memory_mb, spec.timeout};
    r.stall = spec.stall;
    r.accel = spec.accel;
    r.hang = hang;
    return r;
}

std::vector<Artifact> Artifacts::files() const {
    std::vector<Artifact> f;
    std::set<std::string> seen;
    for (const auto& k : kernels)
        if (seen.insert(k.image.string()).second) f.push_back({k.image, k.hash});
    for (const auto& [key, img] : images)
        if (seen.insert(img.path.string()).second) f.push_back({img.path, img.hash});
    return f;
}

Artifacts prepare_artifacts(const ExperimentSpec& spec, const std::function<void(const std::string&)>& say,
                            const std::atomic<bool>& cancel) {
    Artifacts a;
    for (const auto& k : spec.kernels) {
        if (k.source == "distro") {
            a.kernels.push_back(kernel::stock_kernel(say));
        } else if (k.source == "series") {
            kernel::BuildOptions bo;
            bo.progress = [&](const std::string& m) { say("kernel " + k.name + ": " + m); };
            bo.cancel = &cancel;
            a.kernels.push_back(kernel::series_kernel(kernel::load_series(k.series, k.patches), bo));
        } else {
            a.kernels.push_back(kernel::kernel_from_files(k.name, k.image, {}));
        }
        a.kernels.back().name = k.name;
        say("kernel " + k.name + ": " + (a.kernels.back().package.empty() ? a.kernels.back().image.string()
                                                                          : a.kernels.back().package));
    }
    // an image per kernel and hardware set that some boot uses (slowprobe hardware, say, only
    // exists for the patched kernel)
    std::set<std::pair<std::size_t, std::size_t>> used;
    for (const auto& p : expand(spec, 0)) used.insert({p.kernel, p.hardware});
    for (const auto& [k, h] : used) {
        image::ImageSpec is;
        is.modules = modules_for(spec.hardware[h].devices);
        is.init_script = guest_init_script();
        if (std::find(is.modules.begin(), is.modules.end(), "bootlab_slowprobe") != is.modules.end())
            is.extra.emplace_back(std::string("lib/firmware/") + kSlowprobeFirmware, image::slowprobe_firmware());
        a.images[{k, h}] = image::build_initramfs(a.kernels[k], is, say);
    }
    return a;
}

} // namespace bootlab::runner
