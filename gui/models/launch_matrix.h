#pragma once
// The Launch form's matrix, headless: each flag on, off or both, each choice any subset of its
// values, several hardware sets; expanded to the product of what varies, each variant named
// after what it changes ("fastboot.scan-sync"). The form fills it; the tests check it.
#include "runner/experiment.h"
#include "store/store.h"

#include <QString>
#include <string>
#include <vector>

namespace bootlab::gui {

struct LaunchMatrix {
    // the values ticked for each flag: {true}, {false} or {true, false}
    std::vector<bool> initcall_debug{true}, fastboot{false}, deterministic{false};
    // the values ticked for each choice ("" is the kernel's or driver's default)
    std::vector<std::string> scsi_scan{""}, capture{"console"}, slowprobe{""};
    std::vector<std::string> driver_async_probe, async_probe_modules; // the same in every variant
    std::string extra;
};

// The product of what varies, in the order of the form's fields. One variant when nothing
// varies, named after what its flags change from the defaults.
std::vector<runner::Variant> expand_variants(const LaunchMatrix& m);

// Why booting this experiment makes no sense, naming the variant, kernel or hardware ("" if it
// does): fastboot on a kernel without the async init gate, the slow-probe driver's strategy or
// devices on a kernel without the driver, a SCSI scan mode on hardware with no SCSI adapter.
std::string nonsense(const runner::ExperimentSpec& s);

// "2 kernels × 2 hardware × 4 variants × 3 reps = 48 boots, about 9 min at 1 parallel boot",
// the time from the median wall time of the stored boots (booted, not imported).
QString describe_size(const runner::ExperimentSpec& s, int jobs, const std::vector<store::RunInfo>& stored);

} // namespace bootlab::gui
