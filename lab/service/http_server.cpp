#include "service/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <thread>

namespace bootlab::service {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// What connections share with the server, owned by both: sessions still queued in the
// io_context are destroyed with it, after the server's other members.
struct Shared {
    ServerOptions options;
    HttpHandler& handler;
    std::atomic<int> connections{0};
};

struct HttpServer::Impl {
    Impl(const ServerOptions& o, HttpHandler& h) : shared(new Shared{o, h}) {}
    void accept();

    std::shared_ptr<Shared> shared;
    net::io_context ioc;
    tcp::acceptor acceptor{ioc};
    net::signal_set signals{ioc, SIGINT, SIGTERM};
};

namespace {

// One connection: requests read and answered one after another (HTTP/1.1 keep-alive), all on
// the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, std::shared_ptr<Shared> server) : stream_(std::move(socket)), server_(std::move(server)) {}
    ~Session() { --server_->connections; }
    void start() {
        net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read_header, shared_from_this()));
    }

private:
    const ServerOptions& opt() const { return server_->options; }

    void read_header() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(opt().max_header));
        parser_->body_limit(opt().max_body);
        stream_.expires_after(opt().read_timeout); // the whole request, header and body
        http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Session::on_header, shared_from_this()));
    }

    // The request as handlers see it; false when its target is not valid percent-encoding.
    bool convert(const http::request<http::string_body>& r, HttpRequest& out) {
        out.method = std::string(r.method_string());
        out.target = std::string(r.target());
        for (const auto& f : r) {
            std::string name(f.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            out.headers[name] = std::string(f.value());
        }
        return !out.target.empty() && out.target[0] == '/' && split_target(out.target, out.path, out.query);
    }

    void on_header(beast::error_code ec, std::size_t) {
        if (ec) return failed(ec);
        const auto& req = parser_->get();
        HttpRequest head;
        if (!convert(req, head)) return send(json_error(400, "bad request target"), true);
        if (auto len = parser_->content_length(); len && *len > opt().max_body)
            return send(json_error(413, "request body of " + std::to_string(*len) + " bytes: the limit is " +
                                            std::to_string(opt().max_body)), true);
        if (auto early = server_->handler.admit(head)) return send(std::move(*early), true);
        if (beast::iequals(req[http::field::expect], "100-continue")) {
            auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
            http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code e, std::size_t) {
                if (e) return self->failed(e);
                self->read_body();
            });
            return;
        }
        read_body();
    }

    void read_body() {
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_request, shared_from_this()));
    }

    void on_request(beast::error_code ec, std::size_t) {
        if (ec) return failed(ec);
        http::request<http::string_body> req = parser_->release();
        const bool keep = req.keep_alive();
        HttpRequest r;
        convert(req, r);
        r.body = std::move(req.body());
        HttpResponse answer;
        try {
            answer = server_->handler.handle(r);
        } catch (const Error& e) {
            answer = json_error(http_status(e.kind()), e.what());
        } catch (const std::exception& e) {
            answer = json_error(500, std::string("internal error: ") + e.what());
        }
        send(std::move(answer), !keep);
    }

    // Errors while reading: say what was wrong where the client can still read it.
    void failed(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == net::error::eof) return close();
        if (ec == beast::error::timeout || ec == net::error::operation_aborted) return close();
        if (ec == http::error::header_limit)
            return send(json_error(431, "request header larger than " + std::to_string(opt().max_header) + " bytes"), true);
        if (ec == http::error::body_limit)
            return send(json_error(413, "request body larger than " + std::to_string(opt().max_body) + " bytes"), true);
        if (ec.category() == beast::error_code(http::error::bad_target).category()) // not HTTP
            return send(json_error(400, "malformed HTTP request: " + ec.message()), true);
        close();
    }

    void send(HttpResponse r, bool close_after) {
        res_ = {};
        res_.version(11);
        res_.result(static_cast<unsigned>(r.status));
        res_.set(http::field::server, "bootlab");
        res_.set(http::field::content_type, r.content_type);
        for (const auto& [k, v] : opt().headers) res_.set(k, v);
        for (const auto& [k, v] : r.headers) res_.set(k, v);
        body_ = r.shared_body ? std::move(r.shared_body) : std::make_shared<const std::string>(std::move(r.body));
        res_.body() = http::span_body<const char>::value_type(body_->data(), body_->size());
        res_.keep_alive(!close_after);
        res_.prepare_payload();
        stream_.expires_after(opt().write_timeout);
        http::async_write(stream_, res_, [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            if (close_after) return self->linger();
            self->read_header();
        });
    }

    // After an answer that ends the connection: stop sending, then read (and drop) what the
    // client still sends for a moment, so that closing does not reset the connection before the
    // client has read the answer (a 413 sent while a body was still arriving).
    void linger() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(std::chrono::seconds(2));
        drain();
    }
    void drain() {
        stream_.async_read_some(net::buffer(sink_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            self->drain();
        });
    }
    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.socket().close(ignored);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<const std::string> body_;  // what res_ points at: alive until written
    http::response<http::span_body<const char>> res_;
    std::array<char, 8192> sink_{};
    std::shared_ptr<Shared> server_;
};

} // namespace

void HttpServer::Impl::accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (!acceptor.is_open()) return;
        if (!ec) {
            if (shared->connections.load() >= shared->options.max_connections) {
                // busy: say so at once instead of leaving the client waiting
                static const std::string busy =
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    "Content-Length: 43\r\n\r\n{\"error\": \"too many connections; try again\"}";
                beast::error_code ignored;
                net::write(socket, net::buffer(busy), ignored);
                socket.shutdown(tcp::socket::shutdown_both, ignored);
            } else {
                ++shared->connections;
                std::make_shared<Session>(std::move(socket), shared)->start();
            }
        }
        accept();
    });
}

HttpServer::HttpServer(const std::string& address, std::uint16_t port, const ServerOptions& options, HttpHandler& handler)
    : impl_(std::make_unique<Impl>(options, handler)) {
    beast::error_code ec;
    const auto ip = net::ip::make_address(address, ec);
    if (ec) throw Error("--listen " + address + ": not an IP address");
    const tcp::endpoint at{ip, port};
    const std::string where = (ip.is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(port);
    auto& a = impl_->acceptor;
    if (!a.open(at.protocol(), ec) && !a.set_option(net::socket_base::reuse_address(true), ec) && !a.bind(at, ec) &&
        !a.listen(net::socket_base::max_listen_connections, ec))
        return;
    throw Error("cannot listen on " + where + ": " + ec.message());
}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::run() {
    impl_->signals.async_wait([this](beast::error_code ec, int) {
        if (!ec) stop();
    });
    impl_->accept();
    std::vector<std::thread> threads;
    for (int i = 1; i < std::max(1, impl_->shared->options.threads); ++i) threads.emplace_back([this] { impl_->ioc.run(); });
    impl_->ioc.run();
    for (auto& t : threads) t.join();
}

void HttpServer::stop() {
    net::post(impl_->ioc, [this] {
        beast::error_code ignored;
        impl_->acceptor.close(ignored);
        impl_->signals.cancel(ignored);
        impl_->ioc.stop();
    });
}

} // namespace bootlab::service
