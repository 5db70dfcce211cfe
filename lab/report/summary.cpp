#include "report/summary.h"

#include "report/format.h"
#include "stats/stats.h"

#include <set>
#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bootlab::report {

double coefficient_of_variation(const std::vector<model::Micros>& v) {
    if (v.size() < 2) return 0;
    double mean = 0, sq = 0;
    for (auto x : v) mean += static_cast<double>(x);
    mean /= static_cast<double>(v.size());
    for (auto x : v) sq += (static_cast<double>(x) - mean) * (static_cast<double>(x) - mean);
    return mean > 0 ? std::sqrt(sq / static_cast<double>(v.size() - 1)) / mean : 0;
}

namespace {

std::vector<double> as_doubles(const std::vector<model::Micros>& v) { return {v.begin(), v.end()}; }

// Every variant against the one with the smallest median: init-done when every variant has it
// (what the user waits for), else boot-to-init.
std::vector<VariantVerdict> verdicts(const std::map<std::string, VariantSummary>& variants,
                                     const std::map<std::string, std::vector<model::Micros>>& init_done) {
    std::map<std::string, std::vector<double>> values;
    bool all_done = true;
    for (const auto& [name, v] : variants) {
        if (v.boot_to_init.empty()) continue;
        auto it = init_done.find(name);
        all_done = all_done && it != init_done.end() && !it->second.empty();
        values[name] = as_doubles(v.boot_to_init);
    }
    if (values.size() < 2) return {};
    const std::string metric = all_done ? "init-done" : "boot-to-init";
    if (all_done)
        for (auto& [name, vals] : values) vals = as_doubles(init_done.at(name));
    const auto fastest = std::min_element(values.begin(), values.end(), [](const auto& x, const auto& y) {
        return stats::median(x.second) < stats::median(y.second);
    });
    std::vector<VariantVerdict> out;
    for (const auto& [name, vals] : values)
        if (name != fastest->first) out.push_back({name, fastest->first, metric, stats::compare(fastest->second, vals)});
    return out;
}

std::string signed_seconds(double us, int decimals) {
    char b[48];
    std::snprintf(b, sizeof b, "%+.*f", decimals, us / 1e6);
    return b;
}

} // namespace

std::string verdict_line(const VariantVerdict& v) {
    const stats::Comparison& c = v.c;
    const double d = c.median_b - c.median_a;
    // enough decimals that the interval's ends differ from the estimate where they do
    const int dec = std::abs(d) >= 1e6 ? 2 : std::abs(d) >= 1e4 ? 3 : 6;
    char b[512];
    std::snprintf(b, sizeof b, "%s vs %s: %s %s s (%+.1f%%), 95%% interval [%s, %s] s, p = %.2g", v.variant.c_str(),
                  v.against.c_str(), v.metric.c_str(), signed_seconds(d, dec).c_str(),
                  c.median_a > 0 ? 100 * d / c.median_a : 0.0, signed_seconds(c.interval.low, dec).c_str(),
                  signed_seconds(c.interval.high, dec).c_str(), c.p_two_sided());
    std::string line = b;
    const std::string sizes = std::to_string(c.n_b) + " vs " + std::to_string(c.n_a) + " boots";
    if (!c.decidable(kVerdictAlpha)) {
        std::snprintf(b, sizeof b, " — %s cannot show a difference (the smallest p they can give is %.2g): boot "
                      "more repetitions", sizes.c_str(), c.n_a && c.n_b ? 2 * stats::smallest_p(c.n_a, c.n_b) : 1.0);
        return line + b;
    }
    if (c.differs(kVerdictAlpha)) return line + " — " + v.against + " is faster";
    return line + " — no difference shown by " + sizes;
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
    std::map<std::string, std::array<std::vector<model::Micros>, model::kHostIntervals>> host;
    std::map<std::string, std::map<std::string, std::vector<std::int64_t>>> disk_names; // path -> name -> runs
    std::map<std::string, std::map<std::string, std::set<std::string>>> variant_disks;  // variant -> path -> names
    std::map<std::string, int> variant_disk_boots;
    for (const auto& r : s.runs) {
        auto h = std::find_if(s.hosts.begin(), s.hosts.end(),
                              [&](const HostBoots& x) { return x.host == r.host && x.backend == r.backend; });
        if (h == s.hosts.end()) h = s.hosts.insert(s.hosts.end(), HostBoots{r.host, r.backend, 0, 0});
        ++h->boots;
        h->ok += r.status == model::RunStatus::Ok;
        if (r.warmup) {
            s.warmups.push_back(r.id);
            continue;
        }
        VariantSummary& v = by_variant[r.variant];
        v.variant = r.variant;
        ++v.runs;
        if (!r.counts()) continue;
        ++v.ok;
        if (r.metrics.boot_to_init) v.boot_to_init.push_back(*r.metrics.boot_to_init);
        if (r.metrics.init_done) init_done[r.variant].push_back(*r.metrics.init_done);
        const auto intervals = model::host_intervals(r.host_marks);
        for (std::size_t i = 0; i < intervals.size(); ++i)
            if (intervals[i].us) host[r.variant][i].push_back(*intervals[i].us);
        model::Boot b = store.load_boot(r.id);
        s.slowprobe.add(b, r.kernel_cmdline);
        for (const auto& sp : b.spans) {
            if (!sp.duration) continue;
            std::string name = sp.key();
            span_times[r.variant][name].push_back(*sp.duration);
            span_kind[r.variant][name] = to_string(sp.kind);
        }
        bool any = false;
        for (const auto& d : b.devices) {
            if (d.kind != model::DeviceKind::Disk) continue;
            disk_names[d.path][d.name].push_back(r.id);
            variant_disks[r.variant][d.path].insert(d.name);
            if (s.boots_with_devices == 0) s.device_order.push_back(d.name + "=" + d.path);
            any = true;
        }
        s.boots_with_devices += any;
        variant_disk_boots[r.variant] += any;
    }
    for (auto& [name, v] : by_variant) {
        if (!v.boot_to_init.empty()) {
            v.median = stats::median(v.boot_to_init);
            v.min = *std::min_element(v.boot_to_init.begin(), v.boot_to_init.end());
            v.max = *std::max_element(v.boot_to_init.begin(), v.boot_to_init.end());
            v.cv = coefficient_of_variation(v.boot_to_init);
            std::vector<const store::RunInfo*> mine;
            for (const auto& r : s.runs)
                if (r.variant == name) mine.push_back(&r);
            if (const store::RunInfo* r = representative_run(mine)) v.representative_run = r->id;
        }
        if (!init_done[name].empty()) v.init_done_median = stats::median(init_done[name]);
        for (std::size_t i = 0; i < v.host.size(); ++i)
            if (!host[name][i].empty()) v.host[i] = stats::median(host[name][i]);
        for (auto& [fn, times] : span_times[name]) v.slowest.push_back({fn, span_kind[name][fn], stats::median(times)});
        std::sort(v.slowest.begin(), v.slowest.end(), [](const SpanStat& a, const SpanStat& b) { return a.median > b.median; });
        if (v.slowest.size() > top) v.slowest.resize(top);
        v.boots_with_devices = variant_disk_boots[name];
        for (const auto& [path, names] : variant_disks[name]) v.disks_renamed += names.size() > 1;
        s.variants.push_back(v);
    }
    for (auto& [path, names] : disk_names)
        if (names.size() > 1) s.device_changes.push_back({path, names});
    s.verdicts = verdicts(by_variant, init_done);
    return s;
}

std::string variant_device_order(const VariantSummary& v) {
    if (v.boots_with_devices == 0) return v.variant + ": no boot listed its disks";
    if (v.disks_renamed == 0) return v.variant + ": the same in all " + std::to_string(v.boots_with_devices) + " boots";
    return v.variant + ": " + std::to_string(v.disks_renamed) + " disk" + (v.disks_renamed == 1 ? "" : "s") +
           " renamed between its " + std::to_string(v.boots_with_devices) + " boots";
}

const store::RunInfo* representative_run(const std::vector<const store::RunInfo*>& runs) {
    std::vector<model::Micros> times;
    for (const auto* r : runs)
        if (r->counts() && r->metrics.boot_to_init) times.push_back(*r->metrics.boot_to_init);
    const model::Micros m = stats::median(times);
    const store::RunInfo* best = nullptr;
    for (const auto* r : runs) {
        if (!r->counts() || !r->metrics.boot_to_init) continue;
        const auto d = [m](const store::RunInfo* x) { return std::llabs(*x->metrics.boot_to_init - m); };
        if (!best || d(r) < d(best) || (d(r) == d(best) && r->id < best->id)) best = r;
    }
    return best;
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
    if (std::any_of(s.variants.begin(), s.variants.end(), [](const VariantSummary& v) { return v.has_host(); })) {
        out << "\nhost clock (median over the boots that count; emulator start to exit, good to ~20 ms):\n";
        std::snprintf(line, sizeof line, "  %-22s", "VARIANT");
        out << line;
        for (const auto& i : model::host_intervals({})) {
            std::snprintf(line, sizeof line, " %10s", i.name);
            out << line;
        }
        out << "\n";
        for (const auto& v : s.variants) {
            std::snprintf(line, sizeof line, "  %-22s", v.variant.c_str());
            out << line;
            for (const auto& x : v.host) {
                std::snprintf(line, sizeof line, " %10s", host_seconds(x).c_str());
                out << line;
            }
            out << "\n";
        }
    }
    print_slowprobe_table(out, s.slowprobe);
    if (!s.warmups.empty()) {
        out << "\nwarm-up: " << s.warmups.size() << (s.warmups.size() == 1 ? " boot" : " boots") << " (run";
        for (std::size_t i = 0; i < s.warmups.size(); ++i) out << (i ? ", " : " ") << s.warmups[i];
        out << ") stored, not counted in any figure above\n";
    }
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
    if (s.boots_with_devices > 0 && s.variants.size() > 1) {
        out << "  within each variant:\n";
        for (const auto& v : s.variants) out << "    " << variant_device_order(v) << "\n";
    }
    if (!s.verdicts.empty()) {
        out << "\nverdict (medians of the boots that count; Mann-Whitney, two-sided):\n";
        for (const auto& v : s.verdicts) out << "  " << verdict_line(v) << "\n";
    }
}

} // namespace bootlab::report
