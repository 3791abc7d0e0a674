// The Swagger UI page: only relative URLs, correct types, nothing external.
#include <regex>
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "docs.h"
}

namespace {

std::string Asset(const char* name) {
  docs_asset a;
  if (docs_find(name, &a) != 0) return "<missing>";
  return std::string(reinterpret_cast<const char*>(a.data), a.size);
}

TEST(Docs, PageUsesOnlyRelativeUrls) {
  std::string page = Asset(DOCS_PAGE_NAME);
  std::regex attr(R"((?:src|href)\s*=\s*"([^"]*)\")");
  int urls = 0;
  for (std::sregex_iterator it(page.begin(), page.end(), attr), end; it != end;
       ++it, ++urls) {
    std::string url = (*it)[1];
    EXPECT_NE(url[0], '/') << url;
    EXPECT_EQ(url.find("//"), std::string::npos) << url;
    EXPECT_EQ(url.find(':'), std::string::npos) << url;
    EXPECT_EQ(url.rfind("docs/", 0), 0u) << "assets live under docs/: " << url;
  }
  EXPECT_GE(urls, 4);
}

TEST(Docs, PageHasNoInlineScript) {
  std::string page = Asset(DOCS_PAGE_NAME);
  std::regex inline_script(R"(<script(?![^>]*\ssrc=)[^>]*>)");
  EXPECT_FALSE(std::regex_search(page, inline_script));
  EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string::npos);
}

TEST(Docs, InitializerLoadsRelativeSpecAndNoValidator) {
  std::string js = Asset("swagger-initializer.js");
  EXPECT_NE(js.find("url: \"openapi.json\""), std::string::npos);
  EXPECT_NE(js.find("validatorUrl: null"), std::string::npos);
  EXPECT_EQ(js.find("http"), std::string::npos);
}

TEST(Docs, EveryAssetThePageNamesExists) {
  std::string page = Asset(DOCS_PAGE_NAME);
  std::regex attr(R"((?:src|href)="docs/([^"]*)\")");
  for (std::sregex_iterator it(page.begin(), page.end(), attr), end; it != end;
       ++it) {
    docs_asset a;
    EXPECT_EQ(docs_find(std::string((*it)[1]).c_str(), &a), 0) << (*it)[1];
  }
}

TEST(Docs, SwaggerUiBundleIsEmbedded) {
  docs_asset a;
  ASSERT_EQ(docs_find("swagger-ui-bundle.js", &a), 0);
  EXPECT_GT(a.size, 100000u);
  EXPECT_STREQ(a.content_type, "application/javascript; charset=utf-8");
  EXPECT_STREQ(a.cache_control, "public, max-age=86400");
}

TEST(Docs, ContentTypes) {
  EXPECT_STREQ(docs_content_type("a.css"), "text/css; charset=utf-8");
  EXPECT_STREQ(docs_content_type("a.html"), "text/html; charset=utf-8");
  EXPECT_STREQ(docs_content_type("a.png"), "image/png");
  EXPECT_STREQ(docs_content_type("a"), "application/octet-stream");
}

TEST(Docs, PageIsNotCachedLong) {
  docs_asset a;
  ASSERT_EQ(docs_find(DOCS_PAGE_NAME, &a), 0);
  EXPECT_STREQ(a.cache_control, "no-cache");
}

TEST(Docs, UnknownAndTraversalNamesAreMissing) {
  docs_asset a;
  for (const char* name : {"", "nope.js", "../openapi.json", "..",
                           "/etc/passwd", "swagger-ui.css/", "openapi.json"})
    EXPECT_EQ(docs_find(name, &a), -1) << name;
}

TEST(Docs, CspAllowsOnlySelf) {
  std::string csp = DOCS_CSP;
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("http"), std::string::npos);
  EXPECT_EQ(csp.find('*'), std::string::npos);
}

}  // namespace
