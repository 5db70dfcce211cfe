#include "service/token.h"

#include "common/error.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace bootlab::service {

std::filesystem::path default_token_file() {
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return std::filesystem::path(x) / "bootlab/service-token";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".config/bootlab/service-token";
}

namespace {
std::string random_token() {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw Error("no random bytes for a service token", ErrorKind::Internal);
    static const char* hex = "0123456789abcdef";
    std::string t;
    for (unsigned char b : bytes) {
        t += hex[b >> 4];
        t += hex[b & 15];
    }
    return t;
}
} // namespace

std::string load_or_create_token(const std::filesystem::path& file, bool* created) {
    if (created) *created = false;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        if (errno != ENOENT) throw Error(file.string() + ": " + std::strerror(errno));
        std::error_code ec;
        if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
        // O_EXCL: two services starting at once do not overwrite each other's token
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            const std::string line = random_token() + "\n";
            const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
            ::close(fd);
            if (!ok) throw Error(file.string() + ": cannot write the new token");
            if (created) *created = true;
        } else if (errno != EEXIST) {
            throw Error(file.string() + ": cannot create the token file: " + std::strerror(errno));
        }
        if (::stat(file.c_str(), &st) != 0) throw Error(file.string() + ": " + std::strerror(errno));
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        throw Error(file.string() + ": the token file can be read by others (chmod 600 it)");
    std::ifstream in(file);
    std::string token;
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (!in && !in.eof()) throw Error(file.string() + ": cannot read the token");
    if (token.size() < 16) throw Error(file.string() + ": the token is empty or shorter than 16 characters");
    return token;
}

bool same_token(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace bootlab::service
