#pragma once
// The embedded default backend: QEMU (TCG, or KVM where /dev/kvm is usable) started here as a
// child process through lab/process (argv, own process group, killed with bootlab), its serial
// console read from a pipe.
#include "runner/backend.h"

#include <chrono>
#include <filesystem>
#include <mutex>

namespace bootlab::runner {

// The QEMU argv for a request, disks as files in disk_dir (made by boot()).
std::vector<std::string> qemu_argv(const BootRequest& r, const std::filesystem::path& disk_dir);

// `qemu-system-x86_64 --version`, first line ("" if it is not installed).
std::string qemu_version();
// KVM on this machine that QEMU can use: /dev/kvm, and a q35 machine starts on it (probed once).
bool have_kvm();
// Whether QEMU starts a q35 machine (stopped) with this accelerator ("kvm", "tcg") within
// `limit`; the machine is killed at once. A fraction of a second where it works.
bool accelerator_starts(const std::string& accel, std::chrono::milliseconds limit);

class QemuBackend : public Backend {
public:
    std::string name() const override { return "qemu"; }
    std::string host() const override;
    std::string version() override;
    HostReport probe() override;
    void check_machine(const std::vector<DeviceSpec>&) override {} // QEMU expresses every profile
    std::uint64_t prepare(const std::vector<Artifact>&, const std::function<void(const std::string&)>&) override {
        return 0; // the files are here already
    }
    BootOutcome boot(const BootRequest& r, const std::atomic<bool>& cancel, const BootCallbacks& cb) override;

private:
    std::once_flag version_once_;
    std::string version_;
};

} // namespace bootlab::runner
