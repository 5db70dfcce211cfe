#include "image/initramfs.h"

#include "common/atomic_file.h"
#include "common/cache.h"
#include "common/error.h"
#include "common/sha256.h"
#include "process/process.h"

#include <algorithm>
#include <archive.h>
#include <archive_entry.h>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace bootlab::image {
namespace {

namespace fs = std::filesystem;
constexpr const char* kFormat = "bootlab-initramfs-1"; // bump when the image layout changes

// The module files `modprobe NAME` would load, dependencies (and soft dependencies) first.
std::vector<fs::path> module_files(const kernel::Kernel& k, const std::vector<std::string>& names) {
    std::vector<fs::path> files;
    std::set<fs::path> seen;
    for (const auto& name : names) {
        std::string out = process::check_output(
            {"modprobe", "-d", k.root.string(), "-S", k.release, "--show-depends", name},
            "finding module " + name + " in " + k.release + " (is it a module of this kernel?)");
        std::istringstream in(out);
        std::string verb, path;
        while (in >> verb) {
            std::getline(in, path);
            if (verb != "insmod") continue; // "builtin NAME": nothing to carry
            path = path.substr(path.find_first_not_of(' '));
            path = path.substr(0, path.find(' ')); // drop module parameters
            if (seen.insert(path).second) files.emplace_back(path);
        }
    }
    return files;
}

void copy_into(const fs::path& from, const fs::path& to, fs::perms perms) {
    fs::create_directories(to.parent_path());
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    fs::permissions(to, perms);
}

void check(int rc, archive* a, const fs::path& out) {
    if (rc < ARCHIVE_WARN) throw Error(out.string() + ": " + archive_error_string(a));
}

// Fills `stage` with the image's tree and writes stage/image.cpio.gz from it.
void fill_image(const fs::path& stage, const kernel::Kernel& k, const ImageSpec& spec,
                const std::vector<fs::path>& modules, bool with_modules);

} // namespace

fs::path slowprobe_firmware() {
    const fs::path f = cache_dir() / "firmware" / "bootlab-slowprobe-4M.bin";
    if (fs::exists(f)) return f;
    fs::create_directories(f.parent_path());
    std::string blob(4u << 20, '\0');
    std::uint64_t x = 0x626f6f746c6162; // xorshift64, fixed seed: the same blob everywhere
    for (std::size_t i = 0; i + 8 <= blob.size(); i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::memcpy(&blob[i], &x, 8);
    }
    write_atomically(f.string(), [&](std::ostream& o) { o.write(blob.data(), static_cast<std::streamsize>(blob.size())); });
    return f;
}

void write_cpio_gz(const fs::path& tree, const fs::path& out) {
    std::vector<fs::path> paths;
    for (const auto& e : fs::recursive_directory_iterator(tree)) paths.push_back(fs::relative(e.path(), tree));
    std::sort(paths.begin(), paths.end());

    archive* a = archive_write_new();
    std::unique_ptr<archive, decltype(&archive_write_free)> guard(a, archive_write_free);
    check(archive_write_set_format_cpio_newc(a), a, out);
    check(archive_write_add_filter_gzip(a), a, out);
    check(archive_write_open_filename(a, out.c_str()), a, out);
    std::int64_t ino = 1;
    std::vector<char> buf(1 << 16);
    for (const auto& rel : paths) {
        fs::path src = tree / rel;
        struct stat st {};
        if (::lstat(src.c_str(), &st) != 0) throw Error(src.string() + ": cannot stat");
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
        archive_entry_set_pathname(e.get(), rel.c_str());
        archive_entry_set_perm(e.get(), st.st_mode & 07777);
        archive_entry_set_uid(e.get(), 0);
        archive_entry_set_gid(e.get(), 0);
        archive_entry_set_mtime(e.get(), 0, 0);
        archive_entry_set_ino64(e.get(), ino++);
        if (S_ISDIR(st.st_mode)) {
            archive_entry_set_filetype(e.get(), AE_IFDIR);
            archive_entry_set_nlink(e.get(), 2);
            archive_entry_set_size(e.get(), 0); // cpio wants a size on every entry
            check(archive_write_header(a, e.get()), a, out);
        } else if (S_ISLNK(st.st_mode)) {
            archive_entry_set_filetype(e.get(), AE_IFLNK);
            archive_entry_set_symlink(e.get(), fs::read_symlink(src).c_str());
            archive_entry_set_size(e.get(), 0);
            check(archive_write_header(a, e.get()), a, out);
        } else {
            archive_entry_set_filetype(e.get(), AE_IFREG);
            archive_entry_set_nlink(e.get(), 1);
            archive_entry_set_size(e.get(), st.st_size);
            check(archive_write_header(a, e.get()), a, out);
            std::ifstream in(src, std::ios::binary);
            while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
                if (archive_write_data(a, buf.data(), static_cast<std::size_t>(in.gcount())) < 0)
                    throw Error(out.string() + ": " + archive_error_string(a));
        }
    }
    check(archive_write_close(a), a, out);
}

Image build_initramfs(const kernel::Kernel& k, const ImageSpec& spec, const kernel::Progress& progress) {
    if (!fs::exists(spec.init_script)) throw Error(spec.init_script.string() + ": guest init script not found");
    if (!fs::exists(spec.busybox))
        throw Error(spec.busybox.string() + ": not found (install the busybox-static package)");
    const bool with_modules = !k.root.empty() && !k.release.empty() && !spec.modules.empty();
    std::vector<fs::path> modules = with_modules ? module_files(k, spec.modules) : std::vector<fs::path>{};

    Sha256 key;
    key.add(kFormat).add(k.hash).add(k.release);
    for (const auto& m : spec.modules) key.add(m).add("\n");
    key.add_file(spec.init_script).add_file(spec.busybox);
    for (const auto& [where, file] : spec.extra) key.add(where).add_file(file);
    Image img;
    img.hash = key.hex();
    img.path = cache_dir() / "images" / (img.hash.substr(0, 32) + ".cpio.gz");
    if (fs::exists(img.path)) return img;

    if (progress) progress("building guest image (" + std::to_string(modules.size()) + " modules)");
    fs::path stage = staging_dir_for(img.path);
    fill_cache_entry(stage, "building the guest image", [&] { fill_image(stage, k, spec, modules, with_modules); });
    fs::rename(stage / "image.cpio.gz", img.path);
    fs::remove_all(stage);
    return img;
}

namespace {

void fill_image(const fs::path& stage, const kernel::Kernel& k, const ImageSpec& spec,
                const std::vector<fs::path>& modules, bool with_modules) {
    fs::path tree = stage / "tree";
    for (const char* d : {"bin", "sbin", "usr/bin", "usr/sbin", "dev", "proc", "sys", "etc", "tmp"})
        fs::create_directories(tree / d);
    const auto exec = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec;
    const auto data = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;
    copy_into(spec.busybox, tree / "bin/busybox", exec);
    copy_into(spec.init_script, tree / "init", exec);
    if (with_modules) {
        const fs::path mod_dir = fs::path("lib/modules") / k.release;
        for (const auto& m : modules) copy_into(m, tree / fs::relative(m, k.root), data);
        for (const char* f : {"modules.order", "modules.builtin", "modules.builtin.modinfo"})
            if (fs::exists(k.root / mod_dir / f)) copy_into(k.root / mod_dir / f, tree / mod_dir / f, data);
        process::check_output({"depmod", "-b", tree.string(), k.release}, "indexing the guest's modules");
    }
    {
        std::ofstream list(tree / "etc/bootlab-modules");
        for (const auto& m : spec.modules) list << m << "\n";
    }
    for (const auto& [where, file] : spec.extra) copy_into(file, tree / where, data);
    write_cpio_gz(tree, stage / "image.cpio.gz");
}

} // namespace

} // namespace bootlab::image
