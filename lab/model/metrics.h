#pragma once
#include "model/boot.h"

namespace bootlab::model {

// The headline numbers of one boot, derived from its spans, waits and markers only.
Metrics compute_metrics(const Boot& boot);

// Time of the first marker with this name, if it has one.
std::optional<Micros> marker_time(const Boot& boot, std::string_view name);

} // namespace bootlab::model
