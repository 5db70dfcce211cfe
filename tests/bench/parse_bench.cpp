// Parser throughput against grep, and import against the parser, on a ~1,000,000-line log made
// from a real boot log.
//
// The big log is the real log repeated, each copy shifted in time and with its async cookies
// renumbered, so it is one long, coherent boot rather than many copies of the same one.
// Each round times, back to back on the same file: `grep -c calling`, the parser alone (events
// to a no-op sink), parser + model, and `bootlab import` into a fresh SQLite file (the real
// binary, as a user runs it); with --baseline OLD_BOOTLAB the same import by an older build,
// and the kernel's own scripts/bootgraph.pl (from the linux-source bootlab keeps in its cache)
// on the same file. Medians over the rounds; the ratios are the result.
#include "ingest/ingest.h"
#include "stats/stats.h"
#include "log/log_parser.h"
#include "model/boot_builder.h"
#include "test_util.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <regex>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// rewrite "[   12.345678]" to t + shift; "calling  N_" / "initcall N_" to N + cookie_shift
std::string shifted(const std::string& line, long long shift_us, long cookie_shift) {
    std::size_t end = 0;
    auto t = bootlab::log::parse_timestamp(line, 0, &end);
    if (t == bootlab::log::kNoTime) return line;
    long long v = t + shift_us;
    char ts[40];
    std::snprintf(ts, sizeof ts, "[%5lld.%06lld]", v / 1000000, v % 1000000);
    std::string rest = line.substr(end);
    for (const char* kw : {" calling  ", " initcall "}) {
        if (rest.rfind(kw, 0) != 0) continue;
        std::size_t p = std::strlen(kw), q = p;
        while (q < rest.size() && isdigit(static_cast<unsigned char>(rest[q]))) ++q;
        if (q > p && q < rest.size() && rest[q] == '_')
            rest = rest.substr(0, p) + std::to_string(std::stol(rest.substr(p, q - p)) + cookie_shift) + rest.substr(q);
    }
    return ts + rest;
}

std::size_t make_big_log(const std::filesystem::path& out, std::size_t want_lines) {
    std::vector<std::string> lines;
    std::ifstream in(bootlab::test::data("debian-6.1-q35-ahci-lsi-e1000-async.log"));
    for (std::string l; std::getline(in, l);) lines.push_back(l + "\n");
    std::ofstream o(out, std::ios::binary);
    std::size_t n = 0;
    for (long copy = 0; n < want_lines; ++copy)
        for (const auto& l : lines) {
            o << (copy == 0 ? l : shifted(l, copy * 10'000'000LL, copy * 100));
            if (++n == want_lines) break;
        }
    return n;
}

// Runs argv with stdout to `out`; returns seconds. Not /dev/null: GNU grep notices that and
// stops at the first match.
double run(const std::vector<std::string>& args, const std::string& out) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    auto t0 = Clock::now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
        std::perror(argv[0]);
        std::exit(1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && args[0] != "grep")) {
        std::fprintf(stderr, "%s failed\n", args[0].c_str());
        std::exit(1);
    }
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

template <class F> double time_in_process(const std::string& text, F&& make_sink_and_parse) {
    auto t0 = Clock::now();
    make_sink_and_parse(text);
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

using bootlab::stats::median;

// scripts/bootgraph.pl of the kernel source bootlab unpacked for its patched builds, if any
std::string find_bootgraph() {
    std::filesystem::path cache = std::getenv("BOOTLAB_CACHE") ? std::getenv("BOOTLAB_CACHE")
                                  : std::filesystem::path(std::getenv("HOME") ? std::getenv("HOME") : "/root") / ".cache/bootlab";
    std::error_code ec;
    for (const auto& v : std::filesystem::directory_iterator(cache / "kernel-source", ec)) {
        auto p = v.path() / "linux-source-6.1/scripts/bootgraph.pl";
        if (std::filesystem::exists(p, ec)) return p.string();
    }
    return "";
}

} // namespace

int main(int argc, char** argv) {
    std::size_t want = 1'000'000;
    int rounds = 5;
    std::string write_log; // --write-log PATH: only write the big log there (to profile with)
    std::string baseline;  // --baseline BOOTLAB: an older bootlab binary, its import timed alongside
    std::string bootgraph = find_bootgraph(); // --bootgraph PATH: the kernel's scripts/bootgraph.pl
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--lines")) want = std::stoul(argv[i + 1]);
        if (!std::strcmp(argv[i], "--rounds")) rounds = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--write-log")) write_log = argv[i + 1];
        if (!std::strcmp(argv[i], "--baseline")) baseline = argv[i + 1];
        if (!std::strcmp(argv[i], "--bootgraph")) bootgraph = argv[i + 1];
    }
    if (!write_log.empty()) {
        std::printf("%zu lines written to %s\n", make_big_log(write_log, want), write_log.c_str());
        return 0;
    }
    bootlab::test::TempDir dir;
    auto log = dir / "big.log";
    std::size_t lines = make_big_log(log, want);
    std::string text = bootlab::test::slurp(log);
    std::string bootlab_bin = (std::filesystem::path(argv[0]).parent_path() / "bootlab").string();
    std::printf("log: %zu lines, %.1f MB (from the real async log, shifted copies)\n", lines,
                static_cast<double>(text.size()) / 1e6);

    std::vector<double> grep_s, parse_s, model_s, import_s, baseline_s, bootgraph_s;
    std::size_t spans = 0;
    for (int r = 0; r < rounds; ++r) {
        grep_s.push_back(run({"grep", "-c", "calling", log.string()}, (dir / "grep.out").string()));
        parse_s.push_back(time_in_process(text, [](const std::string& t) {
            std::size_t n = 0;
            bootlab::log::LogParser p([&n](const bootlab::log::Event&) { ++n; });
            for (std::size_t i = 0; i < t.size(); i += 1 << 20) p.feed(std::string_view(t).substr(i, 1 << 20));
            p.finish();
            if (n == 0) std::abort();
        }));
        model_s.push_back(time_in_process(text, [&spans](const std::string& t) {
            spans = bootlab::model::parse_boot(t).spans.size();
        }));
        auto db = dir / ("import-" + std::to_string(r) + ".db");
        import_s.push_back(run({bootlab_bin, "import", log.string(), "--db", db.string()}, (dir / "import.out").string()));
        std::filesystem::remove(db);
        if (!baseline.empty()) {
            baseline_s.push_back(run({baseline, "import", log.string(), "--db", db.string()}, (dir / "import.out").string()));
            std::filesystem::remove(db);
        }
        if (!bootgraph.empty())
            bootgraph_s.push_back(run({"perl", bootgraph, log.string()}, (dir / "bootgraph.svg").string()));
    }
    double g = median(grep_s), p = median(parse_s), m = median(model_s), i = median(import_s);
    auto rate = [&](double s) { return static_cast<double>(lines) / s / 1e6; };
    std::printf("%d rounds, medians (spans per boot: %zu)\n", rounds, spans);
    std::printf("  grep -c calling    %7.3f s  %6.2f M lines/s\n", g, rate(g));
    std::printf("  parser             %7.3f s  %6.2f M lines/s\n", p, rate(p));
    std::printf("  parser + model     %7.3f s  %6.2f M lines/s\n", m, rate(m));
    std::printf("  bootlab import     %7.3f s  %6.2f M lines/s\n", i, rate(i));
    const double b = baseline_s.empty() ? 0 : median(baseline_s), k = bootgraph_s.empty() ? 0 : median(bootgraph_s);
    if (b > 0) std::printf("  baseline import    %7.3f s  %6.2f M lines/s   (%s)\n", b, rate(b), baseline.c_str());
    if (k > 0) std::printf("  bootgraph.pl       %7.3f s  %6.2f M lines/s   (the kernel's scripts/bootgraph.pl, SVG of the sync initcalls)\n", k, rate(k));
    // The cost that matters day to day: one real boot (707 spans) into a database that is
    // already open, against parsing the same log, in-process, many times.
    std::string real = bootlab::test::slurp(bootlab::test::data("debian-6.1-q35-ahci-lsi-e1000-async.log"));
    constexpr int kBoots = 100;
    double real_parse = 0, real_import = 0;
    {
        bootlab::store::Store store(dir / "real.db");
        for (int r = 0; r < kBoots; ++r) {
            real_parse += time_in_process(real, [](const std::string& t) { bootlab::model::parse_boot(t); });
            real_import += time_in_process(real, [&store](const std::string& t) {
                bootlab::ingest::import_text(store, t, "real.log", {});
            });
        }
    }
    std::printf("  one real boot      parse+model %.2f ms, import %.2f ms (%d boots into one database)\n",
                real_parse * 1000 / kBoots, real_import * 1000 / kBoots, kBoots);
    std::printf("ratios\n");
    std::printf("  parser speed / grep speed    %.2f   (target >= 0.50)\n", g / p);
    std::printf("  import time / parse time     %.2f   (target <= 2.00)\n", i / p);
    std::printf("  import time / parse+model    %.2f\n", i / m);
    std::printf("  real boot: import / parse+model  %.2f\n", real_import / real_parse);
    if (b > 0) std::printf("  baseline import / import     %.2f   (target >= 3.00)\n", b / i);
    if (k > 0) std::printf("  bootgraph.pl / import        %.2f   (target >= 1.00: faster than it)\n", k / i);
    return 0;
}
