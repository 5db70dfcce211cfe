#pragma once
// `bootlab serve`: the reporting service, a thin front-end over the same libraries as the CLI
// and the GUI. Routes:
//   GET  /  /runs/ID[/log|/trace.json|/spans.csv|/timeline.svg]  /experiments/ID  /history
//        /compare  /static/NAME
//   GET  /api/runs  /api/runs/ID  /api/experiments  /api/experiments/ID  /api/history
//        /api/compare  /api/functions
//   POST /api/runs (upload a log)  /api/check (the regression gate on stored runs)
// Security: every POST needs `Authorization: Bearer TOKEN`; reads too unless open_reads (then a
// browser may also present the token once as ?token=, kept in an HttpOnly cookie).
#include "service/http_server.h"
#include "service/workers.h"

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>

namespace bootlab::service {

struct ServiceOptions {
    std::filesystem::path db;
    std::string token;
    bool open_reads = true;
};

// The headers every answer carries: no script, style or frame from anywhere but this server.
std::vector<std::pair<std::string, std::string>> security_headers();

class Service : public HttpHandler {
public:
    explicit Service(ServiceOptions options); // opens (creates, migrates) the database
    std::optional<HttpResponse> admit(const HttpRequest& head) override;
    HttpResponse handle(const HttpRequest& request) override;

private:
    HttpResponse get(const HttpRequest& req);
    HttpResponse upload(const HttpRequest& req);
    // The answer for `key`, rendered once and kept while `stamp` (what it was computed from)
    // stays the same.
    HttpResponse cached(const std::string& key, const std::string& stamp, const std::function<HttpResponse()>& render);

    ServiceOptions options_;
    Writer writer_; // first: creates and migrates the database the readers open
    ReaderPool readers_;
    struct Cached {
        std::string stamp;
        HttpResponse response;
    };
    std::mutex cache_mu_;
    std::map<std::string, Cached> cache_;
    std::size_t cached_bytes_ = 0;
};

} // namespace bootlab::service
