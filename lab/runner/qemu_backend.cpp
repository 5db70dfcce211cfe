#include "runner/qemu_backend.h"

#include "common/cache.h"
#include "common/error.h"
#include "process/process.h"
#include "runner/replay.h"

#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace bootlab::runner {
namespace {

namespace fs = std::filesystem;
constexpr const char* kQemu = "qemu-system-x86_64";


// A scratch directory for one boot's disk files, removed when the boot ends. Those of bootlab
// processes that were killed first ("boot-PID-N", 64 MiB sparse disks each) are removed once per
// process, before its first boot.
struct ScratchDir {
    fs::path path;
    ScratchDir() {
        static std::once_flag swept;
        std::call_once(swept, [] { remove_leftovers(cache_dir() / "scratch", "boot-"); });
        path = cache_dir() / "scratch" / ("boot-" + std::to_string(::getpid()) + "-" +
                                          std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        fs::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// QEMU's option parser splits on commas: a comma in a path is written twice.
std::string qemu_path(const fs::path& p) {
    std::string s;
    for (char c : p.string()) {
        if (c == ',') s += ',';
        s += c;
    }
    return s;
}

// The machine's devices as QEMU arguments; its disks are sparse 64 MiB files in disk_dir.
std::vector<std::string> device_args(const Machine& m, const fs::path& disk_dir) {
    std::vector<std::string> a;
    auto drive = [&](const std::string& disk) {
        fs::path f = disk_dir / (disk + ".img");
        std::ofstream(f).close();
        fs::resize_file(f, kDiskBytes); // sparse: no disk space used
        a.insert(a.end(), {"-drive", "if=none,id=" + disk + ",file=" + qemu_path(f) + ",format=raw"});
    };
    for (const auto& c : m.components) {
        switch (c.attach) {
        case Attach::guest:
            break;
        case Attach::nic: // user networking, restricted: no route out of the guest
            a.insert(a.end(), {"-netdev", "user,id=" + c.id + ",restrict=on", "-device",
                               c.qemu_device + ",netdev=" + c.id});
            break;
        case Attach::virtio_blk:
            for (const auto& d : c.disks) {
                drive(d);
                a.insert(a.end(), {"-device", "virtio-blk-pci,drive=" + d});
            }
            break;
        case Attach::sata:
        case Attach::scsi:
            a.insert(a.end(), {"-device", c.qemu_device + ",id=" + c.id});
            for (std::size_t i = 0; i < c.disks.size(); ++i) {
                const std::string& d = c.disks[i];
                drive(d);
                if (c.attach == Attach::sata)
                    a.insert(a.end(), {"-device", "ide-hd,drive=" + d + ",bus=" + c.id + "." + std::to_string(i)});
                else
                    a.insert(a.end(), {"-device", "scsi-hd,drive=" + d + ",bus=" + c.id + ".0,scsi-id=" + std::to_string(i)});
            }
            break;
        }
    }
    return a;
}

} // namespace

bool accelerator_starts(const std::string& accel, std::chrono::milliseconds limit) {
    // QEMU answers QMP commands from its main loop, which it enters only after the machine is
    // made and reset: the vCPUs' registers set, where a /dev/kvm that refuses them fails. So an
    // answer to query-status says the machine started; QEMU exiting first says it did not. (The
    // greeting alone says nothing: a monitor thread of its own sends it, before the reset.)
    // The socket is in the temporary directory: its path has room for about 100 bytes.
    const fs::path dir = fs::temp_directory_path() / ("bootlab-accel-" + std::to_string(::getpid()) + "-" + accel);
    fs::create_directories(dir);
    const fs::path sock = dir / "qmp";
    std::error_code ec;
    fs::remove(sock, ec);
    process::Child qemu({kQemu, "-machine", "q35", "-cpu", "max", "-accel", accel, "-display", "none", "-monitor",
                         "none", "-serial", "none", "-nodefaults", "-S", "-qmp",
                         "unix:" + qemu_path(sock) + ",server=on,wait=off"});
    const auto deadline = std::chrono::steady_clock::now() + limit;
    auto left_ms = [&] {
        return static_cast<int>(std::max<std::int64_t>(
            1, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count()));
    };
    bool started = false;
    std::string ignored;
    int fd = -1;
    while (fd < 0 && std::chrono::steady_clock::now() < deadline) { // until QEMU listens, or exits
        if (!qemu.read_some(&ignored, std::chrono::milliseconds(50))) break;
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (sock.string().size() >= sizeof addr.sun_path) break;
        std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
        fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd);
            fd = -1;
        }
    }
    if (fd >= 0) {
        const std::string ask = "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"query-status\"}\n";
        std::string said;
        if (::write(fd, ask.data(), ask.size()) == static_cast<ssize_t>(ask.size())) {
            char buf[4096];
            pollfd p{fd, POLLIN, 0};
            while (!started && ::poll(&p, 1, left_ms()) == 1) {
                const ssize_t n = ::read(fd, buf, sizeof buf);
                if (n <= 0) break; // QEMU closed it: it exited
                said.append(buf, static_cast<std::size_t>(n));
                started = said.find("\"status\"") != std::string::npos;
            }
        }
        ::close(fd);
    }
    qemu.kill_group();
    qemu.wait();
    fs::remove_all(dir, ec);
    return started;
}

// KVM that works: /dev/kvm is there and QEMU can start a q35 machine on it (asked once per
// process). A /dev/kvm can be there and still refuse QEMU's vCPUs (nested virtualization
// without MSR 0x10a: "failed to set MSR"); then every boot would fail at once, so bootlab boots
// under TCG as on a machine without KVM.
bool have_kvm() {
    static const bool usable = ::access("/dev/kvm", R_OK | W_OK) == 0 &&
                               accelerator_starts("kvm", std::chrono::seconds(10));
    return usable;
}

std::vector<std::string> qemu_argv(const BootRequest& r, const fs::path& disk_dir) {
    const Machine m = describe_machine(r.hardware);
    std::vector<std::string> a = {kQemu, "-machine", "q35", "-cpu", "max", "-smp", std::to_string(boot_smp(r)),
                                  "-m", std::to_string(r.memory_mb),
                                  "-display", "none", "-monitor", "none", "-serial", "stdio",
                                  "-no-reboot", "-nic", "none",
                                  "-kernel", r.kernel.image.string(), "-initrd", r.initrd.path.string(),
                                  "-append", boot_cmdline(r, m)};
    if (have_kvm() && !r.flags.deterministic) a.insert(a.end(), {"-accel", "kvm"});
    const auto replay = replay_qemu_args(r.flags);
    a.insert(a.end(), replay.begin(), replay.end());
    auto dev = device_args(m, disk_dir);
    a.insert(a.end(), dev.begin(), dev.end());
    return a;
}

std::string QemuBackend::host() const { return hostname(); }

std::string QemuBackend::version() {
    std::call_once(version_once_, [this] { version_ = qemu_version(); });
    return version_;
}

HostReport QemuBackend::probe() {
    HostReport h;
    h.hostname = hostname();
    h.emulator_version = version();
    h.reachable = !h.emulator_version.empty();
    if (!h.reachable) h.error = std::string(kQemu) + " is not installed (apt-get install qemu-system-x86)";
    h.cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
    h.memory_mb = static_cast<std::int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGE_SIZE) / (1 << 20);
    h.kvm = have_kvm();
    return h;
}

BootOutcome QemuBackend::boot(const BootRequest& r, const std::atomic<bool>& cancel, const BootCallbacks& cb) {
    BootOutcome o;
    o.start.backend = name();
    o.start.host = host();
    o.start.emulator = version();
    try {
        ScratchDir scratch;
        o.start.argv = qemu_argv(r, scratch.path);
        if (cb.started) cb.started(o.start);
        const auto t0 = std::chrono::steady_clock::now();
        const auto deadline = t0 + r.timeout;
        process::Child qemu(o.start.argv); // stdin /dev/null, stdout+stderr the console pipe, own group
        ConsoleLog console;
        model::HostMarkTracker marks;
        auto since_start = [t0] {
            return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
        };
        std::string chunk;
        Ending how = Ending::exited;
        while (qemu.read_some(&chunk, std::chrono::milliseconds(100))) {
            // stamped as read, before the pause below: the bytes arrived since the last read
            marks.feed(chunk, since_start());
            // QEMU writes the console a byte at a time; reading each byte as it comes would wake
            // bootlab hundreds of thousands of times per boot, on the cores the guest runs on.
            // Letting a pipe's worth pile up for 20 ms costs nothing (64 KiB is far more than
            // 20 ms of console) and keeps bootlab's cost off the measured boot.
            if (chunk.size() < 16384) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (cb.console && !chunk.empty()) cb.console(chunk);
            console.append(chunk);
            chunk.clear();
            if (cancel) how = Ending::cancelled;
            else if (std::chrono::steady_clock::now() > deadline) how = Ending::timeout;
            if (how != Ending::exited) break;
        }
        if (how != Ending::exited) qemu.kill_group();
        const int exit_code = qemu.wait();
        o.log = console.str();
        o.wall_us = since_start();
        o.host_marks = marks.finish(o.wall_us);
        classify_ending(&o, how, how == Ending::timeout ? "QEMU killed" : "QEMU exited with " + std::to_string(exit_code),
                        r.timeout, exit_code != 0);
    } catch (const Error& e) { // QEMU missing, no room for disk files: this boot's error
        o.status = model::RunStatus::Error;
        o.error = e.what();
    }
    return o;
}

std::string qemu_version() {
    try {
        auto out = process::check_output({kQemu, "--version"}, "qemu version");
        return out.substr(0, out.find('\n'));
    } catch (const Error&) {
        return "";
    }
}

} // namespace bootlab::runner
