#include "report/export.h"

#include "report/format.h"

#include "common/json_dump.h"

#include <nlohmann/json.hpp>
#include <set>

namespace bootlab::report {

void write_perfetto(std::ostream& out, const store::RunInfo& run, const model::Boot& boot) {
    using nlohmann::json;
    constexpr int kProcess = 1; // the whole boot is one "process"; kernel pids are its threads
    json events = json::array();
    events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", kProcess},
                      {"args", {{"name", "run " + std::to_string(run.id) + " " + run.kernel_version}}}});
    std::set<std::int64_t> pids;
    for (const auto& s : boot.spans) pids.insert(s.pid);
    for (auto pid : pids) {
        std::string name = pid == 1 ? "pid 1 (boot thread)" : "pid " + std::to_string(pid);
        events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", kProcess}, {"tid", pid},
                          {"args", {{"name", name}}}});
        events.push_back({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", kProcess},
                          {"tid", pid}, {"args", {{"sort_index", pid}}}});
    }
    for (const auto& s : boot.spans) {
        json args = {{"function", s.function}, {"line", s.line}};
        if (!s.module.empty()) args["module"] = s.module;
        if (s.cookie) args["cookie"] = *s.cookie;
        if (s.ret) args["ret"] = *s.ret;
        json e = {{"name", span_label(s)}, {"cat", to_string(s.kind)}, {"pid", kProcess},
                  {"tid", s.pid}, {"ts", s.start}, {"args", args}};
        if (s.finished()) {
            e["ph"] = "X";
            e["dur"] = *s.duration;
        } else {
            e["ph"] = "B"; // no matching end: the viewer shows it as never finished
            e["args"]["unfinished"] = true;
        }
        events.push_back(std::move(e));
    }
    for (const auto& w : boot.waits)
        events.push_back({{"ph", "X"}, {"name", "async_waiting"}, {"cat", "wait"},
                          {"pid", kProcess}, {"tid", w.pid}, {"ts", w.start},
                          {"dur", w.duration.value_or(0)}});
    for (const auto& c : boot.calls) {
        json e = {{"ph", "X"}, {"cat", to_string(c.kind)}, {"pid", kProcess},
                  {"tid", c.pid.value_or(0)}, {"ts", c.start}, {"dur", c.duration.value_or(0)},
                  {"name", (c.kind == model::CallKind::Probe ? "probe " : "quirk ") + c.device}};
        if (!c.function.empty()) e["args"]["function"] = c.function;
        if (c.ret) e["args"]["ret"] = *c.ret;
        events.push_back(std::move(e));
    }
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
