#include "history.h"

#include "stats/stats.h"

#include <QDate>
#include <algorithm>
#include <map>
#include <memory>

namespace bootlab::gui {

namespace {

// The store's timestamps are "YYYY-MM-DDTHH:MM:SSZ" (strftime in schema.sql): read directly, as
// QDateTime::fromString costs more than everything else here for 10,000 runs.
qint64 created_ms(const std::string& t) {
    auto num = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n && i < t.size(); ++i) v = v * 10 + (t[i] - '0');
        return v;
    };
    if (t.size() < 19) return 0;
    const QDate day(num(0, 4), num(5, 2), num(8, 2));
    constexpr qint64 kJulianDayOfEpoch = 2440588; // 1970-01-01
    return (day.toJulianDay() - kJulianDayOfEpoch) * 86'400'000LL + (num(11, 2) * 3600LL + num(14, 2) * 60LL + num(17, 2)) * 1000LL;
}

} // namespace

HistoryMetric HistoryMetric::boot_to_init() {
    return {"boot-to-init", "s", "", [](const store::RunInfo& r) -> std::optional<double> {
                if (!r.metrics.boot_to_init) return std::nullopt;
                return static_cast<double>(*r.metrics.boot_to_init) / 1e6;
            }};
}

HistoryMetric HistoryMetric::of_function(store::Store& store, const std::string& key) {
    auto totals = std::make_shared<const std::unordered_map<std::int64_t, std::int64_t>>(store.function_history(key));
    return {QString::fromStdString(key), "ms", key, [totals](const store::RunInfo& r) -> std::optional<double> {
                const auto it = totals->find(r.id);
                if (it == totals->end()) return std::nullopt;
                return static_cast<double>(it->second) / 1e3;
            }};
}

std::vector<VariantHistory> history(const std::vector<const store::RunInfo*>& runs, const ValueOf& value_of) {
    std::map<std::string, VariantHistory> by_name;
    for (const store::RunInfo* r : runs) {
        if (!r->counts()) continue;
        const std::optional<double> v = value_of(*r);
        if (!v) continue;
        VariantHistory& h = by_name[r->experiment + " / " + r->variant];
        h.points.push_back({created_ms(r->created), *v, r->id});
    }
    std::vector<VariantHistory> out;
    for (auto& [name, h] : by_name) {
        h.name = QString::fromStdString(name);
        // same second: keep the order the runs were stored in
        std::stable_sort(h.points.begin(), h.points.end(), [](const HistoryPoint& a, const HistoryPoint& b) {
            return a.when_ms != b.when_ms ? a.when_ms < b.when_ms : a.run < b.run;
        });
        std::vector<double> s;
        for (const auto& p : h.points) s.push_back(p.value);
        h.box = {stats::quantile(s, 0), stats::quantile(s, 0.25), stats::quantile(s, 0.5),
                 stats::quantile(s, 0.75), stats::quantile(s, 1)};
        out.push_back(std::move(h));
    }
    return out;
}

} // namespace bootlab::gui
