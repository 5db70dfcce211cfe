#include "timeline_layout.h"

#include <algorithm>
#include <map>

namespace bootlab::gui {

TimelineLayout layout_timeline(const model::Boot& boot) {
    TimelineLayout out;
    for (const auto& s : boot.spans) out.end = std::max(out.end, s.end());
    for (const auto& w : boot.waits) out.end = std::max(out.end, w.start + w.duration.value_or(0));
    for (const auto& m : boot.markers) if (m.time) out.end = std::max(out.end, *m.time);
    if (boot.metrics.boot_to_init) out.marks.push_back({"boot-to-init", *boot.metrics.boot_to_init});
    if (boot.metrics.init_done) out.marks.push_back({"init-done", *boot.metrics.init_done});

    std::map<std::int64_t, std::vector<Bar>> by_pid;
    for (std::size_t i = 0; i < boot.spans.size(); ++i) {
        const auto& s = boot.spans[i];
        by_pid[s.pid].push_back({0, s.start, s.finished() ? s.end() : out.end,
                                 s.kind == model::SpanKind::Async ? BarKind::Async : BarKind::Sync,
                                 !s.finished(), static_cast<int>(i)});
    }
    for (std::size_t i = 0; i < boot.waits.size(); ++i) {
        const auto& w = boot.waits[i];
        by_pid[w.pid].push_back({0, w.start, w.duration ? w.start + *w.duration : out.end, BarKind::Wait,
                                 !w.duration, static_cast<int>(i)});
    }

    for (auto& [pid, bars] : by_pid) {
        // Outer before inner: by start, the longer first; a wait sorts after the span it is in.
        std::stable_sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) {
            if (a.start != b.start) return a.start < b.start;
            if (a.end != b.end) return a.end > b.end;
            return a.kind != BarKind::Wait && b.kind == BarKind::Wait;
        });
        Lane lane{pid, out.rows, 1};
        std::vector<const Bar*> open; // the bars enclosing the current one
        for (auto& b : bars) {
            // Sync initcalls of one pid never nest (do_one_initcall does not recurse), but early
            // ones overlap the next by up to a jiffy: their "after 4000 usecs" comes from a
            // jiffies clock. So a sync bar always follows the sync bar before it; other bars nest
            // in what they start inside of, and a partial overlap (a lost line) goes one level
            // down too, so that no bar hides another.
            while (!open.empty() && (open.back()->end <= b.start ||
                                     (b.kind == BarKind::Sync && open.back()->kind == BarKind::Sync)))
                open.pop_back();
            b.row = static_cast<int>(open.size());
            open.push_back(&b);
            lane.rows = std::max(lane.rows, b.row + 1);
            if (b.kind == BarKind::Sync) ++lane.sync;
            if (b.kind == BarKind::Async) ++lane.async;
        }
        for (auto& b : bars) b.row += lane.first_row;
        out.rows += lane.rows;
        out.lanes.push_back(lane);
        out.bars.insert(out.bars.end(), bars.begin(), bars.end());
    }
    std::stable_sort(out.bars.begin(), out.bars.end(), [](const Bar& a, const Bar& b) {
        return a.row != b.row ? a.row < b.row : a.start < b.start;
    });
    return out;
}

int bar_at(const TimelineLayout& layout, int row, Micros t, Micros slack) {
    auto first = std::lower_bound(layout.bars.begin(), layout.bars.end(), row,
                                  [](const Bar& b, int r) { return b.row < r; });
    int best = -1;
    Micros best_len = 0;
    for (auto it = first; it != layout.bars.end() && it->row == row && it->start <= t + slack; ++it) {
        if (it->end + slack < t) continue;
        const Micros len = it->end - it->start;
        if (best < 0 || len < best_len) best = static_cast<int>(it - layout.bars.begin()), best_len = len;
    }
    return best;
}

} // namespace bootlab::gui
