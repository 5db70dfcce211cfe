#pragma once
// What an experiment found: per variant, boot-to-init statistics and the slowest spans; across
// all boots, whether any disk changed its name (the promise async init made: device names do
// not change between sync and async boots, nor between repetitions).
#include "report/slowprobe_table.h"
#include "stats/stats.h"
#include "store/store.h"

#include <algorithm>
#include <array>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace bootlab::report {

struct SpanStat {
    std::string name;          // "do_scan_async [scsi_mod]"
    std::string kind;          // sync | async
    model::Micros median = 0;  // over the variant's ok runs that have it
};

struct VariantSummary {
    std::string variant;
    int runs = 0;
    int ok = 0;
    std::vector<model::Micros> boot_to_init; // of ok runs
    model::Micros median = 0, min = 0, max = 0;
    double cv = 0;                           // coefficient of variation, stddev / mean
    std::optional<model::Micros> init_done_median;
    std::vector<SpanStat> slowest;           // top spans by median duration
    std::int64_t representative_run = 0;     // representative_run() of the variant's boots
    // medians of the host-clock intervals (model::host_intervals order) over the boots that have them
    std::array<std::optional<model::Micros>, model::kHostIntervals> host;
    // the device-order check within the variant: its boots that listed disks, and how many disks
    // (by path) had more than one name among them
    int boots_with_devices = 0;
    int disks_renamed = 0;
    bool has_host() const { return std::any_of(host.begin(), host.end(), [](const auto& x) { return x.has_value(); }); }
};

// One variant against the experiment's fastest: the verdict line that ends the summary.
struct VariantVerdict {
    std::string variant, against;  // `variant` compared with `against`, the fastest variant
    std::string metric;            // init-done, or boot-to-init when a variant has no init-done
    stats::Comparison c;           // a = against, b = variant (microseconds)
};
// "scan-sync vs async: init-done +6.41 s (+49.0%), 95% interval [+6.10, +6.72] s, p = 0.029 —
// async is faster"; or why no difference is shown.
std::string verdict_line(const VariantVerdict& v);
constexpr double kVerdictAlpha = 0.05; // two-sided

struct DeviceChange {
    std::string path;                                  // by-path name of the disk
    std::map<std::string, std::vector<std::int64_t>> names; // name -> runs that gave it
};

struct HostBoots {
    std::string host;
    std::string backend;       // qemu | libvirt | import
    int boots = 0, ok = 0;
};

struct ExperimentSummary {
    std::int64_t experiment_id = 0;
    std::string name;
    std::vector<store::RunInfo> runs;
    std::vector<VariantSummary> variants;
    int boots_with_devices = 0;
    std::vector<std::string> device_order;   // "sda=pci-...-ata-1" of the first boot
    std::vector<DeviceChange> device_changes;
    SlowprobeTable slowprobe;                // boots with the slow-probe test driver
    std::vector<HostBoots> hosts;            // where the boots ran, in order of first boot
    std::vector<std::int64_t> warmups;       // warm-up runs: stored, in no statistic
    std::vector<VariantVerdict> verdicts;    // every other variant against the fastest
};

// The boot that stands for a set of boots (a variant, one side of a comparison): of the boots
// that count, the one whose boot-to-init is closest to their median, the earliest of equals;
// none if no boot counts. The report's timelines and the GUI's compare both show this boot.
const store::RunInfo* representative_run(const std::vector<const store::RunInfo*>& runs);

// "alpha (libvirt) 3 boots, beta (libvirt) 2 of 3 ok": the hosts line of the summary and report.
std::string hosts_line(const std::vector<HostBoots>& hosts);

ExperimentSummary summarize(store::Store& store, std::int64_t experiment_id, std::size_t top_spans = 5);
void print_summary(std::ostream& out, const ExperimentSummary& s);

// "async: the same in all 4 boots", "levels: 4 disks renamed between its 8 boots"
std::string variant_device_order(const VariantSummary& v);

// statistics helpers
double coefficient_of_variation(const std::vector<model::Micros>& v);

} // namespace bootlab::report
