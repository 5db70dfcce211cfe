#include "report/trend.h"

#include "common/escape.h"
#include "report/summary.h"
#include "stats/stats.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace bootlab::report {
namespace {

const char* kColours[] = {"#4878b0", "#e08a2c", "#3a9a4a", "#c0392b", "#8e6bb8", "#7f6a4d", "#d17ab8", "#6f6f6f"};

struct Series {
    std::map<std::size_t, std::vector<model::Micros>> by_experiment; // experiment index -> values
    std::map<std::size_t, std::vector<std::int64_t>> runs;           // the same, their run ids
};

void chart(std::ostream& out, const std::string& title, const std::vector<std::int64_t>& experiments,
           std::int64_t current, const std::map<std::string, Series>& variants, const std::string& run_link) {
    model::Micros lo = -1, hi = 0;
    for (const auto& [v, s] : variants)
        for (const auto& [x, vals] : s.by_experiment)
            for (auto us : vals) {
                lo = lo < 0 ? us : std::min(lo, us);
                hi = std::max(hi, us);
            }
    if (lo < 0) return;
    const double W = 900, H = 220, left = 70, right = 20, top = 24, bottom = 40;
    const double span = std::max<double>(static_cast<double>(hi - lo), 1000.0);
    const double y0 = std::max(0.0, static_cast<double>(lo) - span * 0.1), y1 = static_cast<double>(hi) + span * 0.1;
    const std::size_t n = experiments.size();
    auto X = [&](std::size_t i) { return left + (n == 1 ? (W - left - right) / 2 : (W - left - right) * static_cast<double>(i) / static_cast<double>(n - 1)); };
    auto Y = [&](double us) { return top + (H - top - bottom) * (1 - (us - y0) / (y1 - y0)); };
    char b[400];
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
        << "\" font-family=\"sans-serif\" font-size=\"11\"><title>" << xml_escape(title) << "</title>\n";
    std::snprintf(b, sizeof b, "<text x=\"%g\" y=\"14\" font-weight=\"bold\">%s</text>\n", left, xml_escape(title).c_str());
    out << b;
    const bool in_ms = y1 < 1e6; // a function's time: milliseconds
    for (int k = 0; k <= 4; ++k) { // y grid
        const double us = y0 + (y1 - y0) * k / 4;
        std::snprintf(b, sizeof b, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                      "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%.2f %s</text>\n",
                      left, W - right, Y(us), Y(us), left - 6, Y(us) + 4, in_ms ? us / 1e3 : us / 1e6, in_ms ? "ms" : "s");
        out << b;
    }
    for (std::size_t i = 0; i < n; ++i) { // x labels: experiment ids, the current one marked
        const bool cur = experiments[i] == current;
        if (cur) {
            std::snprintf(b, sizeof b, "<rect x=\"%.1f\" y=\"%g\" width=\"16\" height=\"%g\" fill=\"#fff3c4\"/>\n",
                          X(i) - 8, top, H - top - bottom);
            out << b;
        }
        if (n <= 30 || i % (n / 30 + 1) == 0 || cur) {
            std::snprintf(b, sizeof b, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\" fill=\"#555\"%s>#%lld</text>\n",
                          X(i), H - bottom + 14, cur ? " font-weight=\"bold\"" : "", static_cast<long long>(experiments[i]));
            out << b;
        }
    }
    std::snprintf(b, sizeof b, "<text x=\"%g\" y=\"%g\" fill=\"#555\">experiment (oldest first%s)</text>\n",
                  left, H - 6, current ? "; highlighted: this one" : "");
    out << b;
    std::size_t c = 0;
    double legend_x = left + 360;
    for (const auto& [name, s] : variants) {
        const char* col = kColours[c++ % 8];
        std::string path;
        for (const auto& [x, vals] : s.by_experiment) {
            const auto& ids = s.runs.at(x);
            for (std::size_t k = 0; k < vals.size(); ++k) {
                const double jitter = (static_cast<double>(k) - static_cast<double>(vals.size() - 1) / 2) * 2.5;
                const double cx = X(x) + jitter, cy = Y(static_cast<double>(vals[k]));
                if (run_link.empty()) {
                    std::snprintf(b, sizeof b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\" fill-opacity=\"0.55\"/>",
                                  cx, cy, col);
                } else {
                    std::snprintf(b, sizeof b, "<a href=\"%s%lld\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" "
                                  "fill-opacity=\"0.6\"><title>run %lld: %.3f s</title></circle></a>",
                                  xml_escape(run_link).c_str(), static_cast<long long>(ids[k]), cx, cy, col,
                                  static_cast<long long>(ids[k]), static_cast<double>(vals[k]) / 1e6);
                }
                out << b;
            }
            const double m = static_cast<double>(stats::median(vals));
            std::snprintf(b, sizeof b, "%s%.1f,%.1f", path.empty() ? "M" : " L", X(x), Y(m));
            path += b;
        }
        out << "\n<path d=\"" << path << "\" fill=\"none\" stroke=\"" << col << "\" stroke-width=\"1.5\"/>\n";
        std::snprintf(b, sizeof b, "<rect x=\"%.1f\" y=\"6\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                      "<text x=\"%.1f\" y=\"15\">%s</text>\n", legend_x, col, legend_x + 14, xml_escape(name).c_str());
        out << b;
        legend_x += 24 + 7.0 * static_cast<double>(name.size());
    }
    out << "</svg>\n";
}

} // namespace

void write_trend_chart(std::ostream& out, const std::string& title, const std::vector<TrendPoint>& points,
                       std::int64_t current, const std::string& run_link) {
    std::vector<std::int64_t> experiments;
    std::map<std::int64_t, std::size_t> x_of;
    std::map<std::string, Series> variants;
    for (const auto& p : points) {
        auto [it, added] = x_of.emplace(p.experiment_id, experiments.size());
        if (added) experiments.push_back(p.experiment_id);
        variants[p.variant].by_experiment[it->second].push_back(p.us);
        variants[p.variant].runs[it->second].push_back(p.run_id);
    }
    chart(out, title, experiments, current, variants, run_link);
}

void write_trend_html(std::ostream& out, store::Store& store, const std::string& name, std::int64_t current) {
    std::vector<TrendPoint> bti, done;
    std::set<std::int64_t> experiments;
    for (const auto& r : store.runs()) { // oldest first
        if (r.experiment != name || !r.counts()) continue;
        experiments.insert(r.experiment_id);
        if (r.metrics.boot_to_init) bti.push_back({r.id, r.experiment_id, r.variant, *r.metrics.boot_to_init});
        if (r.metrics.init_done) done.push_back({r.id, r.experiment_id, r.variant, *r.metrics.init_done});
    }
    if (experiments.size() < 2) return;
    out << "<h2>History</h2>\n<p>Every ok boot of the " << experiments.size() << " experiments named <b>"
        << xml_escape(name) << "</b> in this database; lines join each experiment's median.</p>\n";
    write_trend_chart(out, "boot-to-init", bti, current);
    write_trend_chart(out, "init-done", done, current);
}

} // namespace bootlab::report
