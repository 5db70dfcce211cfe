// The service's request parsing: targets, percent-encoding, uploads (raw and multipart), the
// token file. (The server itself is tested running: tests/service.)
#include "service/http.h"
#include "service/token.h"
#include "service/upload.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace bootlab;
using namespace bootlab::service;

TEST(Http, TargetsSplitIntoPathAndDecodedQuery) {
    std::string path;
    std::map<std::string, std::string> q;
    ASSERT_TRUE(split_target("/history?experiment=a%20b&function=do_scan_async+%5Bscsi_mod%5D&x", path, q));
    EXPECT_EQ(path, "/history");
    EXPECT_EQ(q["experiment"], "a b");
    EXPECT_EQ(q["function"], "do_scan_async [scsi_mod]");
    EXPECT_EQ(q.count("x"), 1u);
    ASSERT_TRUE(split_target("/static/%2e%2e%2fetc", path, q));
    EXPECT_EQ(path, "/static/../etc"); // decoded, and then only ever looked up in a table
    EXPECT_FALSE(split_target("/runs/%zz", path, q));
    EXPECT_FALSE(split_target("/runs?a=%4", path, q));
}

TEST(Http, PercentEncodingRoundTrips) {
    const std::string nasty = "a b/c?d=e&f<g>\"h'\n\xff";
    EXPECT_EQ(percent_decode(percent_encode(nasty), false), nasty);
    EXPECT_EQ(percent_encode("run-1_a.b~"), "run-1_a.b~");
}

TEST(Http, ErrorKindsHaveTheirStatus) {
    EXPECT_EQ(http_status(ErrorKind::Invalid), 400);
    EXPECT_EQ(http_status(ErrorKind::NotFound), 404);
    EXPECT_EQ(http_status(ErrorKind::Unavailable), 503);
    EXPECT_EQ(http_status(ErrorKind::Internal), 500);
    // a message with invalid UTF-8 from a log is still sent as JSON
    EXPECT_NE(json_error(400, "line 3: \xff\xfe").body.find("line 3"), std::string::npos);
}

namespace {
HttpRequest multipart_request(const std::string& body, const std::string& boundary = "XyZ") {
    HttpRequest r;
    r.method = "POST";
    r.headers["content-type"] = "multipart/form-data; boundary=" + boundary;
    r.body = body;
    return r;
}
} // namespace

TEST(Upload, MultipartFieldsAndTheLogFile) {
    // a boundary is CRLF--XyZ: the same without CR is content
    const std::string log = "[    0.1] calling  foo+0x0/0x10 @ 1\n--XyZ is not a boundary here\r\n";
    auto u = parse_upload(multipart_request("--XyZ\r\nContent-Disposition: form-data; name=\"variant\"\r\n\r\nasync\r\n"
                                            "--XyZ\r\nContent-Disposition: form-data; name=\"log\"; filename=\"b.log\"\r\n"
                                            "Content-Type: text/plain\r\n\r\n" + log + "\r\n--XyZ--\r\n"));
    EXPECT_EQ(u.log, log);
    EXPECT_EQ(u.filename, "b.log");
    EXPECT_EQ(u.variant, "async");
}

TEST(Upload, RawBodyWithMetadataInTheQuery) {
    HttpRequest r;
    r.body = "log text";
    r.query = {{"experiment", "ci"}, {"host", "rack3"}, {"experiment_id", "7"}};
    auto u = parse_upload(r);
    EXPECT_EQ(u.log, "log text");
    EXPECT_EQ(u.experiment, "ci");
    EXPECT_EQ(u.host, "rack3");
    EXPECT_EQ(u.experiment_id, 7);
}

TEST(Upload, BadFormsAreRefusedWithTheirReason) {
    auto message = [](const HttpRequest& r) {
        try {
            parse_upload(r);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(message(HttpRequest{}), "upload: the log is empty (send it as the body, or as the file field `log`)");
    EXPECT_EQ(message(multipart_request("--XyZ\r\nContent-Disposition: form-data; name=\"log\"\r\n\r\nabc")),
              "upload: multipart body ends inside a part (truncated?)");
    EXPECT_EQ(message(multipart_request("--XyZ\r\nContent-Disposition: form-data; name=\"v\"\r\n\r\nx\r\n--XyZ--")),
              "upload: no file field named `log` (curl -F log=@boot.log)");
    EXPECT_EQ(message(multipart_request("no boundary at all")), "upload: multipart body without its first boundary");
    HttpRequest r;
    r.body = "x";
    r.query["variant"] = "a\nb";
    EXPECT_EQ(message(r), "upload: variant contains a control character");
    r.query["variant"] = std::string(201, 'v');
    EXPECT_EQ(message(r), "upload: variant is longer than 200 bytes");
    r.query = {{"experiment_id", "seven"}};
    EXPECT_EQ(message(r), "upload: experiment_id=seven: expected an experiment id");
}

TEST(Token, MadeOnceOwnerOnlyAndComparedWhole) {
    test::TempDir dir;
    const auto file = dir.path / "sub" / "token";
    bool created = false;
    const std::string t = load_or_create_token(file, &created);
    EXPECT_TRUE(created);
    EXPECT_EQ(t.size(), 64u);
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(load_or_create_token(file, &created), t);
    EXPECT_FALSE(created);
    EXPECT_TRUE(same_token(t, t));
    EXPECT_FALSE(same_token(t, t.substr(0, 63)));
    EXPECT_FALSE(same_token(t, t.substr(0, 63) + (t.back() == 'a' ? "b" : "a")));
    ::chmod(file.c_str(), 0644);
    EXPECT_THROW(load_or_create_token(file), Error);
}
