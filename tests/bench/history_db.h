#pragma once
// A database of many boots for the benchmarks of history (gui_bench, service_bench): real-format
// logs of a few initcalls each, 50 boots per experiment in 20 names, 2 variants, dated over
// the last days.
#include "ingest/ingest.h"
#include "store/store.h"

#include <cstdio>
#include <filesystem>
#include <string>

namespace bootlab::test {

// A short log in the kernel's format, with the numbers of boot i.
inline std::string small_log(int i) {
    const long base = 2'000'000 + (i * 7919) % 400'000; // boot-to-init 2.0-2.4 s
    std::string log = "[    0.000000] Linux version 6.1.0-56-amd64 (bench)\n";
    char line[200];
    long t = 500'000;
    for (int k = 0; k < 8; ++k) {
        std::snprintf(line, sizeof line, "[%5ld.%06ld] calling  bench_init_%d+0x0/0x20 @ 1\n", t / 1000000, t % 1000000, k);
        log += line;
        t += 1000 + k * 10;
        std::snprintf(line, sizeof line, "[%5ld.%06ld] initcall bench_init_%d+0x0/0x20 returned 0 after %d usecs\n",
                      t / 1000000, t % 1000000, k, 1000 + k * 10);
        log += line;
    }
    std::snprintf(line, sizeof line, "[%5ld.%06ld] Run /init as init process\n", base / 1000000, base % 1000000);
    log += line;
    const long done = base + 3'000'000;
    std::snprintf(line, sizeof line, "[%5ld.%06ld] BOOTLAB: init-done\n", done / 1000000, done % 1000000);
    return log + line;
}

// `real_log`: every 100th boot is that log instead (what a run page shows).
inline void build_history_db(const std::filesystem::path& path, int runs, const std::string& real_log = {}) {
    store::Store s(path);
    std::int64_t experiment = 0;
    for (int i = 0; i < runs; ++i) {
        ingest::ImportOptions o;
        if (i % 50) o.run.experiment_id = experiment;
        o.run.experiment_name = "bench-" + std::to_string(i / 50 % 20);
        o.run.variant = i % 2 ? "scan-sync" : "async";
        o.run.repetition = i % 50 / 2 + 1;
        experiment = ingest::import_text(s, i % 100 == 50 && !real_log.empty() ? real_log : small_log(i), "bench", o).experiment_id;
        if (i % 1000 == 999) std::fprintf(stderr, "  history database: %d of %d runs\n", i + 1, runs);
    }
    s.db().exec("UPDATE run SET created = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || ((" +
                std::to_string(runs) + " - id) * 864) || ' seconds')");
}

} // namespace bootlab::test
