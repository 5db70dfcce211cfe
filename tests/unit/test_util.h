#pragma once
// Shared helpers for the tests: paths to real logs, scratch directories, whole-file reads.
#include <filesystem>
#include <fstream>
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
