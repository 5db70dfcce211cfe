#pragma once
#include <filesystem>
#include <functional>
#include <string>

namespace bootlab {

// $BOOTLAB_CACHE, else $XDG_CACHE_HOME/bootlab, else ~/.cache/bootlab: downloaded kernels,
// kernel builds, guest images. Everything in it can be deleted and is rebuilt on demand.
std::filesystem::path cache_dir();

// A directory beside `final` to fill and then rename into place, so that a cache entry is
// either complete or absent, even after a crash.
std::filesystem::path staging_dir_for(const std::filesystem::path& final);

// Removes the entries of `dir` named PREFIX<pid>... whose process is gone: what a killed bootlab
// left (staging directories, scratch disks).
void remove_leftovers(const std::filesystem::path& dir, const std::string& prefix);

// Runs `fill` to make the cache entry `final` in `staging` (see staging_dir_for). If it fails,
// the staging directory is removed (nothing half made stays), and a full disk is said as such:
// "CACHE: no space left on the device while WHAT: free space, or point BOOTLAB_CACHE at a
// bigger disk", whatever words the failing tool used.
void fill_cache_entry(const std::filesystem::path& staging, const std::string& what,
                      const std::function<void()>& fill);

// Renames `staging` to `final`; if another process got there first, keeps theirs.
void publish(const std::filesystem::path& staging, const std::filesystem::path& final);

// Puts `staging` in the place of an existing `final` (a forced rebuild): the old entry is
// renamed aside first, so that at every moment `final` is either the old entry or the new one,
// never half of one. (Leftovers of a process killed in between are swept by staging_dir_for.)
void replace(const std::filesystem::path& staging, const std::filesystem::path& final);

} // namespace bootlab
