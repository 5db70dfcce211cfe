#pragma once
#include "model/boot.h"

#include <optional>
#include <string>

namespace bootlab::report {

std::string seconds(model::Micros us);                 // "2.334877 s"
std::string seconds(std::optional<model::Micros> us);  // "-" when unknown
std::string millis(model::Micros us);                  // "3161.473ms"
// "16_do_scan_async [scsi_mod]" — the name as the kernel printed it, without offsets
std::string span_label(const model::Span& s);

} // namespace bootlab::report
