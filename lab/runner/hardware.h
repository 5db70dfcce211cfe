#pragma once
// Hardware profiles: named, combinable pieces of an emulated machine ("ahci:2", "lsi:2",
// "e1000"). This is the one catalogue of them: what each profile is (a controller, its disks,
// a NIC, or a device simulated inside the guest kernel), the kernel modules that drive it and
// what the guest should find. How a machine is expressed to an emulator lives with each
// backend: QEMU arguments (qemu_backend.cpp) or libvirt domain XML (libvirt_xml.cpp).
#include <cstdint>
#include <string>
#include <vector>

namespace bootlab::runner {

// Every emulated disk: blank, raw, sparse (no disk space used), this size.
constexpr std::uint64_t kDiskBytes = 64u << 20;

struct DeviceSpec {
    std::string kind; // ahci lsi megasas virtio-scsi virtio-blk e1000 virtio-net slowprobe
    int disks = 0;    // for storage controllers; devices for slowprobe
};

// "ahci:2" -> {ahci, 2}; "lsi" -> {lsi, its default}. Throws Error listing the known kinds.
DeviceSpec parse_device(const std::string& text);
// The other way: "ahci:2", "e1000".
std::string to_string(const DeviceSpec& d);
const std::vector<std::string>& device_kinds();

// How a profile attaches to the machine.
enum class Attach {
    sata,        // an AHCI controller, one disk per port
    scsi,        // a SCSI host adapter, disks at scsi-id 0..N-1
    virtio_blk,  // one virtio-blk PCI device per disk, no controller
    nic,         // a network card on restricted user networking
    guest,       // nothing emulated: a driver inside the guest kernel makes its devices
};

// One profile of a machine, laid out: ids are unique within the machine and stable (the same
// spec gives the same ids), so disk files, -drive ids and XML aliases can be named after them.
struct Component {
    std::string kind;              // the profile
    std::string id;                // ahci0, lsi1, vs2, e10003, ...
    Attach attach;
    std::string qemu_device;       // QEMU -device of the controller or NIC ("" for none)
    std::string libvirt_model;     // libvirt's controller model or NIC model ("" for sata/virtio-blk)
    std::vector<std::string> disks; // disk ids in bus order
};

struct Machine {
    std::vector<Component> components;
    std::vector<std::string> modules;   // to load in this order (sd_mod first: stable names)
    int disks = 0;
    int nics = 0;
    std::string kernel_args;            // module parameters the devices need
};

// Lays the devices out (no files made). Throws Error for an unknown kind.
Machine describe_machine(const std::vector<DeviceSpec>& devices);
// The modules a set of devices needs.
std::vector<std::string> modules_for(const std::vector<DeviceSpec>& devices);

} // namespace bootlab::runner
