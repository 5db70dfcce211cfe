#pragma once
// What an experiment found: per variant, boot-to-init statistics and the slowest spans; across
// all boots, whether any disk changed its name (the promise async init made: device names do
// not change between sync and async boots, nor between repetitions).
#include "report/slowprobe_table.h"
#include "store/store.h"

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
    std::int64_t representative_run = 0;     // the ok run closest to the median
};

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
};

// "alpha (libvirt) 3 boots, beta (libvirt) 2 of 3 ok": the hosts line of the summary and report.
std::string hosts_line(const std::vector<HostBoots>& hosts);

ExperimentSummary summarize(store::Store& store, std::int64_t experiment_id, std::size_t top_spans = 5);
void print_summary(std::ostream& out, const ExperimentSummary& s);

// statistics helpers
model::Micros median(std::vector<model::Micros> v);
double coefficient_of_variation(const std::vector<model::Micros>& v);

} // namespace bootlab::report
