#include "runner/backend.h"

#include <unistd.h>

namespace bootlab::runner {

std::string hostname() {
    char b[256] = {};
    ::gethostname(b, sizeof b - 1);
    return b;
}

std::string boot_cmdline(const BootRequest& r, const Machine& m) {
    std::string c = kernel_cmdline(r.flags, m.disks, m.nics, r.hang);
    if (!m.kernel_args.empty()) c += " " + m.kernel_args;
    return c;
}

int boot_smp(const BootRequest& r) { return r.flags.deterministic ? 1 : r.smp; }

void classify_ending(BootOutcome* o, Ending how, const std::string& detail, std::chrono::seconds timeout,
                     bool emulator_failed) {
    switch (how) {
    case Ending::cancelled:
        o->status = "cancelled";
        o->error = "cancelled by the user";
        return;
    case Ending::timeout:
        o->status = "timeout";
        o->error = "no poweroff within " + std::to_string(timeout.count()) + " s; " + detail;
        return;
    case Ending::host_failed:
        o->status = "error";
        o->host_failed = true;
        o->error = detail;
        return;
    case Ending::exited:
        break;
    }
    if (emulator_failed) {
        o->status = "error";
        const std::string& log = o->log;
        std::string tail = log.size() > 600 ? log.substr(log.size() - 600) : log;
        o->error = detail + (tail.empty() ? "" : ": " + tail);
    } else if (o->log.find("BOOTLAB: poweroff") == std::string::npos &&
               o->log.find("Kernel panic") == std::string::npos) {
        o->status = "error";
        o->error = "the guest stopped without powering off or panicking";
    } else {
        o->status = "ok"; // a panic is found by the parser
    }
}

} // namespace bootlab::runner
