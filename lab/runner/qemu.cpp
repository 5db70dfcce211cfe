#include "runner/qemu.h"

#include "common/cache.h"
#include "common/error.h"
#include "runner/process.h"

#include <thread>
#include <unistd.h>

namespace bootlab::runner {
namespace {

namespace fs = std::filesystem;
constexpr const char* kQemu = "qemu-system-x86_64";

bool have_kvm() { return ::access("/dev/kvm", R_OK | W_OK) == 0; }

// A scratch directory for one boot's disk files, removed when the boot ends.
struct ScratchDir {
    fs::path path;
    ScratchDir() {
        path = cache_dir() / "scratch" / ("boot-" + std::to_string(::getpid()) + "-" +
                                          std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        fs::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

} // namespace

std::vector<std::string> qemu_argv(const BootRequest& r, const fs::path& disk_dir) {
    MachineLayout m = lay_out(r.hardware, disk_dir);
    std::string cmdline = kernel_cmdline(r.flags, m.disks, m.nics, r.hang);
    if (!m.kernel_args.empty()) cmdline += " " + m.kernel_args;
    // -icount needs one vCPU: with two it never gets past SMP bring-up (measured on TCG).
    const int smp = r.flags.deterministic ? 1 : r.smp;
    std::vector<std::string> a = {kQemu, "-machine", "q35", "-cpu", "max", "-smp", std::to_string(smp),
                                  "-m", std::to_string(r.memory_mb),
                                  "-display", "none", "-monitor", "none", "-serial", "stdio",
                                  "-no-reboot", "-nic", "none",
                                  "-kernel", r.kernel.image.string(), "-initrd", r.initrd.path.string(),
                                  "-append", cmdline};
    if (have_kvm() && !r.flags.deterministic) a.insert(a.end(), {"-accel", "kvm"});
    if (r.flags.deterministic) a.insert(a.end(), {"-icount", "shift=0,sleep=off,align=off"});
    a.insert(a.end(), m.qemu_args.begin(), m.qemu_args.end());
    return a;
}

BootOutcome boot_qemu(const BootRequest& r, const std::atomic<bool>& cancel,
                      const std::function<void(std::string_view)>& console,
                      const std::function<void(const std::vector<std::string>&)>& started) {
    ScratchDir scratch;
    BootOutcome o;
    o.argv = qemu_argv(r, scratch.path);
    if (started) started(o.argv);
    const auto t0 = std::chrono::steady_clock::now();
    const auto deadline = t0 + r.timeout;
    Child qemu(o.argv); // stdin is /dev/null, stdout+stderr the console pipe, own process group
    std::size_t seen = 0;
    while (qemu.read_some(&o.log, std::chrono::milliseconds(100))) {
        // QEMU writes the console a byte at a time; reading each byte as it comes would wake
        // bootlab hundreds of thousands of times per boot, on the cores the guest runs on.
        // Letting a pipe's worth pile up for 20 ms costs nothing (64 KiB is far more than
        // 20 ms of console) and keeps bootlab's cost off the measured boot.
        if (o.log.size() - seen < 16384) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (console && o.log.size() > seen) console(std::string_view(o.log).substr(seen));
        seen = o.log.size();
        if (cancel) {
            o.status = "cancelled";
            o.error = "cancelled by the user";
            break;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            o.status = "timeout";
            o.error = "no poweroff within " + std::to_string(r.timeout.count()) + " s; QEMU killed";
            break;
        }
    }
    if (!o.status.empty()) qemu.kill_group();
    o.exit_code = qemu.wait();
    o.wall_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    if (o.status.empty()) {
        if (o.exit_code != 0) {
            o.status = "error";
            std::string tail = o.log.size() > 600 ? o.log.substr(o.log.size() - 600) : o.log;
            o.error = "QEMU exited with " + std::to_string(o.exit_code) + ": " + tail;
        } else if (o.log.find("BOOTLAB: poweroff") == std::string::npos &&
                   o.log.find("Kernel panic") == std::string::npos) {
            o.status = "error";
            o.error = "the guest stopped without powering off or panicking";
        } else {
            o.status = "ok"; // a panic is found by the parser
        }
    }
    return o;
}

std::string qemu_version() {
    try {
        auto out = check_output({kQemu, "--version"}, "qemu version");
        return out.substr(0, out.find('\n'));
    } catch (const Error&) {
        return "";
    }
}

} // namespace bootlab::runner
