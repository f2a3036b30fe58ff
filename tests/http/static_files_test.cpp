// The built web app is sent precompressed (issue 11, defect 10): br or gzip bytes as they are,
// never compressed per request; hashed assets cached for a year, index.html revalidated by ETag.
#include "http/static_files.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "http/router.h"
#include "http/server.h"

namespace fazhi::http {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

std::string Header(const httplib::Result& r, const char* name) {
  return r->has_header(name) ? r->get_header_value(name) : std::string("<none>");
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("fazhi_static_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    for (int i = 0; i < 400; ++i) js_ += "export const value" + std::to_string(i) + " = " + std::to_string(i) + ";\n";
    Write(root_ / "index.html", "<!doctype html><title>法治</title>" + std::string(2000, ' ') + "<div id=app></div>");
    Write(root_ / "assets/app-1a2b3c.js", js_);
    // What the web build writes next to it (web/vite.config.ts); marked so the test can tell
    // that these bytes are sent as they are.
    Write(root_ / "assets/app-1a2b3c.js.br", "BROTLI-BYTES-FROM-THE-BUILD");
    Write(root_ / "assets/logo-9f8e.png", std::string(3000, 'P'));
    ServerOptions o;
    o.port = 0;
    o.threads = 4;
    o.web_root = root_.string();
    server_ = std::make_unique<Server>(
        router_, [](std::string_view) -> Result<auth::Principal> { return Fail(ErrorCode::kUnauthenticated, "x"); }, o);
    auto port = server_->Bind();
    ASSERT_TRUE(port.has_value());
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    server_->Stop();
    if (thread_.joinable()) thread_.join();
    fs::remove_all(root_);
  }
  httplib::Result Get(const std::string& path, const std::string& accept, const std::string& if_none_match = "") {
    httplib::Client c("127.0.0.1", port_);
    c.set_decompress(false);
    httplib::Headers h;
    if (!accept.empty()) h.emplace("Accept-Encoding", accept);
    if (!if_none_match.empty()) h.emplace("If-None-Match", if_none_match);
    return c.Get(path, h);
  }

  fs::path root_;
  std::string js_;
  Router router_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(StaticFilesTest, BrotliFromTheBuildIsSentAsItIs) {
  auto r = Get("/assets/app-1a2b3c.js", "gzip, deflate, br");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "BROTLI-BYTES-FROM-THE-BUILD");
  EXPECT_EQ(Header(r, "Content-Encoding"), "br");
  EXPECT_EQ(Header(r, "Vary"), "Accept-Encoding");
  EXPECT_EQ(Header(r, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Header(r, "Content-Type"), "text/javascript; charset=utf-8");
}

TEST_F(StaticFilesTest, GzipIsMadeOnceAndTheSameBytesServedAfter) {
  auto a = Get("/assets/app-1a2b3c.js", "gzip");
  auto b = Get("/assets/app-1a2b3c.js", "gzip;q=1.0, br;q=0");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(Header(a, "Content-Encoding"), "gzip");
  EXPECT_EQ(Header(b, "Content-Encoding"), "gzip");
  EXPECT_EQ(a->body, b->body);
  EXPECT_LT(a->body.size(), js_.size());
  EXPECT_EQ(a->body.substr(0, 2), std::string("\x1f\x8b"));  // a gzip stream
  EXPECT_EQ(Header(a, "Cache-Control"), "public, max-age=31536000, immutable");
}

TEST_F(StaticFilesTest, WithoutAcceptEncodingThePlainFileIsSent) {
  auto r = Get("/assets/app-1a2b3c.js", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, js_);
  EXPECT_EQ(Header(r, "Content-Encoding"), "<none>");
  EXPECT_EQ(Header(r, "Vary"), "Accept-Encoding");
  auto refused = Get("/assets/app-1a2b3c.js", "br;q=0, gzip;q=0");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->body, js_);
  EXPECT_EQ(Header(refused, "Content-Encoding"), "<none>");
}

TEST_F(StaticFilesTest, ImagesAreNotCompressed) {
  auto r = Get("/assets/logo-9f8e.png", "gzip, br");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, std::string(3000, 'P'));
  EXPECT_EQ(Header(r, "Content-Encoding"), "<none>");
  EXPECT_EQ(Header(r, "Content-Type"), "image/png");
}

TEST_F(StaticFilesTest, IndexIsNoCacheAndRevalidatesWithItsETag) {
  for (const char* path : {"/", "/index.html", "/cases/12", "/alerts?x=1"}) {
    auto r = Get(path, "gzip");
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(Header(r, "Cache-Control"), "no-cache") << path;
    EXPECT_EQ(Header(r, "Content-Encoding"), "gzip") << path;
    const std::string etag = Header(r, "ETag");
    ASSERT_NE(etag, "<none>") << path;
    auto again = Get(path, "gzip", etag);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 304) << path;
    EXPECT_TRUE(again->body.empty());
    // Another encoding is another representation: its ETag differs, so no 304 across encodings.
    auto plain = Get(path, "", etag);
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->status, 200) << path;
    EXPECT_NE(plain->body.find("<div id=app>"), std::string::npos);
  }
}

TEST_F(StaticFilesTest, AMissingAssetIs404AndApiPathsAreNotFiles) {
  auto r = Get("/assets/gone-000.js", "br");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  auto api = Get("/api/nothing", "");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_NE(api->body.find("接口不存在"), std::string::npos);
  auto escape = Get("/../etc/passwd", "");
  ASSERT_TRUE(escape);
  EXPECT_EQ(escape->body.find("root:"), std::string::npos);
}

TEST(AcceptEncoding, QZeroRefusesAndStarAccepts) {
  EXPECT_TRUE(StaticFiles::Accepts("gzip, deflate, br", "br"));
  EXPECT_TRUE(StaticFiles::Accepts("GZIP", "gzip"));
  EXPECT_FALSE(StaticFiles::Accepts("br;q=0", "br"));
  EXPECT_FALSE(StaticFiles::Accepts("br; q=0.000", "br"));
  EXPECT_TRUE(StaticFiles::Accepts("br;q=0.5", "br"));
  EXPECT_TRUE(StaticFiles::Accepts("*", "gzip"));
  EXPECT_FALSE(StaticFiles::Accepts("identity", "gzip"));
  EXPECT_FALSE(StaticFiles::Accepts("", "br"));
  EXPECT_FALSE(StaticFiles::Accepts("brotli", "br"));
}

}  // namespace
}  // namespace fazhi::http
