#pragma once
// One boot of one kernel in QEMU (TCG or KVM), its serial console captured through a pipe.
#include "image/initramfs.h"
#include "kernel/kernel.h"
#include "runner/boot_flags.h"
#include "runner/hardware.h"

#include <atomic>
#include <chrono>
#include <functional>
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
    bool hang = false; // tests: the guest never powers off
};

struct BootOutcome {
    std::string status;                // ok | timeout | cancelled | error (panic: from the log)
    std::string error;                 // for status != ok
    std::string log;                   // the serial console, as received
    std::vector<std::string> argv;     // exactly what was run
    std::int64_t wall_us = 0;          // QEMU start to exit
    int exit_code = 0;
};

// The QEMU argv for a request (disk files are made in disk_dir). Also what --print-qemu prints.
std::vector<std::string> qemu_argv(const BootRequest& r, const std::filesystem::path& disk_dir);

// Boots and waits: until QEMU exits, the timeout passes (the process group is killed) or
// `cancel` becomes true (likewise). `console` sees the output as it arrives.
// `started` sees the argv just before QEMU starts.
BootOutcome boot_qemu(const BootRequest& r, const std::atomic<bool>& cancel,
                      const std::function<void(std::string_view)>& console = {},
                      const std::function<void(const std::vector<std::string>&)>& started = {});

// `qemu-system-x86_64 --version`, first line.
std::string qemu_version();

} // namespace bootlab::runner
