#pragma once
// Kernels to boot. A provider turns a kernel named in an experiment into files on disk:
// the image, and the module tree the guest image takes its drivers from.
//   stock   the distro kernel (Debian's linux-image-*-amd64-unsigned), unpacked, never installed
//   series  source builds of a patch series, cached by the hash of their inputs (source_build.h)
#include <filesystem>
#include <functional>
#include <string>

namespace bootlab::kernel {

struct Kernel {
    std::string name;              // as the experiment names it, e.g. "stock"
    std::string origin;            // distro | source
    std::string package;           // linux-image-6.1.0-56-amd64-unsigned=6.1.192-2
    std::string release;           // uname -r: 6.1.0-56-amd64
    std::filesystem::path image;   // bzImage / vmlinuz
    std::filesystem::path root;    // holds lib/modules/<release>
    std::string hash;              // sha256 of the image
    std::string series;            // source builds: the patch series
    std::string config_hash;       // source builds: sha256 of the .config
};

using Progress = std::function<void(const std::string&)>;

// The newest stock Debian kernel: resolved from the linux-image-amd64 metapackage (its name
// moves with security updates), downloaded with `apt-get download`, unpacked with `dpkg -x`,
// modules indexed with depmod, all under cache_dir()/kernels. Without network, the newest
// cached one is used.
Kernel stock_kernel(const Progress& progress = {});

// Empty if `image` is a file QEMU can boot as -kernel (an x86 bzImage: "HdrS" at 0x202, or an
// ELF vmlinux); else what is wrong with it ("not found", "not a kernel image (...)").
std::string kernel_image_problem(const std::filesystem::path& image);

// A kernel given as files: image (and optional module root), e.g. `kernel = "/path/bzImage"`.
Kernel kernel_from_files(const std::string& name, const std::filesystem::path& image,
                         const std::filesystem::path& root);

} // namespace bootlab::kernel
