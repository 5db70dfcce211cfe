#include "report/format.h"

#include <cstdio>

namespace bootlab::report {

std::string seconds(model::Micros us) {
    char b[32];
    std::snprintf(b, sizeof b, "%s%lld.%06lld s", us < 0 ? "-" : "",
                  static_cast<long long>((us < 0 ? -us : us) / 1000000),
                  static_cast<long long>((us < 0 ? -us : us) % 1000000));
    return b;
}

std::string seconds(std::optional<model::Micros> us) { return us ? seconds(*us) : "-"; }

std::string millis(model::Micros us) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3fms", static_cast<double>(us) / 1000.0);
    return b;
}

std::string span_label(const model::Span& s) {
    return s.cookie ? std::to_string(*s.cookie) + "_" + s.key() : s.key();
}

std::string host_seconds(std::optional<model::Micros> us) {
    if (!us) return "?";
    char b[32];
    std::snprintf(b, sizeof b, "%.2f s", static_cast<double>(*us) / 1e6);
    return b;
}

std::string host_clock_line(const model::HostMarks& m) {
    if (!m.any()) return "";
    std::string s;
    for (const auto& i : model::host_intervals(m)) s += (s.empty() ? "" : ", ") + std::string(i.name) + " " + host_seconds(i.us);
    if (m.exit) s += " (emulator start to exit " + host_seconds(m.exit) + ")";
    return s;
}

} // namespace bootlab::report
