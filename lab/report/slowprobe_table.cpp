#include "report/slowprobe_table.h"

#include "common/escape.h"
#include "report/summary.h"
#include "stats/stats.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace bootlab::report {
namespace {

// "devices=4 strategy=kthread firmware=none" -> value of key, or ""
std::string field(const std::string& detail, const std::string& key) {
    std::istringstream in(detail);
    for (std::string w; in >> w;)
        if (w.rfind(key + "=", 0) == 0) return w.substr(key.size() + 1);
    return "";
}

bool has_word(const std::string& cmdline, const std::string& word) {
    std::istringstream in(cmdline);
    for (std::string w; in >> w;)
        if (w == word) return true;
    return false;
}

// the order the patch's table uses, then anything else
int row_rank(const std::string& r) {
    static const char* order[] = {"sync", "kthread", "queue_work", "async", "async, no fastboot"};
    for (int i = 0; i < 5; ++i)
        if (r == order[i]) return i;
    return 5;
}

std::string column_title(int devices, bool firmware) {
    return std::to_string(devices) + (devices == 1 ? " device, " : " devices, ") + (firmware ? "fw" : "no fw");
}

std::string cell(model::Micros us) {
    if (us < 0) return "-";
    char b[64];
    std::snprintf(b, sizeof b, "%lld us (%.2f s)", static_cast<long long>(us), static_cast<double>(us) / 1e6);
    return b;
}

} // namespace

void SlowprobeTable::add(const model::Boot& boot, const std::string& kernel_cmdline) {
    for (const auto& m : boot.markers) {
        if (m.name != "slowprobe-ready" || !m.duration) continue;
        std::string strategy = field(m.detail, "strategy");
        const std::string devices = field(m.detail, "devices");
        if (strategy.empty() || devices.empty() || devices.find_first_not_of("0123456789") != std::string::npos)
            continue;
        // only the driver core's async probing goes through kernel/async.c, and so the gate
        if (strategy == "async" && !has_word(kernel_cmdline, "fastboot"))
            strategy = "async, no fastboot";
        const int n = std::stoi(devices);
        const bool fw = field(m.detail, "firmware") != "none";
        times[{strategy, n, fw}].push_back(*m.duration);
        if (std::find(rows.begin(), rows.end(), strategy) == rows.end()) rows.push_back(strategy);
        if (std::find(columns.begin(), columns.end(), std::pair(n, fw)) == columns.end()) columns.emplace_back(n, fw);
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return row_rank(a) != row_rank(b) ? row_rank(a) < row_rank(b) : a < b;
    });
    // by device count, firmware first (as in the patch's table)
    std::sort(columns.begin(), columns.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
}

model::Micros SlowprobeTable::median(const std::string& row, int devices, bool firmware) const {
    auto it = times.find({row, devices, firmware});
    return it == times.end() || it->second.empty() ? -1 : stats::median(it->second);
}

void print_slowprobe_table(std::ostream& out, const SlowprobeTable& t) {
    if (t.empty()) return;
    out << "\nslow-probe devices: all up after (median over ok boots, since the driver's init)\n";
    char b[64];
    std::snprintf(b, sizeof b, "  %-20s", "STRATEGY");
    out << b;
    for (const auto& [n, fw] : t.columns) {
        std::snprintf(b, sizeof b, " %-24s", column_title(n, fw).c_str());
        out << b;
    }
    out << "\n";
    for (const auto& r : t.rows) {
        std::snprintf(b, sizeof b, "  %-20s", r.c_str());
        out << b;
        for (const auto& [n, fw] : t.columns) {
            std::snprintf(b, sizeof b, " %-24s", cell(t.median(r, n, fw)).c_str());
            out << b;
        }
        out << "\n";
    }
}

void write_slowprobe_table_html(std::ostream& out, const SlowprobeTable& t) {
    if (t.empty()) return;
    out << "<h2 id=slowprobe>Slow-probe devices: all up after</h2>\n<p>Median over ok boots, from the driver's init "
           "to its last device up; the shape of the driver-core asynchronous probing patch's table.</p>"
           "<table><tr><th>strategy</th>";
    for (const auto& [n, fw] : t.columns) out << "<th>" << xml_escape(column_title(n, fw)) << "</th>";
    out << "</tr>\n";
    for (const auto& r : t.rows) {
        out << "<tr><td class=name>" << xml_escape(r) << "</td>";
        for (const auto& [n, fw] : t.columns) out << "<td class=num>" << xml_escape(cell(t.median(r, n, fw))) << "</td>";
        out << "</tr>\n";
    }
    out << "</table>\n";
}

} // namespace bootlab::report
