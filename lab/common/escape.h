#pragma once
// Escaping for everything bootlab writes: log text is untrusted input.
#include <string>
#include <string_view>

namespace bootlab {

std::string xml_escape(std::string_view s);  // &, <, >, ", ' and control characters
std::string csv_field(std::string_view s);   // RFC 4180, plus a leading ' against formula injection

} // namespace bootlab
