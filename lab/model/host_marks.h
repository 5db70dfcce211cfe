#pragma once
// The boot as the host saw it. The kernel's printk clock starts when the kernel does and stops
// mattering at init-done; the host's clock sees the whole boot: the emulator starting, firmware
// and loader, the kernel, userspace, and the emulator exiting. Marks are times on the host's
// steady clock since the emulator started the guest, taken when the console bytes that show them
// arrived; intervals between them are what systemd-analyze prints for a real machine.
//
// Resolution: a console chunk is stamped when bootlab reads it (the QEMU backend reads about
// every 20 ms, libvirt's console every 20 ms too), so a mark is late by up to ~20 ms; the
// intervals are for where seconds go, the kernel's own clock is for microseconds.
#include "log/log_parser.h"
#include "model/boot.h"

#include <array>
#include <memory>
#include <optional>
#include <string_view>

namespace bootlab::model {

struct HostMarks {
    std::optional<Micros> first_byte; // the console's first byte
    std::optional<Micros> kernel;     // the kernel's first timestamped line
    std::optional<Micros> run_init;   // "Run /init as init process"
    std::optional<Micros> init_done;  // the guest's init-done marker
    std::optional<Micros> exit;       // the emulator exited (the run's wall time)
    bool any() const { return first_byte || kernel || run_init || init_done; }
};

// One named interval between two marks; empty where a mark was not seen (an imported log, a
// `quiet` kernel that never printed its first line, a boot that died).
struct HostInterval {
    const char* name;  // firmware | kernel | userspace | shutdown
    const char* what;  // the two marks it runs between, in words
    std::optional<Micros> us;
};
constexpr std::size_t kHostIntervals = 4;
std::array<HostInterval, kHostIntervals> host_intervals(const HostMarks& m);

// Stamps console bytes with the host time they arrived and finds the marks in them. The same
// parser as the import reads them, so a mark is what the stored log says it is; lines inside a
// ring-buffer dump (printed after the fact) mark nothing.
class HostMarkTracker {
public:
    HostMarkTracker();
    ~HostMarkTracker();
    void feed(std::string_view bytes, Micros arrived); // arrived: since the emulator started
    HostMarks finish(Micros exited);

private:
    HostMarks marks_;
    Micros now_ = 0;
    bool in_dump_ = false;
    std::unique_ptr<log::LogParser> parser_;
};

} // namespace bootlab::model
