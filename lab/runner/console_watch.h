#pragma once
// Whether a boot is still making progress, judged from its serial console as it arrives. Both
// backends feed it every chunk and ask it after each read; the first limit that passes ends the
// boot early instead of at its timeout (a guest hung in a broken KVM, a kernel that panicked
// with panic=0, a driver that never returns would otherwise hold a slot for minutes):
//
//   before the kernel's first timestamped line   `before_kernel` of silence, 30 s (after the
//                                                loader's last line the kernel decompresses in
//                                                silence: 3-5 s under TCG here, 2x that on a
//                                                loaded 2-core CI machine)
//   after the kernel's panic ("---[ end Kernel panic")  `after_panic`: nothing more will come
//   otherwise                                    `quiet` of silence ([machine] stall, 60 s)
//
// The limits are silence, not total time: a slow boot that keeps printing is never stalled.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace bootlab::runner {

struct StallRule {
    std::chrono::seconds quiet{60};
    std::chrono::seconds before_kernel{30};
    std::chrono::seconds after_panic{5};
    bool off() const { return quiet.count() == 0; }
};

// The rule for one boot: `stall` from the experiment ([machine] stall; 0: never). A
// deterministic boot (-icount) runs the guest at about half speed, so its limits are doubled;
// a dmesg-capture boot (`quiet`) prints nothing of the kernel's before /init, so its
// before-the-kernel limit is the general one.
StallRule stall_rule(std::chrono::seconds stall, bool deterministic, bool quiet_console);

class ConsoleWatch {
public:
    using Clock = std::chrono::steady_clock;
    explicit ConsoleWatch(StallRule rule, Clock::time_point start = Clock::now());

    void feed(std::string_view bytes, Clock::time_point now = Clock::now());
    // Set once the kernel printed its first timestamped line ("[    0.000000] ...").
    bool kernel_started() const { return kernel_started_; }
    bool panicked() const { return panic_ended_; }
    // The last non-empty line seen (cleaned, at most 200 bytes): what a stalled boot showed.
    std::string last_line() const;
    // Why the boot counts as stalled at `now`, or none while it is making progress:
    // "stalled: no console output for 30 s before the kernel's first line; last line: \"...\"".
    std::optional<std::string> stalled(Clock::time_point now = Clock::now()) const;

private:
    void line_done(std::string_view line);
    StallRule rule_;
    Clock::time_point last_output_;
    std::string partial_, last_line_;
    bool kernel_started_ = false, panic_ended_ = false;
};

// True for a line the kernel printed with its clock: "[    1.234567] ...", after any noise
// a serial console puts before it.
bool is_timestamped_line(std::string_view line);

} // namespace bootlab::runner
