#include "runner/hardware.h"

#include "common/error.h"

#include <algorithm>

namespace bootlab::runner {
namespace {

struct Profile {
    const char* kind;
    Attach attach;
    const char* qemu_device;   // the controller or NIC
    const char* libvirt_model; // <controller model=> or <interface><model type=>
    const char* id_prefix;
    int default_disks;         // (for slowprobe: devices)
    int max_disks;
    std::vector<const char*> modules;
};

const std::vector<Profile>& profiles() {
    // libvirt's SCSI models map onto the same QEMU devices: lsilogic -> lsi (the 53c895a),
    // lsisas1078 -> megasas, virtio-scsi -> virtio-scsi-pci.
    static const std::vector<Profile> p = {
        {"ahci", Attach::sata, "ahci", "", "ahci", 2, 6, {"sd_mod", "ahci"}},
        {"lsi", Attach::scsi, "lsi53c895a", "lsilogic", "lsi", 2, 7, {"sd_mod", "sym53c8xx"}},
        {"megasas", Attach::scsi, "megasas", "lsisas1078", "megasas", 1, 8, {"sd_mod", "megaraid_sas"}},
        {"virtio-scsi", Attach::scsi, "virtio-scsi-pci", "virtio-scsi", "vs", 1, 8,
         {"sd_mod", "virtio_pci", "virtio_scsi"}},
        {"virtio-blk", Attach::virtio_blk, "", "", "virtio-blk", 1, 8, {"virtio_pci", "virtio_blk"}},
        {"e1000", Attach::nic, "e1000", "e1000", "e1000", 0, 0, {"e1000"}},
        {"virtio-net", Attach::nic, "virtio-net-pci", "virtio", "virtio-net", 0, 0, {"virtio_pci", "virtio_net"}},
        // the async-lab kernel's test driver (kernel-patches/async-lab): slowprobe:N devices
        {"slowprobe", Attach::guest, "", "", "slowprobe", 1, 64, {"bootlab_slowprobe"}},
    };
    return p;
}

const Profile& profile(const std::string& kind) {
    for (const auto& p : profiles())
        if (kind == p.kind) return p;
    std::string known;
    for (const auto& k : device_kinds()) known += (known.empty() ? "" : ", ") + k;
    throw Error("unknown hardware '" + kind + "' (known: " + known + ")");
}

} // namespace

const std::vector<std::string>& device_kinds() {
    static const std::vector<std::string> k = [] {
        std::vector<std::string> v;
        for (const auto& p : profiles()) v.emplace_back(p.kind);
        return v;
    }();
    return k;
}

DeviceSpec parse_device(const std::string& text) {
    auto colon = text.find(':');
    DeviceSpec d{text.substr(0, colon), 0};
    const Profile& p = profile(d.kind);
    d.disks = p.default_disks;
    if (colon != std::string::npos) {
        const std::string n = text.substr(colon + 1);
        if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || n.size() > 2)
            throw Error("hardware '" + text + "': expected KIND:COUNT, e.g. ahci:2");
        d.disks = std::stoi(n);
        if (p.max_disks == 0) throw Error("hardware '" + text + "': " + d.kind + " has no disks");
        const std::string what = p.attach == Attach::guest ? "device" : "disk";
        if (d.disks > p.max_disks)
            throw Error("hardware '" + text + "': at most " + std::to_string(p.max_disks) + " " + what + "s");
        if (d.disks < 1) throw Error("hardware '" + text + "': at least one " + what);
    }
    return d;
}

std::string to_string(const DeviceSpec& d) { return d.disks > 0 ? d.kind + ":" + std::to_string(d.disks) : d.kind; }

std::vector<std::string> modules_for(const std::vector<DeviceSpec>& devices) {
    std::vector<std::string> mods;
    for (const auto& d : devices)
        for (const char* m : profile(d.kind).modules)
            if (std::find(mods.begin(), mods.end(), m) == mods.end()) mods.emplace_back(m);
    // sd_mod before any controller driver, so that disks are named as controllers find them
    auto sd = std::find(mods.begin(), mods.end(), "sd_mod");
    if (sd != mods.end()) std::rotate(mods.begin(), sd, sd + 1);
    return mods;
}

Machine describe_machine(const std::vector<DeviceSpec>& devices) {
    Machine m;
    m.modules = modules_for(devices);
    int index = 0;
    for (const auto& d : devices) {
        const Profile& p = profile(d.kind);
        Component c{p.kind, p.id_prefix + std::to_string(index++), p.attach, p.qemu_device, p.libvirt_model, {}};
        switch (p.attach) {
        case Attach::guest: // no emulated hardware: the module makes its own devices
            m.kernel_args += (m.kernel_args.empty() ? "" : " ") + std::string("bootlab_slowprobe.devices=") +
                             std::to_string(d.disks);
            break;
        case Attach::nic:
            ++m.nics;
            break;
        default:
            for (int i = 0; i < d.disks; ++i) c.disks.push_back(c.id + "d" + std::to_string(i));
            m.disks += d.disks;
        }
        m.components.push_back(std::move(c));
    }
    return m;
}

} // namespace bootlab::runner
