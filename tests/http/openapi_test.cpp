// docs/openapi.json must describe exactly the routes the server registers: every route documented,
// every documented operation served, and each operation with a Chinese summary and error responses.
#include <fstream>
#include <set>

#include "http/http_fixture.h"

namespace fazhi::testing {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(ServerTest, OpenApiMatchesRegisteredRoutes) {
  std::ifstream in(std::string(FAZHI_SOURCE_DIR) + "/docs/openapi.json");
  ASSERT_TRUE(in) << "docs/openapi.json is missing";
  const auto spec = nlohmann::json::parse(in);
  ASSERT_EQ(spec.value("openapi", "").substr(0, 2), "3.");

  std::set<std::string> served, documented;
  for (const auto& r : app_->router().Routes()) served.insert(Lower(http::MethodName(r.method)) + " " + r.pattern);
  for (const auto& [path, ops] : spec["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      if (method == "parameters") continue;
      documented.insert(method + " " + path);
      EXPECT_FALSE(op.value("summary", "").empty()) << method << " " << path << " has no summary";
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
    }
  }
  for (const auto& s : served) EXPECT_TRUE(documented.contains(s)) << "route not in docs/openapi.json: " << s;
  for (const auto& d : documented) EXPECT_TRUE(served.contains(d)) << "documented but not served: " << d;
}

}  // namespace
}  // namespace fazhi::testing
