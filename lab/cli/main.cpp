// bootlab: measure how Linux kernels boot. See README.md.
#include "cli/commands.h"
#include "model/host_marks.h"
#include "common/error.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

namespace {
void add_host_options(CLI::App* cmd, bootlab::cli::HostOptions& h) {
    cmd->add_option("--host", h.hosts, "boot on this host: a name from the hosts file, a libvirt URI "
                    "(qemu+ssh://user@host/system), or qemu (here, no libvirt); repeat for several");
    cmd->add_option("--hosts", h.hosts_file, "boot on the hosts of this file ([hosts] table)");
}

void add_accel_option(CLI::App* cmd, bootlab::cli::HostOptions& h) {
    cmd->add_option("--accel", h.accel, "auto (default: KVM where a probe guest runs on it, else TCG), kvm "
                    "(an error where it does not work) or tcg; overrides $BOOTLAB_ACCEL and [machine] accel")
        ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
}

// --max-regression: "3%" or "0.03"; false (after saying why) if it is neither
bool parse_fraction(std::string v, double* out) {
    const std::string given = v;
    const bool percent = !v.empty() && v.back() == '%';
    if (percent) v.pop_back();
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || x < 0) {
        std::cerr << "bootlab: --max-regression " << given << ": expected e.g. 3% or 0.03\n";
        return false;
    }
    *out = percent ? x / 100 : x;
    return true;
}
} // namespace

int main(int argc, char** argv) {
    using namespace bootlab::cli;
    CLI::App app{"bootlab: where does Linux boot time go, and did a change make it faster?"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "bootlab 0.1.0");
    Common common;
    app.add_option("--db", common.db, "database file (default: $BOOTLAB_DB or "
                                      "$XDG_DATA_HOME/bootlab/bootlab.db)");
    app.fallthrough(); // --db may also come after the subcommand

    std::vector<std::string> files;
    std::string experiment, variant;
    auto* import = app.add_subcommand("import", "store kernel logs (captured with initcall_debug) as runs");
    import->add_option("logs", files, "log files: serial console, dmesg, dmesg -r, journal")->required();
    import->add_option("--experiment", experiment, "experiment name (default: import)");
    import->add_option("--variant", variant, "variant name (default: the file name)");
    std::string upload, token_file, up_host, up_kernel;
    import->add_option("--upload", upload, "send the logs to a bootlab service (http://HOST:PORT) instead");
    import->add_option("--token-file", token_file, "the service's token (default: $BOOTLAB_TOKEN, else "
                                                   "~/.config/bootlab/service-token)");
    import->add_option("--host", up_host, "with --upload: the machine the logs came from");
    import->add_option("--kernel", up_kernel, "with --upload: a name for the kernel (selectable as kernel:NAME)");

    bool json = false;
    auto* runs = app.add_subcommand("runs", "list stored runs");
    runs->add_flag("--json", json, "machine-readable output");

    std::int64_t run_id = 0;
    std::size_t limit = 30;
    bool all = false;
    auto* show = app.add_subcommand("show", "a boot's metrics and its spans, slowest first");
    show->add_option("run", run_id, "run id (see `bootlab runs`)")->required();
    show->add_flag("--json", json, "machine-readable output");
    show->add_option("--limit", limit, "spans to list (default 30)");
    show->add_flag("--all", all, "list every span");
    bool critical = false;
    show->add_flag("--critical-path", critical, "the chain of spans and waits that decided when init ran");

    ExportCommand ec;
    auto* exp = app.add_subcommand("export", "write a run as a Perfetto trace, CSV or SVG, or runs as a run set");
    exp->add_option("runs", ec.runs, "run id(s)");
    exp->add_option("--select", ec.select, "runs for --format runs: experiment:NAME|ID, runs:1-5, kernel:NAME");
    exp->add_option("--format,-f", ec.format, "perfetto | csv | svg (one run) | runs (a baseline for `check`)")->required();
    exp->add_option("-o,--output", ec.out, "output file, - for stdout")->required();

    std::int64_t experiment_id = 0;
    std::string report_out;
    auto* rep = app.add_subcommand("report", "write the self-contained HTML report of a stored experiment");
    rep->add_option("experiment", experiment_id, "experiment id (see `bootlab runs`)")->required();
    rep->add_option("-o,--output", report_out, "HTML file, - for stdout")->required();

    CheckCommand kc;
    std::string max_regression = "3%";
    auto* chk = app.add_subcommand("check", "the regression gate: boot an experiment, compare with a baseline; "
                                            "exit 0 no regression, 1 regression, 2 could not decide");
    chk->add_option("experiment", kc.experiment_file, "experiment file to boot (not with --candidate)");
    chk->add_option("--baseline", kc.baseline, "boot:EXP.toml or boot-kernel:KERNEL (booted interleaved with the candidate), experiment:NAME|ID, runs:LIST, kernel:NAME, or a file from "
                                               "`bootlab export --format runs`")->required();
    chk->add_option("--candidate", kc.candidate, "compare these stored runs instead of booting");
    chk->add_option("--max-regression", max_regression, "largest slowdown let through (default 3%; deterministic boots: any beyond replay)");
    chk->add_option("--alpha", kc.alpha, "family-wise significance level (default 0.05)")->check(CLI::Range(1e-6, 0.5));
    chk->add_option("--repetitions", kc.repetitions, "boots per variant (overrides the file)")->check(CLI::Range(1, 1000));
    chk->add_flag("--reuse", kc.reuse, "reuse stored boots of this experiment file instead of booting anew");
    chk->add_option("--jobs,-j", kc.jobs, "boots at a time (default 1)")->check(CLI::Range(1, 64));
    chk->add_option("--junit", kc.junit, "write JUnit XML here");
    chk->add_flag("--json", kc.json, "print the verdict as JSON");
    chk->add_option("--upload", kc.upload, "upload the boots to a bootlab service (http://HOST:PORT) and let it "
                                           "judge them against the baseline it holds (--baseline: its selector)");
    chk->add_option("--token-file", kc.token_file, "the service's token (default: $BOOTLAB_TOKEN, else "
                                                   "~/.config/bootlab/service-token)");
    chk->add_option("--report", kc.report, "write the HTML report here");
    chk->add_option("--cmdline-append", kc.cmdline_append, "extra kernel arguments for every boot");
    std::vector<std::string> interval_names;
    for (const auto& i : bootlab::model::host_intervals({})) interval_names.emplace_back(i.name);
    chk->add_option("--host-metric", kc.host_metrics, "also judge this interval of the host's clock: firmware, kernel, "
                                                     "userspace or shutdown (repeatable)")
        ->check(CLI::IsMember(interval_names));
    add_host_options(chk, kc.hosts);
    add_accel_option(chk, kc.hosts);

    BisectCommand bc;
    std::string bisect_regression = "3%";
    auto* bis = app.add_subcommand("bisect", "which patch of a series made the boot slower: builds its first k patches, "
                                             "boots each step against the good end; exit 1 found, 0 none slower, 2 undecided");
    bis->add_option("series", bc.series, "series directory or name in kernel-patches/")->required();
    bis->add_option("--experiment", bc.experiment_file, "experiment file: how each step boots (its kernels are replaced)")
        ->required();
    bis->add_option("--metric", bc.metric, "init-done (default), boot-to-init, or a function (an initcall's name)");
    bis->add_option("--good", bc.good, "patches known good (default 0: none of the series)")->check(CLI::Range(0, 9999));
    bis->add_option("--bad", bc.bad, "patches known slower (default: all)")->check(CLI::Range(1, 9999));
    bis->add_option("--max-regression", bisect_regression, "smallest slowdown that counts (default 3%; deterministic "
                                                           "boots: any beyond replay)");
    bis->add_option("--alpha", bc.alpha, "family-wise significance level per step (default 0.05)")->check(CLI::Range(1e-6, 0.5));
    bis->add_option("--repetitions", bc.repetitions, "boots per side and step (overrides the file)")->check(CLI::Range(1, 1000));
    bis->add_option("--jobs,-j", bc.jobs, "boots at a time (default 1)")->check(CLI::Range(1, 64));
    bis->add_flag("--new", bc.fresh, "boot every step anew (default: reuse the steps an earlier bisect stored)");
    bis->add_option("--cmdline-append", bc.cmdline_append, "extra kernel arguments for every boot");
    add_host_options(bis, bc.hosts);
    add_accel_option(bis, bc.hosts);

    RunCommand rc;
    auto* run = app.add_subcommand("run", "boot an experiment (TOML): kernels x hardware x flags x repetitions");
    run->add_option("experiment", rc.experiment_file, "experiment file, e.g. lab/experiments/default.toml")->required();
    run->add_option("--jobs,-j", rc.jobs, "boots at a time (default 1: boots do not disturb each other)")->check(CLI::Range(1, 64));
    run->add_flag("--print-qemu", rc.print_qemu, "print the exact QEMU argv of each boot");
    run->add_option("--repetitions", rc.repetitions, "boots per variant (overrides the file)")->check(CLI::Range(1, 1000));
    run->add_option("--warmup", rc.warmup, "warm-up boots per host, stored but not counted (overrides the file)")
        ->check(CLI::Range(0, 100));
    run->add_flag("--new", rc.fresh, "start a new experiment instead of resuming an unfinished one");
    run->add_option("--report", rc.report, "HTML report file (default bootlab-report/NAME-ID.html)");
    run->add_flag("--no-report", rc.no_report, "write no HTML report");
    run->add_option("--seed", rc.seed, "seed of the shuffled boot order (default: random)");
    run->add_option("--cmdline-append", rc.cmdline_append, "extra kernel arguments for every boot");
    run->add_flag("--print-xml", rc.print_xml, "print the libvirt domain XML of each boot (libvirt hosts)");
    add_host_options(run, rc.hosts);
    add_accel_option(run, rc.hosts);
    run->add_flag("--test-hang", rc.hang, "guests never power off (tests the timeout)")->group("");

    ServeCommand sc;
    auto* serve = app.add_subcommand("serve", "serve the database to browsers and CI: pages, a JSON API, uploads");
    serve->add_option("--listen", sc.listen, "ADDRESS:PORT (default 127.0.0.1:8470; port 0: any free port)");
    serve->add_option("--token-file", sc.token_file, "the bearer token writes need (default "
                                                     "~/.config/bootlab/service-token, made 0600 if absent)");
    serve->add_option("--reads", sc.reads, "open | token (default: open when listening on loopback only)");
    serve->add_option("--threads", sc.threads, "requests answered at a time (default 4)")->check(CLI::Range(1, 256));
    serve->add_option("--max-connections", sc.max_connections, "open connections at most (default 512)")->check(CLI::Range(1, 100000));
    serve->add_option("--max-body-mb", sc.max_body_mb, "largest upload, MiB (default 64)")->check(CLI::Range(1, 4096));
    serve->add_option("--timeout", sc.timeout_s, "seconds a request may take to arrive or its answer to be taken "
                                                 "(default 30)")->check(CLI::Range(1, 3600));

    HostOptions hosts_opt;
    auto* hostscmd = app.add_subcommand("hosts", "list the configured hosts and what each reports");
    add_host_options(hostscmd, hosts_opt);
    hostscmd->add_flag("--json", json, "machine-readable output");
    bool probe_again = false;
    hostscmd->add_flag("--probe-again", probe_again, "probe KVM anew instead of using this host boot's cached verdict");

    auto* logcmd = app.add_subcommand("log", "print a run's raw log (the serial console as received)");
    logcmd->add_option("run", run_id, "run id")->required();

    std::vector<std::int64_t> reparse_ids;
    auto* reparse = app.add_subcommand("reparse", "rebuild runs from their stored raw logs with this parser");
    reparse->add_option("runs", reparse_ids, "run ids (default: all)");

    std::string series;
    int kjobs = 0;
    bool force = false;
    auto* kernel = app.add_subcommand("kernel", "patched kernels from kernel-patches/");
    kernel->require_subcommand(1);
    auto* kbuild = kernel->add_subcommand("build", "build a patch series on Debian's linux-source-6.1 (cached)");
    kbuild->add_option("series", series, "series directory or name, e.g. kernel-patches/async-lab; NAME@K: only its first K patches")->required();
    kbuild->add_option("--jobs,-j", kjobs, "make -j (default: all CPUs)")->check(CLI::Range(1, 256));
    kbuild->add_flag("--force", force, "build even if the cache has this build");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2; // --help, --version: 0; usage errors: 2
    }
    try {
        if (*import && !upload.empty())
            return cmd_import_upload(upload, token_file, files, experiment, variant, up_host, up_kernel);
        if (*import) return cmd_import(common, files, experiment, variant);
        if (*serve) return cmd_serve(common, sc);
        if (*runs) return cmd_runs(common, json);
        if (*run) return cmd_run(common, rc);
        if (*show && critical) return cmd_critical_path(common, run_id, json);
        if (*show) return cmd_show(common, run_id, json, all ? 0 : limit);
        if (*exp) return cmd_export(common, ec);
        if (*rep) return cmd_report(common, experiment_id, report_out);
        if (*chk) {
            if (!parse_fraction(max_regression, &kc.max_regression)) return 2;
            kc.max_regression_set = chk->count("--max-regression") > 0;
            return cmd_check(common, kc);
        }
        if (*bis) {
            if (!parse_fraction(bisect_regression, &bc.max_regression)) return 2;
            bc.max_regression_set = bis->count("--max-regression") > 0;
            return cmd_bisect(common, bc);
        }
        if (*hostscmd) return cmd_hosts(hosts_opt, json, probe_again);
        if (*logcmd) return cmd_log(common, run_id);
        if (*reparse) return cmd_reparse(common, reparse_ids);
        if (*kbuild) return cmd_kernel_build(series, kjobs, force);
    } catch (const bootlab::Error& e) {
        std::cerr << "bootlab: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "bootlab: internal error: " << e.what() << "\n";
        return 1;
    }
    return 2;
}
