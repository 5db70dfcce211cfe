#pragma once
// Counting a real boot log by hand, with regular expressions, independently of bootlab's parser:
// what the tests compare stored and displayed numbers against.
#include "test_util.h"

#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>

namespace bootlab::test {

// What a reader of the log counts by hand: `calling  ` lines at the start of a kernel message
// (not `pci ...: calling` quirks), split by the cookie prefix. A ring-buffer dump repeats the
// console, so the lines between `BOOTLAB: dmesg-begin` and `dmesg-end` are skipped.
struct HandCount {
    int sync = 0, async = 0, waits = 0, probes = 0, quirks = 0;
    std::map<std::string, long> async_usecs; // "16_do_scan_async" -> usecs
    std::map<std::string, long> async_pid;
    std::optional<long> run_init_us;
    std::set<long> pids; // of every `calling` and `async_waiting` line: the lanes of a timeline
};

inline HandCount count_by_hand(const std::string& file) {
    static const std::regex calling(R"(^\[ *\d+\.\d+\] calling  (\d+_)?(\w+).* @ (\d+))");
    static const std::regex async_end(R"(^\[ *\d+\.\d+\] initcall (\d+_\w+)\+\S+( \[\w+\])? returned after (\d+) usecs)");
    static const std::regex quirk(R"(^\[ *\d+\.\d+\] pci \S+: calling  )");
    static const std::regex run_init(R"(^\[ *(\d+)\.(\d+)\] Run /init as init process)");
    HandCount h;
    std::ifstream in(data(file));
    std::string line;
    std::smatch m;
    bool in_dump = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find("BOOTLAB: dmesg-begin") != std::string::npos) in_dump = true;
        if (line.find("BOOTLAB: dmesg-end") != std::string::npos) in_dump = false;
        if (in_dump) continue;
        if (std::regex_search(line, m, calling)) {
            h.pids.insert(std::stol(m[3]));
            if (m[1].matched) {
                ++h.async;
                h.async_pid[m[1].str() + m[2].str()] = std::stol(m[3]);
            } else {
                ++h.sync;
            }
        } else if (std::regex_search(line, m, async_end)) {
            h.async_usecs[m[1]] = std::stol(m[3]);
        } else if (std::regex_search(line, m, quirk)) {
            ++h.quirks;
        } else if (std::regex_search(line, m, run_init)) {
            h.run_init_us = std::stol(m[1]) * 1000000 + std::stol(m[2]);
        }
        if (auto at = line.find("] async_waiting @ "); at != std::string::npos) {
            ++h.waits;
            h.pids.insert(std::stol(line.substr(at + 18)));
        }
        if (line.find("] probe of ") != std::string::npos) ++h.probes;
    }
    return h;
}

} // namespace bootlab::test
