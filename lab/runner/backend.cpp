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

StallRule stall_rule_for(const BootRequest& r) {
    return stall_rule(r.stall, r.flags.deterministic, r.flags.capture == "dmesg");
}

bool boots_under_kvm(const BootRequest& r, const KvmVerdict& kvm) {
    if (r.flags.deterministic || r.accel == Accel::tcg) return false;
    return r.accel == Accel::kvm || kvm.usable();
}

void ConsoleLog::append(std::string_view bytes) {
    if (head_.size() < kHeadBytes) {
        // reserved whole at once: growing by doubling would copy and briefly hold 1.5x as much
        // (the pages a short boot never writes are never made resident)
        if (head_.capacity() < kHeadBytes) head_.reserve(kHeadBytes);
        const std::size_t n = std::min(bytes.size(), kHeadBytes - head_.size());
        head_.append(bytes.substr(0, n));
        bytes.remove_prefix(n);
    }
    if (bytes.empty()) return;
    if (tail_.capacity() < 2 * kTailBytes) tail_.reserve(2 * kTailBytes + (64u << 10));
    tail_.append(bytes);
    if (tail_.size() > 2 * kTailBytes) { // trimmed in bulk, not on every append
        const std::size_t cut = tail_.size() - kTailBytes;
        dropped_ += cut;
        tail_.erase(0, cut);
    }
}

std::uint64_t ConsoleLog::dropped() const {
    return dropped_ + (tail_.size() > kTailBytes ? tail_.size() - kTailBytes : 0);
}

std::string ConsoleLog::str() const {
    const std::size_t skip = tail_.size() > kTailBytes ? tail_.size() - kTailBytes : 0;
    std::string out;
    out.reserve(head_.size() + tail_.size() - skip + 200);
    out = head_;
    if (dropped() > 0)
        out += "\n[bootlab: " + std::to_string(dropped()) + " bytes of console output dropped here: a boot's " +
               "log is kept up to " + std::to_string(kHeadBytes >> 20) + " MiB, then its last " +
               std::to_string(kTailBytes >> 20) + " MiB]\n";
    out.append(tail_, skip);
    return out;
}

void classify_ending(BootOutcome* o, Ending how, const std::string& detail, std::chrono::seconds timeout,
                     bool emulator_failed) {
    switch (how) {
    case Ending::cancelled:
        o->status = model::RunStatus::Cancelled;
        o->error = "cancelled by the user";
        return;
    case Ending::timeout:
        o->status = model::RunStatus::Timeout;
        o->error = "no poweroff within " + std::to_string(timeout.count()) + " s; " + detail;
        return;
    case Ending::stalled:
        if (o->log.find("Kernel panic") != std::string::npos) break; // the parser finds the panic
        o->status = model::RunStatus::Timeout;
        o->stalled = true;
        o->error = detail;
        return;
    case Ending::host_failed:
        o->status = model::RunStatus::Error;
        o->host_failed = true;
        o->error = detail;
        return;
    case Ending::exited:
        break;
    }
    if (emulator_failed && how != Ending::stalled) {
        o->status = model::RunStatus::Error;
        const std::string& log = o->log;
        std::string tail = log.size() > 600 ? log.substr(log.size() - 600) : log;
        o->error = detail + (tail.empty() ? "" : ": " + tail);
    } else if (o->log.find("BOOTLAB: poweroff") == std::string::npos &&
               o->log.find("Kernel panic") == std::string::npos) {
        o->status = model::RunStatus::Error;
        o->error = "the guest stopped without powering off or panicking";
    } else {
        o->status = model::RunStatus::Ok; // a panic is found by the parser
    }
}

} // namespace bootlab::runner
