#include "report/html.h"

#include "common/escape.h"
#include "report/trend.h"
#include "report/critical_path.h"
#include "report/export.h"
#include "report/format.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace bootlab::report {
namespace {

const char* kStyle = R"(
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1450px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5em 0; }
td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; }
td.name { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
svg { max-width: 100%; height: auto; }
.bad { color: #c0392b; font-weight: bold; } .good { color: #2a7d3f; }
code, pre { background: #f6f6f6; padding: 1px 4px; }
pre { white-space: pre-wrap; word-break: break-all; font-size: 0.85em; }
.hostbar { display: flex; width: 420px; height: 14px; background: #f6f6f6; }
.hostbar span { display: block; height: 100%; }
.h0 { background: #9b9b9b; } .h1 { background: #4a7fb5; } .h2 { background: #e0a030; } .h3 { background: #b05a5a; }
)";

// The boot on the host's clock, per variant: the medians of the named intervals, each variant a
// bar of them on one scale (what systemd-analyze plot shows of a machine's boot).
void write_host_clock_html(std::ostream& out, const ExperimentSummary& s) {
    auto e = [](const std::string& t) { return xml_escape(t); };
    double longest = 0;
    for (const auto& v : s.variants) {
        double total = 0;
        for (const auto& x : v.host) total += static_cast<double>(x.value_or(0));
        longest = std::max(longest, total);
    }
    if (longest <= 0) return;
    const auto names = model::host_intervals({});
    out << "<h2>The boot on the host's clock</h2>\n<p>Medians over the boots that count, from the emulator's start "
           "to its exit; marks are when the console showed them, good to about 20 ms.</p>\n<table><tr><th>variant</th>";
    for (const auto& i : names) out << "<th title=\"" << e(i.what) << "\">" << i.name << "</th>";
    out << "<th></th></tr>\n";
    for (const auto& v : s.variants) {
        out << "<tr><td class=name>" << e(v.variant) << "</td>";
        for (const auto& x : v.host) out << "<td class=num>" << e(host_seconds(x)) << "</td>";
        out << "<td><div class=hostbar>";
        for (std::size_t i = 0; i < v.host.size(); ++i) {
            char w[32];
            std::snprintf(w, sizeof w, "%.2f", 100 * static_cast<double>(v.host[i].value_or(0)) / longest);
            out << "<span class=\"h" << i << "\" style=\"width:" << w << "%\" title=\"" << names[i].name << " "
                << e(host_seconds(v.host[i])) << "\"></span>";
        }
        out << "</div></td></tr>\n";
    }
    out << "</table>\n";
}

} // namespace

void write_experiment_html(std::ostream& out, store::Store& store, const ExperimentSummary& s,
                           const Environment& env) {
    auto e = [](const std::string& t) { return xml_escape(t); };
    out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>bootlab: " << e(s.name)
        << "</title><style>" << kStyle << "</style></head><body>\n";
    out << "<h1>bootlab experiment " << s.experiment_id << ": " << e(s.name) << "</h1>\n";

    out << "<h2>Environment</h2><table>";
    std::string kernels, created;
    for (const auto& r : s.runs) {
        std::string k = r.kernel_version;
        if (!r.kernel_series.empty()) k += " (built from linux-source + kernel-patches/" + r.kernel_series + ")";
        else if (r.kernel_origin == "distro") k += " (Debian package)";
        if (!r.kernel_version.empty() && kernels.find(k) == std::string::npos)
            kernels += (kernels.empty() ? "" : ", ") + k;
    }
    if (!s.runs.empty()) created = s.runs.front().created;
    std::string emulators; // as each host reported it (runs stored before it was recorded: none)
    for (const auto& r : s.runs)
        if (!r.emulator_version.empty() && emulators.find(r.emulator_version) == std::string::npos)
            emulators += (emulators.empty() ? "" : ", ") + r.emulator_version;
    out << "<tr><th>kernel</th><td>" << e(kernels) << "</td></tr>"
        << "<tr><th>emulator</th><td>" << e(emulators.empty() ? env.qemu_version : emulators) << "</td></tr>"
        << "<tr><th>boots ran on</th><td>" << e(hosts_line(s.hosts)) << "</td></tr>"
        << "<tr><th>bootlab ran on</th><td>" << e(env.host) << "</td></tr>"
        << (env.experiment_file.empty() ? "" : "<tr><th>experiment file</th><td>" + e(env.experiment_file) + "</td></tr>")
        << "<tr><th>started</th><td>" << e(created) << "</td></tr></table>\n";
    out << env.verdict_html;

    out << "<h2>Boot-to-init per variant</h2><table><tr><th>variant</th><th>runs</th><th>ok</th>"
        << "<th>median</th><th>min</th><th>max</th><th>CV</th><th>init-done (median)</th><th>kernel command line</th></tr>\n";
    for (const auto& v : s.variants) {
        std::string cmdline;
        for (const auto& r : s.runs)
            if (r.variant == v.variant) { cmdline = r.kernel_cmdline; break; }
        char cv[16];
        std::snprintf(cv, sizeof cv, "%.1f%%", 100 * v.cv);
        out << "<tr><td class=name>" << e(v.variant) << "</td><td class=num>" << v.runs << "</td><td class=num"
            << (v.ok < v.runs ? " bad" : "") << ">" << v.ok << "</td><td class=num>"
            << (v.boot_to_init.empty() ? "-" : e(seconds(v.median))) << "</td><td class=num>"
            << (v.boot_to_init.empty() ? "-" : e(seconds(v.min))) << "</td><td class=num>"
            << (v.boot_to_init.empty() ? "-" : e(seconds(v.max))) << "</td><td class=num>" << cv
            << "</td><td class=num>" << e(seconds(v.init_done_median)) << "</td><td><code>" << e(cmdline)
            << "</code></td></tr>\n";
    }
    out << "</table>\n";

    if (!s.verdicts.empty()) {
        out << "<h2>Verdict</h2>\n<p>Medians of the boots that count; Mann-Whitney, two-sided; the interval is a "
               "bootstrap of the difference of medians.</p>\n<ul>";
        for (const auto& v : s.verdicts)
            out << "<li" << (v.c.differs(kVerdictAlpha) ? " class=good" : "") << ">" << e(verdict_line(v)) << "</li>";
        out << "</ul>\n";
    }
    write_host_clock_html(out, s);
    if (!s.warmups.empty())
        out << "<p>Warm-up: " << s.warmups.size() << (s.warmups.size() == 1 ? " boot" : " boots")
            << " stored, not counted in any figure of this report.</p>\n";

    write_slowprobe_table_html(out, s.slowprobe);

    out << "<h2>Slowest spans (median over ok boots)</h2>\n";
    for (const auto& v : s.variants) {
        out << "<h3>" << e(v.variant) << "</h3><table>";
        for (const auto& sp : v.slowest)
            out << "<tr><td class=num>" << e(millis(sp.median)) << "</td><td>" << e(sp.kind)
                << "</td><td>" << e(sp.name) << "</td></tr>";
        out << "</table>\n";
    }

    write_trend_html(out, store, s.name, s.experiment_id);

    out << "<h2>Device order</h2>\n";
    if (s.boots_with_devices == 0) {
        out << "<p>No boot listed its disks.</p>\n";
    } else if (s.device_changes.empty()) {
        out << "<p class=good>The same in all " << s.boots_with_devices << " boots:</p><p>";
        for (const auto& d : s.device_order) out << "<code>" << e(d) << "</code> ";
        out << "</p>\n";
    } else {
        out << "<p class=bad>Disk names changed between boots.</p><table><tr><th>disk (by path)</th><th>name: runs</th></tr>";
        for (const auto& c : s.device_changes) {
            out << "<tr><td><code>" << e(c.path) << "</code></td><td>";
            for (const auto& [name, runs] : c.names) {
                out << "<b>" << e(name) << "</b>: ";
                for (auto id : runs) out << id << " ";
            }
            out << "</td></tr>";
        }
        out << "</table>\n";
    }

    if (s.boots_with_devices > 0 && s.variants.size() > 1) {
        out << "<p>Within each variant:</p><ul>";
        for (const auto& v : s.variants)
            out << "<li class=" << (v.disks_renamed ? "bad" : "good") << ">" << e(variant_device_order(v)) << "</li>";
        out << "</ul>\n";
    }

    out << "<h2>Timelines (the run closest to each variant's median)</h2>\n";
    for (const auto& v : s.variants) {
        if (!v.representative_run) continue;
        store::RunInfo info = store.require_run(v.representative_run);
        std::ostringstream svg;
        const model::Boot boot = store.load_boot(v.representative_run);
        write_svg(svg, info, boot);
        std::string text = svg.str();
        text = text.substr(text.find("<svg")); // inline: no XML declaration
        out << "<h3>" << e(v.variant) << " (run " << v.representative_run << ")</h3>\n"
            << text << "\n<h4>Critical path</h4>\n";
        write_critical_path_html(out, model::critical_path(boot));
    }

    out << "<h2>Runs</h2><table><tr><th>run</th><th>variant</th><th>rep</th><th>status</th>"
        << "<th>boot-to-init</th><th>wall</th><th>error</th></tr>\n";
    for (const auto& r : s.runs)
        out << "<tr><td class=num>" << r.id << "</td><td class=name>" << e(r.variant) << "</td><td class=num>"
            << r.repetition << "</td><td" << (r.status == model::RunStatus::Ok ? "" : " class=bad") << ">" << model::to_string(r.status)
            << "</td><td class=num>" << e(seconds(r.metrics.boot_to_init)) << "</td><td class=num>"
            << (r.wall_us ? e(seconds(*r.wall_us)) : "-") << "</td><td>" << e(r.error) << "</td></tr>\n";
    out << "</table>\n";
    if (!s.runs.empty() && !s.runs.front().emulator_argv.empty())
        out << "<h2>Emulator command (first run)</h2><pre>" << e(s.runs.front().emulator_argv) << "</pre>\n";
    out << "</body></html>\n";
}

} // namespace bootlab::report
