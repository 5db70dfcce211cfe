#include "common/sha256.h"

#include "common/error.h"

#include <fstream>
#include <openssl/evp.h>

namespace bootlab {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr);
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

Sha256& Sha256::add(std::string_view b) {
    EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), b.data(), b.size());
    return *this;
}

Sha256& Sha256::add_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw Error(p.string() + ": cannot read");
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0)
        add(std::string_view(buf, static_cast<std::size_t>(in.gcount())));
    return *this;
}

std::string Sha256::hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &n);
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (unsigned i = 0; i < n; ++i) {
        s += digits[md[i] >> 4];
        s += digits[md[i] & 15];
    }
    return s;
}

std::string sha256_file(const std::filesystem::path& p) { return Sha256().add_file(p).hex(); }

} // namespace bootlab
