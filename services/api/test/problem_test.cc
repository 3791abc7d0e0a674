// RFC 9457 problem documents.
#include <string>

#include <gtest/gtest.h>

#include "json_check.h"

extern "C" {
#include "problem.h"
}

namespace {

Json Render(problem p) {
  json_text out;
  EXPECT_EQ(problem_render(&p, &out), 0);
  Json doc = ParseJson(out.data ? out.data : "");
  json_text_free(&out);
  return doc;
}

TEST(Problem, AboutBlankUsesTheReasonPhrase) {
  problem p{};
  p.status = 404;
  p.detail = "no such route";
  Json doc = Render(p);
  ASSERT_TRUE(doc);
  EXPECT_EQ(Str(doc.get(), {"type"}), "about:blank");
  EXPECT_EQ(Str(doc.get(), {"title"}), "Not Found");
  EXPECT_EQ(Int(doc.get(), {"status"}), 404);
  EXPECT_EQ(Str(doc.get(), {"detail"}), "no such route");
  EXPECT_EQ(At(doc.get(), {"offset"}), nullptr);
  EXPECT_EQ(At(doc.get(), {"field"}), nullptr);
}

TEST(Problem, MalformedJsonCarriesOffset) {
  problem p{};
  p.status = 400;
  p.type = PROBLEM_TYPE_MALFORMED_JSON;
  p.title = "Malformed JSON";
  p.offset = 17;
  p.request_id = "abc";
  Json doc = Render(p);
  EXPECT_EQ(Str(doc.get(), {"type"}), PROBLEM_TYPE_MALFORMED_JSON);
  EXPECT_EQ(Int(doc.get(), {"offset"}), 17);
  EXPECT_EQ(Str(doc.get(), {"request_id"}), "abc");
}

TEST(Problem, ValidationCarriesField) {
  problem p{};
  p.status = 422;
  p.type = PROBLEM_TYPE_VALIDATION;
  p.field = "repeat";
  p.detail = "must be an integer from 1 to 10";
  Json doc = Render(p);
  EXPECT_EQ(Str(doc.get(), {"field"}), "repeat");
  EXPECT_EQ(Str(doc.get(), {"title"}), "Unprocessable Content");
}

TEST(Problem, HostileDetailStaysValidJson) {
  problem p{};
  p.status = 422;
  p.field = "\"}\xff\x01";
  p.detail = "line\nbreak \"quoted\" \\ \x7f";
  Json doc = Render(p);
  ASSERT_TRUE(doc);
  EXPECT_EQ(Str(doc.get(), {"field"}), "\"}\xef\xbf\xbd\x01");
}

TEST(Problem, ReasonPhrases) {
  EXPECT_STREQ(problem_reason_phrase(405), "Method Not Allowed");
  EXPECT_STREQ(problem_reason_phrase(413), "Content Too Large");
  EXPECT_STREQ(problem_reason_phrase(415), "Unsupported Media Type");
  EXPECT_STREQ(problem_reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_STREQ(problem_reason_phrase(799), "Error");
}

}  // namespace
