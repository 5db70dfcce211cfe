#pragma once
// The seam between the scheduler and what boots a kernel. A Backend boots one request at a
// time per call (a host runs several calls at once, one per slot) and reports a BootOutcome;
// the scheduler neither knows nor cares whether QEMU ran as its child (QemuBackend) or as a
// libvirt domain on some host (LibvirtBackend). Outcomes are classified in one place
// (classify_ending) so that every backend means the same by ok, timeout, cancelled and error.
#include "image/initramfs.h"
#include "kernel/kernel.h"
#include "model/host_marks.h"
#include "model/run_status.h"
#include "runner/accel.h"
#include "runner/boot_flags.h"
#include "runner/console_watch.h"
#include "runner/hardware.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bootlab::runner {

struct BootRequest {
    kernel::Kernel kernel;
    image::Image initrd;
    std::vector<DeviceSpec> hardware;
    BootFlags flags;
    int smp = 2;
    int memory_mb = 512;
    std::chrono::seconds timeout{180};
    std::chrono::seconds stall{60};    // [machine] stall: silence that ends the boot (0: never)
    Accel accel = Accel::automatic;    // auto: KVM where the backend's probe says it works
    bool hang = false; // tests: the guest never powers off
};

// The stall limits of a request (console_watch.h), from its stall, replay and capture mode.
StallRule stall_rule_for(const BootRequest& r);
// Whether a request boots under KVM on a host with this verdict: never when deterministic
// (-icount is TCG's), always when asked for (the scheduler refused to start if it does not
// work), under auto where the probe says a guest runs.
bool boots_under_kvm(const BootRequest& r, const KvmVerdict& kvm);

// This machine's name, as runs and reports record it.
std::string hostname();

// The kernel command line a request boots with (the same on every backend).
std::string boot_cmdline(const BootRequest& r, const Machine& m);
// -icount needs one vCPU: with two it never gets past SMP bring-up (measured on TCG).
int boot_smp(const BootRequest& r);

// What the emulator was told, as stored with the run and printed by --print-qemu/--print-xml.
struct BootStart {
    std::string backend;              // qemu | libvirt
    std::string host;                 // the host's name as configured
    std::vector<std::string> argv;    // the QEMU argv (qemu backend)
    std::string domain_xml;           // the domain XML (libvirt backend)
    std::string emulator;             // the emulator's version on that host
};

// The serial console of one boot as it is kept: everything up to kHeadBytes (a boot's initcall
// lines are a few MB at most), then only the last kTailBytes (how it ended), with a line in
// between saying how much was dropped. A guest that floods its console costs bounded memory
// and a bounded stored log. Both backends keep their console in one.
class ConsoleLog {
public:
    static constexpr std::size_t kHeadBytes = 48u << 20, kTailBytes = 1u << 20;
    void append(std::string_view bytes);
    std::uint64_t dropped() const;
    std::string str() const; // head, the note if anything was dropped, tail

private:
    std::string head_, tail_; // tail_ holds up to 2 * kTailBytes before it is trimmed
    std::uint64_t dropped_ = 0;
};

struct BootOutcome {
    model::RunStatus status = model::RunStatus::Ok; // not Panic: the parser finds that in the log
    std::string error;                 // for status != ok
    bool host_failed = false;          // the host failed, not the boot: boot it elsewhere
    std::string log;                   // the serial console, as received
    BootStart start;                   // exactly what was run
    std::int64_t wall_us = 0;          // emulator start to exit, host clock
    model::HostMarks host_marks;       // the console's marks on that clock (HostMarkTracker)
    std::string accel;                 // what it booted under: kvm | tcg
    bool kernel_started = false;       // the kernel printed its first timestamped line
    bool stalled = false;              // ended by the stall rule (status timeout, error says so)
};

// How a boot ended, as a backend saw it.
enum class Ending {
    exited,      // the emulator exited (or the domain shut down) by itself
    timeout,     // the timeout passed: the backend killed it
    cancelled,   // cancel became true: the backend killed it
    stalled,     // the console stopped making progress (ConsoleWatch): the backend killed it
    host_failed, // the host went away or refused (libvirtd stopped, connection lost)
};
// Sets status and error from how it ended and the log: the one definition of a boot's status
// before the parser looks for a panic. `detail` says what the backend saw (an exit code, a
// libvirt error; for `stalled`, ConsoleWatch's words); `timeout` is the request's. A boot that
// stalled after its kernel panicked is a panic (the parser finds it), not a timeout.
void classify_ending(BootOutcome* o, Ending how, const std::string& detail, std::chrono::seconds timeout,
                     bool emulator_failed = false);

struct BootCallbacks {
    std::function<void(std::string_view)> console;     // the serial console as it arrives
    std::function<void(const BootStart&)> started;     // just before the guest starts
};

// The kernels and images an experiment boots, ready on this machine.
struct Artifact {
    std::filesystem::path path;
    std::string hash;  // sha256 of the content: where a remote copy is named
};

// What a host says about itself (`bootlab hosts`).
struct HostReport {
    bool reachable = false;
    std::string error;              // why not
    std::string hostname;
    std::string libvirt_version;    // "" for QEMU run directly
    std::string emulator_version;
    int cpus = 0;
    std::int64_t memory_mb = 0;
    KvmVerdict kvm;                 // what its KVM probe found
    int running = 0;                // bootlab boots running there now
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;       // qemu | libvirt
    virtual std::string host() const = 0;       // as configured: where runs say they ran
    virtual std::string version() = 0;          // the emulator's version, for provenance (asked once)
    virtual HostReport probe() = 0;             // never throws: an unreachable host says so
    // Whether a guest runs under KVM on this host: probed once (accel.h), never throws.
    virtual KvmVerdict kvm() = 0;
    // A guest hung under KVM where TCG booted it: KVM is not used under auto from now on, and
    // the verdict is remembered as `hangs` with `why` where the backend caches verdicts.
    virtual void distrust_kvm(const std::string& why) = 0;
    // Throws Error naming the profile and host if this host cannot express a machine.
    virtual void check_machine(const std::vector<DeviceSpec>& devices) = 0;
    // Makes the files boots will use available on the host (uploads them if it is remote).
    // Returns the bytes it had to transfer.
    virtual std::uint64_t prepare(const std::vector<Artifact>& files,
                                  const std::function<void(const std::string&)>& say) = 0;
    // Boots and waits: until the guest powers off, the timeout passes or `cancel` becomes true
    // (the guest is then killed). Never throws for what happens to the guest or the host: the
    // outcome says it.
    virtual BootOutcome boot(const BootRequest& r, const std::atomic<bool>& cancel,
                             const BootCallbacks& cb) = 0;
};

} // namespace bootlab::runner
