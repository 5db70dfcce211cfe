#pragma once
// The embedded default backend: QEMU (TCG, or KVM where /dev/kvm is usable) started here as a
// child process through lab/process (argv, own process group, killed with bootlab), its serial
// console read from a pipe.
#include "runner/backend.h"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>

namespace bootlab::runner {

// The QEMU argv for a request, disks as files in disk_dir (made by boot()), under KVM or TCG.
std::vector<std::string> qemu_argv(const BootRequest& r, const std::filesystem::path& disk_dir, bool kvm);

// The emulator: qemu-system-x86_64, or $BOOTLAB_QEMU (a test-only setting: tests point it at a
// stand-in that behaves like a broken KVM). The KVM device is $BOOTLAB_KVM_DEVICE or /dev/kvm.
std::string qemu_binary();
std::string kvm_device();
// `QEMU --version`, first line ("" if it is not installed).
std::string qemu_version();
// Boots the probe guest (accel.h) under `accel` ("kvm", "tcg") and judges it; at most
// kKvmProbeSeconds. Milliseconds where the accelerator works.
KvmVerdict probe_guest(const std::string& accel);
// This machine's KVM: absent without a usable device, else the probe guest's verdict, cached
// per host boot (the boot id, the emulator's path and version, the device, the payload).
KvmVerdict local_kvm();
// What local_kvm() is cached under.
std::string local_kvm_key();

class QemuBackend : public Backend {
public:
    std::string name() const override { return "qemu"; }
    std::string host() const override;
    std::string version() override;
    HostReport probe() override;
    KvmVerdict kvm() override;
    void distrust_kvm(const std::string& why) override;
    void check_machine(const std::vector<DeviceSpec>&) override {} // QEMU expresses every profile
    std::uint64_t prepare(const std::vector<Artifact>&, const std::function<void(const std::string&)>&) override {
        return 0; // the files are here already
    }
    BootOutcome boot(const BootRequest& r, const std::atomic<bool>& cancel, const BootCallbacks& cb) override;

private:
    std::once_flag version_once_;
    std::string version_;
    std::mutex kvm_mu_;
    std::optional<KvmVerdict> kvm_;
};

} // namespace bootlab::runner
