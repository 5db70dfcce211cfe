#pragma once
// The files under /static/ (lab/service/assets, compiled in): looked up by name in a fixed
// table, so no part of a request ever reaches the filesystem.
#include <optional>
#include <string_view>

namespace bootlab::service {

std::optional<std::string_view> asset(std::string_view name);

} // namespace bootlab::service
