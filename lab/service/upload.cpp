#include "service/upload.h"

#include "common/error.h"
#include "service/views.h"

#include <map>

namespace bootlab::service {
namespace {

// The value of `key` in a header's parameters: multipart/form-data; boundary="x"
std::string header_param(std::string_view header, std::string_view key) {
    std::size_t pos = 0;
    while ((pos = header.find(key, pos)) != std::string_view::npos) {
        const bool starts = pos == 0 || header[pos - 1] == ';' || header[pos - 1] == ' ';
        pos += key.size();
        if (!starts || pos >= header.size() || header[pos] != '=') continue;
        std::string_view v = header.substr(pos + 1);
        if (!v.empty() && v.front() == '"') {
            v.remove_prefix(1);
            return std::string(v.substr(0, v.find('"')));
        }
        return std::string(v.substr(0, v.find(';')));
    }
    return {};
}

struct Part {
    std::string name, filename;
    std::string_view data;
};

std::vector<Part> multipart(std::string_view body, const std::string& boundary) {
    if (boundary.empty() || boundary.size() > 200) throw Error("upload: multipart body without a boundary");
    const std::string delim = "--" + boundary;
    std::vector<Part> parts;
    std::size_t pos = body.find(delim);
    if (pos == std::string_view::npos) throw Error("upload: multipart body without its first boundary");
    for (;;) {
        pos += delim.size();
        if (body.substr(pos, 2) == "--") return parts; // the closing boundary
        if (body.substr(pos, 2) != "\r\n") throw Error("upload: malformed multipart boundary line");
        pos += 2;
        const std::size_t head_end = body.find("\r\n\r\n", pos);
        if (head_end == std::string_view::npos) throw Error("upload: multipart part without the end of its headers");
        std::string_view head = body.substr(pos, head_end - pos);
        const std::size_t data = head_end + 4;
        const std::size_t next = body.find("\r\n" + delim, data);
        if (next == std::string_view::npos) throw Error("upload: multipart body ends inside a part (truncated?)");
        Part p;
        for (std::size_t line = 0; line < head.size();) {
            std::size_t eol = head.find("\r\n", line);
            std::string_view h = head.substr(line, eol == std::string_view::npos ? std::string_view::npos : eol - line);
            std::string lower(h.substr(0, h.find(':')));
            for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (lower == "content-disposition") {
                p.name = header_param(h, "name");
                p.filename = header_param(h, "filename");
            }
            if (eol == std::string_view::npos) break;
            line = eol + 2;
        }
        p.data = body.substr(data, next - data);
        parts.push_back(p);
        pos = next + 2;
    }
}

// One line of printable text, at most 200 bytes: what a name in the database may be.
std::string field(const std::string& key, std::string_view v) {
    if (v.size() > 200) throw Error("upload: " + key + " is longer than 200 bytes");
    for (unsigned char c : v)
        if (c < 0x20 || c == 0x7f) throw Error("upload: " + key + " contains a control character");
    return std::string(v);
}

} // namespace

Upload parse_upload(const HttpRequest& req) {
    Upload u;
    std::map<std::string, std::string> fields = req.query;
    const std::string type = req.header("content-type");
    if (type.rfind("multipart/form-data", 0) == 0) {
        bool have_log = false;
        for (const Part& p : multipart(req.body, header_param(type, "boundary"))) {
            if (p.name == "log") {
                u.log.assign(p.data);
                u.filename = p.filename;
                have_log = true;
            } else if (!p.name.empty()) {
                fields[p.name] = std::string(p.data);
            }
        }
        if (!have_log) throw Error("upload: no file field named `log` (curl -F log=@boot.log)");
    } else {
        u.log = req.body;
    }
    if (u.log.empty()) throw Error("upload: the log is empty (send it as the body, or as the file field `log`)");
    auto get = [&](const char* k) { return fields.count(k) ? field(k, fields[k]) : std::string(); };
    u.experiment = get("experiment");
    u.variant = get("variant");
    u.host = get("host");
    u.kernel = get("kernel");
    u.filename = field("filename", u.filename);
    if (const std::string id = get("experiment_id"); !id.empty()) {
        u.experiment_id = parse_id(id);
        if (!*u.experiment_id) throw Error("upload: experiment_id=" + id + ": expected an experiment id");
    }
    return u;
}

} // namespace bootlab::service
