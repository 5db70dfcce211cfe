#pragma once
// The History charts' data: one value of every ok run over time (boot-to-init, or one
// function's time), one series per experiment/variant, and each series' distribution as
// box-plot numbers.
#include "store/store.h"

#include <QString>
#include <functional>
#include <optional>
#include <vector>

namespace bootlab::gui {

struct HistoryPoint {
    qint64 when_ms = 0;   // run creation, ms since the epoch
    double value = 0;     // in the chart's unit
    std::int64_t run = 0;
};

struct BoxStats {         // quartiles by linear interpolation; whiskers at min and max
    double low = 0, q1 = 0, median = 0, q3 = 0, high = 0;
};

struct VariantHistory {
    QString name;         // "experiment / variant"
    std::vector<HistoryPoint> points; // by time
    BoxStats box;
};

// A run's value in the chart's unit; nullopt leaves the run out.
using ValueOf = std::function<std::optional<double>(const store::RunInfo&)>;

// Runs that do not count (not ok, warm-ups) or have no value are left out. Series sorted by name.
std::vector<VariantHistory> history(const std::vector<const store::RunInfo*>& runs, const ValueOf& value_of);

// What the History charts can show: boot-to-init in seconds, or one function's time in
// milliseconds (its spans summed, as compare and check count it) in the runs it ran in.
struct HistoryMetric {
    QString name;         // "boot-to-init" or the span key
    QString unit;         // "s" or "ms"
    std::string function; // the span key; "" for boot-to-init
    ValueOf value_of;
    static HistoryMetric boot_to_init();
    static HistoryMetric of_function(store::Store& store, const std::string& key);
};

} // namespace bootlab::gui
