// A static boot timeline as SVG: what bootgraph.pl draws, plus async cookies and waits.
#include "common/escape.h"
#include "report/export.h"
#include "report/format.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace bootlab::report {
namespace {

constexpr double kWidth = 1400, kLabelW = 120, kLaneH = 18, kTop = 60;
constexpr const char* kSyncColor = "#4878b0";
constexpr const char* kAsyncColor = "#e08a2c";
constexpr const char* kUnfinishedColor = "#c0392b";

// A "nice" tick step for the axis: 1, 2 or 5 times a power of ten.
double tick_step(double span_us) {
    double raw = span_us / 10;
    double p = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= raw) return m * p;
    return 10 * p;
}

} // namespace

void write_svg(std::ostream& out, const store::RunInfo& run, const model::Boot& boot) {
    model::Micros end = 1;
    for (const auto& s : boot.spans) end = std::max(end, s.end());
    for (const auto& m : boot.markers) if (m.time) end = std::max(end, *m.time);

    std::map<std::int64_t, int> lane; // pid -> lane, in pid order (pid 1 first)
    for (const auto& s : boot.spans) lane.emplace(s.pid, 0);
    int n = 0;
    for (auto& [pid, l] : lane) l = n++;
    const double plot_w = kWidth - kLabelW - 20;
    constexpr int kLabelRows = 3; // marker names are stacked so that close markers stay readable
    const double lanes_bottom = kTop + n * kLaneH;
    const double height = lanes_bottom + 24 + kLabelRows * 12;
    auto x = [&](model::Micros t) { return kLabelW + plot_w * static_cast<double>(t) / static_cast<double>(end); };
    auto y = [&](std::int64_t pid) { return kTop + lane[pid] * kLaneH; };

    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << kWidth << ' ' << height << "\" font-family=\"sans-serif\" font-size=\"10\">\n"
        << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        << "<text x=\"10\" y=\"18\" font-size=\"14\">run " << run.id << ": "
        << xml_escape(run.kernel_version) << " " << xml_escape(run.variant) << " [" << model::to_string(run.status)
        << "]  boot-to-init " << xml_escape(seconds(run.metrics.boot_to_init)) << "</text>\n"
        << "<text x=\"10\" y=\"34\" fill=\"#555\">" << xml_escape(run.kernel_cmdline) << "</text>\n";

    // axis and grid
    double step = tick_step(static_cast<double>(end));
    for (double t = 0; t <= static_cast<double>(end); t += step) {
        double tx = x(static_cast<model::Micros>(t));
        out << "<line x1=\"" << tx << "\" y1=\"" << kTop - 4 << "\" x2=\"" << tx << "\" y2=\""
            << lanes_bottom << "\" stroke=\"#ddd\"/>"
            << "<text x=\"" << tx << "\" y=\"" << kTop - 8 << "\" text-anchor=\"middle\">"
            << t / 1e6 << " s</text>\n";
    }
    for (const auto& [pid, l] : lane) {
        out << "<text x=\"" << kLabelW - 6 << "\" y=\"" << y(pid) + 12 << "\" text-anchor=\"end\">pid "
            << pid << "</text>\n";
    }
    for (const auto& w : boot.waits) {
        if (!lane.count(w.pid)) continue;
        out << "<rect x=\"" << x(w.start) << "\" y=\"" << y(w.pid) + kLaneH - 5 << "\" width=\""
            << std::max(1.0, x(w.start + w.duration.value_or(0)) - x(w.start))
            << "\" height=\"3\" fill=\"#999\"><title>async_waiting pid " << w.pid << ": "
            << millis(w.duration.value_or(0)) << "</title></rect>\n";
    }
    for (const auto& s : boot.spans) {
        double x0 = x(s.start);
        double w = std::max(1.0, x(s.finished() ? s.end() : end) - x0);
        const char* color = !s.finished() ? kUnfinishedColor
                            : s.kind == model::SpanKind::Async ? kAsyncColor : kSyncColor;
        std::string label = span_label(s);
        out << "<g><rect x=\"" << x0 << "\" y=\"" << y(s.pid) + 1 << "\" width=\"" << w
            << "\" height=\"" << kLaneH - 6 << "\" fill=\"" << color << "\"/>";
        out << "<title>" << xml_escape(label) << " (" << to_string(s.kind) << ", pid " << s.pid
            << ")&#10;start " << xml_escape(seconds(s.start)) << ", "
            << (s.finished() ? xml_escape(millis(*s.duration)) : "never returned");
        if (s.ret) out << ", returned " << *s.ret;
        out << "</title>";
        if (w > 7.0 * static_cast<double>(label.size()))
            out << "<text x=\"" << x0 + 2 << "\" y=\"" << y(s.pid) + 11 << "\" fill=\"white\">"
                << xml_escape(label) << "</text>";
        out << "</g>\n";
    }
    double row_end[kLabelRows] = {};
    for (const auto& m : boot.markers) {
        if (!m.time) continue;
        double mx = x(*m.time);
        double label_w = 6.0 * static_cast<double>(m.name.size());
        bool right = mx + label_w > kWidth - 4; // near the right edge: label to the left
        double lx = right ? mx - 2 - label_w : mx + 2;
        int row = 0;
        while (row + 1 < kLabelRows && lx < row_end[row] + 4) ++row;
        row_end[row] = lx + label_w;
        double ly = lanes_bottom + 12 + row * 12;
        out << "<line x1=\"" << mx << "\" y1=\"" << kTop - 4 << "\" x2=\"" << mx << "\" y2=\""
            << ly << "\" stroke=\"#2a9d3f\" stroke-dasharray=\"4 3\"><title>"
            << xml_escape(m.name) << " " << xml_escape(seconds(*m.time)) << "</title></line>"
            << "<text x=\"" << lx << "\" y=\"" << ly + 9 << "\" fill=\"#2a9d3f\">"
            << xml_escape(m.name) << "</text>\n";
    }
    out << "<text x=\"10\" y=\"" << height - 4 << "\" fill=\"#555\">"
        << "<tspan fill=\"" << kSyncColor << "\">&#9632; sync initcall</tspan>  "
        << "<tspan fill=\"" << kAsyncColor << "\">&#9632; async cookie</tspan>  "
        << "<tspan fill=\"" << kUnfinishedColor << "\">&#9632; never returned</tspan>  "
        << "<tspan fill=\"#999\">&#9632; async_waiting</tspan></text>\n</svg>\n";
}

} // namespace bootlab::report
