#pragma once
// The HTTP/1.1 server under `bootlab serve`: Boost.Beast over Asio on a fixed pool of threads,
// with the limits a server reachable by others needs. It knows nothing of bootlab: it reads a
// request within the limits, asks the handler, and writes the answer.
//
// Limits (each answered the way a client can understand):
//   - a header larger than max_header: 431; a body larger than max_body: 413, sent as soon as
//     the header says so, before the body is read;
//   - a request not complete within read_timeout, or an answer not taken within write_timeout
//     (a slow or stalled client): the connection is closed;
//   - more than max_connections open connections: 503 and close, at once;
//   - bytes that are not HTTP: 400 and close.
#include "service/http.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bootlab::service {

struct ServerOptions {
    std::size_t max_body = 64u << 20;   // a kernel log of a verbose boot is a few MiB
    std::size_t max_header = 16u << 10;
    std::chrono::milliseconds read_timeout{30000};
    std::chrono::milliseconds write_timeout{30000};
    int max_connections = 512;
    int threads = 4;
    // sent with every answer, the server's own (413, 503, ...) included: security headers
    std::vector<std::pair<std::string, std::string>> headers;
};

class HttpHandler {
public:
    virtual ~HttpHandler() = default;
    // Called once the header has arrived, before any body is read. An answer here (a write
    // without a token: 401) is sent without reading the body, and the connection closed.
    virtual std::optional<HttpResponse> admit(const HttpRequest& head) = 0;
    // The answer to a whole request. May throw: bootlab::Error becomes a JSON error with its
    // kind's status, anything else a 500.
    virtual HttpResponse handle(const HttpRequest& request) = 0;
};

class HttpServer {
public:
    // Binds and listens at once (throws bootlab::Error naming the address if it cannot); port 0
    // picks a free port, which port() tells.
    HttpServer(const std::string& address, std::uint16_t port, const ServerOptions& options, HttpHandler& handler);
    ~HttpServer();
    std::uint16_t port() const;
    // Serves until stop() or SIGINT/SIGTERM; returns once every thread has finished.
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace bootlab::service
