#include "common/atomic_file.h"

#include "common/error.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace bootlab {

void write_atomically(const std::string& out, const std::function<void(std::ostream&)>& write) {
    if (out == "-") {
        write(std::cout);
        return;
    }
    namespace fs = std::filesystem;
    fs::path p(out);
    std::error_code ec;
    if (p.has_parent_path()) {
        fs::create_directories(p.parent_path(), ec);
        if (ec) throw Error(out + ": cannot create directory: " + ec.message());
    }
    if (fs::is_directory(p, ec)) throw Error(out + ": is a directory");
    const std::string tmp = out + ".tmp-" + std::to_string(::getpid());
    try {
        std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
        if (!o) throw Error(out + ": cannot write: " + std::strerror(errno));
        write(o);
        o.flush();
        if (!o) throw Error(out + ": write failed (disk full?)");
        o.close();
        fs::rename(tmp, out, ec);
        if (ec) throw Error(out + ": cannot rename " + tmp + " into place: " + ec.message());
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
}

} // namespace bootlab
