#pragma once
// Patched kernels: Debian's linux-source-6.1 + a patch series from kernel-patches/ + a config
// fragment, built out of tree and cached by the hash of everything that goes into them.
//
// A series is a directory:
//   series       the patches, one file name per line, in the order they apply ('#' comments)
//   *.patch      git format-patch style patches against linux-source-6.1 (applied with -p1)
//   config       a config fragment, merged onto `make tinyconfig` with merge_config.sh
//   base-config  optional: the make target of the base config instead of tinyconfig
//   on-top-of    optional: another series (a name in kernel-patches/, or a path relative to this
//                directory) whose patches apply first; its config and base-config are used
//                where this directory has none (and then its object tree is shared too). A
//                developer's series on top of the lab's.
//
// Source: unpacked once under cache_dir()/kernel-source/<version>. Builds: in
// cache_dir()/kernels/work-<tree> (a hard-linked copy of the source with the patches applied,
// and the object tree, kept so that the next build after a patch change is incremental), where
// <tree> is the series at the bottom of the on-top-of chain that brings the configuration: a
// series on async-lab without a config of its own, and every prefix of one that bisect builds,
// shares async-lab's objects. Results:
// cache_dir()/kernels/series-<tree>-<key>, key = hash of source version, base, patches,
// fragment and compiler version (not the series' name: the same patches are the same kernel).
#include "kernel/kernel.h"

#include "common/error.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

namespace bootlab::kernel {

struct Series {
    std::string name;                          // the directory's name, e.g. "async-lab"; a prefix
                                               // (first_patches) is "NAME@K"
    std::filesystem::path dir;
    std::vector<std::filesystem::path> patches; // every patch applied, in order: on-top-of's first
    std::size_t own_first = 0;                 // patches[own_first..] are this directory's own
    std::filesystem::path fragment;
    std::string base = "tinyconfig";
    std::string tree;                          // the bottom of the on-top-of chain: names the work
                                               // tree, the kernel's LOCALVERSION and cache entries
    std::size_t own_count() const { return patches.size() - own_first; }
};

// Reads a series directory (and the series it is on top of). Errors name the file and line (a
// listed patch that is missing, an on-top-of that names no series or loops). patches >= 0: only
// the first that many of its own patches (first_patches), as "series:NAME@K" names it.
Series load_series(const std::filesystem::path& dir, int patches = -1);

// The series with only the first k of its own patches (those of on-top-of all stay), named
// "NAME@K": the kernel as it was after patch k. k = own_count() is the series itself.
// Throws Error when the series has fewer patches.
Series first_patches(const Series& series, std::size_t k);

// "NAME@K" (or "PATH@K"): the series, and the count of its own patches to apply (-1: all).
// Throws Error when what follows '@' is not a count.
std::pair<std::string, int> split_patch_count(const std::string& ref);

// A patch's subject line ("mem: wait 300 ms ..."), without git's "[PATCH n/m]"; "" if none.
std::string patch_subject(const std::filesystem::path& patch);

// The files a patch changes or creates ("+++ b/PATH" lines), relative to the tree.
std::vector<std::string> patched_files(const std::filesystem::path& patch);

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
