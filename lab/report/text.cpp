#include "report/text.h"

#include "report/format.h"

#include <algorithm>
#include <cstdio>

namespace bootlab::report {

std::vector<const model::Span*> spans_by_duration(const model::Boot& boot) {
    std::vector<const model::Span*> v;
    v.reserve(boot.spans.size());
    for (const auto& s : boot.spans) v.push_back(&s);
    std::stable_sort(v.begin(), v.end(), [](const model::Span* a, const model::Span* b) {
        if (a->finished() != b->finished()) return !a->finished();
        return a->duration.value_or(0) > b->duration.value_or(0);
    });
    return v;
}

void print_blame(std::ostream& out, const store::RunInfo& r, const model::Boot& boot,
                 std::size_t limit) {
    const model::Metrics& m = r.metrics;
    out << "run " << r.id << "  " << r.experiment << (r.variant.empty() ? "" : " / " + r.variant)
        << "  [" << model::to_string(r.status) << "]  " << r.created << "\n";
    if (!r.source.empty()) out << "  log           " << r.source << "\n";
    out << "  kernel        " << (r.kernel_version.empty() ? "?" : r.kernel_version) << "\n";
    if (r.backend != "import")
        out << "  ran on        " << (r.host.empty() ? "?" : r.host) << " (" << r.backend
            << (r.emulator_version.empty() ? "" : ", " + r.emulator_version) << ")\n";
    if (!r.kernel_cmdline.empty()) out << "  cmdline       " << r.kernel_cmdline << "\n";
    if (!r.error.empty()) out << "  error         " << r.error << "\n";
    out << "  boot-to-init  " << seconds(m.boot_to_init) << "   (Run /init)\n";
    if (m.init_done) out << "  init-done     " << seconds(m.init_done) << "   (guest marker)\n";
    if (const std::string h = host_clock_line(r.host_marks); !h.empty()) out << "  host clock    " << h << "\n";
    out << "  initcalls     " << m.sync_count << " sync, " << seconds(m.initcall_total)
        << " in total; " << m.async_count << " async cookies, " << seconds(m.async_total)
        << " in total";
    if (m.unfinished_count) out << "; " << m.unfinished_count << " never returned";
    out << "\n";
    out << "  boot thread   waited " << seconds(m.boot_wait) << " for async work\n";
    if (m.sync_chain_pid)
        out << "  sync chain    pid " << *m.sync_chain_pid << ", " << seconds(m.sync_chain)
            << " of initcalls one after another\n";
    if (r.lines_unused)
        out << "  warning       " << r.lines_unused << " initcall-like lines could not be parsed\n";

    auto sorted = spans_by_duration(boot);
    std::size_t n = limit == 0 ? sorted.size() : std::min(limit, sorted.size());
    out << "\n";
    char line[64];
    for (std::size_t i = 0; i < n; ++i) {
        const model::Span& s = *sorted[i];
        std::string d = s.finished() ? millis(*s.duration) : "unfinished";
        std::snprintf(line, sizeof line, "%12s %-5s pid %-5lld ", d.c_str(), to_string(s.kind),
                      static_cast<long long>(s.pid));
        out << line << span_label(s);
        if (s.ret && *s.ret != 0) out << "  (returned " << *s.ret << ")";
        out << "\n";
    }
    if (n < sorted.size())
        out << "  ... " << sorted.size() - n << " more (--all shows every span)\n";
}

void print_runs(std::ostream& out, const std::vector<store::RunInfo>& runs) {
    if (runs.empty()) {
        out << "no runs yet: `bootlab import LOG` or `bootlab run EXPERIMENT` adds some\n";
        return;
    }
    // The KERNEL column is as wide as its longest name (6.13.1-300.vanilla.fc41.aarch64 is 32
    // characters), up to 40; a longer one is cut with "..." so that every later column stays
    // in line.
    constexpr std::size_t kMaxKernel = 40;
    std::size_t width = 16;
    for (const auto& r : runs) width = std::max(width, std::min(kMaxKernel, r.kernel_version.size()));
    auto kernel = [&](const std::string& k) {
        std::string v = k.empty() ? "?" : k;
        if (v.size() > kMaxKernel) v = v.substr(0, kMaxKernel - 3) + "...";
        return v + std::string(width - v.size(), ' ');
    };
    char line[256];
    std::snprintf(line, sizeof line, "%5s  %-20s  %-9s  ", "RUN", "CREATED", "STATUS");
    out << line << kernel("KERNEL");
    std::snprintf(line, sizeof line, "  %14s  %5s  %5s  %s\n", "BOOT-TO-INIT", "SYNC", "ASYNC", "EXPERIMENT / VARIANT");
    out << line;
    for (const auto& r : runs) {
        std::string name = r.experiment + (r.variant.empty() ? "" : " / " + r.variant);
        std::snprintf(line, sizeof line, "%5lld  %-20.20s  %-9s  ", static_cast<long long>(r.id), r.created.c_str(),
                      model::to_string(r.status));
        out << line << kernel(r.kernel_version);
        std::snprintf(line, sizeof line, "  %14s  %5lld  %5lld  ", seconds(r.metrics.boot_to_init).c_str(),
                      static_cast<long long>(r.metrics.sync_count), static_cast<long long>(r.metrics.async_count));
        out << line << name << "\n";
    }
}

} // namespace bootlab::report
