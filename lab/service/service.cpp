#include "service/service.h"

#include "ingest/ingest.h"
#include "service/api.h"
#include "service/assets.h"
#include "service/pages.h"
#include "service/token.h"
#include "service/upload.h"
#include "service/views.h"

namespace bootlab::service {

std::vector<std::pair<std::string, std::string>> security_headers() {
    return {{"Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                        "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                                        "frame-ancestors 'none'; base-uri 'none'"},
            {"X-Content-Type-Options", "nosniff"},
            {"Referrer-Policy", "no-referrer"}};
}

Service::Service(ServiceOptions options)
    : options_(std::move(options)), writer_(options_.db), readers_(options_.db) {}

namespace {
constexpr std::size_t kCacheBytes = 64u << 20;

// What a run's pages are computed from: a stored run changes only when it is reparsed (or
// replaced under its id), which changes one of these.
// Asked on every request for a cached page, so it reads the run row alone (no joins).
std::string run_stamp(store::Store& store, std::int64_t id) {
    store::Stmt s(store.db(), "SELECT parser_version, lines_total, log_bytes, created, status, sync_count + async_count "
                              "FROM run WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) store.require_run(id); // throws: no such run
    std::string stamp;
    for (int c = 0; c < 6; ++c) stamp += s.text(c) + "/";
    return stamp;
}
// What a history is computed from: every run's id and metrics (one pass over the run table,
// a millisecond on 10,000 runs, against tens to draw the charts).
std::string history_stamp(store::Store& store) {
    store::Stmt s(store.db(), "SELECT count(*), max(id), total(boot_to_init_us), total(init_done_us), total(status = 'ok'), "
                              "total(warmup) FROM run");
    s.step();
    std::string stamp;
    for (int c = 0; c < 6; ++c) stamp += s.text(c) + "/";
    return stamp;
}

std::string bearer(const HttpRequest& req) {
    const std::string h = req.header("authorization");
    return h.rfind("Bearer ", 0) == 0 ? h.substr(7) : std::string();
}

std::string cookie_token(const HttpRequest& req) {
    const std::string c = req.header("cookie");
    const std::string key = "bootlab_token=";
    for (std::size_t pos = c.find(key); pos != std::string::npos; pos = c.find(key, pos + 1))
        if (pos == 0 || c[pos - 1] == ' ' || c[pos - 1] == ';') return c.substr(pos + key.size(), c.find(';', pos) - pos - key.size());
    return {};
}

bool is_api(const HttpRequest& req) { return req.path.rfind("/api/", 0) == 0; }

HttpResponse failure(const HttpRequest& req, int status, const std::string& message) {
    return is_api(req) ? json_error(status, message) : page_error(status, message);
}

HttpResponse unauthorized(const HttpRequest& req, int status, const std::string& why) {
    HttpResponse r = failure(req, status, why);
    if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"bootlab\"");
    return r;
}

// "/runs/12/log" -> {"runs", "12", "log"}
std::vector<std::string> parts(const std::string& path) {
    std::vector<std::string> out;
    std::size_t pos = 1;
    while (pos <= path.size()) {
        std::size_t slash = path.find('/', pos);
        std::string p = path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
        if (!p.empty()) out.push_back(std::move(p));
        if (slash == std::string::npos) break;
        pos = slash + 1;
    }
    return out;
}
} // namespace

std::optional<HttpResponse> Service::admit(const HttpRequest& req) {
    const bool write = req.method != "GET";
    if (req.method != "GET" && req.method != "POST")
        return HttpResponse{json_error(405, req.method + ": only GET and POST are served")};
    if (!write && options_.open_reads) return std::nullopt;
    if (!write && !req.param("token").empty()) { // a browser presenting the token once
        if (!same_token(req.param("token"), options_.token)) return unauthorized(req, 403, "wrong token");
        HttpResponse r{303, "text/plain", "", {}};
        r.headers.emplace_back("Location", req.path);
        r.headers.emplace_back("Set-Cookie", "bootlab_token=" + options_.token + "; HttpOnly; SameSite=Strict; Path=/");
        return r;
    }
    // writes only with the header: a cookie would let another site's form post here
    std::string given = bearer(req);
    if (given.empty() && !write) given = cookie_token(req);
    if (given.empty())
        return unauthorized(req, 401, std::string(write ? "writes" : "reads") +
                                          " need the service's token: Authorization: Bearer TOKEN");
    if (!same_token(given, options_.token)) return unauthorized(req, 403, "wrong token");
    return std::nullopt;
}

HttpResponse Service::handle(const HttpRequest& req) {
    try {
        if (req.method == "POST") {
            if (req.path == "/api/runs") return upload(req);
            if (req.path == "/api/check") {
                auto store = readers_.acquire();
                return api_check(*store, req);
            }
            return json_error(405, "POST " + req.path + ": nothing to post here (POST /api/runs, /api/check)");
        }
        return get(req);
    } catch (const Error& e) {
        // the store's messages name its file: a client is told "the database", not the path
        std::string message = e.what();
        const std::string path = options_.db.string();
        for (auto at = message.find(path); !path.empty() && at != std::string::npos; at = message.find(path))
            message.replace(at, path.size(), "the database");
        return failure(req, http_status(e.kind()), message);
    }
}

HttpResponse Service::get(const HttpRequest& req) {
    const auto p = parts(req.path);
    if (p.size() == 2 && p[0] == "static") {
        auto a = asset(p[1]);
        if (!a) return failure(req, 404, "no such file");
        const bool js = p[1].size() > 3 && p[1].compare(p[1].size() - 3, 3, ".js") == 0;
        return {200, js ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8", std::string(*a),
                {{"Cache-Control", "max-age=300"}}};
    }
    auto store = readers_.acquire();
    if (p.empty()) return page_index(*store, req);
    const std::int64_t id = p.size() >= 2 ? parse_id(p[1]) : 0;
    if (p[0] == "runs" && id) {
        if (p.size() == 2 && req.query.empty())
            return cached(req.path, run_stamp(*store, id), [&] { return page_run(*store, id, req); });
        if (p.size() == 2) return page_run(*store, id, req);
        if (p.size() == 3) return run_download(*store, id, p[2]);
    }
    if (p[0] == "experiments" && id && p.size() == 2) return page_experiment(*store, id);
    if (p.size() == 1 && p[0] == "history")
        return cached(req.target, history_stamp(*store), [&] { return page_history(*store, req); });
    if (p.size() == 1 && p[0] == "compare") return page_compare(*store, req);
    if (p[0] == "api" && p.size() >= 2) {
        std::int64_t aid = p.size() == 3 ? parse_id(p[2]) : 0;
        if (p[1] == "runs" && p.size() == 2) return api_runs(*store, req);
        if (p[1] == "runs" && aid) return cached(req.path, run_stamp(*store, aid), [&] { return api_run(*store, aid); });
        if (p[1] == "runs" && p.size() == 4 && p[3] == "critical-path" && (aid = parse_id(p[2])))
            return api_critical_path(*store, aid);
        if (p[1] == "experiments" && p.size() == 2) return api_experiments(*store);
        if (p[1] == "experiments" && aid) return api_experiment(*store, aid);
        if (p[1] == "history" && p.size() == 2)
            return cached(req.target, history_stamp(*store), [&] { return api_history(*store, req); });
        if (p[1] == "compare" && p.size() == 2) return api_compare(*store, req);
        if (p[1] == "functions" && p.size() == 2) return api_functions(*store);
    }
    return failure(req, 404, req.path + ": no such page");
}


HttpResponse Service::cached(const std::string& key, const std::string& stamp, const std::function<HttpResponse()>& render) {
    {
        std::lock_guard<std::mutex> lock(cache_mu_);
        auto it = cache_.find(key);
        if (it != cache_.end() && it->second.stamp == stamp) return it->second.response;
    }
    HttpResponse r = render();
    if (r.status != 200) return r;
    r.shared_body = std::make_shared<const std::string>(std::move(r.body));
    r.body.clear();
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (cached_bytes_ + r.shared_body->size() > kCacheBytes) { // full: start over (simple, and bounded)
        cache_.clear();
        cached_bytes_ = 0;
    }
    auto& slot = cache_[key];
    cached_bytes_ += r.shared_body->size() - (slot.response.shared_body ? slot.response.shared_body->size() : 0);
    slot = {stamp, r};
    return r;
}

HttpResponse Service::upload(const HttpRequest& req) {
    Upload u = parse_upload(req);
    ingest::ImportOptions opt;
    opt.run.experiment_id = u.experiment_id;
    opt.run.experiment_name = u.experiment.empty() ? "upload" : u.experiment;
    opt.run.experiment_origin = "service";
    opt.run.variant = u.variant.empty() ? "upload" : u.variant;
    opt.run.host = u.host;
    opt.run.backend = "import";
    opt.run.source = u.filename.empty() ? "upload" : "upload of " + u.filename;
    if (!u.kernel.empty()) {
        opt.run.kernel.hash = "upload:" + u.kernel;
        opt.run.kernel.origin = "unknown";
        opt.run.kernel.series = u.kernel;
    }
    const std::string name = u.filename.empty() ? "upload" : u.filename;
    ingest::ImportResult r = writer_.run([&](store::Store& s) {
        if (u.experiment_id && !s.experiment(*u.experiment_id))
            throw Error("experiment_id=" + std::to_string(*u.experiment_id) + ": no such experiment", ErrorKind::NotFound);
        return ingest::import_text(s, u.log, name, opt);
    });
    const std::string url = "/runs/" + std::to_string(r.run_id);
    const model::Metrics& m = r.boot.metrics;
    HttpResponse res = json_response({{"id", r.run_id}, {"experiment_id", r.experiment_id}, {"status", model::to_string(r.status)},
                                      {"url", url}, {"spans", r.boot.spans.size()},
                                      {"boot_to_init_us", m.boot_to_init ? nlohmann::json(*m.boot_to_init) : nlohmann::json()},
                                      {"init_done_us", m.init_done ? nlohmann::json(*m.init_done) : nlohmann::json()}},
                                     201);
    res.headers.emplace_back("Location", url);
    return res;
}

} // namespace bootlab::service
