// An ExperimentSpec written back as an experiment file: what the GUI's launcher saves and runs,
// so that a boot launched from the GUI is stored with a spec `bootlab run` can repeat.
#include "runner/experiment.h"

#include "kernel/source_build.h"

#include <sstream>
#include <toml++/toml.h>

namespace bootlab::runner {
namespace {

toml::array strings(const std::vector<std::string>& v) {
    toml::array a;
    for (const auto& s : v) a.push_back(s);
    return a;
}

// Only what differs from BootFlags{}: the file then says what the variant is about.
toml::table flags_table(const BootFlags& f) {
    const BootFlags d;
    toml::table t;
    if (f.initcall_debug != d.initcall_debug) t.insert("initcall_debug", f.initcall_debug);
    if (f.capture != d.capture) t.insert("capture", f.capture);
    if (!f.scsi_scan.empty()) t.insert("scsi_scan", f.scsi_scan);
    if (!f.driver_async_probe.empty()) t.insert("driver_async_probe", strings(f.driver_async_probe));
    if (!f.async_probe_modules.empty()) t.insert("async_probe", strings(f.async_probe_modules));
    if (f.fastboot) t.insert("fastboot", true);
    if (f.deterministic) t.insert("deterministic", true);
    if (!f.deterministic_without.empty()) t.insert("deterministic_without", strings(f.deterministic_without));
    if (!f.slowprobe_strategy.empty()) t.insert("slowprobe_strategy", f.slowprobe_strategy);
    if (f.slowprobe_firmware) t.insert("slowprobe_firmware", true);
    if (f.slowprobe_delay_ms >= 0) t.insert("slowprobe_delay_ms", f.slowprobe_delay_ms);
    if (!f.extra.empty()) t.insert("cmdline", f.extra);
    return t;
}

// "series:NAME" when NAME finds this very directory, else its absolute path.
std::string series_ref(const std::filesystem::path& dir) {
    const std::string name = dir.filename().string();
    std::error_code ec;
    try {
        if (std::filesystem::equivalent(kernel::find_series(name), dir, ec)) return "series:" + name;
    } catch (const std::exception&) {
    }
    return "series:" + std::filesystem::absolute(dir).string();
}

} // namespace

std::string to_toml(const ExperimentSpec& s) {
    toml::table root;
    root.insert("name", s.name);
    if (!s.description.empty()) root.insert("description", s.description);
    root.insert("repetitions", s.repetitions);
    if (s.warmup) root.insert("warmup", s.warmup);
    toml::table machine{{"smp", s.smp}, {"memory", s.memory_mb},
                        {"timeout", static_cast<std::int64_t>(s.timeout.count())},
                        {"stall", static_cast<std::int64_t>(s.stall.count())}};
    if (s.accel != Accel::automatic) machine.insert("accel", to_string(s.accel));
    root.insert("machine", std::move(machine));
    toml::table kernels;
    for (const auto& k : s.kernels)
        kernels.insert(k.name, k.source == "distro" ? std::string("distro")
                               : k.source == "series" ? series_ref(k.series) + (k.patches >= 0 ? "@" + std::to_string(k.patches) : "")
                                                      : std::filesystem::absolute(k.image).string());
    root.insert("kernels", kernels);
    toml::table hardware;
    for (const auto& h : s.hardware) {
        toml::array devices;
        for (const auto& d : h.devices) devices.push_back(to_string(d));
        hardware.insert(h.name, devices);
    }
    root.insert("hardware", hardware);
    toml::table variants;
    for (const auto& v : s.variants) {
        toml::table t = flags_table(v.flags);
        auto names = [](const std::vector<std::size_t>& only, const auto& all) {
            toml::array a;
            for (std::size_t i : only) a.push_back(all[i].name);
            return a;
        };
        if (!v.hardware.empty()) t.insert("hardware", names(v.hardware, s.hardware));
        if (!v.kernels.empty()) t.insert("kernels", names(v.kernels, s.kernels));
        if (!v.side.empty()) t.insert("side", v.side);
        variants.insert(v.name, t);
    }
    root.insert("variants", variants);
    if (!s.hosts.empty()) {
        toml::table hosts;
        for (const auto& h : s.hosts) {
            toml::table t;
            if (!h.uri.empty()) t.insert("uri", h.uri);
            t.insert("jobs", h.jobs);
            hosts.insert(h.name, t);
        }
        root.insert("hosts", hosts);
    }
    std::ostringstream out;
    out << "# written by bootlab: run it again with `bootlab run FILE`\n" << toml::toml_formatter(root) << "\n";
    return out.str();
}

} // namespace bootlab::runner
