// POST /v1/echo body validation and reply rendering.
#include <string>

#include <gtest/gtest.h>

#include "json_check.h"

extern "C" {
#include "echo.h"
}

namespace {

struct Parsed {
  int status;
  echo_request req;
  echo_error err;
};

Parsed Parse(const std::string& body) {
  Parsed p{};
  p.status = echo_parse(body.data(), body.size(), &p.req, &p.err);
  return p;
}

TEST(EchoParse, AcceptsMessageAlone) {
  Parsed p = Parse(R"({"message":"hi"})");
  ASSERT_EQ(p.status, 0) << p.err.detail;
  EXPECT_EQ(std::string(p.req.message, p.req.message_len), "hi");
  EXPECT_EQ(p.req.repeat, 1);
}

TEST(EchoParse, AcceptsRepeatInRange) {
  for (int repeat : {1, 5, 10}) {
    Parsed p = Parse(R"({"repeat":)" + std::to_string(repeat) +
                     R"(,"message":"x"})");
    ASSERT_EQ(p.status, 0) << p.err.detail;
    EXPECT_EQ(p.req.repeat, repeat);
  }
}

// OpenAPI 3.1 uses JSON Schema 2020-12, whose "integer" is any number with
// a whole value: schemathesis sends 7.0 and expects it accepted.
TEST(EchoParse, AcceptsWholeNumbersWrittenWithFractionOrExponent) {
  const std::pair<const char*, int> cases[] = {
      {"2.0", 2},  {"1e1", 10},  {"0.2e1", 2},   {"20e-1", 2},
      {"1.0e0", 1}, {"100e-1", 10}, {"0.05E+2", 5}, {"7.000", 7},
      {"10", 10},  {"1E0", 1},
  };
  for (const auto& [text, want] : cases) {
    Parsed p = Parse(std::string(R"({"message":"x","repeat":)") + text + "}");
    ASSERT_EQ(p.status, 0) << text << ": " << p.err.detail;
    EXPECT_EQ(p.req.repeat, want) << text;
  }
}

TEST(EchoParse, CountsCharactersNotBytes) {
  std::string snowmen;
  for (int i = 0; i < 1024; i++) snowmen += "\xe2\x98\x83";  // U+2603
  EXPECT_EQ(Parse(R"({"message":")" + snowmen + R"("})").status, 0);
  EXPECT_EQ(Parse(R"({"message":")" + snowmen + "x\"}").status, 422);
}

TEST(EchoParse, KeepsEscapedNul) {
  Parsed p = Parse(R"({"message":"a\u0000b"})");
  ASSERT_EQ(p.status, 0);
  EXPECT_EQ(std::string(p.req.message, p.req.message_len),
            std::string("a\0b", 3));
}

struct Invalid {
  std::string body;
  const char* field;
};

class EchoRejects422 : public testing::TestWithParam<Invalid> {};

TEST_P(EchoRejects422, NamesTheField) {
  Parsed p = Parse(GetParam().body);
  EXPECT_EQ(p.status, 422) << GetParam().body;
  EXPECT_STREQ(p.err.field, GetParam().field) << GetParam().body;
  EXPECT_STRNE(p.err.detail, "");
}

INSTANTIATE_TEST_SUITE_P(
    Contract, EchoRejects422,
    testing::Values(
        Invalid{"{}", "message"}, Invalid{R"({"repeat":2})", "message"},
        Invalid{R"({"message":""})", "message"},
        Invalid{R"({"message":")" + std::string(1025, 'm') + "\"}", "message"},
        Invalid{R"({"message":1})", "message"},
        Invalid{R"({"message":null})", "message"},
        Invalid{R"({"message":["a"]})", "message"},
        Invalid{R"({"message":{"a":1}})", "message"},
        Invalid{R"({"message":"a","repeat":0})", "repeat"},
        Invalid{R"({"message":"a","repeat":11})", "repeat"},
        Invalid{R"({"message":"a","repeat":-1})", "repeat"},
        Invalid{R"({"message":"a","repeat":2.5})", "repeat"},
        Invalid{R"({"message":"a","repeat":0.5})", "repeat"},
        Invalid{R"({"message":"a","repeat":10.01})", "repeat"},
        Invalid{R"({"message":"a","repeat":1e2})", "repeat"},
        Invalid{R"({"message":"a","repeat":11.0})", "repeat"},
        Invalid{R"({"message":"a","repeat":1e-1})", "repeat"},
        Invalid{R"({"message":"a","repeat":0e5})", "repeat"},
        Invalid{R"({"message":"a","repeat":0.0})", "repeat"},
        Invalid{R"({"message":"a","repeat":-0})", "repeat"},
        Invalid{R"({"message":"a","repeat":-2.0})", "repeat"},
        Invalid{R"({"message":"a","repeat":1e999999999999})", "repeat"},
        Invalid{R"({"message":"a","repeat":1.0000000000000001})", "repeat"},
        Invalid{R"({"message":"a","repeat":"2"})", "repeat"},
        Invalid{R"({"message":"a","repeat":true})", "repeat"},
        Invalid{R"({"message":"a","repeat":99999999999999999999999})", "repeat"},
        Invalid{R"({"message":"a","extra":1})", "extra"},
        Invalid{R"({"message":"a","message":"b"})", "message"},
        Invalid{R"(["message"])", ""}, Invalid{R"("just a string")", ""},
        Invalid{"42", ""}, Invalid{"null", ""}));

TEST(EchoParse, MalformedJsonIs400WithOffset) {
  Parsed p = Parse(R"({"message": "a",, })");
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.err.offset, 16);
  EXPECT_NE(std::string(p.err.detail).find("byte 16"), std::string::npos)
      << p.err.detail;
}

TEST(EchoParse, TruncatedJsonPointsAtTheEnd) {
  Parsed p = Parse(R"({"message":"h)");
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.err.offset, 13);
}

TEST(EchoParse, EmptyBodyIs400) {
  EXPECT_EQ(Parse("").status, 400);
}

TEST(EchoParse, SyntaxErrorWinsOverContractViolation) {
  // Unknown field first, then broken syntax: the client must fix syntax.
  EXPECT_EQ(Parse(R"({"bogus":1, )").status, 400);
}

TEST(EchoParse, InvalidUtf8Is400) {
  EXPECT_EQ(Parse("{\"message\":\"\xff\"}").status, 400);
}

TEST(EchoParse, TrailingGarbageIs400) {
  EXPECT_EQ(Parse(R"({"message":"a"} x)").status, 400);
}

TEST(EchoRender, RepeatsTheMessageAndCarriesTheRequestId) {
  Parsed p = Parse(R"({"message":"he said \"hi\"","repeat":3})");
  ASSERT_EQ(p.status, 0);
  json_text out;
  ASSERT_EQ(echo_render(&p.req, "rid-1", &out), 0);
  Json doc = ParseJson(out.data);
  ASSERT_TRUE(doc) << out.data;
  EXPECT_EQ(Str(doc.get(), {"message"}), "he said \"hi\"");
  EXPECT_EQ(Int(doc.get(), {"repeat"}), 3);
  EXPECT_EQ(Str(doc.get(), {"request_id"}), "rid-1");
  yajl_val echo = At(doc.get(), {"echo"});
  ASSERT_TRUE(echo && YAJL_IS_ARRAY(echo));
  ASSERT_EQ(echo->u.array.len, 3u);
  EXPECT_STREQ(YAJL_GET_STRING(echo->u.array.values[2]), "he said \"hi\"");
  json_text_free(&out);
}

}  // namespace
