#pragma once
// Hardware profiles: named, combinable pieces of an emulated machine ("ahci:2", "lsi:2",
// "e1000"), each knowing its QEMU devices, the kernel modules that drive it, and what the guest
// should find (disks, NICs).
#include <filesystem>
#include <string>
#include <vector>

namespace bootlab::runner {

struct DeviceSpec {
    std::string kind; // ahci lsi megasas virtio-scsi virtio-blk e1000 virtio-net slowprobe
    int disks = 0;    // for storage controllers; devices for slowprobe
};

// "ahci:2" -> {ahci, 2}; "lsi" -> {lsi, its default}. Throws Error listing the known kinds.
DeviceSpec parse_device(const std::string& text);
const std::vector<std::string>& device_kinds();

struct MachineLayout {
    std::vector<std::string> qemu_args; // -device/-drive/-netdev arguments
    std::vector<std::string> modules;   // to load in this order (sd_mod first: stable names)
    std::vector<std::filesystem::path> disk_files;
    int disks = 0;
    int nics = 0;
    std::string kernel_args;            // module parameters the devices need
};

// Lays out the devices; creates sparse 64 MiB disk files in disk_dir.
MachineLayout lay_out(const std::vector<DeviceSpec>& devices, const std::filesystem::path& disk_dir);
// The modules a set of devices needs (no files made).
std::vector<std::string> modules_for(const std::vector<DeviceSpec>& devices);

} // namespace bootlab::runner
