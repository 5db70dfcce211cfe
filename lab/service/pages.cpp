#include "service/pages.h"

#include "common/escape.h"
#include "report/critical_path.h"
#include "report/export.h"
#include "report/format.h"
#include "report/html.h"
#include "report/summary.h"
#include "report/text.h"
#include "report/trend.h"
#include "service/views.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace bootlab::service {
namespace {

std::string e(std::string_view s) { return xml_escape(s); }

// The service's stylesheet and script (deferred): every page has them.
constexpr const char* kAssets = "<link rel=\"stylesheet\" href=\"/static/bootlab.css\">\n"
                                "<script src=\"/static/bootlab.js\" defer></script>";

// The navigation bar: runs, history (of one experiment, where `history` says so), and `last`.
std::string nav(const std::string& history = "/history", const std::string& last = "<a href=\"/compare\">compare</a>") {
    return "<nav><a href=\"/\" class=\"brand\">bootlab</a> <a href=\"/\">runs</a> <a href=\"" + e(history) +
           "\">history</a> " + last + "</nav>\n";
}

// The frame of every page: the navigation, the stylesheet and the script.
std::string page(const std::string& title, const std::string& body) {
    std::string out = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" + e(title) +
                      " - bootlab</title>\n" + kAssets + "</head>\n<body>\n" + nav() + "<main>\n";
    out += body;
    out += "</main>\n</body></html>\n";
    return out;
}

HttpResponse html(std::string body) { return {200, "text/html; charset=utf-8", std::move(body), {}}; }

std::string ms(std::optional<model::Micros> us) {
    if (!us) return "-";
    char b[32];
    std::snprintf(b, sizeof b, "%.1f ms", static_cast<double>(*us) / 1e3);
    return b;
}

// ?k=v&... of the current filter with one key changed (pagination links)
std::string query_with(const std::map<std::string, std::string>& q, const std::string& key, const std::string& value) {
    std::map<std::string, std::string> m = q;
    m[key] = value;
    std::string out;
    for (const auto& [k, v] : m) {
        if (v.empty()) continue;
        out += (out.empty() ? "?" : "&") + percent_encode(k) + "=" + percent_encode(v);
    }
    return out;
}

// Boot data for the timeline script, as JSON inside <script type="application/json">: not
// executed, and "<" written as \u003c so that no log text can end the element.
std::string boot_data(const std::string& id, const store::RunInfo& run, const model::Boot& boot,
                      const model::CriticalPath* critical = nullptr) {
    using nlohmann::json;
    json spans = json::array();
    for (const auto& s : boot.spans)
        spans.push_back({s.seq, s.function, s.module, s.cookie ? json(*s.cookie) : json(nullptr), s.pid, s.start,
                         s.duration ? json(*s.duration) : json(nullptr), s.kind == model::SpanKind::Async ? "a" : "s"});
    json waits = json::array();
    for (const auto& w : boot.waits) waits.push_back({w.pid, w.start, w.duration ? json(*w.duration) : json(nullptr)});
    json marks = json::array();
    for (const auto& m : boot.markers)
        if (m.time) marks.push_back({m.name, *m.time, m.detail});
    json on_path = json::array(); // the spans of the critical path: drawn outlined
    if (critical)
        for (const auto& l : critical->links)
            if (l.span) on_path.push_back(l.span->seq);
    json d = {{"run", run.id}, {"label", run.variant}, {"spans", spans}, {"waits", waits}, {"marks", marks},
              {"critical", on_path},
              {"end", run.metrics.init_done.value_or(run.metrics.boot_to_init.value_or(0))}};
    std::string text = d.dump(-1, ' ', false, json::error_handler_t::replace);
    std::string safe;
    safe.reserve(text.size());
    for (char c : text) safe += c == '<' ? std::string("\\u003c") : std::string(1, c);
    return "<script type=\"application/json\" id=\"" + id + "\">" + safe + "</script>\n";
}

// The timeline's controls and one container per boot; bootlab.js draws them on one time scale.
std::string timeline_block(const std::vector<std::pair<std::string, std::string>>& boots /* data id, caption */) {
    std::string out = "<div class=\"controls\"><input id=\"search\" type=\"search\" placeholder=\"search functions, "
                      "modules\" autocomplete=\"off\"> <span id=\"search-count\"></span> <button id=\"zoom-in\">+"
                      "</button><button id=\"zoom-out\">&minus;</button><button id=\"zoom-reset\">whole boot</button>"
                      " <span class=\"hint\">wheel: zoom, drag: pan</span></div>\n";
    for (const auto& [id, caption] : boots)
        out += "<div class=\"timeline-caption\">" + caption + "</div><div class=\"timeline\" data-source=\"" + id +
               "\"></div>\n";
    out += "<div id=\"tooltip\" class=\"tooltip\" hidden></div>\n";
    return out;
}

std::string run_row(const store::RunInfo& r) {
    std::string cls = r.status == model::RunStatus::Ok ? "" : " class=\"bad\"";
    return "<tr><td class=num><a href=\"/runs/" + std::to_string(r.id) + "\">" + std::to_string(r.id) + "</a></td>" +
           "<td><a href=\"/experiments/" + std::to_string(r.experiment_id) + "\">" + e(r.experiment) + "</a></td><td>" +
           e(r.variant) + (r.warmup ? " <span class=hint>(warm-up)</span>" : "") + "</td><td>" + e(r.kernel_version) +
           (r.kernel_series.empty() ? "" : " (" + e(r.kernel_series) + ")") + "</td><td>" + e(r.host) + "</td><td" + cls +
           ">" + model::to_string(r.status) + "</td><td class=num>" + ms(r.metrics.boot_to_init) + "</td><td class=num>" +
           ms(r.metrics.init_done) + "</td><td>" + e(r.created) + "</td></tr>\n";
}

} // namespace

HttpResponse page_error(int status, const std::string& message) {
    HttpResponse r = html(page("error", "<h1>" + std::to_string(status) + "</h1>\n<p class=\"bad\">" + e(message) + "</p>\n"));
    r.status = status;
    return r;
}

HttpResponse page_index(store::Store& store, const HttpRequest& req) {
    RunList l = run_list(store, req);
    std::ostringstream o;
    const auto& f = l.filter;
    auto field = [&](const char* name, const std::string& value, const char* hint) {
        o << "<label>" << name << " <input name=\"" << name << "\" value=\"" << e(value) << "\" placeholder=\"" << hint
          << "\"></label> ";
    };
    o << "<h1>Boots</h1>\n<form class=\"filter\" method=\"get\" action=\"/\">";
    field("experiment", f.experiment, "name");
    field("variant", f.variant, "variant");
    field("kernel", f.kernel, "version or series");
    field("host", f.host, "host");
    o << "<label>status <select name=\"status\"><option value=\"\">any</option>";
    for (const char* s : {"ok", "timeout", "panic", "error", "cancelled"})
        o << "<option" << (f.status == s ? " selected" : "") << ">" << s << "</option>";
    o << "</select></label> ";
    field("q", f.words, "any words");
    o << "<button>filter</button></form>\n";
    if (f.experiment.empty() && f.words.empty() && l.page == 1) {
        auto exps = store.experiments(10);
        if (!exps.empty()) {
            o << "<h2>Experiments</h2>\n<table><tr><th>id</th><th>name</th><th>origin</th><th>boots</th><th>ok</th>"
                 "<th>created</th></tr>\n";
            for (const auto& x : exps)
                o << "<tr><td class=num><a href=\"/experiments/" << x.id << "\">" << x.id << "</a></td><td>" << e(x.name)
                  << "</td><td>" << e(x.origin) << "</td><td class=num>" << x.runs << "</td><td class=num>" << x.ok
                  << "</td><td>" << e(x.created) << "</td></tr>\n";
            o << "</table>\n";
        }
    }
    const std::int64_t first = (l.page - 1) * kRunsPerPage;
    o << "<h2>Runs</h2>\n<p id=\"run-count\">" << l.runs.total << " runs";
    if (l.runs.total) o << ", " << first + 1 << "-" << first + static_cast<std::int64_t>(l.runs.runs.size()) << " shown, newest first";
    o << "</p>\n<table class=\"runs\"><tr><th>run</th><th>experiment</th><th>variant</th><th>kernel</th><th>host</th>"
         "<th>status</th><th>boot-to-init</th><th>init-done</th><th>stored</th></tr>\n";
    for (const auto& r : l.runs.runs) o << run_row(r);
    o << "</table>\n<p class=\"pages\">";
    if (l.page > 1) o << "<a href=\"" << e(query_with(req.query, "page", std::to_string(l.page - 1))) << "\">newer</a> ";
    if (first + kRunsPerPage < l.runs.total)
        o << "<a href=\"" << e(query_with(req.query, "page", std::to_string(l.page + 1))) << "\">older</a>";
    o << "</p>\n";
    return html(page("runs", o.str()));
}

HttpResponse page_run(store::Store& store, std::int64_t id, const HttpRequest& req) {
    const store::RunInfo r = store.require_run(id);
    const model::Boot boot = store.load_boot(id);
    const model::Metrics& m = r.metrics;
    std::ostringstream o;
    o << "<h1>Run " << id << ": " << e(r.experiment) << " / " << e(r.variant) << "</h1>\n";
    o << "<table class=\"headline\"><tr><th>status</th><th>boot-to-init</th><th>init-done</th><th>initcalls</th>"
         "<th>async</th><th>unfinished</th><th>pid 1 waiting</th><th>wall</th></tr>\n<tr><td"
      << (r.status == model::RunStatus::Ok ? "" : " class=bad") << ">" << model::to_string(r.status) << "</td><td class=num>"
      << ms(m.boot_to_init) << "</td><td class=num>" << ms(m.init_done) << "</td><td class=num>" << m.sync_count << " ("
      << ms(m.initcall_total) << ")</td><td class=num>" << m.async_count << " (" << ms(m.async_total) << ")</td><td class=num>"
      << m.unfinished_count << "</td><td class=num>" << ms(m.boot_wait) << "</td><td class=num>" << ms(r.wall_us)
      << "</td></tr></table>\n";
    if (!r.error.empty()) o << "<p class=\"bad\">" << e(r.error) << "</p>\n";
    if (!r.panic_message.empty()) o << "<p class=\"bad\">panic: " << e(r.panic_message) << "</p>\n";
    const std::string base = "/runs/" + std::to_string(id);
    o << "<p class=\"downloads\">download: <a href=\"" << base << "/log\">raw log</a> <a href=\"" << base
      << "/trace.json\">Perfetto trace</a> <a href=\"" << base << "/spans.csv\">CSV</a> <a href=\"" << base
      << "/timeline.svg\">SVG</a> &middot; <a href=\"/history?experiment=" << e(percent_encode(r.experiment))
      << "&amp;variant=" << e(percent_encode(r.variant)) << "\">history of this variant</a> &middot; <a href=\"/api/runs/"
      << id << "\">JSON</a></p>\n";
    const model::CriticalPath critical = model::critical_path(boot);
    o << "<h2>Timeline</h2>\n" << boot_data("boot-a", r, boot, &critical)
      << timeline_block({{"boot-a", "pid lanes; async cookies as #N; hatched: pid waiting on async work"}});
    o << "<h2>Critical path</h2>\n";
    report::write_critical_path_html(o, critical);
    const bool all = req.param("all") == "1";
    const auto spans = report::spans_by_duration(boot);
    o << "<h2>Blame</h2>\n<table class=\"blame\"><tr><th>function</th><th>module</th><th>kind</th><th>cookie</th>"
         "<th>pid</th><th>start</th><th>duration</th></tr>\n";
    for (std::size_t i = 0; i < spans.size() && (all || i < 40); ++i) {
        const auto& s = *spans[i];
        o << "<tr><td class=name><a href=\"#span=" << s.seq << "\">" << e(s.function) << "</a></td><td>" << e(s.module)
          << "</td><td>" << model::to_string(s.kind) << "</td><td class=num>" << (s.cookie ? std::to_string(*s.cookie) : "")
          << "</td><td class=num>" << s.pid << "</td><td class=num>" << ms(s.start) << "</td><td class=num>"
          << (s.duration ? ms(*s.duration) : "never returned") << "</td></tr>\n";
    }
    o << "</table>\n";
    if (!all && spans.size() > 40) o << "<p><a href=\"" << base << "?all=1\">all " << spans.size() << " spans</a></p>\n";
    if (!boot.devices.empty()) {
        o << "<h2>Devices, in the order they were named</h2>\n<table><tr><th>kind</th><th>name</th><th>path</th>"
             "<th>detail</th></tr>\n";
        for (const auto& d : boot.devices)
            o << "<tr><td>" << model::to_string(d.kind) << "</td><td>" << e(d.name) << "</td><td>" << e(d.path) << "</td><td>"
              << e(d.detail) << "</td></tr>\n";
        o << "</table>\n";
    }
    o << "<h2>Provenance</h2>\n<table class=\"provenance\">";
    auto row = [&](const char* k, const std::string& v, bool pre = false) {
        if (v.empty()) return;
        o << "<tr><th>" << k << "</th><td>" << (pre ? "<pre>" : "") << e(v) << (pre ? "</pre>" : "") << "</td></tr>\n";
    };
    row("experiment", r.experiment + " (id " + std::to_string(r.experiment_id) + "), repetition " + std::to_string(r.repetition));
    row("kernel", r.kernel_version + (r.kernel_series.empty() ? "" : ", series " + r.kernel_series) + " (" + r.kernel_origin + ")");
    row("banner", boot.kernel_banner);
    row("cmdline", r.kernel_cmdline, true);
    row("backend", r.backend);
    row("host", r.host);
    row("source", r.source);
    row("emulator", r.emulator_version);
    row("emulator argv", r.emulator_argv, true);
    row("domain XML", r.domain_xml, true);
    row("stored", r.created);
    row("parser", "version " + std::to_string(r.parser_version) + ": " + std::to_string(r.lines_total) + " lines, " +
                      std::to_string(r.lines_unused) + " initcall-like lines not understood");
    o << "</table>\n";
    return html(page("run " + std::to_string(id), o.str()));
}

HttpResponse page_experiment(store::Store& store, std::int64_t id) {
    report::ExperimentSummary sum = report::summarize(store, id);
    if (sum.runs.empty()) return page_error(404, "experiment " + std::to_string(id) + ": no such experiment");
    std::ostringstream report;
    report::write_experiment_html(report, store, sum, {"", "", "", ""});
    std::string doc = report.str();
    // The report is a whole document (`bootlab report` writes it to a file): give it the
    // service's navigation, and the script that reloads it while boots still arrive.
    const std::string links = nav("/history?experiment=" + percent_encode(sum.name),
                                  "<a href=\"/api/experiments/" + std::to_string(id) + "\">JSON</a>");
    if (auto b = doc.find("<body>"); b != std::string::npos) doc.insert(b + 6, "\n" + links);
    // (the service's stylesheet first: the report's own style wins where they differ)
    const std::string live = std::string(kAssets) + "<meta name=\"bootlab-experiment\" content=\"" + std::to_string(id) +
                             "\"><meta name=\"bootlab-runs\" content=\"" + std::to_string(sum.runs.size()) + "\">";
    if (auto h = doc.find("<head>"); h != std::string::npos) doc.insert(h + 6, live);
    return html(std::move(doc));
}

HttpResponse page_history(store::Store& store, const HttpRequest& req) {
    History h = history(store, req);
    std::ostringstream o;
    o << "<h1>History</h1>\n<form class=\"filter\" method=\"get\" action=\"/history\"><label>experiment <select "
         "name=\"experiment\">";
    for (const auto& n : h.experiment_names)
        o << "<option" << (n == h.experiment ? " selected" : "") << ">" << e(n) << "</option>";
    o << "</select></label> <label>variant <input name=\"variant\" value=\"" << e(h.variant)
      << "\" placeholder=\"all\"></label> <label>function <input name=\"function\" value=\""
      << e(h.function) << "\" placeholder=\"e.g. ahci_pci_driver_init\" size=\"40\"></label> <button>show</button></form>\n";
    if (h.experiment_names.empty()) return html(page("history", o.str() + "<p>Nothing stored yet.</p>\n"));
    if (!req.param("function").empty() && h.function.empty()) {
        o << "<p class=\"bad\">No stored boot ran <b>" << e(req.param("function")) << "</b>.";
        if (!h.matching.empty()) o << " Functions whose name contains it:";
        o << "</p>\n<ul>";
        for (const auto& k : h.matching)
            o << "<li><a href=\"/history" << e(query_with(req.query, "function", k)) << "\">" << e(k) << "</a></li>";
        o << "</ul>\n";
    }
    o << "<p>Every boot that counts of the experiments named <b>" << e(h.experiment) << "</b>"
      << (h.variant.empty() ? "" : ", variant <b>" + e(h.variant) + "</b>") << ", oldest first"
      << (h.truncated ? " (the newest " + std::to_string(h.limit) + ")" : "")
      << "; lines join each experiment's median. Click a point to open its boot.</p>\n";
    if (!h.function.empty()) report::write_trend_chart(o, h.function + ": its time in each boot", h.function_us, 0, "/runs/");
    report::write_trend_chart(o, "boot-to-init", h.boot_to_init, 0, "/runs/");
    report::write_trend_chart(o, "init-done", h.init_done, 0, "/runs/");
    if (h.boot_to_init.empty() && h.init_done.empty()) o << "<p>No boot of this experiment reached init.</p>\n";
    return html(page("history", o.str()));
}

HttpResponse page_compare(store::Store& store, const HttpRequest& req) {
    std::ostringstream o;
    o << "<h1>Compare</h1>\n<form class=\"filter\" method=\"get\" action=\"/compare\"><label>A <input name=\"a\" value=\""
      << e(req.param("a")) << "\" placeholder=\"run id, runs:1-5, experiment:NAME@VARIANT\" size=\"32\"></label> <label>B "
      << "<input name=\"b\" value=\"" << e(req.param("b")) << "\" size=\"32\"></label> <button>compare</button></form>\n";
    if (req.param("a").empty() && req.param("b").empty())
        return html(page("compare", o.str() + "<p>Two runs (their ids) or two sets of runs (selectors), side by side.</p>\n"));
    Comparison c = compare(store, req);
    o << "<p>A: " << e(c.a.description) << " (" << c.a.runs.size() << " boots), B: " << e(c.b.description) << " ("
      << c.b.runs.size() << " boots).</p>\n";
    std::vector<std::pair<std::string, std::string>> boots;
    for (auto [side, run] : {std::pair{"a", c.a_run}, std::pair{"b", c.b_run}}) {
        if (!run) continue;
        const store::RunInfo info = store.require_run(run);
        o << boot_data(std::string("boot-") + side, info, store.load_boot(run));
        boots.emplace_back(std::string("boot-") + side, std::string(side == std::string("a") ? "A" : "B") +
                                                            ": <a href=\"/runs/" + std::to_string(run) + "\">run " +
                                                            std::to_string(run) + "</a> (representative)");
    }
    o << "<h2>Timelines, on one time scale</h2>\n" << timeline_block(boots);
    o << "<h2>Functions</h2>\n<table class=\"compare\"><tr><th>function</th><th>&Delta;</th><th>&Delta;%</th>"
         "<th>the boots show</th><th>A median</th><th>B median</th><th>spread A / B</th></tr>\n";
    std::size_t shown = 0;
    for (const auto& f : c.changes) {
        if (++shown > 200) break;
        const double base = f.cmp.median_a;
        char pct[32] = "";
        if (base > 0) std::snprintf(pct, sizeof pct, "%+.1f%%", 100 * f.delta() / base);
        char p[48] = "";
        if (f.evidence == check::Evidence::Change && !f.replayed) std::snprintf(p, sizeof p, " (p = %.2g)", f.cmp.p_two_sided());
        o << "<tr" << (f.evidence == check::Evidence::Change ? " class=\"change\"" : " class=\"quiet\"") << "><td class=name>"
          << e(f.function) << "</td><td class=num>" << ms(static_cast<model::Micros>(f.delta())) << "</td><td class=num>"
          << pct << "</td><td>" << check::to_string(f.evidence) << p << "</td><td class=num>"
          << ms(static_cast<model::Micros>(f.cmp.median_a)) << "</td><td class=num>"
          << ms(static_cast<model::Micros>(f.cmp.median_b)) << "</td><td class=num>"
          << ms(static_cast<model::Micros>(f.a_spread)) << " / " << ms(static_cast<model::Micros>(f.b_spread))
          << "</td></tr>\n";
    }
    o << "</table>\n";
    if (c.changes.size() > 200) o << "<p>(the first 200 of " << c.changes.size() << " functions)</p>\n";
    return html(page("compare", o.str()));
}

HttpResponse run_download(store::Store& store, std::int64_t id, const std::string& what) {
    const store::RunInfo r = store.require_run(id);
    const std::string name = "run-" + std::to_string(id);
    if (what == "log") {
        std::string log;
        store.read_log(id, [&](std::string_view chunk) { log.append(chunk); });
        return {200, "text/plain; charset=utf-8", std::move(log),
                {{"Content-Disposition", "inline; filename=\"" + name + ".log\""}}};
    }
    struct Kind {
        const char* path;
        report::ExportFormat format;
        const char* type;
        const char* file;
    };
    for (const Kind& k : {Kind{"trace.json", report::ExportFormat::Perfetto, "application/json", ".json"},
                          Kind{"spans.csv", report::ExportFormat::Csv, "text/csv; charset=utf-8", ".csv"},
                          Kind{"timeline.svg", report::ExportFormat::Svg, "image/svg+xml", ".svg"}}) {
        if (what != k.path) continue;
        std::ostringstream o;
        report::write_export(o, k.format, r, store.load_boot(id));
        return {200, k.type, o.str(), {{"Content-Disposition", "attachment; filename=\"" + name + k.file + "\""}}};
    }
    return page_error(404, "no such download: " + what);
}

} // namespace bootlab::service
