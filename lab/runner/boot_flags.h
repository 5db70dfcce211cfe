#pragma once
// The switches that change how the kernel initialises, and the command line they make.
#include <string>
#include <vector>

namespace bootlab::runner {

struct BootFlags {
    bool initcall_debug = true;        // with what makes its lines reach the console/dump
    std::string capture = "console";   // console: loglevel=8 on the serial console (perturbs the
                                       // boot it measures); dmesg: quiet console, ring buffer
                                       // dumped by /init at the end (log_buf_len=4M)
    std::string scsi_scan;             // "", "sync", "async": scsi_mod.scan=
    std::vector<std::string> driver_async_probe; // driver_async_probe=a,b
    std::vector<std::string> async_probe_modules; // <module>.async_probe=1
    bool fastboot = false;             // the 2.6.29 gate (patched kernels)
    // the async-lab kernel's slow-probe driver (hardware "slowprobe:N")
    std::string slowprobe_strategy;    // "", sync, kthread, queue_work, async
    bool slowprobe_firmware = false;   // each device loads bootlab/slowprobe.bin from the image
    int slowprobe_delay_ms = -1;       // time each device takes; -1: the driver's default (1000)
    bool deterministic = false;        // exact replay: -icount, one vCPU, the knobs of replay.h
    std::vector<std::string> deterministic_without; // replay knobs left out (to measure each)
    std::string extra;                 // appended verbatim
};

// Where the slow-probe driver's firmware is in the guest image, under /lib/firmware.
constexpr const char* kSlowprobeFirmware = "bootlab/slowprobe.bin";

// The kernel command line for these flags; disks/nics tell /init what to wait for.
std::string kernel_cmdline(const BootFlags& f, int disks, int nics, bool hang = false);

} // namespace bootlab::runner
