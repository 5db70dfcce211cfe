#include "cli/commands.h"

#include "common/atomic_file.h"
#include "common/cache.h"
#include "common/error.h"
#include "common/json_dump.h"
#include "common/text.h"
#include "bisect/bisect.h"
#include "check/check_stored.h"
#include "check/gate.h"
#include "check/run_set.h"
#include "ingest/ingest.h"
#include "kernel/source_build.h"
#include "report/critical_path.h"
#include "report/export.h"
#include "report/html.h"
#include "report/summary.h"
#include "runner/hosts.h"
#include "service/http_client.h"
#include "service/service.h"
#include "service/token.h"
#include "runner/qemu_backend.h"
#include "runner/run_experiment.h"
#include "report/format.h"
#include "report/json.h"
#include "report/text.h"
#include "store/store.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <atomic>
#include <functional>
#include <sstream>
#include <csignal>
#include <unistd.h>

namespace bootlab::cli {
namespace {

// Commands that only look open the database read-only: they work on a file they may not write,
// and cannot create an empty database by mistake.
store::Store open_store(const Common& c,
                        store::Store::Access access = store::Store::Access::ReadWrite) {
    return store::Store(c.db.empty() ? store::Store::default_path() : std::filesystem::path(c.db),
                        access);
}

void warn(const std::string& msg) {
    std::cout.flush(); // keep the run line above its warnings
    std::cerr << "bootlab: warning: " << msg << "\n";
}
void error(const std::string& msg) { std::cerr << "bootlab: " << msg << "\n"; }

// "\r42% of boot.log" on a terminal, nothing otherwise (CI logs stay clean).
auto progress_for(const std::string& name) {
    bool tty = ::isatty(STDERR_FILENO);
    return [tty, name](std::uint64_t done, std::uint64_t total) {
        if (!tty || total < (64u << 20)) return;
        std::fprintf(stderr, "\r%3d%% of %s", static_cast<int>(100 * done / total), name.c_str());
        if (done >= total) std::fprintf(stderr, "\r%*s\r", static_cast<int>(name.size() + 8), "");
    };
}

} // namespace

int cmd_import(const Common& c, const std::vector<std::string>& files, const std::string& experiment,
               const std::string& variant) {
    store::Store store = open_store(c);
    std::optional<std::int64_t> experiment_id;
    int failures = 0;
    for (const std::string& file : files) {
        ingest::ImportOptions opt;
        opt.run.experiment_id = experiment_id;
        opt.run.experiment_name = experiment.empty() ? "import" : experiment;
        opt.run.variant = variant.empty() ? std::filesystem::path(file).stem().string() : variant;
        opt.progress = progress_for(file);
        try {
            ingest::ImportResult r = ingest::import_file(store, file, opt);
            experiment_id = r.experiment_id; // one experiment for the files of one command
            const model::Metrics& m = r.boot.metrics;
            std::cout << file << ": run " << r.run_id << " [" << model::to_string(r.status) << "]  " << m.sync_count
                      << " sync, " << m.async_count << " async spans; boot-to-init "
                      << report::seconds(m.boot_to_init) << "\n";
            if (r.boot.unusable_lines > 0)
                warn(ingest::where(file, r.boot.unusable_examples.front()) + ": " +
                     std::to_string(r.boot.unusable_lines) +
                     " initcall-like lines could not be parsed (this is the first)");
            if (r.boot.metrics.unfinished_count > 0)
                warn(file + ": " + std::to_string(r.boot.metrics.unfinished_count) +
                     " initcalls never returned (boot died or log truncated)");
        } catch (const Error& e) {
            error(e.what());
            ++failures;
        }
    }
    return failures ? 1 : 0;
}

int cmd_runs(const Common& c, bool json) {
    store::Store store = open_store(c, store::Store::Access::Read);
    auto runs = store.runs();
    if (json) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& r : runs) a.push_back(report::run_json(r));
        std::cout << json_dump(a, 2) << "\n";
    } else {
        report::print_runs(std::cout, runs);
    }
    return 0;
}

int cmd_show(const Common& c, std::int64_t run, bool json, std::size_t limit) {
    store::Store store = open_store(c, store::Store::Access::Read);
    store::RunInfo info = store.require_run(run);
    model::Boot boot = store.load_boot(run);
    if (json)
        std::cout << json_dump(report::show_json(info, boot, limit), 2) << "\n";
    else
        report::print_blame(std::cout, info, boot, limit);
    return 0;
}

int cmd_critical_path(const Common& c, std::int64_t run, bool json) {
    store::Store store = open_store(c, store::Store::Access::Read);
    store.require_run(run);
    const model::Boot boot = store.load_boot(run);
    const model::CriticalPath path = model::critical_path(boot);
    if (json)
        std::cout << json_dump(report::critical_path_json(path), 2) << "\n";
    else
        report::print_critical_path(std::cout, path);
    return 0;
}

int cmd_export(const Common& c, const ExportCommand& e) {
    store::Store store = open_store(c, store::Store::Access::Read);
    if (e.format == "runs") { // a run set: a baseline for `bootlab check`
        check::RunSet set;
        if (!e.select.empty()) set = check::select_runs(store, e.select);
        for (auto id : e.runs) set.runs.push_back(check::sample_of(store, store.require_run(id)));
        if (set.runs.empty()) throw Error("export --format runs: name runs, or --select experiment:NAME");
        if (set.description.empty()) set.description = "runs exported by bootlab";
        write_atomically(e.out, [&](std::ostream& o) { check::write_run_set(o, set); });
        std::cerr << set.runs.size() << " runs -> " << e.out << " (runs)\n";
        return 0;
    }
    report::ExportFormat f = report::parse_export_format(e.format);
    if (e.runs.size() != 1 || !e.select.empty())
        throw Error("export --format " + e.format + " writes one run: name exactly one");
    const std::int64_t run = e.runs.front();
    store::RunInfo info = store.require_run(run);
    model::Boot boot = store.load_boot(run);
    write_atomically(e.out, [&](std::ostream& o) { report::write_export(o, f, info, boot); });
    if (e.out != "-")
        std::cerr << "run " << run << " -> " << e.out << " (" << e.format << ", " << boot.spans.size() << " spans)\n";
    return 0;
}

namespace {
std::atomic<bool> g_cancel{false};
extern "C" void on_sigint(int) {
    g_cancel = true;
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends bootlab at once (QEMU dies with it)
}
} // namespace

namespace {
// --host/--hosts as host specs: none given, none returned (the experiment's or this machine).
std::vector<runner::HostSpec> host_specs(const HostOptions& h, int jobs) {
    std::vector<runner::HostSpec> out;
    if (!h.hosts_file.empty()) out = runner::load_hosts(h.hosts_file);
    if (!h.hosts.empty()) {
        const auto configured = runner::configured_hosts();
        for (const auto& a : h.hosts) out.push_back(runner::host_from_arg(a, configured, jobs));
    }
    return out;
}

// Where the boots went, when that is news: several hosts, uploads, or a host that failed.
void print_hosts_used(const runner::ExperimentResult& r) {
    bool news = r.hosts.size() > 1;
    auto kvm_broken = [](const runner::HostResult& h) {
        return h.kvm && !h.kvm->usable() && h.kvm->kind != runner::KvmVerdict::Kind::absent;
    };
    for (const auto& h : r.hosts)
        news |= h.uploaded > 0 || !h.failure.empty() || h.backend != "qemu" || !h.accel_note.empty() || kvm_broken(h);
    if (!news) return;
    std::cerr << "hosts:\n";
    for (const auto& h : r.hosts) {
        std::cerr << "  " << h.name << " (" << h.backend << ", " << h.jobs << " slot" << (h.jobs == 1 ? "" : "s")
                  << "): " << h.boots << " boot" << (h.boots == 1 ? "" : "s") << ", " << h.uploaded << " bytes uploaded";
        if (!h.accel.empty()) std::cerr << ", under " << h.accel;
        if (!h.failure.empty()) std::cerr << "; FAILED: " << h.failure;
        if (!h.accel_note.empty()) std::cerr << "\n    " << h.accel_note;
        else if (kvm_broken(h)) std::cerr << "\n    " << h.kvm->describe() << ": booted under TCG";
        std::cerr << "\n";
    }
    char idle[96];
    std::snprintf(idle, sizeof idle, "  slots idle while boots waited: %.3f s in all\n", static_cast<double>(r.slot_idle_us) / 1e6);
    std::cerr << idle;
}

// Boots an experiment (resuming or reusing stored boots unless fresh), one line per boot.
struct Booted {
    runner::ExperimentResult result;
    int exit_code = 0; // for `bootlab run`: 0 all ok, 1 a boot failed, 130 cancelled
};
Booted boot_experiment(store::Store& store, const runner::ExperimentSpec& spec, const RunCommand& rc,
                       const std::string& origin) {
    std::signal(SIGINT, on_sigint);
    std::signal(SIGTERM, on_sigint);
    runner::RunOptions opt;
    opt.jobs = rc.jobs;
    opt.fresh = rc.fresh;
    opt.seed = rc.seed;
    opt.hang = rc.hang;
    opt.origin = origin;
    opt.hosts = host_specs(rc.hosts, rc.jobs);
    if (!rc.hosts.accel.empty()) opt.accel = runner::parse_accel(rc.hosts.accel);
    const auto hosts = runner::hosts_for(spec, opt);
    int slots = 0;
    for (const auto& h : hosts) slots += h.jobs;
    std::cerr << "experiment " << spec.name << ": " << spec.kernels.size() << " kernel(s), "
              << spec.hardware.size() << " hardware set(s), " << spec.variants.size() << " variant(s), "
              << spec.repetitions << " repetitions: " << runner::expand(spec, 0).size() << " boots, " << slots
              << " at a time";
    if (hosts.size() > 1 || !hosts[0].uri.empty()) {
        std::cerr << " on";
        for (const auto& h : hosts) std::cerr << " " << h.name << (h.uri.empty() ? "" : " (" + h.uri + ")");
    }
    std::cerr << "\n";
    runner::RunEvents ev;
    ev.message = [](const std::string& m) { std::cerr << "  " << m << "\n"; };
    ev.starting = [&](const runner::BootPlan& p, const runner::BootStart& s) {
        if (rc.print_qemu && !s.argv.empty())
            std::cout << "# " << p.label << " #" << p.repetition << " on " << s.host << "\n" << runner::shell_quote(s.argv) << "\n" << std::flush;
        if (rc.print_xml && !s.domain_xml.empty())
            std::cout << "<!-- " << p.label << " #" << p.repetition << " on " << s.host << " -->\n" << s.domain_xml << std::flush;
    };
    const bool several = hosts.size() > 1;
    ev.finished = [several](const runner::BootPlan& p, const store::RunInfo& r, int done, int total) {
        char line[320];
        const std::string rep = p.warmup ? "warm-up" : "#" + std::to_string(p.repetition);
        std::snprintf(line, sizeof line, "[%d/%d] %-20s %-7s %-9s boot-to-init %-12s wall %-12s run %lld%s%s",
                      done, total, p.label.c_str(), rep.c_str(), model::to_string(r.status),
                      report::seconds(r.metrics.boot_to_init).c_str(),
                      r.wall_us ? report::seconds(*r.wall_us).c_str() : "-", static_cast<long long>(r.id),
                      several ? "  on " : "", several ? r.host.c_str() : "");
        std::cerr << line << (r.error.empty() ? "" : "  (" + r.error.substr(0, 100) + ")") << "\n";
    };
    Booted b;
    try {
        b.result = runner::run_experiment(store, spec, opt, ev, g_cancel);
    } catch (const kernel::Cancelled& e) {
        std::cerr << "bootlab: " << e.what() << " before any boot; run it again to go on\n";
        b.exit_code = 130;
        return b;
    }
    std::signal(SIGINT, SIG_DFL);
    print_hosts_used(b.result);
    if (!b.result.experiment_id) {
        std::cerr << "bootlab: no boot was stored" << (g_cancel ? " (cancelled)" : "") << "\n";
        b.exit_code = g_cancel ? 130 : 1;
    } else if (b.result.cancelled) {
        std::cerr << "bootlab: cancelled; running the same file again resumes it\n";
        b.exit_code = 130;
    } else if (b.result.unrun) {
        std::cerr << "bootlab: " << b.result.unrun << " boot(s) not run: every host failed; running the same "
                  << "file again boots only those\n";
        b.exit_code = 1;
    } else {
        b.exit_code = b.result.failed ? 1 : 0;
    }
    return b;
}

report::Environment environment(const std::string& experiment_file, std::string verdict_html = {}) {
    return {runner::qemu_version(), runner::hostname(), experiment_file, std::move(verdict_html)};
}

runner::ExperimentSpec load_spec(const std::string& file, const std::string& cmdline_append) {
    runner::ExperimentSpec spec = runner::load_experiment(file);
    if (!cmdline_append.empty())
        for (auto& v : spec.variants) v.flags.extra += (v.flags.extra.empty() ? "" : " ") + cmdline_append;
    return spec;
}
} // namespace

int cmd_run(const Common& c, const RunCommand& rc) {
    runner::ExperimentSpec spec = load_spec(rc.experiment_file, rc.cmdline_append);
    if (rc.repetitions > 0) spec.repetitions = rc.repetitions;
    if (rc.warmup >= 0) spec.warmup = rc.warmup;
    store::Store store = open_store(c);
    Booted b = boot_experiment(store, spec, rc, "cli");
    if (!b.result.experiment_id) return b.exit_code;
    report::ExperimentSummary sum = report::summarize(store, b.result.experiment_id);
    std::cout << "\n";
    report::print_summary(std::cout, sum);
    if (!rc.no_report) {
        std::string path = rc.report.empty()
            ? "bootlab-report/" + spec.name + "-" + std::to_string(b.result.experiment_id) + ".html" : rc.report;
        write_atomically(path, [&](std::ostream& o) {
            report::write_experiment_html(o, store, sum, environment(spec.file.string()));
        });
        std::cout << "\nreport: " << path << "\n";
    }
    return b.exit_code;
}

int cmd_report(const Common& c, std::int64_t experiment, const std::string& out) {
    store::Store store = open_store(c, store::Store::Access::Read);
    report::ExperimentSummary sum = report::summarize(store, experiment);
    if (sum.runs.empty()) throw Error("experiment " + std::to_string(experiment) + ": no such experiment in the database");
    write_atomically(out, [&](std::ostream& o) { report::write_experiment_html(o, store, sum, environment("")); });
    if (out != "-") std::cerr << "experiment " << experiment << " -> " << out << "\n";
    return 0;
}

int check_on_service(store::Store& store, std::int64_t experiment_id, const CheckCommand& k);

int cmd_check(const Common& c, const CheckCommand& k) try {
    store::Store store = open_store(c);
    check::RunSet candidate;
    std::int64_t experiment_id = 0;
    std::string file;
    int failed_boots = 0, boots = 0; // of the candidate experiment booted here
    if (!k.candidate.empty()) {
        candidate = check::select_runs_or_file(store, k.candidate);
    } else {
        if (k.experiment_file.empty()) throw Error("check: name an experiment file to boot, or --candidate RUNS");
        if (!k.upload.empty() && !k.candidate.empty()) throw Error("check: --upload sends boots booted here: not with --candidate");
        runner::ExperimentSpec spec = load_spec(k.experiment_file, k.cmdline_append);
        // A baseline configuration is booted with the candidate, interleaved in one order.
        if (k.baseline.rfind("boot:", 0) == 0)
            spec = runner::interleave(spec, load_spec(k.baseline.substr(5), k.cmdline_append));
        else if (k.baseline.rfind("boot-kernel:", 0) == 0)
            spec = runner::interleave(spec, runner::with_kernel(spec, k.baseline.substr(12)));
        if (k.repetitions > 0) spec.repetitions = k.repetitions; // both sides
        file = spec.file.string();
        RunCommand rc;
        rc.jobs = k.jobs;
        rc.fresh = !k.reuse;
        rc.hosts = k.hosts;
        Booted b = boot_experiment(store, spec, rc, "ci");
        if (b.exit_code == 130) return 130;
        if (!b.result.experiment_id) return 2;
        experiment_id = b.result.experiment_id;
        for (const auto& r : store.runs_of(experiment_id)) {
            ++boots;
            failed_boots += r.status != model::RunStatus::Ok;
        }
        if (failed_boots == boots) {
            std::cerr << "bootlab: REGRESSION: none of the " << boots << " boots reached init (see `bootlab runs`)\n";
            return 1;
        }
        if (!k.upload.empty()) { // the service judges, against the baseline it holds
            std::cout << "\n";
            const int code = check_on_service(store, experiment_id, k);
            return failed_boots > 0 ? 1 : code;
        }
        candidate = check::experiment_runs(store, experiment_id);
        std::cout << "\n";
    }
    check::Sides sides = check::choose_sides(store, std::move(candidate), k.baseline, experiment_id != 0, true);
    check::GateOptions opt;
    opt.max_regression = k.max_regression;
    opt.max_regression_set = k.max_regression_set;
    opt.alpha = k.alpha;
    opt.host_metrics = k.host_metrics;
    check::GateResult g = check::run_gate(sides.baseline, sides.candidate, opt);
    if (k.json) std::cout << json_dump(check::gate_json(g), 2) << "\n";
    else check::print_gate(std::cout, g);
    if (!k.junit.empty()) {
        write_atomically(k.junit, [&](std::ostream& o) { check::write_junit(o, g); });
        std::cout << "junit: " << k.junit << "\n";
    }
    if (!experiment_id) experiment_id = check::common_experiment(store, sides.candidate); // report on it
    if (!k.report.empty() && experiment_id) {
        std::ostringstream verdict;
        check::write_gate_html(verdict, g);
        report::ExperimentSummary sum = report::summarize(store, experiment_id);
        write_atomically(k.report, [&](std::ostream& o) {
            report::write_experiment_html(o, store, sum, environment(file, verdict.str()));
        });
        std::cout << "report: " << k.report << "\n";
    }
    if (failed_boots > 0) { // a kernel that stops booting is a regression whatever the timings say
        std::cout << "REGRESSION: " << failed_boots << " of " << boots
                  << " boots failed (panic, timeout or error; see `bootlab runs`)\n";
        return 1;
    }
    return g.exit_code();
} catch (const Error& e) {
    std::cerr << "bootlab: " << e.what() << "\n";
    return 2; // could not decide
}

namespace {
std::string duration(double s) {
    char b[32];
    if (s < 60) std::snprintf(b, sizeof b, "%.0f s", s);
    else std::snprintf(b, sizeof b, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
    return b;
}

void print_step(const kernel::Series& series, const bisect::Judgement& j) {
    std::cout << "\nstep " << series.name << "@" << j.k << " vs @" << j.against << ": " << bisect::to_string(j.verdict)
              << "  (build " << duration(j.build_seconds);
    if (j.experiment_id)
        std::cout << ", " << j.boots << " boots " << (j.boot_seconds < 1 ? "already stored" : "in " + duration(j.boot_seconds))
                  << ", experiment " << j.experiment_id;
    std::cout << ")\n";
    if (j.verdict != bisect::Step::Bad) std::cout << "  " << j.why << "\n";
    for (const auto& e : j.evidence) std::cout << "  " << e << "\n";
    std::cout << std::flush;
}

std::string patch_name(const kernel::Series& s, std::size_t k) { // patch k of the series' own, 1-based
    const auto& p = s.patches[s.own_first + k - 1];
    const std::string subject = kernel::patch_subject(p);
    return p.filename().string() + (subject.empty() ? "" : "\n    " + subject);
}
} // namespace

int cmd_bisect(const Common& c, const BisectCommand& b) try {
    bisect::Options opt;
    opt.series = kernel::find_series(b.series);
    const kernel::Series series = kernel::load_series(opt.series);
    opt.experiment = load_spec(b.experiment_file, b.cmdline_append);
    if (b.repetitions > 0) opt.experiment.repetitions = b.repetitions;
    opt.metric = b.metric;
    if (b.good >= 0) opt.good = static_cast<std::size_t>(b.good);
    if (b.bad >= 0) opt.bad = static_cast<std::size_t>(b.bad);
    opt.gate.max_regression = b.max_regression;
    opt.gate.max_regression_set = b.max_regression_set;
    opt.gate.alpha = b.alpha;
    store::Store store = open_store(c);

    const std::size_t good = opt.good.value_or(0), bad = opt.bad.value_or(series.own_count());
    std::cout << "bisect " << series.name << ": " << series.own_count() << " patches";
    if (series.own_first) std::cout << " on top of " << series.tree << " (" << series.own_first << " patches)";
    std::cout << "; good @" << good << ", bad @" << bad << "; judged by " << opt.metric << "; every step booted "
              << opt.experiment.repetitions << " times a side against @" << good << ", interleaved ("
              << opt.experiment.name << ")\n" << std::flush;

    RunCommand rc;
    rc.jobs = b.jobs;
    rc.fresh = b.fresh;
    rc.hosts = b.hosts;
    bisect::Hooks hooks;
    hooks.cancel = &g_cancel;
    hooks.message = [](const std::string& m) { std::cerr << "  " << m << "\n"; };
    int boot_code = 0;
    hooks.boot = [&](const runner::ExperimentSpec& spec) -> std::int64_t {
        Booted booted = boot_experiment(store, spec, rc, "cli");
        boot_code = booted.exit_code;
        return boot_code == 130 ? 0 : booted.result.experiment_id;
    };
    hooks.judged = [&](const bisect::Judgement& j) { print_step(series, j); };
    std::signal(SIGINT, on_sigint);
    std::signal(SIGTERM, on_sigint);
    bisect::Outcome o;
    try {
        o = bisect::run_bisect(store, opt, hooks);
    } catch (const kernel::Cancelled& e) {
        std::cerr << "bootlab: " << e.what() << "; the same command goes on where it stopped\n";
        return 130;
    }

    double build_s = 0, boot_s = 0;
    int boots = 0;
    std::cout << "\nsteps:";
    for (const auto& j : o.steps) {
        std::cout << " @" << j.k << " " << bisect::to_string(j.verdict) << (&j == &o.steps.back() ? "" : ",");
        build_s += j.build_seconds;
        boot_s += j.boot_seconds;
        boots += j.boots;
    }
    std::cout << "\ncost: " << o.steps.size() << " steps, builds " << duration(build_s) << ", " << boots
              << " boots in " << duration(boot_s) << "\n\n";
    switch (o.kind) {
    case bisect::Outcome::Kind::Culprit:
        std::cout << "first slower: " << series.name << "@" << o.culprit << ", patch " << o.culprit << " of "
                  << series.own_count() << ":\n  " << patch_name(series, o.culprit) << "\n";
        for (const auto& j : o.steps)
            if (j.k == o.culprit) std::cout << "  " << j.why << "\n";
        break;
    case bisect::Outcome::Kind::NoRegression:
        std::cout << "no patch made " << opt.metric << " slower: " << series.name << "@" << o.bad
                  << " is not slower than @" << o.good << "\n";
        break;
    case bisect::Outcome::Kind::Undecided:
        std::cout << "could not decide whether " << series.name << "@" << o.bad << " is slower than @" << o.good
                  << ": " << o.steps.front().why << " (more --repetitions?)\n";
        break;
    case bisect::Outcome::Kind::Ambiguous:
        std::cout << "the first slower patch is one of these (steps between them were skipped):\n";
        for (auto p : o.suspects) std::cout << "  patch " << p << ": " << patch_name(series, p) << "\n";
        break;
    }
    return o.exit_code();
} catch (const Error& e) {
    std::cerr << "bootlab: " << e.what() << "\n";
    return 2;
}

int cmd_kernel_build(const std::string& series, int jobs, bool force) {
    const auto [dir, count] = kernel::split_patch_count(series);
    const kernel::Series s = kernel::load_series(kernel::find_series(dir), count);
    kernel::BuildOptions opt;
    opt.cancel = &g_cancel;
    std::signal(SIGINT, on_sigint);
    std::signal(SIGTERM, on_sigint);
    opt.jobs = jobs;
    opt.force = force;
    opt.progress = [&](const std::string& m) { std::cerr << "  " << s.name << ": " << m << "\n"; };
    kernel::Kernel k;
    try {
        k = kernel::series_kernel(s, opt);
    } catch (const kernel::Cancelled& e) {
        std::cerr << "bootlab: " << e.what() << "; run it again to go on where it stopped\n";
        return 130;
    }
    const auto entry = k.root.parent_path();
    std::cout << "series   " << s.name << " (" << s.patches.size() << " patches, " << s.dir.string() << ")\n"
              << "tree     " << s.tree << "\n"
              << "release  " << k.release << "\n"
              << "source   " << k.package << "\n"
              << "image    " << k.image.string() << "\n"
              << "modules  " << (k.root / "lib/modules" / k.release).string() << "\n"
              << "config   " << (entry / "config").string() << "\n"
              << "log      " << (entry / "build.log").string() << "\n";
    return 0;
}

int cmd_log(const Common& c, std::int64_t run) {
    store::Store store = open_store(c, store::Store::Access::Read);
    store.require_run(run);
    store.read_log(run, [](std::string_view chunk) { std::cout.write(chunk.data(), static_cast<std::streamsize>(chunk.size())); });
    return 0;
}

int cmd_reparse(const Common& c, const std::vector<std::int64_t>& runs) {
    store::Store store = open_store(c);
    std::vector<std::int64_t> ids = runs;
    if (ids.empty())
        for (const auto& r : store.runs()) ids.push_back(r.id);
    for (auto id : ids) {
        store::RunInfo before = store.require_run(id);
        model::Boot boot = ingest::reparse_run(store, id);
        std::cout << "run " << id << ": " << before.metrics.sync_count << "+"
                  << before.metrics.async_count << " -> " << boot.metrics.sync_count << "+"
                  << boot.metrics.async_count << " sync+async spans\n";
    }
    return 0;
}

} // namespace bootlab::cli

namespace bootlab::cli {

int cmd_hosts(const HostOptions& h, bool json, bool probe_again) {
    std::vector<runner::HostSpec> hosts = host_specs(h, 1);
    std::string from = h.hosts_file.empty() && h.hosts.empty() ? runner::default_hosts_file().string() : "";
    if (hosts.empty()) hosts = runner::configured_hosts();
    if (hosts.empty()) {
        hosts.push_back(runner::local_host(1));
        from += " (none: boots run here)";
    }
    nlohmann::json list = nlohmann::json::array();
    if (!json && !from.empty()) std::cout << "hosts from " << from << "\n";
    int unreachable = 0;
    if (probe_again) std::filesystem::remove_all(cache_dir() / "kvm-probe");
    for (const auto& spec : hosts) {
        auto backend = runner::make_backend(spec);
        const runner::HostReport r = backend->probe();
        const bool kvm = r.kvm.usable();
        unreachable += !r.reachable;
        const int free_slots = std::max(0, spec.jobs - r.running);
        if (json) {
            list.push_back({{"name", spec.name}, {"uri", spec.uri}, {"backend", backend->name()}, {"jobs", spec.jobs},
                            {"reachable", r.reachable}, {"error", r.error}, {"hostname", r.hostname},
                            {"libvirt_version", r.libvirt_version}, {"emulator_version", r.emulator_version},
                            {"cpus", r.cpus}, {"memory_mb", r.memory_mb}, {"kvm", kvm},
                            {"kvm_verdict", runner::to_string(r.kvm.kind)}, {"kvm_detail", r.kvm.detail},
                            {"boots_under", kvm ? "kvm" : "tcg"},
                            {"running", r.running}, {"free_slots", free_slots}});
            continue;
        }
        std::cout << spec.name << "  " << (spec.uri.empty() ? "QEMU here (no libvirt)" : spec.uri) << "\n";
        if (!r.reachable) {
            std::cout << "  UNREACHABLE: " << r.error << "\n";
            continue;
        }
        std::cout << "  hostname " << r.hostname << ", " << r.emulator_version
                  << (r.libvirt_version.empty() ? "" : ", libvirt " + r.libvirt_version) << "\n"
                  << "  " << r.kvm.describe() << ": boots run under " << (kvm ? "KVM" : "TCG (slower)") << "\n"
                  << "  " << r.cpus << " CPUs, " << r.memory_mb << " MiB, slots " << free_slots << " free of " << spec.jobs << " (" << r.running << " bootlab boot"
                  << (r.running == 1 ? "" : "s") << " running)\n";
    }
    if (json) std::cout << json_dump(list, 2) << "\n";
    return unreachable ? 1 : 0;
}

} // namespace bootlab::cli

namespace bootlab::cli {

int cmd_serve(const Common& c, const ServeCommand& s) {
    const auto colon = s.listen.rfind(':');
    const std::string address = colon == std::string::npos ? s.listen : s.listen.substr(0, colon);
    const std::string port_text = colon == std::string::npos ? "8470" : s.listen.substr(colon + 1);
    char* end = nullptr;
    const long port = std::strtol(port_text.c_str(), &end, 10);
    if (port_text.empty() || *end || port < 0 || port > 65535) throw Error("--listen " + s.listen + ": expected ADDRESS:PORT");
    const std::string host = address.size() > 2 && address.front() == '[' ? address.substr(1, address.size() - 2) : address;
    const bool loopback = host.rfind("127.", 0) == 0 || host == "::1";
    if (!s.reads.empty() && s.reads != "open" && s.reads != "token") throw Error("--reads " + s.reads + ": open or token");
    const std::filesystem::path token_file = s.token_file.empty() ? service::default_token_file() : std::filesystem::path(s.token_file);
    bool created = false;
    service::ServiceOptions so;
    so.db = c.db.empty() ? store::Store::default_path() : std::filesystem::path(c.db);
    so.token = service::load_or_create_token(token_file, &created);
    so.open_reads = s.reads.empty() ? loopback : s.reads == "open";
    service::Service svc(so);
    service::ServerOptions opt;
    opt.threads = s.threads;
    opt.max_connections = s.max_connections;
    opt.max_body = s.max_body_mb << 20;
    opt.read_timeout = opt.write_timeout = std::chrono::seconds(s.timeout_s);
    opt.headers = service::security_headers();
    service::HttpServer server(host, static_cast<std::uint16_t>(port), opt, svc);
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    std::cout << "bootlab: serving " << so.db.string() << " on http://" << shown << ":" << server.port() << "/\n"
              << "  writes need the token in " << token_file.string() << (created ? " (new)" : "")
              << "; reads " << (so.open_reads ? "are open" : "need it too") << "\n" << std::flush;
    server.run();
    std::cout << "bootlab: stopped\n";
    return 0;
}

namespace {
struct UploadMeta {
    std::string experiment, variant, host, kernel, filename;
    std::string experiment_id; // "": the upload makes a new experiment
};
// A service's JSON answer, when it has the status and key expected; else an Error with the
// service's own {"error": ...} (or the start of what it sent).
nlohmann::json service_answer(const service::ClientResponse& r, int status, const char* key, const std::string& what) {
    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status != status || !j.is_object() || !j.contains(key))
        throw Error(what + " " + std::to_string(r.status) + ": " +
                    (j.is_object() && j.contains("error") ? j["error"].get<std::string>() : r.body.substr(0, 200)));
    return j;
}
// POST /api/runs: the service's answer ({"id", "experiment_id", "status", "url", ...}).
nlohmann::json upload_log(const std::string& url, const std::string& token, std::string log, const UploadMeta& m) {
    std::string q = "/api/runs?variant=" + service::percent_encode(m.variant);
    for (auto [key, value] : {std::pair{"experiment", &m.experiment}, {"host", &m.host}, {"kernel", &m.kernel},
                              {"filename", &m.filename}, {"experiment_id", &m.experiment_id}})
        if (!value->empty()) q += std::string("&") + key + "=" + service::percent_encode(*value);
    return service_answer(service::http_call("POST", url, q, token, "text/plain", std::move(log)), 201, "id",
                          url + " answered");
}
std::string without_slash(std::string url) {
    if (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}
} // namespace

int cmd_import_upload(const std::string& url, const std::string& token_file, const std::vector<std::string>& files,
                      const std::string& experiment, const std::string& variant, const std::string& host,
                      const std::string& kernel) {
    const std::string token = service::client_token(token_file);
    UploadMeta m{experiment, variant, host, kernel, "", ""};
    int failures = 0;
    for (const std::string& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            error(file + ": cannot read");
            ++failures;
            continue;
        }
        std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        m.variant = variant.empty() ? std::filesystem::path(file).stem().string() : variant;
        m.filename = std::filesystem::path(file).filename().string();
        try {
            nlohmann::json j = upload_log(url, token, std::move(log), m);
            m.experiment_id = std::to_string(j["experiment_id"].get<std::int64_t>()); // one experiment per command
            std::cout << file << ": run " << j["id"].get<std::int64_t>() << " [" << j["status"].get<std::string>()
                      << "]  " << without_slash(url) << j["url"].get<std::string>() << "\n";
        } catch (const Error& e) {
            error(file + ": " + e.what());
            ++failures;
        }
    }
    return failures ? 1 : 0;
}

int check_on_service(store::Store& store, std::int64_t experiment_id, const CheckCommand& k) {
    const std::string token = service::client_token(k.token_file);
    UploadMeta m;
    int uploaded = 0;
    for (const auto& r : store.runs_of(experiment_id)) {
        if (r.warmup) continue; // counts nowhere
        std::string log;
        store.read_log(r.id, [&](std::string_view chunk) { log.append(chunk); });
        m.experiment = r.experiment;
        m.variant = r.variant;
        m.host = r.host;
        m.kernel = r.kernel_series.empty() ? r.kernel_version : r.kernel_series;
        m.filename = "run " + std::to_string(r.id) + " of " + runner::hostname();
        nlohmann::json j = upload_log(k.upload, token, std::move(log), m);
        m.experiment_id = std::to_string(j["experiment_id"].get<std::int64_t>());
        ++uploaded;
    }
    std::cout << uploaded << " boots uploaded to " << without_slash(k.upload) << "/experiments/" << m.experiment_id << "\n";
    nlohmann::json req = {{"candidate", "experiment:" + m.experiment_id}, {"baseline", k.baseline}, {"alpha", k.alpha}};
    if (k.max_regression_set) req["max_regression"] = k.max_regression;
    const nlohmann::json g = service_answer(
        service::http_call("POST", k.upload, "/api/check", token, "application/json", req.dump()), 200, "exit_code",
        k.upload + " /api/check answered");
    if (k.json) {
        std::cout << json_dump(g, 2) << "\n";
    } else {
        // what was compared with what, as a local check prints it
        if (g.contains("baseline") && g["baseline"].is_string() && g.contains("candidate") && g["candidate"].is_string())
            std::cout << "baseline:  " << clean_text(g["baseline"].get<std::string>()) << "\ncandidate: "
                      << clean_text(g["candidate"].get<std::string>()) << "\n";
        std::cout << g["summary"].get<std::string>() << "\n";
        for (const auto& x : g["metrics"])
            std::cout << "  " << x["variant"].get<std::string>() << " " << x["metric"].get<std::string>() << ": "
                      << x["verdict"].get<std::string>() << "\n";
    }
    if (g.contains("report")) std::cout << "report: " << without_slash(k.upload) << g["report"].get<std::string>() << "\n";
    if (!k.junit.empty()) {
        service::ClientResponse x = service::http_call("POST", k.upload, "/api/check?format=junit", token, "application/json", req.dump());
        write_atomically(k.junit, [&](std::ostream& o) { o << x.body; });
        std::cout << "junit: " << k.junit << "\n";
    }
    return g["exit_code"].get<int>();
}

} // namespace bootlab::cli
