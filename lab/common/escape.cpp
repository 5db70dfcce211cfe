#include "common/escape.h"

namespace bootlab {

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default:
            // XML 1.0 forbids most control characters even as references: drop them.
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') break;
            out += c;
        }
    }
    return out;
}

std::string csv_field(std::string_view s) {
    std::string v(s);
    // A cell starting with = + - @ is a formula to spreadsheets: a log could carry one.
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) {
        bool number = v.size() > 1 && v[0] == '-' &&
                      v.find_first_not_of("0123456789", 1) == std::string::npos;
        if (!number) v = "'" + v;
    }
    if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace bootlab
