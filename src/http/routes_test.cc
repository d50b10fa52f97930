#include "http/routes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace meridian {
namespace {

struct Match {
  const Route* route;
  std::vector<std::string> args;
  bool method_ok;
};

Match Find(std::string_view method, std::string_view path) {
  Match m{nullptr, {"left over"}, false};
  m.route = MatchRoute(method, path, &m.args, &m.method_ok);
  return m;
}

// MatchRoute's answers on each kind of path: fixed, with parameters (their
// values in order), a method the path does not take, an empty parameter,
// more or fewer segments.
TEST(Routes, MatchFixedAndParameterPathsWithTheirValues) {
  Match m = Find("GET", "/api/v1/search");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/api/v1/search");
  EXPECT_TRUE(m.method_ok);
  EXPECT_TRUE(m.args.empty());

  m = Find("GET", "/api/v1/organizations/1234567893/providers");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/api/v1/organizations/{npi}/providers");
  EXPECT_EQ(m.args, std::vector<std::string>{"1234567893"});

  m = Find("GET", "/authors/ann-lee/feed.atom");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/authors/{slug}/feed.atom");
  EXPECT_EQ(m.args, std::vector<std::string>{"ann-lee"});

  // The path exists, the method does not: the route is named for Allow.
  m = Find("DELETE", "/api/v1/search");
  ASSERT_NE(m.route, nullptr);
  EXPECT_FALSE(m.method_ok);

  // A parameter must not be empty; segment counts must agree.
  EXPECT_EQ(Find("GET", "/api/v1/providers/").route, nullptr);
  EXPECT_EQ(Find("GET", "/api/v1/providers/1/extra").route, nullptr);
  EXPECT_EQ(Find("GET", "/api/v1").route, nullptr);
  EXPECT_EQ(Find("GET", "no-slash").route, nullptr);
}

TEST(Routes, AllowedMethodsListWhatAPathTakes) {
  EXPECT_EQ(AllowedMethods("/api/v1/search"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(AllowedMethods("/admin/login"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(AllowedMethods("/nowhere/at/all"), "");
}

}  // namespace
}  // namespace meridian
