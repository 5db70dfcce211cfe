#include "report/json.h"

#include "report/text.h"

namespace bootlab::report {
namespace {

template <class T> nlohmann::json opt(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// The marks as stored, and the intervals between them (null where a mark is missing).
nlohmann::json host_marks_json(const model::HostMarks& m) {
    nlohmann::json intervals = nlohmann::json::object();
    for (const auto& i : model::host_intervals(m)) intervals[std::string(i.name) + "_us"] = opt(i.us);
    return {{"first_byte_us", opt(m.first_byte)}, {"kernel_us", opt(m.kernel)}, {"run_init_us", opt(m.run_init)},
            {"init_done_us", opt(m.init_done)},   {"exit_us", opt(m.exit)},     {"intervals", intervals}};
}

} // namespace

nlohmann::json run_json(const store::RunInfo& r) {
    const model::Metrics& m = r.metrics;
    return {
        {"id", r.id},
        {"experiment_id", r.experiment_id},
        {"experiment", r.experiment},
        {"variant", r.variant},
        {"repetition", r.repetition},
        {"backend", r.backend},
        {"host", r.host},
        {"host_failed", r.host_failed},
        {"source", r.source},
        {"kernel_version", r.kernel_version},
        {"kernel_cmdline", r.kernel_cmdline},
        {"status", model::to_string(r.status)},
        {"error", r.error},
        {"created", r.created},
        {"wall_us", opt(r.wall_us)},
        {"metrics",
         {{"boot_to_init_us", opt(m.boot_to_init)},
          {"init_done_us", opt(m.init_done)},
          {"free_initmem_us", opt(m.free_initmem)},
          {"last_initcall_end_us", opt(m.last_initcall_end)},
          {"initcall_total_us", m.initcall_total},
          {"async_total_us", m.async_total},
          {"boot_wait_us", m.boot_wait},
          {"sync_count", m.sync_count},
          {"async_count", m.async_count},
          {"unfinished_count", m.unfinished_count},
          {"sync_chain_pid", opt(m.sync_chain_pid)},
          {"sync_chain_us", m.sync_chain}}},
        {"host_marks", host_marks_json(r.host_marks)},
        {"panic_message", r.panic_message},
        {"lines_total", r.lines_total},
        {"lines_unused", r.lines_unused},
        {"log_bytes", r.log_bytes},
    };
}

nlohmann::json span_json(const model::Span& s) {
    return {{"seq", s.seq},
            {"function", s.function},
            {"module", s.module.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.module)},
            {"cookie", opt(s.cookie)},
            {"pid", s.pid},
            {"kind", to_string(s.kind)},
            {"start_us", s.start},
            {"duration_us", opt(s.duration)},
            {"ret", opt(s.ret)},
            {"line", s.line}};
}

nlohmann::json show_json(const store::RunInfo& run, const model::Boot& boot, std::size_t limit) {
    nlohmann::json j = run_json(run);
    nlohmann::json spans = nlohmann::json::array();
    auto sorted = spans_by_duration(boot);
    for (std::size_t i = 0; i < sorted.size() && (limit == 0 || i < limit); ++i)
        spans.push_back(span_json(*sorted[i]));
    j["spans"] = std::move(spans);
    nlohmann::json markers = nlohmann::json::array();
    for (const auto& m : boot.markers)
        markers.push_back({{"name", m.name}, {"detail", m.detail}, {"time_us", opt(m.time)}});
    j["markers"] = std::move(markers);
    nlohmann::json waits = nlohmann::json::array();
    for (const auto& w : boot.waits)
        waits.push_back({{"pid", w.pid}, {"start_us", w.start}, {"duration_us", opt(w.duration)}});
    j["waits"] = std::move(waits);
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : boot.devices)
        devices.push_back(
            {{"kind", to_string(d.kind)}, {"name", d.name}, {"path", d.path}, {"detail", d.detail}});
    j["devices"] = std::move(devices);
    return j;
}

nlohmann::json summary_json(const ExperimentSummary& s) {
    nlohmann::json variants = nlohmann::json::array();
    for (const auto& v : s.variants) {
        nlohmann::json slowest = nlohmann::json::array();
        for (const auto& sp : v.slowest) slowest.push_back({{"function", sp.name}, {"kind", sp.kind}, {"median_us", sp.median}});
        variants.push_back({{"variant", v.variant}, {"runs", v.runs}, {"ok", v.ok}, {"boot_to_init_us", v.boot_to_init},
                            {"median_us", v.median}, {"min_us", v.min}, {"max_us", v.max}, {"cv", v.cv},
                            {"init_done_median_us", opt(v.init_done_median)},
                            {"representative_run", v.representative_run}, {"slowest", slowest}});
    }
    nlohmann::json verdicts = nlohmann::json::array();
    for (const auto& v : s.verdicts)
        verdicts.push_back({{"variant", v.variant}, {"against", v.against}, {"metric", v.metric},
                            {"median_difference_us", v.c.median_b - v.c.median_a},
                            {"interval_us", {v.c.interval.low, v.c.interval.high}}, {"p", v.c.p_two_sided()},
                            {"line", verdict_line(v)}});
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : s.device_changes) changes.push_back({{"path", c.path}, {"names", c.names}});
    nlohmann::json hosts = nlohmann::json::array();
    for (const auto& h : s.hosts) hosts.push_back({{"host", h.host}, {"backend", h.backend}, {"boots", h.boots}, {"ok", h.ok}});
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& r : s.runs) runs.push_back(run_json(r));
    return {{"experiment_id", s.experiment_id}, {"name", s.name}, {"variants", variants}, {"verdicts", verdicts},
            {"boots_with_devices", s.boots_with_devices}, {"device_order", s.device_order},
            {"device_changes", changes}, {"hosts", hosts}, {"warmups", s.warmups}, {"runs", runs}};
}

} // namespace bootlab::report
