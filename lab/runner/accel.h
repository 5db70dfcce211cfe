#pragma once
// Which accelerator a boot runs under, and whether a host's KVM can be trusted with a guest.
//
// A /dev/kvm that exists proves nothing: on one nested cloud VM QEMU refused to start
// ("failed to set MSR 0x10a"), on another a machine started, answered QMP, ran the firmware
// and the kernel's real-mode stub ("Probing EDD ... ok") and then hung every guest. So the
// probe boots a guest of bootlab's own (lab/runner/kvm_probe_payload.S) that must run 32-bit
// and then 64-bit code and say so on the serial port, within a few seconds; only that answer
// makes KVM usable. QEMU here caches the verdict per host boot (cache_dir()/kvm-probe); the
// libvirt backend asks once per connection.
#include <optional>
#include <string>
#include <string_view>

namespace bootlab::runner {

// What an experiment, a command line or BOOTLAB_ACCEL asks for. auto: KVM where the probe
// says a guest runs on it, else TCG (and TCG for the rest of the run after a KVM boot stalled).
enum class Accel { automatic, kvm, tcg };
const char* to_string(Accel a); // auto | kvm | tcg
std::optional<Accel> parse_accel(std::string_view text);
// $BOOTLAB_ACCEL if set; throws Error naming the variable for any other value than the three.
std::optional<Accel> accel_from_env();

// What the probe found on one host.
struct KvmVerdict {
    enum class Kind {
        usable,  // the probe guest reached 64-bit mode and said so
        absent,  // no /dev/kvm (or not ours to open), or libvirt offers no kvm domains
        refused, // the emulator would not start a guest on it: detail is its words
        hangs,   // a guest started and stopped making progress: detail is its last line
    };
    Kind kind = Kind::absent;
    std::string detail;
    bool usable() const { return kind == Kind::usable; }
    // One line for people: "KVM usable", "KVM refuses the vCPU (QEMU: ...)", ...
    std::string describe() const;
};
const char* to_string(KvmVerdict::Kind k); // usable | absent | refused | hangs

// How long the probe guest may take to say it reached 64-bit mode. On a KVM that works it
// takes milliseconds; TCG, for comparison, about 100 ms.
constexpr int kKvmProbeSeconds = 5;

// The console text the probe guest prints in 64-bit mode: the one proof it ran.
constexpr std::string_view kProbeOk = "bootlab-kvm-probe: 64-bit long mode: ok";

// The emulator's own words in its output when it refused (its error lines, one line, without
// the assertion after them or the timestamps libvirt puts before them).
std::string emulator_words(const std::string& output);

// Judges one probe boot: what its console showed and whether the emulator exited by itself
// (with its own output) before the limit, or was still running when it was killed.
KvmVerdict judge_probe(const std::string& console, bool emulator_exited);

// The probe guest (a multiboot ELF image, built from kvm_probe_payload.S with the project).
std::string_view kvm_probe_payload();
// The payload as a file in the cache, written once: what -kernel (or a libvirt <kernel>) boots.
std::string kvm_probe_file();

// A verdict remembered under `key` (what identifies the host, its boot and its emulator), or
// none; and storing one. A cache that cannot be read or written only costs a probe.
std::optional<KvmVerdict> cached_verdict(const std::string& key);
void cache_verdict(const std::string& key, const KvmVerdict& v);

} // namespace bootlab::runner
