#pragma once
#include "model/boot.h"
#include "model/host_marks.h"

#include <optional>
#include <string>

namespace bootlab::report {

std::string seconds(model::Micros us);                 // "2.334877 s"
std::string seconds(std::optional<model::Micros> us);  // "-" when unknown
std::string millis(model::Micros us);                  // "3161.473ms"
// "16_do_scan_async [scsi_mod]" — the name as the kernel printed it, without offsets
std::string span_label(const model::Span& s);
// "0.41 s" — host-clock figures, good to the ~20 ms a console mark is
std::string host_seconds(std::optional<model::Micros> us);
// "firmware 0.41 s, kernel 1.50 s, userspace 2.21 s, shutdown 0.05 s (emulator start to exit
// 4.18 s)"; "" for a run without host marks (an imported log)
std::string host_clock_line(const model::HostMarks& m);

} // namespace bootlab::report
