#pragma once
// What the log parser hands on: one event per line that means something for boot timing.
// Events point into the parser's line buffer (string_view): a sink copies what it keeps.
#include <cstdint>
#include <limits>
#include <string_view>

namespace bootlab::log {

using Micros = std::int64_t;
inline constexpr Micros kNoTime = std::numeric_limits<Micros>::min();
// Nothing in a boot log lasts longer or happens later than this (about 116 days). A bigger
// duration or timestamp is corruption: the line is unusable, and sums of durations that are
// each below it cannot overflow 64 bits for fewer than 900,000 spans (metrics saturate beyond).
inline constexpr Micros kMaxMicros = 10'000'000'000'000;

enum class EventKind : std::uint8_t {
    CallStart,     // calling  fn+0x0/0x2c [mod] @ pid        (cookie >= 0: async cookie)
    CallEnd,       // initcall fn+0x0/0x2c [mod] returned [R] after N usecs
    WaitStart,     // async_waiting @ pid
    WaitEnd,       // async_continuing @ pid after N usec
    Probe,         // probe of DEV returned R after N usecs        (name = DEV)
    QuirkStart,    // pci DEV: calling  fn @ pid                  (name = fn, text = DEV)
    QuirkEnd,      // pci DEV: fn took N usecs                    (name = fn, text = DEV)
    KernelVersion, // Linux version VER ...                      (name = VER, text = banner)
    CommandLine,   // Command line: ... / Kernel command line: ... (text)
    RunInit,       // Run /init as init process                  (name = /init)
    FreeInitMem,   // Freeing unused kernel image|memory: ...
    Panic,         // Kernel panic - not syncing: MSG             (text = MSG)
    Marker,        // BOOTLAB: NAME [after N usecs:] [DETAIL]     (name, duration, text)
    Disk,          // BOOTLAB: disk sda BY-PATH H:C:T:L          (name, module = by-path, text)
    Net,           // BOOTLAB: net eth0 MAC DRIVER              (name, module = MAC, text)
    DumpBegin,     // BOOTLAB: dmesg-begin — what follows is a ring buffer dump
    DumpEnd,       // BOOTLAB: dmesg-end
};

struct Event {
    EventKind kind{};
    Micros time = kNoTime;   // printk timestamp; kNoTime for lines printed without one
    std::uint64_t line = 0;  // 1-based line number in the raw log
    std::string_view name;   // function (without +0x..), device, marker or version
    std::string_view module; // [module] of the function; empty for built-in code
    std::string_view text;   // detail: rest of the line
    std::int64_t cookie = -1;
    std::int64_t pid = -1;
    std::int64_t ret = 0;
    bool has_ret = false;    // modern async end lines print no return value
    Micros duration = -1;
};

} // namespace bootlab::log
