#pragma once
// Shared helpers for the tests: paths to real logs, scratch directories, whole-file reads.
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>

namespace bootlab::test {

inline std::filesystem::path data(const std::string& name) {
    return std::filesystem::path(BOOTLAB_TEST_DATA) / name;
}

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A directory removed with everything in it when the test ends.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() / ("bootlab-test-" + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::filesystem::path operator/(const std::string& n) const { return path / n; }
};

// A real log with its initcalls' durations changed: every "initcall FN+0x.. returned ... after N
// usecs" line gets duration(FN without the cookie's "N_", N) in place of N. What a boot with one
// function slower (or noise on every one) would print; the timestamps are left alone.
inline std::string with_durations(const std::string& log,
                                  const std::function<long(const std::string&, long)>& duration) {
    std::istringstream in(log);
    std::string out, line;
    while (std::getline(in, line)) {
        const auto at = line.find("initcall ");
        const auto after = line.rfind(" after ");
        const auto usecs = line.rfind(" usecs");
        if (at != std::string::npos && after != std::string::npos && usecs != std::string::npos && after < usecs &&
            line.find(" returned ", at) != std::string::npos) {
            std::string fn = line.substr(at + 9, line.find('+', at) - at - 9);
            if (auto u = fn.find('_'); u != std::string::npos && u > 0 &&
                fn.find_first_not_of("0123456789") == u)
                fn = fn.substr(u + 1); // an async cookie: "5___device_attach_async_helper"
            const long n = std::stol(line.substr(after + 7, usecs - after - 7));
            line = line.substr(0, after + 7) + std::to_string(duration(fn, n)) + line.substr(usecs);
        }
        out += line;
        out += '\n';
    }
    return out;
}

// The real logs in tests/data (copied from the lab's captures; see tests/data/README.md).
inline const char* const kRealLogs[] = {
    "debian-6.1-q35-ahci-lsi-e1000-async.log",
    "debian-6.1-q35-ahci-lsi-e1000-scan-sync.log",
    "debian-6.1-q35-ahci-lsi-e1000-driver-async-probe.log",
    "debian-6.1-q35-ahci-lsi-megasas-virtioscsi-e1000-async.log",
    "debian-6.1-q35-ahci-lsi-e1000-async-no-dyndbg.log",
    "debian-6.1-q35-ahci-lsi-e1000-async-dmesg-dump.log",
    "async-lab-no-fastboot.log",
    "async-lab-slowprobe-async.log",
};

} // namespace bootlab::test
