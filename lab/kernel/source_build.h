#pragma once
// Patched kernels: Debian's linux-source-6.1 + a patch series from kernel-patches/ + a config
// fragment, built out of tree and cached by the hash of everything that goes into them.
//
// A series is a directory:
//   series       the patches, one file name per line, in the order they apply ('#' comments)
//   *.patch      git format-patch style patches against linux-source-6.1 (applied with -p1)
//   config       a config fragment, merged onto `make tinyconfig` with merge_config.sh
//   base-config  optional: the make target of the base config instead of tinyconfig
//
// Source: unpacked once under cache_dir()/kernel-source/<version>. Builds: in
// cache_dir()/kernels/work-<series> (a hard-linked copy of the source with the patches applied,
// and the object tree, kept so that the next build after a patch change is incremental).
// Results: cache_dir()/kernels/series-<series>-<key>, key = hash of source version, base,
// patches, fragment and compiler version.
#include "kernel/kernel.h"

#include "common/error.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

namespace bootlab::kernel {

struct Series {
    std::string name;                          // the directory's name, e.g. "async-lab"
    std::filesystem::path dir;
    std::vector<std::filesystem::path> patches; // in order
    std::filesystem::path fragment;
    std::string base = "tinyconfig";
};

// Reads a series directory. Errors name the file and line (a listed patch that is missing).
Series load_series(const std::filesystem::path& dir);

// The directory a kernel reference names: a path to a series directory (relative to `from`,
// then to the working directory), or a bare name looked up in kernel-patches/ of bootlab's
// source tree ($BOOTLAB_KERNEL_PATCHES overrides). Throws Error listing the known series.
std::filesystem::path find_series(const std::string& ref, const std::filesystem::path& from = {});
// The names of the series in kernel-patches/ (or $BOOTLAB_KERNEL_PATCHES), sorted.
std::vector<std::string> known_series();

struct BuildOptions {
    int jobs = 0;          // make -j; 0 = all CPUs
    bool force = false;    // rebuild even if cached
    Progress progress;
    const std::atomic<bool>* cancel = nullptr; // set (Ctrl-C): make's process group is killed and
                                               // Cancelled thrown; the work tree stays for next time
};

struct Cancelled : Error {
    using Error::Error;
};

// The cached kernel for these inputs, built first if needed. A patch that does not apply or a
// failing build throws Error naming the patch or quoting the compiler's error, with the path of
// the full build log.
Kernel series_kernel(const Series& series, const BuildOptions& options = {});

} // namespace bootlab::kernel
