#pragma once
// The one way bootlab writes an output file (report, export, run set): into FILE.tmp-PID beside
// it, then renamed over FILE. A failed or killed write never leaves half a file under FILE's
// name, and a failed one leaves no temporary file either. "-" writes to stdout.
#include <functional>
#include <ostream>
#include <string>

namespace bootlab {

void write_atomically(const std::string& out, const std::function<void(std::ostream&)>& write);

} // namespace bootlab
