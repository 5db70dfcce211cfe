#include "common/escape.h"

#include "common/text.h"

namespace bootlab {

std::string xml_escape(std::string_view raw) {
    // XML 1.0 forbids most control characters even as references, and the file must be UTF-8
    const std::string cleaned = is_clean_text(raw) ? std::string() : clean_text(raw);
    const std::string_view s = cleaned.empty() ? raw : cleaned;
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
            out += c;
        }
    }
    return out;
}

std::string csv_field(std::string_view s) {
    std::string v(s);
    // A cell starting with = + - @ is a formula to spreadsheets: a log could carry one. So is
    // one starting with tab or CR (OWASP's list): spreadsheets skip them and read on.
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' ||
                       v[0] == '\r')) {
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
