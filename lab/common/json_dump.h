#pragma once
// The one way bootlab turns JSON into text. Stored text is clean UTF-8 (common/text.h), but a
// database written by an older bootlab may hold any bytes: they print as U+FFFD rather than
// make the whole output fail (nlohmann's default throws type_error.316).
#include <nlohmann/json.hpp>

#include <string>

namespace bootlab {

inline std::string json_dump(const nlohmann::json& j, int indent = -1) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace bootlab
