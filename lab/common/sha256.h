#pragma once
// Content hashes for cache keys and provenance (OpenSSL's SHA-256).
#include <filesystem>
#include <string>
#include <string_view>

namespace bootlab {

class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256& add(std::string_view bytes);
    Sha256& add_file(const std::filesystem::path& p); // throws Error naming the file
    std::string hex();                                // ends the hash

private:
    void* ctx_;
};

std::string sha256_file(const std::filesystem::path& p);

} // namespace bootlab
