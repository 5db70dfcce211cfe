#pragma once
// A database of real boots for the GUI tests, screenshots and benchmarks: the logs in tests/data
// imported as runs of a few experiments.
#include "ingest/ingest.h"
#include "model/boot_builder.h"
#include "test_util.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bootlab::test {

struct DemoRun {
    const char* log;
    const char* experiment;
    const char* variant;
};

inline const std::vector<DemoRun>& demo_runs() {
    static const std::vector<DemoRun> runs = {
        {"debian-6.1-q35-ahci-lsi-e1000-async.log", "default", "async"},
        {"debian-6.1-q35-ahci-lsi-e1000-scan-sync.log", "default", "scan-sync"},
        {"debian-6.1-q35-ahci-lsi-e1000-driver-async-probe.log", "default", "driver-async-probe"},
        {"debian-6.1-q35-ahci-lsi-megasas-virtioscsi-e1000-async.log", "mixed", "async"},
        {"async-lab-no-fastboot.log", "async-lab", "no-fastboot"},
        {"async-lab-slowprobe-async.log", "async-lab", "slowprobe-async"},
    };
    return runs;
}

// Host-clock marks for an imported log, as if bootlab had booted it: 0.42 s of emulator start,
// firmware and loader before the kernel's first line (measured on this machine: 0.3-0.5 s), its
// own clock after that, 60 ms from init-done to the emulator's exit.
inline model::HostMarks as_booted(const std::filesystem::path& log) {
    const model::Boot b = model::parse_boot(slurp(log));
    constexpr model::Micros kKernel = 420'000;
    model::HostMarks m;
    m.first_byte = kKernel - 2'000;
    m.kernel = kKernel;
    if (b.metrics.boot_to_init) m.run_init = kKernel + *b.metrics.boot_to_init;
    if (b.metrics.init_done) m.init_done = kKernel + *b.metrics.init_done;
    m.exit = m.init_done.value_or(m.run_init.value_or(kKernel)) + 60'000;
    return m;
}

// Imports demo_runs() `times` times over, each time as one experiment per name; returns the run
// ids in import order.
inline std::vector<std::int64_t> make_demo_db(store::Store& store, int times = 1) {
    std::vector<std::int64_t> ids;
    for (int t = 0; t < times; ++t) {
        std::map<std::string, std::int64_t> experiment;
        for (const auto& d : demo_runs()) {
            ingest::ImportOptions o;
            if (experiment.count(d.experiment)) o.run.experiment_id = experiment[d.experiment];
            o.run.experiment_name = d.experiment;
            o.run.variant = d.variant;
            o.run.repetition = t + 1;
            o.run.host_marks = as_booted(data(d.log));
            o.run.wall_us = o.run.host_marks.exit;
            const auto r = ingest::import_file(store, data(d.log), o);
            experiment[d.experiment] = r.experiment_id;
            ids.push_back(r.run_id);
        }
    }
    return ids;
}

} // namespace bootlab::test
