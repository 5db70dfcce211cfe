#include "runner/qemu_backend.h"

#include "common/cache.h"
#include "common/error.h"
#include "common/sha256.h"
#include "process/process.h"
#include "runner/replay.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

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

std::string qemu_binary() {
    const char* q = std::getenv("BOOTLAB_QEMU");
    return q && *q ? q : kQemu;
}

std::string kvm_device() {
    const char* d = std::getenv("BOOTLAB_KVM_DEVICE");
    return d && *d ? d : "/dev/kvm";
}

KvmVerdict probe_guest(const std::string& accel) {
    std::string console;
    bool exited = false;
    try {
        process::Child qemu({qemu_binary(), "-machine", "q35", "-cpu", "max", "-accel", accel, "-m", "64",
                             "-display", "none", "-monitor", "none", "-nodefaults", "-serial", "stdio",
                             "-no-reboot", "-kernel", kvm_probe_file()});
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kKvmProbeSeconds);
        while (console.find(kProbeOk) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
            if (!qemu.read_some(&console, std::chrono::milliseconds(50))) {
                exited = true;
                break;
            }
            if (console.size() > (64u << 10)) console.erase(0, console.size() - (32u << 10));
        }
        qemu.kill_group();
        qemu.wait();
    } catch (const Error& e) { // the emulator is not there
        return {KvmVerdict::Kind::refused, e.what()};
    }
    return judge_probe(console, exited);
}

std::string local_kvm_key() {
    std::string boot_id;
    std::ifstream("/proc/sys/kernel/random/boot_id") >> boot_id;
    const fs::path q = process::find_program(qemu_binary());
    std::error_code ec;
    const auto mtime = fs::last_write_time(q, ec).time_since_epoch().count();
    return "qemu " + q.string() + " " + std::to_string(mtime) + " " + qemu_version() + " boot " + boot_id +
           " device " + kvm_device() + " payload " + Sha256().add(kvm_probe_payload()).hex().substr(0, 16);
}

KvmVerdict local_kvm() {
    const std::string dev = kvm_device();
    if (::access(dev.c_str(), F_OK) != 0) return {KvmVerdict::Kind::absent, dev + " does not exist"};
    if (::access(dev.c_str(), R_OK | W_OK) != 0)
        return {KvmVerdict::Kind::absent, dev + ": " + std::strerror(errno) + " (add yourself to its group, kvm)"};
    const std::string key = local_kvm_key();
    if (auto v = cached_verdict(key)) return *v;
    KvmVerdict v = probe_guest("kvm");
    cache_verdict(key, v);
    return v;
}

std::vector<std::string> qemu_argv(const BootRequest& r, const fs::path& disk_dir, bool kvm) {
    const Machine m = describe_machine(r.hardware);
    std::vector<std::string> a = {qemu_binary(), "-machine", "q35", "-cpu", "max", "-smp", std::to_string(boot_smp(r)),
                                  "-m", std::to_string(r.memory_mb),
                                  "-display", "none", "-monitor", "none", "-serial", "stdio",
                                  "-no-reboot", "-nic", "none",
                                  "-kernel", r.kernel.image.string(), "-initrd", r.initrd.path.string(),
                                  "-append", boot_cmdline(r, m)};
    if (kvm) a.insert(a.end(), {"-accel", "kvm"});
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
    if (!h.reachable) h.error = qemu_binary() + " is not installed (apt-get install qemu-system-x86)";
    h.cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
    h.memory_mb = static_cast<std::int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGE_SIZE) / (1 << 20);
    h.kvm = kvm();
    return h;
}

KvmVerdict QemuBackend::kvm() {
    std::lock_guard<std::mutex> lock(kvm_mu_);
    if (!kvm_) kvm_ = local_kvm();
    return *kvm_;
}

void QemuBackend::distrust_kvm(const std::string& why) {
    std::lock_guard<std::mutex> lock(kvm_mu_);
    kvm_ = KvmVerdict{KvmVerdict::Kind::hangs, why};
    cache_verdict(local_kvm_key(), *kvm_);
}

BootOutcome QemuBackend::boot(const BootRequest& r, const std::atomic<bool>& cancel, const BootCallbacks& cb) {
    BootOutcome o;
    o.start.backend = name();
    o.start.host = host();
    o.start.emulator = version();
    try {
        ScratchDir scratch;
        const bool use_kvm = boots_under_kvm(r, kvm());
        o.accel = use_kvm ? "kvm" : "tcg";
        o.start.argv = qemu_argv(r, scratch.path, use_kvm);
        if (cb.started) cb.started(o.start);
        const auto t0 = std::chrono::steady_clock::now();
        const auto deadline = t0 + r.timeout;
        process::Child qemu(o.start.argv); // stdin /dev/null, stdout+stderr the console pipe, own group
        ConsoleLog console;
        model::HostMarkTracker marks;
        ConsoleWatch watch(stall_rule_for(r), t0);
        std::string detail;
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
            watch.feed(chunk);
            chunk.clear();
            if (cancel) how = Ending::cancelled;
            else if (std::chrono::steady_clock::now() > deadline) how = Ending::timeout, detail = "QEMU killed";
            else if (auto why = watch.stalled()) how = Ending::stalled, detail = *why + "; QEMU killed";
            if (how != Ending::exited) break;
        }
        if (how != Ending::exited) qemu.kill_group();
        const int exit_code = qemu.wait();
        o.log = console.str();
        o.wall_us = since_start();
        o.host_marks = marks.finish(o.wall_us);
        o.kernel_started = watch.kernel_started();
        classify_ending(&o, how, detail.empty() ? "QEMU exited with " + std::to_string(exit_code) : detail, r.timeout,
                        exit_code != 0);
    } catch (const Error& e) { // QEMU missing, no room for disk files: this boot's error
        o.status = model::RunStatus::Error;
        o.error = e.what();
    }
    return o;
}

std::string qemu_version() {
    try {
        auto out = process::check_output({qemu_binary(), "--version"}, "qemu version");
        return out.substr(0, out.find('\n'));
    } catch (const Error&) {
        return "";
    }
}

} // namespace bootlab::runner
