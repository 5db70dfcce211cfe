#include "report/critical_path.h"

#include "common/escape.h"
#include "report/format.h"

#include <cstdio>

namespace bootlab::report {
namespace {

std::string describe(const model::CriticalLink& l) {
    using K = model::CriticalLink::Kind;
    if (l.kind == K::Gap) return "pid " + std::to_string(l.pid) + " outside any initcall";
    if (l.kind == K::Wait) return "pid " + std::to_string(l.pid) + " waiting (async_waiting), for no span seen";
    const model::Span& s = *l.span;
    std::string w = s.key();
    if (s.cookie) w += " (async #" + std::to_string(*s.cookie) + ")";
    if (l.start > s.start || l.end < s.end()) w += " (part)";
    if (l.waiter) w += ", pid " + std::to_string(*l.waiter) + " waited " + seconds(l.waited) + " for it";
    return w;
}

} // namespace

std::vector<CriticalRow> critical_rows(const model::CriticalPath& path, double fold) {
    std::vector<CriticalRow> rows;
    const double total = path.end > 0 ? static_cast<double>(path.end) : 1;
    bool last_folded = false;
    for (const auto& l : path.links) {
        const double share = static_cast<double>(l.duration()) / total;
        const bool small = share < fold && !l.waiter;
        if (small && last_folded && rows.back().pid == l.pid) { // fold into the row before
            CriticalRow& r = rows.back();
            r.end = l.end;
            r.share += share;
            ++r.links;
            continue;
        }
        rows.push_back({l.start, l.end, l.pid, describe(l), 1, share});
        last_folded = small;
    }
    for (auto& r : rows)
        if (r.links > 1) r.what = std::to_string(r.links) + " short initcalls and the time between, on pid " + std::to_string(r.pid);
    return rows;
}

void print_critical_path(std::ostream& out, const model::CriticalPath& path) {
    if (path.links.empty()) {
        out << "critical path: none (no initcalls in this boot)\n";
        return;
    }
    out << "critical path to " << path.until << " at " << seconds(path.end) << ":\n";
    char line[128];
    std::snprintf(line, sizeof line, "  %12s %12s %6s %6s  %s\n", "start", "duration", "share", "pid", "what");
    out << line;
    for (const auto& r : critical_rows(path)) {
        std::snprintf(line, sizeof line, "  %12s %12s %5.1f%% %6lld  ", seconds(r.start).c_str(),
                      seconds(r.end - r.start).c_str(), 100 * r.share, static_cast<long long>(r.pid));
        out << line << r.what << "\n";
    }
}

nlohmann::json critical_path_json(const model::CriticalPath& path) {
    nlohmann::json links = nlohmann::json::array();
    for (const auto& l : path.links) {
        using K = model::CriticalLink::Kind;
        nlohmann::json j = {{"kind", l.kind == K::Span ? "span" : l.kind == K::Wait ? "wait" : "gap"},
                            {"pid", l.pid}, {"start_us", l.start}, {"end_us", l.end}};
        if (l.span) {
            j["seq"] = l.span->seq;
            j["function"] = l.span->key();
            j["cookie"] = l.span->cookie ? nlohmann::json(*l.span->cookie) : nlohmann::json();
        }
        if (l.waiter) {
            j["waiter_pid"] = *l.waiter;
            j["waited_us"] = l.waited;
        }
        links.push_back(std::move(j));
    }
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : critical_rows(path))
        rows.push_back({{"start_us", r.start}, {"end_us", r.end}, {"pid", r.pid}, {"what", r.what}, {"links", r.links},
                        {"share", r.share}});
    return {{"until", path.until}, {"end_us", path.end}, {"links", links}, {"rows", rows}};
}

void write_critical_path_html(std::ostream& out, const model::CriticalPath& path) {
    if (path.links.empty()) return;
    out << "<p>The chain that decided when the boot reached <b>" << xml_escape(path.until) << "</b> ("
        << xml_escape(seconds(path.end)) << "), walked back from there: waits lead into the async span that "
        << "released them, async spans to the initcall that scheduled them.</p>\n<table class=\"critical\">"
        << "<tr><th>start</th><th>duration</th><th>share</th><th>pid</th><th>what</th></tr>\n";
    for (const auto& r : critical_rows(path)) {
        char share[64];
        std::snprintf(share, sizeof share, "%.1f%%", 100 * r.share);
        out << "<tr><td class=num>" << xml_escape(seconds(r.start)) << "</td><td class=num>"
            << xml_escape(seconds(r.end - r.start)) << "</td><td class=num><span style=\"display:inline-block;height:9px;"
            << "background:#c0392b;width:" << static_cast<int>(r.share * 120 + 0.5) << "px\"></span> " << share
            << "</td><td class=num>" << r.pid << "</td><td>" << xml_escape(r.what) << "</td></tr>\n";
    }
    out << "</table>\n";
}

} // namespace bootlab::report
