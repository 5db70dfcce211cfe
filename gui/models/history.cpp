#include "history.h"

#include "stats/stats.h"

#include <QDateTime>
#include <algorithm>
#include <cmath>
#include <map>

namespace bootlab::gui {

std::vector<VariantHistory> boot_to_init_history(const std::vector<const store::RunInfo*>& runs) {
    std::map<QString, VariantHistory> by_name;
    for (const store::RunInfo* r : runs) {
        if (r->status != "ok" || !r->metrics.boot_to_init) continue;
        const QString name = QString::fromStdString(r->experiment + " / " + r->variant);
        VariantHistory& h = by_name[name];
        h.name = name;
        const QDateTime when = QDateTime::fromString(QString::fromStdString(r->created), Qt::ISODate);
        h.points.push_back({when.toMSecsSinceEpoch(), static_cast<double>(*r->metrics.boot_to_init) / 1e6, r->id});
    }
    std::vector<VariantHistory> out;
    for (auto& [name, h] : by_name) {
        // same second: keep the order the runs were stored in
        std::stable_sort(h.points.begin(), h.points.end(), [](const HistoryPoint& a, const HistoryPoint& b) {
            return a.when_ms != b.when_ms ? a.when_ms < b.when_ms : a.run < b.run;
        });
        std::vector<double> s;
        for (const auto& p : h.points) s.push_back(p.seconds);
        h.box = {stats::quantile(s, 0), stats::quantile(s, 0.25), stats::quantile(s, 0.5),
                 stats::quantile(s, 0.75), stats::quantile(s, 1)};
        out.push_back(std::move(h));
    }
    return out;
}

std::int64_t nearest_run(const VariantHistory& series, double when_ms, double seconds, double ms_range,
                         double seconds_range) {
    std::int64_t best = 0;
    double best_d = 0;
    for (const auto& p : series.points) {
        const double dx = (static_cast<double>(p.when_ms) - when_ms) / std::max(ms_range, 1.0);
        const double dy = (p.seconds - seconds) / std::max(seconds_range, 1e-9);
        const double d = dx * dx + dy * dy;
        if (!best || d < best_d) best = p.run, best_d = d;
    }
    return best;
}

} // namespace bootlab::gui
