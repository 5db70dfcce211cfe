#include "store/zstd_codec.h"

#include "common/error.h"

#include <memory>
#include <zstd.h>

namespace bootlab::store {

std::string zstd_compress(std::string_view in, int level) {
    // not a zero-filled std::string of the bound: a 1 MiB memset per chunk showed in profiles
    const std::size_t bound = ZSTD_compressBound(in.size());
    auto out = std::make_unique_for_overwrite<char[]>(bound);
    std::size_t n = ZSTD_compress(out.get(), bound, in.data(), in.size(), level);
    if (ZSTD_isError(n)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(n));
    return std::string(out.get(), n);
}

std::string zstd_decompress(std::string_view frame) {
    unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ULL << 31))
        throw Error("stored log chunk is not a valid zstd frame");
    std::string out(size, '\0');
    std::size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
    if (ZSTD_isError(n)) throw Error(std::string("stored log chunk: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

} // namespace bootlab::store
