#pragma once
// The guest's initramfs: busybox-static, guest-images/init.sh as /init, and exactly the kernel
// modules a hardware profile needs (with their dependencies, soft ones included, and a depmod
// index), written as a gzip'd newc cpio with libarchive. Cached by the hash of its contents.
#include "kernel/kernel.h"

#include <filesystem>
#include <string>
#include <vector>

namespace bootlab::image {

struct ImageSpec {
    std::vector<std::string> modules;        // in load order, e.g. {"sd_mod", "ahci", "e1000"}
    std::filesystem::path init_script;       // guest-images/init.sh
    std::filesystem::path busybox = "/bin/busybox";
    // extra files: path in the image -> file on the host (e.g. firmware blobs)
    std::vector<std::pair<std::string, std::filesystem::path>> extra;
};

struct Image {
    std::filesystem::path path; // the .cpio.gz
    std::string hash;           // its cache key
};

// The firmware blob the slow-probe test driver loads (4 MiB of fixed pseudo-random bytes: big
// enough that loading and reading it takes measurable time), made once in the cache.
std::filesystem::path slowprobe_firmware();

Image build_initramfs(const kernel::Kernel& kernel, const ImageSpec& spec,
                      const kernel::Progress& progress = {});

// Writes every file below `tree` into a gzip'd newc cpio at `out`: sorted, owned by root,
// timestamps zeroed, so the same tree always gives the same bytes.
void write_cpio_gz(const std::filesystem::path& tree, const std::filesystem::path& out);

} // namespace bootlab::image
