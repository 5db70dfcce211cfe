#include "report/export.h"

#include "report/format.h"

#include "common/json_dump.h"

#include <nlohmann/json.hpp>
#include <algorithm>
#include <limits>
#include <optional>
#include <set>

namespace bootlab::report {

namespace {

using nlohmann::json;
constexpr int kProcess = 1; // the whole boot is one "process"; kernel pids are its threads
constexpr std::int64_t kOpen = std::numeric_limits<std::int64_t>::max();

// One slice of the trace before it is given a thread: [start, end), end kOpen if it never ended.
struct Slice {
    std::int64_t pid;
    std::int64_t start, end;
    json event; // without tid
};

// The trace format's rule: complete slices on one thread nest (each lies inside the one below
// it, or after it). A kernel pid's own lines need not: a probe tied to a span by time may
// overlap the next initcall, an initcall timed in whole jiffies may end after the next one
// started, and a span that never ended lasts to the end of the trace. So each pid gets as many
// threads as it needs: its own tid first, then "pid N (overlapping K)" threads, each slice on
// the first thread where it nests. (Perfetto and chrome://tracing drop or misdraw the rest.)
std::vector<std::pair<std::int64_t, std::string>> assign_threads(std::vector<Slice>& slices, json& events) {
    std::stable_sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) {
        if (a.pid != b.pid) return a.pid < b.pid;
        if (a.start != b.start) return a.start < b.start;
        return a.end > b.end; // the enclosing one first
    });
    std::vector<std::pair<std::int64_t, std::string>> threads; // tid, name
    std::int64_t next_extra = std::int64_t(1) << 40;             // beyond any kernel pid
    std::size_t i = 0;
    while (i < slices.size()) {
        const std::int64_t pid = slices[i].pid;
        std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>> lanes; // tid, open ends
        for (; i < slices.size() && slices[i].pid == pid; ++i) {
            Slice& sl = slices[i];
            std::size_t lane = 0;
            for (; lane < lanes.size(); ++lane) {
                auto& open = lanes[lane].second;
                while (!open.empty() && open.back() != kOpen && open.back() <= sl.start) open.pop_back();
                if (open.empty() || open.back() >= sl.end) break;
            }
            if (lane == lanes.size()) {
                const std::int64_t tid = lanes.empty() ? pid : next_extra++;
                lanes.push_back({tid, {}});
                const std::string base = pid == 1 ? "pid 1 (boot thread)" : "pid " + std::to_string(pid);
                threads.push_back({tid, lane == 0 ? base : base + " (overlapping " + std::to_string(lane) + ")"});
            }
            lanes[lane].second.push_back(sl.end);
            sl.event["tid"] = lanes[lane].first;
            events.push_back(std::move(sl.event));
        }
    }
    return threads;
}

Slice slice(std::int64_t pid, std::int64_t start, std::optional<std::int64_t> duration, json e) {
    if (duration) {
        e["ph"] = "X";
        e["dur"] = *duration;
    } else {
        e["ph"] = "B"; // no matching end: the viewer shows it as never finished
        e["args"]["unfinished"] = true;
    }
    e["pid"] = kProcess;
    e["ts"] = start;
    return {pid, start, duration ? start + *duration : kOpen, std::move(e)};
}

} // namespace

void write_perfetto(std::ostream& out, const store::RunInfo& run, const model::Boot& boot) {
    json events = json::array();
    events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", kProcess},
                      {"args", {{"name", "run " + std::to_string(run.id) + " " + run.kernel_version}}}});
    std::vector<Slice> slices;
    slices.reserve(boot.spans.size() + boot.waits.size() + boot.calls.size());
    for (const auto& s : boot.spans) {
        json args = {{"function", s.function}, {"line", s.line}};
        if (!s.module.empty()) args["module"] = s.module;
        if (s.cookie) args["cookie"] = *s.cookie;
        if (s.ret) args["ret"] = *s.ret;
        slices.push_back(slice(s.pid, s.start, s.duration,
                               {{"name", span_label(s)}, {"cat", to_string(s.kind)}, {"args", args}}));
    }
    for (const auto& w : boot.waits)
        slices.push_back(slice(w.pid, w.start, w.duration, {{"name", "async_waiting"}, {"cat", "wait"}, {"args", json::object()}}));
    for (const auto& c : boot.calls) {
        json e = {{"cat", to_string(c.kind)}, {"args", json::object()},
                  {"name", (c.kind == model::CallKind::Probe ? "probe " : "quirk ") + c.device}};
        if (!c.function.empty()) e["args"]["function"] = c.function;
        if (c.ret) e["args"]["ret"] = *c.ret;
        slices.push_back(slice(c.pid.value_or(0), c.start, c.duration, std::move(e)));
    }
    json body = json::array();
    const auto threads = assign_threads(slices, body);
    for (const auto& [tid, name] : threads) {
        events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", kProcess}, {"tid", tid},
                          {"args", {{"name", name}}}});
        events.push_back({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", kProcess},
                          {"tid", tid}, {"args", {{"sort_index", tid}}}});
    }
    for (auto& e : body) events.push_back(std::move(e));
    for (const auto& m : boot.markers) {
        if (!m.time) continue;
        events.push_back({{"ph", "i"}, {"s", "g"}, {"name", m.name}, {"cat", "marker"},
                          {"pid", kProcess}, {"tid", 1}, {"ts", *m.time},
                          {"args", {{"detail", m.detail}}}});
    }
    json doc = {{"displayTimeUnit", "ms"},
                {"traceEvents", std::move(events)},
                {"metadata", {{"bootlab_run", run.id}, {"kernel_cmdline", run.kernel_cmdline}}}};
    out << json_dump(doc) << "\n";
}

ExportFormat parse_export_format(const std::string& name) {
    if (name == "perfetto" || name == "json" || name == "chrome") return ExportFormat::Perfetto;
    if (name == "csv") return ExportFormat::Csv;
    if (name == "svg") return ExportFormat::Svg;
    throw Error("unknown export format '" + name + "' (perfetto, csv or svg)");
}

void write_export(std::ostream& out, ExportFormat f, const store::RunInfo& run,
                  const model::Boot& boot) {
    switch (f) {
    case ExportFormat::Perfetto: write_perfetto(out, run, boot); break;
    case ExportFormat::Csv: write_csv(out, boot); break;
    case ExportFormat::Svg: write_svg(out, run, boot); break;
    }
}

} // namespace bootlab::report
