#include "store/span_batch.h"

namespace bootlab::store {

SpanBatch SpanPacker::pack(const model::Span* first, std::size_t n) {
    SpanBatch batch;
    batch.spans.reserve(n);
    for (const model::Span* sp = first; sp != first + n; ++sp) {
        auto it = index_.find(Name{sp->function, sp->module});
        if (it == index_.end()) {
            names_.push_back(std::make_unique<std::pair<std::string, std::string>>(sp->function, sp->module));
            const auto& [function, module] = *names_.back();
            it = index_.emplace(Name{function, module}, static_cast<std::uint32_t>(names_.size() - 1)).first;
            batch.new_names.emplace_back(function, module);
        }
        batch.spans.push_back(PackedSpan{sp->seq, it->second, sp->cookie, sp->pid, sp->start, sp->duration,
                                         sp->ret, sp->kind, sp->line});
    }
    return batch;
}

} // namespace bootlab::store
