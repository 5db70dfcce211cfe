#pragma once
// A database of real boots for the GUI tests, screenshots and benchmarks: the logs in tests/data
// imported as runs of a few experiments.
#include "ingest/ingest.h"
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
            const auto r = ingest::import_file(store, data(d.log), o);
            experiment[d.experiment] = r.experiment_id;
            ids.push_back(r.run_id);
        }
    }
    return ids;
}

} // namespace bootlab::test
