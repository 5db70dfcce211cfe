#pragma once
// The `bootlab` subcommands. Each returns the process exit code:
//   0 success, 1 failure (bad input, missing run, ...), 2 usage error (from CLI11).
#include <cstdint>
#include <string>
#include <vector>

namespace bootlab::cli {

struct Common {
    std::string db; // empty: Store::default_path()
};

int cmd_import(const Common& c, const std::vector<std::string>& files, const std::string& experiment,
               const std::string& variant);
int cmd_runs(const Common& c, bool json);
int cmd_show(const Common& c, std::int64_t run, bool json, std::size_t limit);
int cmd_critical_path(const Common& c, std::int64_t run, bool json); // show --critical-path
struct ExportCommand {
    std::vector<std::int64_t> runs;
    std::string select;    // run selector (experiment:NAME, ...) for --format runs
    std::string format;    // perfetto | csv | svg | runs
    std::string out;       // file, - for stdout
};
int cmd_export(const Common& c, const ExportCommand& e);

// The HTML report of a stored experiment.
int cmd_report(const Common& c, std::int64_t experiment, const std::string& out);

// Where boots run: --host NAME|URI (repeated) or --hosts FILE; neither: the experiment's [hosts],
// else QEMU on this machine.
struct HostOptions {
    std::vector<std::string> hosts;
    std::string hosts_file;
    std::string accel;      // --accel auto|kvm|tcg (run, check, bisect); "" = $BOOTLAB_ACCEL, the file's
};

// The configured hosts and what each reports (reachable, versions, CPUs, memory, what its KVM
// probe found and what boots there run under, slots). `probe_again`: forget cached verdicts.
int cmd_hosts(const HostOptions& h, bool json, bool probe_again = false);

struct CheckCommand {
    std::string experiment_file; // booted (or reused with --reuse) unless candidate is given
    std::string baseline;        // run selector or exported file
    std::string candidate;       // run selector: compare stored runs, boot nothing
    double max_regression = 0.03;
    bool max_regression_set = false; // given: deterministic boots are held to it too
    double alpha = 0.05;
    int repetitions = 0;         // overrides the experiment's
    bool reuse = false;          // reuse stored boots of the same experiment file
    int jobs = 1;
    std::string junit, report;
    bool json = false;           // the verdict as JSON (check::gate_json) instead of text
    std::string upload;          // a service's URL: upload the boots there, and let it judge them
    std::string token_file;      // the service's token (default $BOOTLAB_TOKEN, else the token file)
    std::string cmdline_append;
    std::vector<std::string> host_metrics; // host-clock intervals judged too (firmware, kernel, ...)
    HostOptions hosts;
};
// Exit: 0 no regression, 1 regression (or a boot that failed), 2 could not decide (too few boots,
// variants that do not match) or error.
int cmd_check(const Common& c, const CheckCommand& k);
struct RunCommand {
    std::string experiment_file;
    int jobs = 1;
    bool print_qemu = false;
    bool print_xml = false; // libvirt hosts: each boot's domain XML
    HostOptions hosts;
    bool fresh = false;
    std::string report;    // HTML report file; "" = bootlab-report/<name>-<id>.html
    bool no_report = false;
    std::uint64_t seed = 0;
    std::string cmdline_append; // added to every boot's kernel command line
    bool hang = false;     // hidden: guests never power off (tests the timeout)
    int repetitions = 0;   // overrides the file's
    int warmup = -1;       // warm-up boots per host; -1: the file's
};
// Exit: 0 every boot ok, 1 some boot failed (panic, timeout, error) or could not start,
// 130 cancelled (Ctrl-C).
int cmd_run(const Common& c, const RunCommand& r);

struct BisectCommand {
    std::string series;          // a series directory or name in kernel-patches/
    std::string experiment_file; // how each step boots
    std::string metric = "init-done";
    int good = -1, bad = -1;     // patch counts; -1: 0 and every patch
    double max_regression = 0.03;
    bool max_regression_set = false;
    double alpha = 0.05;
    int repetitions = 0;         // overrides the experiment's (per side)
    int jobs = 1;
    bool fresh = false;          // boot every step anew instead of reusing stored steps
    std::string cmdline_append;
    HostOptions hosts;
};
// Exit: 1 a patch made the boot slower (named, or among suspects), 0 none did, 2 could not
// decide (or error), 130 cancelled.
int cmd_bisect(const Common& c, const BisectCommand& b);

// Builds (or finds in the cache) a patched kernel: prints its release, image and build log.
int cmd_kernel_build(const std::string& series, int jobs, bool force);

struct ServeCommand {
    std::string listen = "127.0.0.1:8470"; // ADDRESS:PORT; port 0 picks a free one
    std::string token_file;                // default: service::default_token_file()
    std::string reads;                     // open | token; default: open on loopback only
    int threads = 4;
    int max_connections = 512;
    std::size_t max_body_mb = 64;
    int timeout_s = 30;                    // read and write timeout per request
};
// Serves until SIGINT/SIGTERM; exit 0, or 1 if it could not start.
int cmd_serve(const Common& c, const ServeCommand& s);

// Sends logs to a service (POST /api/runs) instead of storing them here.
int cmd_import_upload(const std::string& url, const std::string& token_file, const std::vector<std::string>& files,
                      const std::string& experiment, const std::string& variant, const std::string& host,
                      const std::string& kernel);

int cmd_log(const Common& c, std::int64_t run); // the stored raw log, to stdout
int cmd_reparse(const Common& c, const std::vector<std::int64_t>& runs);

} // namespace bootlab::cli
