// docs/openapi.json must describe exactly the routes the server registers: every route documented,
// every documented operation served, and each operation with a Chinese summary and error responses.
#include <fstream>
#include <map>
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
  std::map<std::string, http::RouteInfo> by_key;
  for (const auto& r : app_->router().Routes()) {
    const std::string key = Lower(http::MethodName(r.method)) + " " + r.pattern;
    served.insert(key);
    by_key.emplace(key, r);
  }
  for (const auto& [path, ops] : spec["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      if (method == "parameters") continue;
      const std::string key = method + " " + path;
      documented.insert(key);
      const std::string summary = op.value("summary", "");
      EXPECT_FALSE(summary.empty() || summary.starts_with("TODO")) << key << " needs a summary";
      EXPECT_TRUE(op.contains("responses")) << key;
      auto it = by_key.find(key);
      if (it == by_key.end()) continue;
      // The documented permission and public flag match what the server enforces.
      EXPECT_EQ(op.value("x-permission", ""), it->second.access.permission) << key;
      EXPECT_EQ(op.contains("security") && op["security"].empty(), it->second.access.public_route) << key;
    }
  }
  for (const auto& s : served) EXPECT_TRUE(documented.contains(s)) << "route not in docs/openapi.json: " << s;
  for (const auto& d : documented) EXPECT_TRUE(served.contains(d)) << "documented but not served: " << d;
}

}  // namespace
}  // namespace fazhi::testing
