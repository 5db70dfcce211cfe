#include "report/summary.h"

#include "report/format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bootlab::report {

model::Micros median(std::vector<model::Micros> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double coefficient_of_variation(const std::vector<model::Micros>& v) {
    if (v.size() < 2) return 0;
    double mean = 0, sq = 0;
    for (auto x : v) mean += static_cast<double>(x);
    mean /= static_cast<double>(v.size());
    for (auto x : v) sq += (static_cast<double>(x) - mean) * (static_cast<double>(x) - mean);
    return mean > 0 ? std::sqrt(sq / static_cast<double>(v.size() - 1)) / mean : 0;
}

ExperimentSummary summarize(store::Store& store, std::int64_t experiment_id, std::size_t top) {
    ExperimentSummary s;
    s.experiment_id = experiment_id;
    s.runs = store.runs_of(experiment_id);
    if (!s.runs.empty()) s.name = s.runs.front().experiment;

    std::map<std::string, VariantSummary> by_variant;
    std::map<std::string, std::map<std::string, std::vector<model::Micros>>> span_times;
    std::map<std::string, std::map<std::string, std::string>> span_kind;
    std::map<std::string, std::vector<model::Micros>> init_done;
    std::map<std::string, std::map<std::string, std::vector<std::int64_t>>> disk_names; // path -> name -> runs
    for (const auto& r : s.runs) {
        auto h = std::find_if(s.hosts.begin(), s.hosts.end(),
                              [&](const HostBoots& x) { return x.host == r.host && x.backend == r.backend; });
        if (h == s.hosts.end()) h = s.hosts.insert(s.hosts.end(), HostBoots{r.host, r.backend, 0, 0});
        ++h->boots;
        h->ok += r.status == "ok";
        VariantSummary& v = by_variant[r.variant];
        v.variant = r.variant;
        ++v.runs;
        if (r.status != "ok") continue;
        ++v.ok;
        if (r.metrics.boot_to_init) v.boot_to_init.push_back(*r.metrics.boot_to_init);
        if (r.metrics.init_done) init_done[r.variant].push_back(*r.metrics.init_done);
        model::Boot b = store.load_boot(r.id);
        s.slowprobe.add(b, r.kernel_cmdline);
        for (const auto& sp : b.spans) {
            if (!sp.duration) continue;
            std::string name = sp.function + (sp.module.empty() ? "" : " [" + sp.module + "]");
            span_times[r.variant][name].push_back(*sp.duration);
            span_kind[r.variant][name] = to_string(sp.kind);
        }
        bool any = false;
        for (const auto& d : b.devices) {
            if (d.kind != model::DeviceKind::Disk) continue;
            disk_names[d.path][d.name].push_back(r.id);
            if (s.boots_with_devices == 0) s.device_order.push_back(d.name + "=" + d.path);
            any = true;
        }
        s.boots_with_devices += any;
    }
    for (auto& [name, v] : by_variant) {
        if (!v.boot_to_init.empty()) {
            v.median = median(v.boot_to_init);
            v.min = *std::min_element(v.boot_to_init.begin(), v.boot_to_init.end());
            v.max = *std::max_element(v.boot_to_init.begin(), v.boot_to_init.end());
            v.cv = coefficient_of_variation(v.boot_to_init);
            model::Micros best = -1;
            for (const auto& r : s.runs)
                if (r.variant == name && r.status == "ok" && r.metrics.boot_to_init) {
                    model::Micros d = std::llabs(*r.metrics.boot_to_init - v.median);
                    if (best < 0 || d < best) { best = d; v.representative_run = r.id; }
                }
        }
        if (!init_done[name].empty()) v.init_done_median = median(init_done[name]);
        for (auto& [fn, times] : span_times[name]) v.slowest.push_back({fn, span_kind[name][fn], median(times)});
        std::sort(v.slowest.begin(), v.slowest.end(), [](const SpanStat& a, const SpanStat& b) { return a.median > b.median; });
        if (v.slowest.size() > top) v.slowest.resize(top);
        s.variants.push_back(v);
    }
    for (auto& [path, names] : disk_names)
        if (names.size() > 1) s.device_changes.push_back({path, names});
    return s;
}

std::string hosts_line(const std::vector<HostBoots>& hosts) {
    std::string s;
    for (const auto& h : hosts) {
        s += (s.empty() ? "" : ", ") + (h.host.empty() ? std::string("?") : h.host) + " (" + h.backend + ") " +
             (h.ok == h.boots ? std::to_string(h.boots) + (h.boots == 1 ? " boot" : " boots")
                              : std::to_string(h.ok) + " of " + std::to_string(h.boots) + " ok");
    }
    return s;
}

void print_summary(std::ostream& out, const ExperimentSummary& s) {
    char line[256];
    out << "experiment " << s.experiment_id << " \"" << s.name << "\": " << s.runs.size() << " boots\n\n";
    std::snprintf(line, sizeof line, "%-24s %4s %4s  %14s  %-25s %6s  %12s\n", "VARIANT", "RUNS", "OK",
                  "BOOT-TO-INIT", "SPREAD (MIN - MAX)", "CV", "INIT-DONE");
    out << line;
    for (const auto& v : s.variants) {
        std::string spread = v.boot_to_init.empty() ? "-" : seconds(v.min) + " - " + seconds(v.max);
        std::snprintf(line, sizeof line, "%-24s %4d %4d  %14s  %-25s %5.1f%%  %12s\n", v.variant.c_str(),
                      v.runs, v.ok, v.boot_to_init.empty() ? "-" : seconds(v.median).c_str(), spread.c_str(),
                      100 * v.cv, seconds(v.init_done_median).c_str());
        out << line;
    }
    out << "\nslowest spans (median over ok boots)\n";
    for (const auto& v : s.variants) {
        out << "  " << v.variant << ":\n";
        for (const auto& sp : v.slowest) {
            std::snprintf(line, sizeof line, "    %12s %-5s %s\n", millis(sp.median).c_str(), sp.kind.c_str(), sp.name.c_str());
            out << line;
        }
    }
    print_slowprobe_table(out, s.slowprobe);
    if (!s.hosts.empty()) out << "\nhosts: " << hosts_line(s.hosts) << "\n";
    out << "\ndevice order: ";
    if (s.boots_with_devices == 0) {
        out << "no boot listed its disks\n";
    } else if (s.device_changes.empty()) {
        out << "the same in all " << s.boots_with_devices << " boots (";
        for (std::size_t i = 0; i < s.device_order.size(); ++i) out << (i ? ", " : "") << s.device_order[i];
        out << ")\n";
    } else {
        out << "DISK NAMES CHANGED between boots\n";
        for (const auto& c : s.device_changes) {
            out << "  " << c.path << ":";
            for (const auto& [name, runs] : c.names) {
                out << "  " << name << " in " << runs.size() << " boot" << (runs.size() > 1 ? "s" : "") << " (run";
                for (std::size_t i = 0; i < runs.size() && i < 5; ++i) out << (i ? "," : " ") << runs[i];
                out << (runs.size() > 5 ? ",...)" : ")");
            }
            out << "\n";
        }
    }
}

} // namespace bootlab::report
