#include "service/http.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace bootlab::service {

std::string HttpRequest::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::param(const std::string& key) const {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
}

HttpResponse json_error(int status, const std::string& message) {
    // error_handler::replace: a message quoting a log's invalid UTF-8 is still sent, not thrown
    return {status, "application/json",
            nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
            {}};
}

int http_status(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::Invalid: return 400;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::Unavailable: return 503;
    case ErrorKind::Internal: return 500;
    }
    return 500;
}

namespace {
int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
} // namespace

std::string percent_decode(std::string_view s, bool plus_is_space, bool* ok) {
    std::string out;
    out.reserve(s.size());
    bool good = true;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            const int hi = i + 2 < s.size() ? hex(s[i + 1]) : -1, lo = i + 2 < s.size() ? hex(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                good = false;
                out += s[i];
                continue;
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += plus_is_space && s[i] == '+' ? ' ' : s[i];
        }
    }
    if (ok) *ok = good;
    return out;
}

std::string percent_encode(std::string_view s) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

bool split_target(const std::string& target, std::string& path, std::map<std::string, std::string>& query) {
    const auto q = target.find('?');
    bool ok = true;
    path = percent_decode(std::string_view(target).substr(0, q), false, &ok);
    if (!ok) return false;
    if (q == std::string::npos) return true;
    std::string_view rest = std::string_view(target).substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        bool k_ok = true, v_ok = true;
        std::string key = percent_decode(pair.substr(0, eq), true, &k_ok);
        std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true, &v_ok);
        if (!k_ok || !v_ok) return false;
        query[std::move(key)] = std::move(value);
    }
    return true;
}

} // namespace bootlab::service
