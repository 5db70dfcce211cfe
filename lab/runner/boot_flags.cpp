#include "runner/boot_flags.h"

#include "runner/replay.h"

namespace bootlab::runner {

std::string kernel_cmdline(const BootFlags& f, int disks, int nics, bool hang) {
    // panic=-1: reboot at once on panic, which -no-reboot turns into QEMU exiting.
    std::string c = "console=ttyS0 printk.time=1 panic=-1";
    if (f.initcall_debug) {
        c += " initcall_debug";
        // stock 6.1 prints the async cookie lines only through dynamic debug
        c += " dyndbg=\"file kernel/async.c +p\"";
    }
    if (f.capture == "dmesg")
        c += " quiet log_buf_len=4M bootlab.dmesg=1"; // the whole boot fits the ring buffer
    else if (f.initcall_debug)
        c += " loglevel=8"; // initcall lines are KERN_DEBUG: without this none reach the console
    if (!f.scsi_scan.empty()) c += " scsi_mod.scan=" + f.scsi_scan;
    if (!f.driver_async_probe.empty()) {
        c += " driver_async_probe=";
        for (std::size_t i = 0; i < f.driver_async_probe.size(); ++i)
            c += (i ? "," : "") + f.driver_async_probe[i];
    }
    for (const auto& m : f.async_probe_modules) c += " " + m + ".async_probe=1";
    if (f.fastboot) c += " fastboot";
    if (!f.slowprobe_strategy.empty()) c += " bootlab_slowprobe.strategy=" + f.slowprobe_strategy;
    if (f.slowprobe_firmware) c += " bootlab_slowprobe.firmware=" + std::string(kSlowprobeFirmware);
    if (f.slowprobe_delay_ms >= 0) c += " bootlab_slowprobe.delay_ms=" + std::to_string(f.slowprobe_delay_ms);
    c += " bootlab.disks=" + std::to_string(disks) + " bootlab.nics=" + std::to_string(nics);
    if (hang) c += " bootlab.hang=1";
    if (const std::string r = replay_kernel_args(f); !r.empty()) c += " " + r;
    if (!f.extra.empty()) c += " " + f.extra;
    return c;
}

} // namespace bootlab::runner
