#include "launch_matrix.h"

#include "kernel/source_build.h"
#include "runner/hardware.h"
#include "stats/stats.h"

#include <QCoreApplication>
#include <algorithm>
#include <fstream>
#include <sstream>

namespace bootlab::gui {
namespace {

// A flag's part of a variant name, when it varies
std::string part(const char* name, bool on) { return on ? name : std::string("no-") + name; }
std::string choice(const char* prefix, const std::string& v) { return std::string(prefix) + (v.empty() ? "default" : v); }

// A single variant is named after what its flags change from the defaults.
std::string described(const runner::BootFlags& f) {
    std::string n;
    auto add = [&](const std::string& p) { n += (n.empty() ? "" : "-") + p; };
    if (f.fastboot) add("fastboot");
    if (!f.scsi_scan.empty()) add("scan-" + f.scsi_scan);
    if (!f.driver_async_probe.empty() || !f.async_probe_modules.empty()) add("async-probe");
    if (!f.slowprobe_strategy.empty()) add("slowprobe-" + f.slowprobe_strategy);
    if (f.capture != "console") add(f.capture);
    if (f.deterministic) add("icount");
    if (!f.initcall_debug) add("no-initcall-debug");
    return n.empty() ? "default" : n;
}

// The patches of a series kernel (those its `series` file lists), as one text: what the kernel
// provides is read from them
std::string series_text(const runner::KernelRef& k) {
    std::string all;
    for (const auto& patch : kernel::load_series(k.series, k.patches).patches) {
        std::ifstream in(patch);
        std::stringstream ss;
        ss << in.rdbuf();
        all += ss.str();
    }
    return all;
}

} // namespace

std::vector<runner::Variant> expand_variants(const LaunchMatrix& m) {
    struct Partial {
        runner::BootFlags flags;
        std::vector<std::string> parts;
    };
    runner::BootFlags base;
    base.driver_async_probe = m.driver_async_probe;
    base.async_probe_modules = m.async_probe_modules;
    base.extra = m.extra;
    std::vector<Partial> all{{base, {}}};
    // one axis: every partial variant times every value ticked for it
    auto axis = [&](const auto& values, auto set, auto name) {
        std::vector<Partial> next;
        for (const Partial& p : all)
            for (const auto& v : values) {
                Partial q = p;
                set(q.flags, v);
                if (values.size() > 1) q.parts.push_back(name(v));
                next.push_back(std::move(q));
            }
        all = std::move(next);
    };
    axis(m.initcall_debug, [](runner::BootFlags& f, bool v) { f.initcall_debug = v; }, [](bool v) { return part("initcall-debug", v); });
    axis(m.fastboot, [](runner::BootFlags& f, bool v) { f.fastboot = v; }, [](bool v) { return part("fastboot", v); });
    axis(m.deterministic, [](runner::BootFlags& f, bool v) { f.deterministic = v; }, [](bool v) { return part("icount", v); });
    axis(m.scsi_scan, [](runner::BootFlags& f, const std::string& v) { f.scsi_scan = v; },
         [](const std::string& v) { return choice("scan-", v); });
    axis(m.capture, [](runner::BootFlags& f, const std::string& v) { f.capture = v; },
         [](const std::string& v) { return v; });
    axis(m.slowprobe, [](runner::BootFlags& f, const std::string& v) { f.slowprobe_strategy = v; },
         [](const std::string& v) { return choice("slowprobe-", v); });
    std::vector<runner::Variant> out;
    for (const Partial& p : all) {
        std::string name;
        for (const auto& s : p.parts) name += (name.empty() ? "" : ".") + s;
        out.push_back({name.empty() ? described(p.flags) : name, p.flags, {}, {}, ""});
    }
    return out;
}

std::string nonsense(const runner::ExperimentSpec& s) {
    for (const runner::KernelRef& k : s.kernels) {
        // what the kernel provides: the stock kernel neither; a series what its patches add; a
        // kernel image of unknown origin is given the benefit of the doubt
        bool gate = false, slowprobe = false;
        if (k.source == "file") continue;
        if (k.source == "series") {
            const std::string patches = series_text(k);
            gate = patches.find("__setup(\"fastboot\"") != std::string::npos;
            slowprobe = patches.find("bootlab_slowprobe") != std::string::npos;
        }
        const std::string kernel = k.source == "distro" ? "the stock Debian kernel" : "kernel '" + k.name + "'";
        for (const runner::Variant& v : s.variants) {
            if (v.flags.fastboot && !gate)
                return "variant '" + v.name + "': fastboot on " + kernel + ", which has no async init gate (the "
                       "async-lab series adds it): it would boot exactly like fastboot off";
            if (!v.flags.slowprobe_strategy.empty() && !slowprobe)
                return "variant '" + v.name + "': a slow-probe strategy on " + kernel +
                       ", which has no slow-probe driver (the async-lab series adds it)";
        }
        for (const runner::HardwareSet& h : s.hardware)
            for (const runner::DeviceSpec& d : h.devices)
                if (d.kind == "slowprobe" && !slowprobe)
                    return "hardware '" + h.name + "': slowprobe devices on " + kernel +
                           ", which has no slow-probe driver (the async-lab series adds it)";
    }
    for (const runner::HardwareSet& h : s.hardware) {
        const auto parts = runner::describe_machine(h.devices).components;
        if (std::any_of(parts.begin(), parts.end(), [](const runner::Component& c) { return c.attach == runner::Attach::scsi; }))
            continue;
        for (const runner::Variant& v : s.variants)
            if (!v.flags.scsi_scan.empty())
                return "variant '" + v.name + "': a SCSI scan mode on hardware '" + h.name +
                       "', which has no SCSI adapter (lsi, megasas, virtio-scsi): nothing would be scanned";
    }
    return "";
}

QString describe_size(const runner::ExperimentSpec& s, int jobs, const std::vector<store::RunInfo>& stored) {
    const std::size_t boots = runner::expand(s, 0).size();
    QString text = QCoreApplication::translate("LaunchMatrix", "%1 kernel(s) × %2 hardware × %3 variant(s) × %4 rep(s) = %5 boots")
                       .arg(s.kernels.size()).arg(s.hardware.size()).arg(s.variants.size()).arg(s.repetitions).arg(boots);
    std::vector<double> walls; // seconds, of the stored boots this machine made
    for (const store::RunInfo& r : stored)
        if (r.backend != "import" && r.wall_us && r.status == model::RunStatus::Ok) walls.push_back(static_cast<double>(*r.wall_us) / 1e6);
    if (walls.empty()) return text + QCoreApplication::translate("LaunchMatrix", " (no stored boots to estimate the time from)");
    const double per_boot = stats::median(walls);
    const double minutes = static_cast<double>(boots) * per_boot / std::max(1, jobs) / 60;
    return text + QCoreApplication::translate("LaunchMatrix", ", about %1 min at %2 parallel boot(s) (%3 s a boot: the median of %4 stored boots)")
                      .arg(minutes < 10 ? QString::number(minutes, 'f', 1) : QString::number(std::lround(minutes)))
                      .arg(jobs).arg(per_boot, 0, 'f', 1).arg(walls.size());
}

} // namespace bootlab::gui
