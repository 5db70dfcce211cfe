#pragma once
// Debian packages bootlab takes kernels from, fetched with apt but never installed: the stock
// kernel image (linux-image-*-amd64-unsigned) and the kernel source (linux-source-6.1).
#include <filesystem>
#include <functional>
#include <string>

namespace bootlab::kernel {

// apt-cache takes about a second per call. `compute` runs only when apt's index has changed
// since its answer was kept in `memo` (`apt-get update` rewrites the index); the answer is one
// line of text.
std::string apt_memo(const std::filesystem::path& memo, const std::function<std::string()>& compute);

// The candidate version of a package: `apt-cache show --no-all-versions`. Throws Error.
std::string apt_candidate_version(const std::string& package);

// `apt-get download PACKAGE=VERSION` into dir; returns the .deb. Throws Error.
std::filesystem::path apt_download(const std::string& package, const std::string& version,
                                   const std::filesystem::path& dir);

// The subdirectory of base most recently published that holds `marker`: what to use when apt
// cannot be asked (offline). Empty if there is none.
std::filesystem::path newest_cached(const std::filesystem::path& base, const std::string& marker,
                                    const std::string& prefix = "");

} // namespace bootlab::kernel
