#pragma once
// Boots as transient libvirt domains on a host named by a libvirt URI, local or remote:
//  - the kernel, initramfs and anything else a boot reads go into a storage pool of bootlab's
//    own on the host ("bootlab", a directory pool), uploaded with virStorageVolUpload and named
//    by content hash, so a second experiment with the same kernel uploads nothing;
//  - each boot's blank disks are fresh volumes of that pool, deleted when the boot ends;
//  - the domain is created paused (and auto-destroyed if bootlab's connection goes away), its
//    serial console opened as a libvirt stream, then resumed: no console byte is lost;
//  - timeout and cancel destroy the domain; a connection that fails is the host failing.
#include "runner/backend.h"
#include "runner/hosts.h"

#include <memory>

namespace bootlab::runner {

class LibvirtBackend : public Backend {
public:
    explicit LibvirtBackend(HostSpec host); // connects on first use
    ~LibvirtBackend() override;
    std::string name() const override { return "libvirt"; }
    std::string host() const override;
    std::string version() override;
    HostReport probe() override;
    KvmVerdict kvm() override;
    void distrust_kvm(const std::string& why) override;
    void check_machine(const std::vector<DeviceSpec>& devices) override;
    std::uint64_t prepare(const std::vector<Artifact>& files,
                          const std::function<void(const std::string&)>& say) override;
    BootOutcome boot(const BootRequest& r, const std::atomic<bool>& cancel, const BootCallbacks& cb) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace bootlab::runner
