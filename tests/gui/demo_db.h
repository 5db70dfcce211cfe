#pragma once
// A database of real boots for the GUI tests, screenshots and benchmarks: the logs in tests/data
// imported as runs of a few experiments.
#include "ingest/ingest.h"
#include "model/boot_builder.h"
#include "test_util.h"

#include <filesystem>
#include <map>
#include <random>
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

// Two variants of stored boots to compare: `n` of the slow-probe log as captured ("as-captured")
// and `n` with each of its four probes 75 ms slower and the jiffy-timed input_init one 4 ms tick
// longer ("slower"); every real-clock duration jittered by up to 0.5% (seeded), as boots spread.
struct SlowerProbes {
    std::int64_t experiment_id = 0;
    std::vector<std::int64_t> a, b;             // run ids
    std::vector<double> probe_a, probe_b;       // per run, the probes' durations written into its log, summed
};
inline SlowerProbes make_slower_probes(store::Store& store, int n = 5) {
    const std::string log = slurp(data("async-lab-slowprobe-async.log"));
    SlowerProbes out;
    for (int i = 0; i < 2 * n; ++i) {
        const bool slower = i >= n;
        std::mt19937 rng(static_cast<unsigned>(i + 1));
        std::uniform_real_distribution<double> jitter(-0.005, 0.005);
        double probes = 0;
        const std::string text = with_durations(log, [&](const std::string& fn, long us) -> long {
            if (fn == "input_init") return slower ? 8000 : 4000;
            if (us % 1000 == 0) return us; // jiffy-timed: the tick does not jitter
            const bool probe = fn == "__device_attach_async_helper";
            const long v = us + std::lround(double(us) * jitter(rng)) + (slower && probe ? 75'000 : 0);
            if (probe) probes += double(v);
            return v;
        });
        ingest::ImportOptions o;
        if (out.experiment_id) o.run.experiment_id = out.experiment_id;
        o.run.experiment_name = "slower-probes";
        o.run.variant = slower ? "slower" : "as-captured";
        o.run.repetition = i % n + 1;
        const auto r = ingest::import_text(store, text, "async-lab-slowprobe-async.log (durations edited)", o);
        out.experiment_id = r.experiment_id;
        (slower ? out.b : out.a).push_back(r.run_id);
        (slower ? out.probe_b : out.probe_a).push_back(probes);
    }
    return out;
}

} // namespace bootlab::test
