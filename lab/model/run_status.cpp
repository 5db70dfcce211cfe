#include "model/run_status.h"

#include <array>

namespace bootlab::model {

namespace {
constexpr std::array kNames{"ok", "panic", "timeout", "cancelled", "error"};
}

const char* to_string(RunStatus s) { return kNames[static_cast<std::size_t>(s)]; }

std::optional<RunStatus> parse_run_status(std::string_view text) {
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (text == kNames[i]) return static_cast<RunStatus>(i);
    return std::nullopt;
}

} // namespace bootlab::model
