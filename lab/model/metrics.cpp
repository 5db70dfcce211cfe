#include "model/metrics.h"

#include <algorithm>
#include <limits>
#include <map>

namespace bootlab::model {
namespace {

// Totals saturate: each duration is below log::kMaxMicros, but a hostile log can hold millions.
void add_to(Micros& total, Micros d) {
    if (__builtin_add_overflow(total, d, &total)) total = std::numeric_limits<Micros>::max();
}

} // namespace

std::optional<Micros> marker_time(const Boot& boot, std::string_view name) {
    for (const Marker& m : boot.markers)
        if (m.name == name && m.time) return m.time;
    return std::nullopt;
}

Metrics compute_metrics(const Boot& boot) {
    Metrics m;
    m.boot_to_init = marker_time(boot, "run-init");
    m.init_done = marker_time(boot, "init-done");
    m.free_initmem = marker_time(boot, "free-initmem");

    std::map<std::int64_t, Micros> sync_by_pid;
    for (const Span& s : boot.spans) {
        (s.kind == SpanKind::Sync ? m.sync_count : m.async_count)++;
        if (!s.finished()) {
            ++m.unfinished_count;
            continue;
        }
        m.last_initcall_end = std::max(m.last_initcall_end.value_or(s.end()), s.end());
        if (s.kind == SpanKind::Sync) {
            add_to(m.initcall_total, *s.duration);
            add_to(sync_by_pid[s.pid], *s.duration);
        } else {
            add_to(m.async_total, *s.duration);
        }
    }
    // The boot thread is pid 1: time it sat in async_synchronize_*() is time async work
    // failed to hide.
    for (const Wait& w : boot.waits)
        if (w.pid == 1) add_to(m.boot_wait, w.duration.value_or(0));
    for (const auto& [pid, total] : sync_by_pid) {
        if (total > m.sync_chain) {
            m.sync_chain = total;
            m.sync_chain_pid = pid;
        }
    }
    return m;
}

} // namespace bootlab::model
