#pragma once
// One boot, as bootlab understands it: spans (sync initcalls and async cookies), async waits,
// device probes and quirks, markers, devices, and the metrics derived from them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bootlab::model {

using Micros = std::int64_t;

enum class SpanKind : std::uint8_t { Sync, Async };
const char* to_string(SpanKind k);

// "do_scan_async [scsi_mod]", "ahci_pci_driver_init": the one way a function is named across
// boots, and back to its (function, module).
std::string span_key(std::string_view function, std::string_view module);
std::pair<std::string, std::string> split_span_key(std::string_view key);

struct Span {
    std::int64_t seq = 0;               // order of the `calling` lines, from 0
    std::string function;               // without +0x../0x..
    std::string module;                 // empty: built in
    std::optional<std::int64_t> cookie; // async cookie
    std::int64_t pid = 0;
    Micros start = 0;
    std::optional<Micros> duration;     // none: never returned (the boot died)
    std::optional<std::int64_t> ret;    // none: not printed (modern async lines)
    SpanKind kind = SpanKind::Sync;
    std::uint64_t line = 0;             // of the `calling` line

    bool finished() const { return duration.has_value(); }
    // "do_scan_async [scsi_mod]", "ahci_pci_driver_init": what names one function across
    // boots (the cookie and pid change from boot to boot; the module tells apart static
    // functions of one name)
    std::string key() const { return span_key(function, module); }
    Micros end() const { return start + duration.value_or(0); }
};

struct Wait { // async_waiting .. async_continuing on one pid
    std::int64_t pid = 0;
    Micros start = 0;
    std::optional<Micros> duration;
};

enum class CallKind : std::uint8_t { Probe, Quirk };
const char* to_string(CallKind k);

struct DeviceCall { // not an initcall: a driver probe or a PCI quirk
    CallKind kind = CallKind::Probe;
    std::string device;
    std::string function;              // quirks only
    std::optional<std::int64_t> pid;
    Micros start = 0;
    std::optional<Micros> duration;
    std::optional<std::int64_t> ret;
    std::optional<std::int64_t> span_seq; // the span that ran around this probe
};

struct Marker {
    std::string name;   // "init-done", or a kernel milestone: "run-init", "free-initmem"
    std::string detail;
    std::optional<Micros> time;
    std::optional<Micros> duration; // `BOOTLAB: NAME after N usecs: DETAIL`: what ended at time
};

enum class DeviceKind : std::uint8_t { Disk, Net };
const char* to_string(DeviceKind k);

struct Device {
    DeviceKind kind = DeviceKind::Disk;
    std::string name;   // sda, eth0
    std::string path;   // by-path name, or MAC
    std::string detail; // H:C:T:L, or driver
};

struct Metrics {
    std::optional<Micros> boot_to_init;   // `Run /init as init process`
    std::optional<Micros> init_done;      // guest marker
    std::optional<Micros> free_initmem;   // `Freeing unused kernel image`
    std::optional<Micros> last_initcall_end;
    Micros initcall_total = 0;            // sum of finished sync spans
    Micros async_total = 0;               // sum of finished async spans
    Micros boot_wait = 0;                 // pid 1 in async_waiting
    std::int64_t sync_count = 0;
    std::int64_t async_count = 0;
    std::int64_t unfinished_count = 0;
    std::optional<std::int64_t> sync_chain_pid; // the pid with the most sync initcall time:
    Micros sync_chain = 0;                      // serial work no other thread can take over
};

struct Boot {
    std::string kernel_version; // 6.1.0-56-amd64
    std::string kernel_banner;  // the whole `Linux version` line
    std::string cmdline;
    bool panicked = false;
    std::string panic_message;
    std::vector<Span> spans;
    std::vector<Wait> waits;
    std::vector<DeviceCall> calls;
    std::vector<Marker> markers;
    std::vector<Device> devices;
    Metrics metrics;
    // from the parser
    std::uint64_t lines = 0;
    std::uint64_t bytes = 0;
    std::uint64_t unusable_lines = 0;
    std::vector<std::uint64_t> unusable_examples;
    std::uint64_t unmatched_ends = 0; // `returned` with no `calling` (e.g. a wrapped ring buffer)
    bool has_timestamps = false;
};

} // namespace bootlab::model
