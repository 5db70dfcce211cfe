#pragma once
// The History charts' data: boot-to-init of every ok run over time, one series per
// experiment/variant, and the distribution of each series as box-plot numbers.
#include "store/store.h"

#include <QString>
#include <vector>

namespace bootlab::gui {

struct HistoryPoint {
    qint64 when_ms = 0;   // run creation, ms since the epoch
    double seconds = 0;   // boot-to-init
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

// Runs that are not ok or have no boot-to-init are left out. Series sorted by name.
std::vector<VariantHistory> boot_to_init_history(const std::vector<const store::RunInfo*>& runs);

} // namespace bootlab::gui
