#pragma once
// What an experiment's boots need before the first one starts: its kernels (downloaded or
// built) and a guest image per kernel and hardware set that some boot uses. Failures here cost
// no boots.
#include "image/initramfs.h"
#include "kernel/kernel.h"
#include "runner/backend.h"
#include "runner/experiment.h"

#include <atomic>
#include <functional>
#include <map>
#include <utility>
#include <vector>

namespace bootlab::runner {

struct Artifacts {
    std::vector<kernel::Kernel> kernels;                               // by spec.kernels index
    std::map<std::pair<std::size_t, std::size_t>, image::Image> images; // (kernel, hardware set)

    // The request one boot of the matrix makes.
    BootRequest request(const ExperimentSpec& spec, const BootPlan& plan, bool hang) const;
    // Every file a boot reads, as a backend copies them to a host.
    std::vector<Artifact> files() const;
};

Artifacts prepare_artifacts(const ExperimentSpec& spec, const std::function<void(const std::string&)>& say,
                            const std::atomic<bool>& cancel);

} // namespace bootlab::runner
