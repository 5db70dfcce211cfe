#pragma once
// The service's HTML pages, rendered on the server from the same libraries as the CLI and the
// GUI. Everything that came from a log, a file or a request is escaped; the only scripts are
// /static/ files (the Content-Security-Policy allows no other).
#include "service/http.h"
#include "store/store.h"

namespace bootlab::service {

HttpResponse page_index(store::Store& store, const HttpRequest& req);
HttpResponse page_run(store::Store& store, std::int64_t id, const HttpRequest& req);
HttpResponse page_experiment(store::Store& store, std::int64_t id);
HttpResponse page_history(store::Store& store, const HttpRequest& req);
HttpResponse page_compare(store::Store& store, const HttpRequest& req);
// A page that says what went wrong (a run that does not exist, a bad selector), with a status.
HttpResponse page_error(int status, const std::string& message);

// A run's downloads: /runs/ID/log, /runs/ID/trace.json, /runs/ID/spans.csv, /runs/ID/timeline.svg
HttpResponse run_download(store::Store& store, std::int64_t id, const std::string& what);

} // namespace bootlab::service
