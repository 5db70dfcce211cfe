#include "service/http_client.h"

#include "common/error.h"
#include "service/token.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdlib>
#include <fstream>

namespace bootlab::service {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

ClientResponse http_call(const std::string& method, const std::string& url, const std::string& path,
                         const std::string& token, const std::string& content_type, std::string body,
                         std::chrono::seconds timeout) {
    if (url.rfind("http://", 0) != 0) throw Error(url + ": expected http://HOST:PORT");
    std::string rest = url.substr(7);
    const auto slash = rest.find('/');
    std::string prefix = slash == std::string::npos ? "" : rest.substr(slash);
    if (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    std::string hostport = rest.substr(0, slash);
    std::string host = hostport, port = "80";
    if (const auto colon = hostport.rfind(':'); colon != std::string::npos && hostport.back() != ']') {
        host = hostport.substr(0, colon);
        port = hostport.substr(colon + 1);
    }
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    try {
        net::io_context ioc;
        net::ip::tcp::resolver resolver(ioc);
        beast::tcp_stream stream(ioc);
        stream.expires_after(timeout);
        stream.connect(resolver.resolve(host, port));
        http::request<http::string_body> req{http::string_to_verb(method), prefix + path, 11};
        req.set(http::field::host, hostport);
        req.set(http::field::user_agent, "bootlab");
        if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
        if (!content_type.empty()) req.set(http::field::content_type, content_type);
        req.body() = std::move(body);
        req.prepare_payload();
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(256u << 20);
        http::read(stream, buffer, parser);
        beast::error_code ignored;
        stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
        const auto& res = parser.get();
        return {static_cast<int>(res.result_int()), std::string(res[http::field::content_type]), res.body()};
    } catch (const boost::system::system_error& e) {
        throw Error(url + ": " + e.code().message(), ErrorKind::Unavailable);
    }
}

std::string client_token(const std::string& token_file) {
    if (const char* t = std::getenv("BOOTLAB_TOKEN"); t && *t) return t;
    const std::filesystem::path file = token_file.empty() ? default_token_file() : std::filesystem::path(token_file);
    std::ifstream in(file);
    std::string token;
    if (!std::getline(in, token) || token.empty())
        throw Error("no token for the service: set BOOTLAB_TOKEN, or --token-file (the service's " + file.string() + ")");
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    return token;
}

} // namespace bootlab::service
