#include "runner/hardware.h"

#include "common/error.h"

#include <algorithm>
#include <cstring>
#include <fstream>

namespace bootlab::runner {
namespace {

namespace fs = std::filesystem;

struct Profile {
    const char* kind;
    const char* controller; // QEMU device of the controller ("" = one device per disk / NIC)
    const char* disk_bus;   // scsi-hd bus suffix, "ahci" (ide-hd per port), "" for NICs, or
                            // "slowprobe": simulated devices inside the guest kernel, no QEMU part
    int default_disks;      // (for slowprobe: devices)
    int max_disks;
    std::vector<const char*> modules;
};

const std::vector<Profile>& profiles() {
    static const std::vector<Profile> p = {
        {"ahci", "ahci", "ahci", 2, 6, {"sd_mod", "ahci"}},
        {"lsi", "lsi53c895a", "scsi", 2, 7, {"sd_mod", "sym53c8xx"}},
        {"megasas", "megasas", "scsi", 1, 8, {"sd_mod", "megaraid_sas"}},
        {"virtio-scsi", "virtio-scsi-pci", "scsi", 1, 8, {"sd_mod", "virtio_pci", "virtio_scsi"}},
        {"virtio-blk", "", "virtio-blk", 1, 8, {"virtio_pci", "virtio_blk"}},
        {"e1000", "e1000", "", 0, 0, {"e1000"}},
        {"virtio-net", "virtio-net-pci", "", 0, 0, {"virtio_pci", "virtio_net"}},
        // the async-lab kernel's test driver (kernel-patches/async-lab): slowprobe:N devices
        {"slowprobe", "", "slowprobe", 1, 64, {"bootlab_slowprobe"}},
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

// QEMU's option parser splits on commas: a comma in a path is written twice.
std::string qemu_path(const fs::path& p) {
    std::string s;
    for (char c : p.string()) {
        if (c == ',') s += ',';
        s += c;
    }
    return s;
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
        const char* what = std::string(p.disk_bus) == "slowprobe" ? " devices" : " disks";
        if (d.disks > p.max_disks)
            throw Error("hardware '" + text + "': at most " + std::to_string(p.max_disks) + what);
        if (d.disks < 1) throw Error("hardware '" + text + "': at least one" + std::string(what).substr(0, std::strlen(what) - 1));
    }
    return d;
}

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

MachineLayout lay_out(const std::vector<DeviceSpec>& devices, const fs::path& disk_dir) {
    MachineLayout m;
    m.modules = modules_for(devices);
    auto& a = m.qemu_args;
    int index = 0;
    auto add_disk = [&](const std::string& id) {
        fs::path f = disk_dir / (id + ".img");
        std::ofstream(f).close();
        fs::resize_file(f, 64u << 20); // sparse: no disk space used
        m.disk_files.push_back(f);
        a.insert(a.end(), {"-drive", "if=none,id=" + id + ",file=" + qemu_path(f) + ",format=raw"});
        ++m.disks;
    };
    for (const auto& d : devices) {
        const Profile& p = profile(d.kind);
        const std::string id = std::string(p.kind == std::string("virtio-scsi") ? "vs" : p.kind) +
                               std::to_string(index++);
        const std::string bus(p.disk_bus);
        if (bus == "slowprobe") { // no emulated hardware: the module makes its own devices
            m.kernel_args += (m.kernel_args.empty() ? "" : " ") + std::string("bootlab_slowprobe.devices=") +
                             std::to_string(d.disks);
        } else if (bus.empty()) { // a NIC: user networking, restricted (no route out of the guest)
            a.insert(a.end(), {"-netdev", "user,id=" + id + ",restrict=on", "-device",
                               std::string(p.controller) + ",netdev=" + id});
            ++m.nics;
        } else if (bus == "virtio-blk") {
            for (int i = 0; i < d.disks; ++i) {
                add_disk(id + "d" + std::to_string(i));
                a.insert(a.end(), {"-device", "virtio-blk-pci,drive=" + id + "d" + std::to_string(i)});
            }
        } else {
            a.insert(a.end(), {"-device", std::string(p.controller) + ",id=" + id});
            for (int i = 0; i < d.disks; ++i) {
                const std::string disk = id + "d" + std::to_string(i);
                add_disk(disk);
                if (bus == "ahci")
                    a.insert(a.end(), {"-device", "ide-hd,drive=" + disk + ",bus=" + id + "." + std::to_string(i)});
                else
                    a.insert(a.end(), {"-device", "scsi-hd,drive=" + disk + ",bus=" + id + ".0,scsi-id=" + std::to_string(i)});
            }
        }
    }
    return m;
}

} // namespace bootlab::runner
