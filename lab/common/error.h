#pragma once
// The one exception type that reaches a user. Its message already says what was wrong and
// where (file:line, run id, database path); front-ends print it as is and exit non-zero.
#include <stdexcept>
#include <string>

namespace bootlab {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace bootlab
