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
    HttpResponse run_page(store::Store& store, std::int64_t id, const HttpRequest& req);

    ServiceOptions options_;
    Writer writer_; // first: creates and migrates the database the readers open
    ReaderPool readers_;
    // Run pages, rendered once: a stored run changes only when reparsed, which its stamp tells.
    struct CachedPage {
        std::string stamp, body;
    };
    std::mutex cache_mu_;
    std::map<std::int64_t, CachedPage> run_pages_;
    std::size_t cached_bytes_ = 0;
};

} // namespace bootlab::service
