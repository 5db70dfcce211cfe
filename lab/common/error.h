#pragma once
// The one exception type that reaches a user. Its message already says what was wrong and
// where (file:line, run id, database path); front-ends print it as is. Its kind is what a
// front-end needs to answer with: the CLI maps every kind to a non-zero exit, the service to an
// HTTP status (service::http_status in service/http.h), so the words and the meaning are decided once, here.
#include <stdexcept>
#include <string>

namespace bootlab {

enum class ErrorKind {
    Invalid,     // the input is wrong: a malformed log, a bad selector or experiment file
    NotFound,    // a run, experiment or file that does not exist
    Unavailable, // a resource is busy or full for now (a lock held too long, a full disk)
    Internal,    // bootlab's own failure
};

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what, ErrorKind kind = ErrorKind::Invalid)
        : std::runtime_error(what), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

} // namespace bootlab
