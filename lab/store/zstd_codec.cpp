#include "store/zstd_codec.h"

#include "common/error.h"

#include <memory>
#include <zstd.h>

namespace bootlab::store {

struct ZstdCompressor::Context {
    int level;
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    std::unique_ptr<char[]> out; // not a zero-filled std::string: its memset showed in profiles
    std::size_t out_size = 0;
    ~Context() { ZSTD_freeCCtx(cctx); }
};

ZstdCompressor::ZstdCompressor(int level) : ctx_(std::make_unique<Context>()) {
    ctx_->level = level;
    if (!ctx_->cctx) throw Error("zstd: out of memory");
}
ZstdCompressor::~ZstdCompressor() = default;
ZstdCompressor::ZstdCompressor(ZstdCompressor&&) noexcept = default;
ZstdCompressor& ZstdCompressor::operator=(ZstdCompressor&&) noexcept = default;

std::string ZstdCompressor::compress(std::string_view in) {
    Context& c = *ctx_;
    const std::size_t bound = ZSTD_compressBound(in.size());
    if (c.out_size < bound) {
        c.out = std::make_unique_for_overwrite<char[]>(bound);
        c.out_size = bound;
    }
    std::size_t n = ZSTD_compressCCtx(c.cctx, c.out.get(), c.out_size, in.data(), in.size(), c.level);
    if (ZSTD_isError(n)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(n));
    return std::string(c.out.get(), n);
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
