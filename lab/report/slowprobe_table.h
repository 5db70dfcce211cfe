#pragma once
// The slow-probe driver's table (kernel-patches/async-lab): how long all devices took to come
// up, per probe strategy, with and without firmware, per device count. The same shape as the
// table in the driver-core patch that added asynchronous probing (strategy x fw / no-fw).
// Read from the driver's `BOOTLAB: slowprobe-ready after N usecs: devices=.. strategy=..` marker.
#include "model/boot.h"

#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

namespace bootlab::report {

struct SlowprobeTable {
    // row: strategy ("async, no fastboot" when the gate kept async probing synchronous)
    // column: (devices, firmware)
    std::vector<std::string> rows;
    std::vector<std::pair<int, bool>> columns;
    std::map<std::tuple<std::string, int, bool>, std::vector<model::Micros>> times; // ok boots
    bool empty() const { return times.empty(); }
    void add(const model::Boot& boot, const std::string& kernel_cmdline);
    model::Micros median(const std::string& row, int devices, bool firmware) const; // -1: none
};

void print_slowprobe_table(std::ostream& out, const SlowprobeTable& t);
void write_slowprobe_table_html(std::ostream& out, const SlowprobeTable& t);

} // namespace bootlab::report
