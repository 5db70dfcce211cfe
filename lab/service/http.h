#pragma once
// What the service's handlers see of HTTP: a request already read and limited, a response to
// send. No Beast or Asio types here, so handlers (and their tests) need neither.
#include "common/error.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bootlab::service {

struct HttpRequest {
    std::string method;                       // GET, POST, ...
    std::string target;                       // as sent: /runs/5?x=1
    std::string path;                         // percent-decoded, without the query
    std::map<std::string, std::string> query; // percent-decoded; a repeated key keeps its last value
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;

    std::string header(const std::string& lower_name) const;
    std::string param(const std::string& key) const; // "" when absent
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; // besides the ones every answer gets
    // Set instead of body by the service's page cache: a cached page is sent from the one copy
    // every request shares, not copied per request (a run page is ~60 KB).
    std::shared_ptr<const std::string> shared_body = nullptr;
};

// {"error": MESSAGE} with this status: how every failure of the API is answered.
HttpResponse json_error(int status, const std::string& message);
// The HTTP status that answers an Error of this kind: 400, 404, 503, 500.
int http_status(ErrorKind kind);

// "/runs/5?a=b%20c" -> path "/runs/5", query {a: "b c"}. False if the percent-encoding is broken.
bool split_target(const std::string& target, std::string& path, std::map<std::string, std::string>& query);
std::string percent_decode(std::string_view s, bool plus_is_space, bool* ok = nullptr);
std::string percent_encode(std::string_view s); // for links built from data: everything but unreserved

} // namespace bootlab::service
