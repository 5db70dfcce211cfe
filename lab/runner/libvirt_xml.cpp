#include "runner/libvirt_xml.h"

#include "common/error.h"
#include "common/escape.h"
#include "runner/replay.h"

#include <sstream>

namespace bootlab::runner {
namespace {

std::string hex_slot(int slot) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%02x", slot & 0xff);
    return b;
}

std::string pci_address(int slot) {
    char b[96];
    std::snprintf(b, sizeof b, "<address type='pci' domain='0x0000' bus='0x00' slot='0x%02x' function='0x0'/>", slot & 0xff);
    return b;
}

std::string disk_xml(const std::string& file, const std::string& target, const std::string& bus,
                     const std::string& address) {
    return "    <disk type='file' device='disk'>\n"
           "      <driver name='qemu' type='raw'/>\n"
           "      <source file='" + xml_escape(file) + "'/>\n"
           "      <target dev='" + target + "' bus='" + bus + "'/>\n"
           "      " + address + "\n"
           "    </disk>\n";
}

// sda, sdb, ..., sdz, sdaa: libvirt wants unique target names per bus kind (they are hints to
// libvirt only; the guest names its disks itself).
std::string target_name(const std::string& prefix, int n) {
    std::string s;
    for (++n; n > 0; n = (n - 1) / 26) s.insert(s.begin(), static_cast<char>('a' + (n - 1) % 26));
    return prefix + s;
}

} // namespace

std::string domain_xml(const BootRequest& r, const DomainSpec& d) {
    const Machine m = describe_machine(r.hardware);
    std::ostringstream devices;  // libvirt devices
    std::vector<std::string> qemu_args; // what libvirt has no element for, passed through
    int slot = 2;                // slot 1: the VGA that QEMU's q35 has by default
    int sata_index = 1, scsi_index = 0, sd = 0, vd = 0;
    auto file_of = [&](const std::string& disk) {
        auto it = d.disks.find(disk);
        if (it == d.disks.end()) throw Error("internal: no file for disk " + disk);
        return it->second;
    };
    for (const auto& c : m.components) {
        switch (c.attach) {
        case Attach::guest:
            break;
        case Attach::nic:
            // libvirt's user networking has no `restrict`: the NIC is given to QEMU as the QEMU
            // backend gives it, restricted user networking with no way out of the guest.
            qemu_args.insert(qemu_args.end(), {"-netdev", "user,id=" + c.id + ",restrict=on", "-device",
                                               c.qemu_device + ",netdev=" + c.id + ",bus=pcie.0,addr=" +
                                                   hex_slot(slot++)});
            break;
        case Attach::virtio_blk:
            for (const auto& disk : c.disks)
                devices << disk_xml(file_of(disk), target_name("vd", vd++), "virtio", pci_address(slot++));
            break;
        case Attach::sata: {
            const int index = sata_index++;
            devices << "    <controller type='sata' index='" << index << "'>" << pci_address(slot++) << "</controller>\n";
            for (std::size_t i = 0; i < c.disks.size(); ++i)
                devices << disk_xml(file_of(c.disks[i]), target_name("sd", sd++), "sata",
                                    "<address type='drive' controller='" + std::to_string(index) +
                                        "' bus='0' target='0' unit='" + std::to_string(i) + "'/>");
            break;
        }
        case Attach::scsi: {
            if (c.libvirt_model.empty())
                throw Error("hardware '" + c.kind + "': libvirt has no SCSI controller model for it");
            const int index = scsi_index++;
            devices << "    <controller type='scsi' index='" << index << "' model='" << c.libvirt_model << "'>"
                    << pci_address(slot++) << "</controller>\n";
            // The disk at scsi-id i, LUN 0, as the QEMU backend places it. libvirt spells that
            // target=i, unit=0 (scsi-id=target, lun=unit), except on lsilogic, where it refuses
            // a target and makes unit the scsi-id (measured: libvirt 9.0, QEMU 7.2).
            const bool by_unit = c.libvirt_model == "lsilogic";
            for (std::size_t i = 0; i < c.disks.size(); ++i) {
                const std::string id = std::to_string(i);
                devices << disk_xml(file_of(c.disks[i]), target_name("sd", sd++), "scsi",
                                    "<address type='drive' controller='" + std::to_string(index) + "' bus='0' target='" +
                                        (by_unit ? "0" : id) + "' unit='" + (by_unit ? id : "0") + "'/>");
            }
            break;
        }
        }
    }
    if (slot > 0x1e) throw Error("hardware: more PCI devices than q35's root bus has slots");
    // libvirt has no element for these: passed through, after its own -rtc (QEMU takes the last)
    const auto replay = replay_qemu_args(r.flags);
    qemu_args.insert(qemu_args.end(), replay.begin(), replay.end());

    std::ostringstream x;
    x << "<domain type='" << d.type << "' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
      << "  <name>" << xml_escape(d.name) << "</name>\n"
      << "  <memory unit='MiB'>" << r.memory_mb << "</memory>\n"
      << "  <vcpu>" << boot_smp(r) << "</vcpu>\n"
      << "  <os>\n"
      << "    <type arch='x86_64' machine='q35'>hvm</type>\n"
      << "    <kernel>" << xml_escape(d.kernel) << "</kernel>\n"
      << "    <initrd>" << xml_escape(d.initrd) << "</initrd>\n"
      << "    <cmdline>" << xml_escape(boot_cmdline(r, m)) << "</cmdline>\n"
      << "  </os>\n"
      << "  <features><acpi/></features>\n"
      // one socket of N cores, as QEMU's own -smp N gives q35 since 6.2 (libvirt would say N sockets)
      << "  <cpu mode='maximum' check='none'><topology sockets='1' dies='1' cores='" << boot_smp(r)
      << "' threads='1'/></cpu>\n"
      << "  <clock offset='utc'/>\n"
      // -no-reboot: panic=-1 reboots, and a reboot ends the boot as a poweroff does
      << "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n  <on_crash>destroy</on_crash>\n"
      << "  <devices>\n"
      << "    <controller type='usb' model='none'/>\n"
      << "    <memballoon model='none'/>\n"
      << "    <video><model type='vga'/>" << pci_address(1) << "</video>\n"
      << devices.str()
      // (a pty: the only console libvirt 9.0 can stream; its 4 KiB buffer makes a chatty guest's
      // UART wait on libvirtd, see the README)
      << "    <serial type='pty'><target port='0'/></serial>\n"
      << "    <console type='pty'><target type='serial' port='0'/></console>\n"
      << "  </devices>\n";
    if (!qemu_args.empty()) {
        x << "  <qemu:commandline>\n";
        for (const auto& a : qemu_args) x << "    <qemu:arg value='" << xml_escape(a) << "'/>\n";
        x << "  </qemu:commandline>\n";
    }
    x << "</domain>\n";
    return x.str();
}

} // namespace bootlab::runner
