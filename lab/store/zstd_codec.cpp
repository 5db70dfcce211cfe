#include "store/zstd_codec.h"

#include "common/error.h"

#include <zstd.h>

namespace bootlab::store {

std::string zstd_compress(std::string_view in, int level) {
    std::string out(ZSTD_compressBound(in.size()), '\0');
    std::size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), level);
    if (ZSTD_isError(n)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
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
