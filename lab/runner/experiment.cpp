#include "runner/experiment.h"

#include "common/error.h"
#include "kernel/kernel.h"
#include "kernel/source_build.h"
#include "runner/replay.h"

#include <tuple>
#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace bootlab::runner {
namespace {

namespace fs = std::filesystem;

// Errors point at the file and the line of the offending node.
struct Where {
    std::string file;
    [[noreturn]] void fail(const toml::node& n, const std::string& what) const {
        throw Error(file + ":" + std::to_string(n.source().begin.line) + ": " + what);
    }
    [[noreturn]] void fail(int line, const std::string& what) const {
        throw Error(file + ":" + std::to_string(line) + ": " + what);
    }
};

void only_keys(const Where& w, const toml::table& t, const std::string& table,
               const std::vector<const char*>& known) {
    for (const auto& [k, v] : t) {
        bool ok = false;
        for (const char* n : known) ok |= k.str() == n;
        if (ok) continue;
        std::string list;
        for (const char* n : known) list += std::string(list.empty() ? "" : ", ") + n;
        w.fail(v, "unknown key '" + std::string(k.str()) + "' in " + table + " (known: " + list + ")");
    }
}

// Exactly the type asked for: toml++'s value<T>() would take `true` as 1 and 3.0 as 3.
template <class T> T get(const Where& w, const toml::node& n, const std::string& what) {
    auto v = n.value_exact<T>();
    if (!v) {
        const char* type = std::is_same_v<T, bool> ? "true or false"
                           : std::is_same_v<T, std::string> ? "a string" : "a whole number";
        w.fail(n, what + " must be " + type);
    }
    return *v;
}

int get_int(const Where& w, const toml::node& n, const std::string& what, int lo, int hi) {
    auto v = get<std::int64_t>(w, n, what);
    if (v < lo || v > hi) w.fail(n, what + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return static_cast<int>(v);
}

std::vector<std::string> get_strings(const Where& w, const toml::node& n, const std::string& what) {
    const toml::array* a = n.as_array();
    if (!a) w.fail(n, what + " must be an array of strings, e.g. [\"a\", \"b\"]");
    std::vector<std::string> out;
    for (const auto& e : *a) out.push_back(get<std::string>(w, e, what + " entries"));
    if (out.empty()) w.fail(n, what + " is empty: name at least one, or leave the key out");
    return out;
}

// Text that ends up on the kernel command line: QEMU cuts it at a NUL, and a newline or other
// control character would be taken as the end of the line by the kernel or the console.
std::string get_cmdline_text(const Where& w, const toml::node& n, const std::string& what) {
    std::string s = get<std::string>(w, n, what);
    for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            w.fail(n, what + " contains a control character (newline, NUL, ...): the kernel " +
                          "command line is one line of printable text");
    if (s.size() > 2048) w.fail(n, what + " is longer than the kernel accepts (2048 bytes)");
    return s;
}

// Names end up in variant labels, file names and reports: keep them plain (and never "." or
// "..", nor hidden: a name is never a path).
void check_name(const Where& w, const toml::node& n, const std::string& name, const std::string& what) {
    bool ok = !name.empty() && name.size() <= 64 && name[0] != '.';
    for (char c : name) ok &= std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    if (!ok) w.fail(n, what + " '" + name + "': use letters, digits, '-', '_' or '.'");
}

void apply_flags(const Where& w, const toml::table& t, const std::string& table, BootFlags* f,
                 std::initializer_list<const char*> other_keys = {}) {
    std::vector<const char*> keys = {"initcall_debug", "capture", "scsi_scan", "driver_async_probe",
                                     "async_probe", "fastboot", "deterministic", "deterministic_without", "cmdline", "slowprobe_strategy",
                                     "slowprobe_firmware", "slowprobe_delay_ms"};
    keys.insert(keys.end(), other_keys);
    only_keys(w, t, table, keys);
    for (const auto& [key, v] : t) {
        const std::string k(key.str());
        if (k == "initcall_debug") f->initcall_debug = get<bool>(w, v, k);
        if (k == "fastboot") f->fastboot = get<bool>(w, v, k);
        if (k == "deterministic") f->deterministic = get<bool>(w, v, k);
        if (k == "deterministic_without") {
            f->deterministic_without = get_strings(w, v, k);
            for (const auto& knob : f->deterministic_without)
                if (!is_replay_knob(knob)) {
                    std::string known;
                    for (const auto& x : replay_knobs()) known += std::string(known.empty() ? "" : ", ") + x.name;
                    w.fail(v, "deterministic_without: no knob '" + knob + "' (known: " + known + ")");
                }
        }
        if (k == "capture") {
            f->capture = get<std::string>(w, v, k);
            if (f->capture != "console" && f->capture != "dmesg") w.fail(v, "capture must be \"console\" or \"dmesg\"");
        }
        if (k == "scsi_scan") {
            f->scsi_scan = get<std::string>(w, v, k);
            if (f->scsi_scan != "sync" && f->scsi_scan != "async") w.fail(v, "scsi_scan must be \"sync\" or \"async\"");
        }
        if (k == "driver_async_probe") f->driver_async_probe = get_strings(w, v, k);
        if (k == "async_probe") f->async_probe_modules = get_strings(w, v, k);
        if (k == "cmdline") f->extra = get_cmdline_text(w, v, k);
        if (k == "slowprobe_strategy") {
            f->slowprobe_strategy = get<std::string>(w, v, k);
            const auto& s = f->slowprobe_strategy;
            if (s != "sync" && s != "kthread" && s != "queue_work" && s != "async")
                w.fail(v, "slowprobe_strategy must be \"sync\", \"kthread\", \"queue_work\" or \"async\"");
        }
        if (k == "slowprobe_firmware") f->slowprobe_firmware = get<bool>(w, v, k);
        if (k == "slowprobe_delay_ms") f->slowprobe_delay_ms = static_cast<int>(get_int(w, v, k, 0, 600000));
    }
    for (const auto& m : f->driver_async_probe) check_name(w, *t.get("driver_async_probe"), m, "driver");
    for (const auto& m : f->async_probe_modules) check_name(w, *t.get("async_probe"), m, "module");
}

const toml::table& table_at(const Where& w, const toml::node& n, const std::string& what) {
    const toml::table* t = n.as_table();
    if (!t) w.fail(n, what + " must be a table");
    return *t;
}

std::string read_file(const std::filesystem::path& file, const std::string& what) {
    std::error_code ec;
    if (fs::is_directory(file, ec)) throw Error(file.string() + ": is a directory, not an " + what);
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file.string() + ": cannot read the " + what);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

toml::table parse_toml(const Where& w, const std::string& text) {
    try {
        return toml::parse(text, w.file);
    } catch (const toml::parse_error& e) {
        w.fail(static_cast<int>(e.source().begin.line), std::string(e.description()));
    }
}

std::vector<HostSpec> parse_hosts(const Where& w, const toml::node& n) {
    std::vector<HostSpec> hosts;
    for (const auto& [k, v] : table_at(w, n, "[hosts]")) {
        HostSpec h;
        h.name = std::string(k.str());
        check_name(w, v, h.name, "host name");
        const std::string where = "host '" + h.name + "'";
        const toml::table& t = table_at(w, v, where + " (e.g. { uri = \"qemu:///system\", jobs = 2 })");
        only_keys(w, t, where, {"uri", "jobs"});
        if (auto u = t.get("uri")) {
            h.uri = get<std::string>(w, *u, where + " uri");
            if (!plausible_uri(h.uri))
                w.fail(*u, where + ": '" + h.uri + "' is not a libvirt URI (e.g. qemu+ssh://user@host/system)");
        }
        if (auto j = t.get("jobs")) h.jobs = get_int(w, *j, where + " jobs", 1, 256);
        hosts.push_back(h);
    }
    if (hosts.empty()) w.fail(n, "[hosts] lists no host");
    return hosts;
}

} // namespace

ExperimentSpec load_experiment(const std::filesystem::path& file) {
    return parse_experiment(read_file(file, "experiment file"), file);
}

ExperimentSpec parse_experiment(const std::string& text, const std::filesystem::path& file) {
    const Where w{file.string()};
    const toml::table root = parse_toml(w, text);
    only_keys(w, root, "the file", {"name", "description", "repetitions", "warmup", "machine", "kernels",
                                    "hardware", "flags", "variants", "hosts"});
    ExperimentSpec s;
    s.file = file;
    s.text = text;
    s.name = file.stem().string();
    if (auto n = root.get("name")) {
        s.name = get<std::string>(w, *n, "name");
        check_name(w, *n, s.name, "experiment name");
    }
    if (auto n = root.get("description")) s.description = get<std::string>(w, *n, "description");
    if (auto n = root.get("repetitions")) s.repetitions = get_int(w, *n, "repetitions", 1, 10000);
    if (auto n = root.get("warmup")) s.warmup = get_int(w, *n, "warmup", 0, 100);
    if (auto n = root.get("machine")) {
        const auto& m = table_at(w, *n, "[machine]");
        only_keys(w, m, "[machine]", {"smp", "memory", "timeout", "stall", "accel"});
        if (auto v = m.get("smp")) s.smp = get_int(w, *v, "smp", 1, 64);
        if (auto v = m.get("memory")) s.memory_mb = get_int(w, *v, "memory (MiB)", 128, 65536);
        if (auto v = m.get("timeout")) s.timeout = std::chrono::seconds(get_int(w, *v, "timeout (s)", 5, 86400));
        if (auto v = m.get("stall")) {
            const int stall = get_int(w, *v, "stall (s of console silence; 0: never)", 0, 86400);
            if (stall > 0 && stall < 5) w.fail(*v, "stall: at least 5 s (0: never)");
            s.stall = std::chrono::seconds(stall);
        }
        if (auto v = m.get("accel")) {
            const auto a = parse_accel(get<std::string>(w, *v, "accel"));
            if (!a) w.fail(*v, "accel: expected \"auto\", \"kvm\" or \"tcg\"");
            s.accel = *a;
        }
    }
    if (auto n = root.get("kernels")) {
        for (const auto& [k, v] : table_at(w, *n, "[kernels]")) {
            KernelRef ref;
            ref.name = std::string(k.str());
            check_name(w, v, ref.name, "kernel name");
            std::string src = get<std::string>(w, v, "kernel '" + ref.name + "'");
            if (src == "distro") {
                ref.source = "distro";
            } else if (std::error_code ec; src.rfind("series:", 0) == 0 ||
                                           fs::exists(file.parent_path() / src / "series", ec)) {
                ref.source = "series";
                std::string dir; // "NAME@K": the series as it was after its own patch K
                try {
                    std::tie(dir, ref.patches) = kernel::split_patch_count(src.rfind("series:", 0) == 0 ? src.substr(7) : src);
                } catch (const Error& e) {
                    w.fail(v, "kernel '" + ref.name + "': " + e.what());
                }
                try {
                    ref.series = kernel::find_series(dir, file.parent_path());
                    if (ref.patches >= 0) kernel::load_series(ref.series, ref.patches); // that many patches?
                } catch (const Error& e) {
                    w.fail(v, "kernel '" + ref.name + "': " + e.what());
                }
            } else if (src.find('/') != std::string::npos) {
                ref.source = "file";
                ref.image = src;
                if (ref.image.is_relative()) ref.image = file.parent_path() / ref.image;
                if (std::string problem = kernel::kernel_image_problem(ref.image); !problem.empty())
                    w.fail(v, "kernel '" + ref.name + "': " + ref.image.string() + ": " + problem);
            } else {
                w.fail(v, "kernel '" + ref.name + "' must be \"distro\", \"series:NAME\" (kernel-patches/NAME) "
                          "or a path to a kernel image or patch series");
            }
            s.kernels.push_back(ref);
        }
    }
    if (s.kernels.empty()) s.kernels.push_back({"stock", "distro", {}, {}});
    if (auto n = root.get("hardware")) {
        for (const auto& [k, v] : table_at(w, *n, "[hardware]")) {
            HardwareSet h;
            h.name = std::string(k.str());
            check_name(w, v, h.name, "hardware set name");
            for (const auto& d : get_strings(w, v, "hardware '" + h.name + "'")) {
                try {
                    h.devices.push_back(parse_device(d));
                } catch (const Error& e) {
                    w.fail(v, e.what());
                }
            }
            if (h.devices.empty()) w.fail(v, "hardware '" + h.name + "' has no devices");
            s.hardware.push_back(h);
        }
    }
    if (s.hardware.empty()) w.fail(1, "no [hardware] set, e.g. [hardware] sata = [\"ahci:2\", \"e1000\"]");
    BootFlags defaults;
    if (auto n = root.get("flags")) apply_flags(w, table_at(w, *n, "[flags]"), "[flags]", &defaults);
    if (auto n = root.get("variants")) {
        for (const auto& [k, v] : table_at(w, *n, "[variants]")) {
            Variant var{std::string(k.str()), defaults, {}, {}, ""};
            check_name(w, v, var.name, "variant name");
            const std::string where = "[variants." + var.name + "]";
            const toml::table& t = table_at(w, v, where);
            apply_flags(w, t, where, &var.flags, {"hardware", "kernels", "side"});
            if (const toml::node* side = t.get("side")) {
                var.side = get<std::string>(w, *side, where + " side");
                if ((var.side != "baseline" && var.side != "candidate") || var.name.rfind(var.side + ".", 0) != 0)
                    w.fail(*side, where + " side must be \"baseline\" or \"candidate\", and the variant named SIDE.NAME");
            }
            // a variant may run on some of the hardware sets / kernels only
            auto names = [&](const char* key, auto& out, const auto& all) {
                const toml::node* list = t.get(key);
                if (!list) return;
                for (const auto& name : get_strings(w, *list, where + " " + key)) {
                    auto it = std::find_if(all.begin(), all.end(), [&](const auto& x) { return x.name == name; });
                    if (it == all.end()) w.fail(*list, where + " " + key + ": no " + key + " entry named '" + name + "'");
                    out.push_back(static_cast<std::size_t>(it - all.begin()));
                }
            };
            names("hardware", var.hardware, s.hardware);
            names("kernels", var.kernels, s.kernels);
            s.variants.push_back(var);
        }
    }
    if (s.variants.empty()) s.variants.push_back({"default", defaults, {}, {}, ""});
    if (auto n = root.get("hosts")) s.hosts = parse_hosts(w, *n);
    return s;
}

std::vector<HostSpec> load_hosts(const std::filesystem::path& file) {
    const Where w{file.string()};
    const toml::table root = parse_toml(w, read_file(file, "hosts file"));
    only_keys(w, root, "the hosts file", {"hosts"});
    const toml::node* n = root.get("hosts");
    if (!n) w.fail(1, "no [hosts] table, e.g. [hosts] rack1 = { uri = \"qemu+ssh://lab@rack1/system\", jobs = 4 }");
    return parse_hosts(w, *n);
}

ExperimentSpec interleave(const ExperimentSpec& candidate, const ExperimentSpec& baseline) {
    ExperimentSpec m = candidate;
    m.timeout = std::max(candidate.timeout, baseline.timeout);
    m.warmup = std::max(candidate.warmup, baseline.warmup);
    m.kernels.clear();
    m.hardware.clear();
    m.variants.clear();
    // TOML tables need unique names: a baseline entry that shares a candidate's name is named
    // "baseline.NAME" (labels leave the "SIDE." out again)
    auto add = [&](const ExperimentSpec& from, const std::string& side) {
        const std::size_t k0 = m.kernels.size(), h0 = m.hardware.size();
        for (auto k : from.kernels) {
            if (std::any_of(m.kernels.begin(), m.kernels.end(), [&](const KernelRef& x) { return x.name == k.name; }))
                k.name = side + "." + k.name;
            m.kernels.push_back(k);
        }
        for (auto h : from.hardware) {
            if (std::any_of(m.hardware.begin(), m.hardware.end(), [&](const HardwareSet& x) { return x.name == h.name; }))
                h.name = side + "." + h.name;
            m.hardware.push_back(h);
        }
        for (Variant v : from.variants) {
            auto only = [](std::vector<std::size_t> idx, std::size_t first, std::size_t count) {
                if (idx.empty())
                    for (std::size_t i = 0; i < count; ++i) idx.push_back(i);
                for (auto& i : idx) i += first;
                return idx;
            };
            v.kernels = only(v.kernels, k0, from.kernels.size());
            v.hardware = only(v.hardware, h0, from.hardware.size());
            v.name = side + "." + v.name;
            v.side = side;
            m.variants.push_back(v);
        }
    };
    add(candidate, "candidate");
    add(baseline, "baseline");
    m.text = to_toml(m);
    return m;
}

ExperimentSpec with_kernel(const ExperimentSpec& spec, const std::string& kernel) {
    // parsed as a one-line [kernels] table, so that it means what it means in a file
    const std::string text = "[kernels]\nbaseline = \"" + kernel + "\"\n[hardware]\nx = [\"e1000\"]\n";
    if (kernel.find_first_of("\"\\\n") != std::string::npos) throw Error("baseline kernel '" + kernel + "': not a kernel");
    ExperimentSpec s = spec;
    s.kernels = parse_experiment(text, "--baseline").kernels;
    for (auto& v : s.variants) v.kernels.clear();
    return s;
}

std::vector<BootPlan> expand(const ExperimentSpec& s, std::uint64_t seed) {
    std::vector<BootPlan> plans;
    auto in = [](const std::vector<std::size_t>& only, std::size_t i) {
        return only.empty() || std::find(only.begin(), only.end(), i) != only.end();
    };
    // How many kernels and hardware sets the variants of a side use: a label names only the
    // dimensions that vary, and on an interleaved side only within that side.
    auto used = [&](const std::string& side, auto member, std::size_t all) {
        std::set<std::size_t> u;
        for (const auto& v : s.variants)
            if (v.side == side)
                for (std::size_t i = 0; i < all; ++i)
                    if (in(v.*member, i)) u.insert(i);
        return u.size();
    };
    // per variant, once: whether its label names the kernel and the hardware set
    std::vector<std::pair<bool, bool>> dims;
    for (const auto& v : s.variants)
        dims.emplace_back(used(v.side, &Variant::kernels, s.kernels.size()) > 1,
                          used(v.side, &Variant::hardware, s.hardware.size()) > 1);
    for (std::size_t k = 0; k < s.kernels.size(); ++k)
        for (std::size_t h = 0; h < s.hardware.size(); ++h)
            for (std::size_t v = 0; v < s.variants.size(); ++v)
                for (int r = 1; r <= s.repetitions && in(s.variants[v].hardware, h) && in(s.variants[v].kernels, k); ++r) {
                    const Variant& var = s.variants[v];
                    auto own = [&](const std::string& name) { // the name in the side's own file
                        return !var.side.empty() && name.rfind(var.side + ".", 0) == 0 ? name.substr(var.side.size() + 1) : name;
                    };
                    BootPlan p{k, h, v, r, false, var.side.empty() ? "" : var.side + ":"};
                    if (dims[v].first) p.label += own(s.kernels[k].name) + "/";
                    if (dims[v].second) p.label += own(s.hardware[h].name) + "/";
                    p.label += own(var.name);
                    plans.push_back(p);
                }
    std::mt19937_64 rng(seed);
    std::shuffle(plans.begin(), plans.end(), rng);
    return plans;
}

} // namespace bootlab::runner
