#pragma once
// A boot as a libvirt domain: direct kernel boot (<kernel> <initrd> <cmdline>) of a q35 machine
// whose devices are the hardware catalogue's, rendered so that the guest sees what the QEMU
// backend gives it: the same devices in the same PCI slots (the default VGA in slot 1, then
// each controller, disk or NIC in order), so disk and NIC names and by-path names match.
// No libvirt calls here: the XML is a pure function of its inputs (unit-tested as text).
#include "runner/backend.h"

#include <map>
#include <string>

namespace bootlab::runner {

struct DomainSpec {
    std::string name;                          // unique on the host
    std::string type = "qemu";                 // qemu (TCG) | kvm
    std::string kernel, initrd;                // paths on the host
    std::map<std::string, std::string> disks;  // disk id -> file on the host
};

// Throws Error naming the profile if libvirt cannot express it.
std::string domain_xml(const BootRequest& r, const DomainSpec& d);

} // namespace bootlab::runner
