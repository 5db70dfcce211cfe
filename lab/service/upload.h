#pragma once
// What POST /api/runs carries: a kernel log and the run's metadata, either as the raw body with
// the metadata in the query (curl --data-binary @boot.log '.../api/runs?variant=async'), or as
// multipart/form-data with the log in the file field `log` and the metadata as fields
// (curl -F log=@boot.log -F variant=async).
#include "service/http.h"

#include <optional>
#include <string>

namespace bootlab::service {

struct Upload {
    std::string log;
    std::string filename; // as the client named it: for messages only, never a path here
    std::string experiment, variant, host, kernel;
    std::optional<std::int64_t> experiment_id; // add the run to this experiment
};

// Throws bootlab::Error (400) for a body that is not one of the two forms, a missing log, or
// metadata that is not one line of printable text.
Upload parse_upload(const HttpRequest& req);

} // namespace bootlab::service
