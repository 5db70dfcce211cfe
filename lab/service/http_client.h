#pragma once
// The client side, for `bootlab import --upload URL` and `bootlab check --upload URL`: one
// request, synchronously, over plain HTTP (a service behind TLS sits behind a proxy that ends it).
#include <chrono>
#include <string>
#include <vector>

namespace bootlab::service {

struct ClientResponse {
    int status = 0;
    std::string content_type, body;
};

// url: http://HOST[:PORT][/PREFIX]; path is appended ("/api/runs?variant=x"). Throws
// bootlab::Error naming the URL when it cannot connect or the answer does not arrive.
ClientResponse http_call(const std::string& method, const std::string& url, const std::string& path,
                         const std::string& token, const std::string& content_type, std::string body,
                         std::chrono::seconds timeout = std::chrono::seconds(300));

// The service's token for a client: $BOOTLAB_TOKEN, else the token file (service/token.h)
std::string client_token(const std::string& token_file);

} // namespace bootlab::service
