// The real server in-process on an ephemeral loopback port, spoken to over
// real HTTP: every route, every error status, stage variants, limits and
// concurrency.
#include <atomic>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http_client.h"
#include "json_check.h"

extern "C" {
#include "config.h"
#include "server.h"
}

namespace {

const char kDigest[] =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class Server {
 public:
  explicit Server(const char* stage) {
    api_config cfg{};
    cfg.port = 8080;
    snprintf(cfg.stage, sizeof(cfg.stage), "%s", stage);
    snprintf(cfg.environment, sizeof(cfg.environment), "test");
    snprintf(cfg.version, sizeof(cfg.version), "abc1234");
    snprintf(cfg.image_digest, sizeof(cfg.image_digest), "%s", kDigest);
    cfg.threads = 48;
    cfg.shutdown_timeout_s = 10;
    char error[256] = "";
    server_ = server_start(&cfg, "127.0.0.1:0", error, sizeof(error));
    EXPECT_NE(server_, nullptr) << error;
  }
  ~Server() {
    if (server_) {
      EXPECT_EQ(server_stop(server_, 10), 0);
    }
  }
  int port() const { return server_ ? server_port(server_) : -1; }

 private:
  api_server* server_;
};

class ApiTest : public testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new Server(""); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static int port() { return server_->port(); }
  static Server* server_;
};
Server* ApiTest::server_ = nullptr;

void ExpectProblem(const HttpResponse& r, int status) {
  EXPECT_EQ(r.status, status);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  Json doc = ParseJson(r.body);
  ASSERT_TRUE(doc) << r.body;
  EXPECT_EQ(Int(doc.get(), {"status"}), status);
  EXPECT_NE(Str(doc.get(), {"title"}), "<missing>");
  EXPECT_NE(Str(doc.get(), {"type"}), "<missing>");
  EXPECT_EQ(Str(doc.get(), {"request_id"}), r.Header("x-request-id"));
}

TEST_F(ApiTest, HealthReportsIdentity) {
  HttpResponse r = Request(port(), "GET", "/health");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("content-length"), std::to_string(r.body.size()));
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  Json doc = ParseJson(r.body);
  ASSERT_TRUE(doc);
  EXPECT_EQ(Str(doc.get(), {"status"}), "ok");
  EXPECT_EQ(Str(doc.get(), {"environment"}), "test");
  EXPECT_EQ(Str(doc.get(), {"stage"}), "");
  EXPECT_EQ(Str(doc.get(), {"version"}), "abc1234");
  EXPECT_EQ(Str(doc.get(), {"image_digest"}), kDigest);
}

TEST_F(ApiTest, HeadHasLengthButNoBody) {
  HttpConnection c(port());
  ASSERT_TRUE(c.Send("HEAD /health HTTP/1.1\r\nHost: t\r\n\r\n"
                     "GET /health HTTP/1.1\r\nHost: t\r\n\r\n"));
  HttpResponse head = c.Read(true);
  HttpResponse get = c.Read();
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(get.status, 200) << "a HEAD body would corrupt the next response";
  EXPECT_EQ(head.Header("content-length"), get.Header("content-length"));
}

TEST_F(ApiTest, KeepAliveServesManyRequestsOnOneConnection) {
  HttpConnection c(port());
  for (int i = 0; i < 50; i++) {
    ASSERT_TRUE(c.Send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n"));
    HttpResponse r = c.Read();
    ASSERT_EQ(r.status, 200) << "request " << i;
    EXPECT_EQ(r.Header("connection"), "keep-alive");
  }
}

TEST_F(ApiTest, ConnectionCloseIsHonoured) {
  HttpConnection c(port());
  ASSERT_TRUE(c.Send("GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(c.Read().Header("connection"), "close");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(ApiTest, RequestIdIsEchoedWhenSafe) {
  HttpResponse r = Request(port(), "GET", "/health", "X-Request-Id: my-id.1\r\n");
  EXPECT_EQ(r.Header("x-request-id"), "my-id.1");
}

TEST_F(ApiTest, RequestIdIsGeneratedWhenUnsafe) {
  HttpResponse a = Request(port(), "GET", "/health", "X-Request-Id: bad id!\r\n");
  HttpResponse b = Request(port(), "GET", "/health");
  std::regex hex128("^[0-9a-f]{32}$");
  EXPECT_TRUE(std::regex_match(a.Header("x-request-id"), hex128))
      << a.Header("x-request-id");
  EXPECT_TRUE(std::regex_match(b.Header("x-request-id"), hex128));
  EXPECT_NE(a.Header("x-request-id"), b.Header("x-request-id"));
}

TEST_F(ApiTest, RequestIdFromAmznTraceRoot) {
  HttpResponse r = Request(port(), "GET", "/health",
                           "X-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678\r\n");
  EXPECT_EQ(r.Header("x-request-id"), "1-67891233-abcdef012345678912345678");
}

TEST_F(ApiTest, DocsPageIsSwaggerUiWithCsp) {
  HttpResponse r = Request(port(), "GET", "/docs");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.Header("content-security-policy").find("default-src 'self'"),
            std::string::npos);
  EXPECT_NE(r.body.find("docs/swagger-ui-bundle.js"), std::string::npos);
}

TEST_F(ApiTest, DocsSlashRedirectsRelatively) {
  HttpResponse r = Request(port(), "GET", "/docs/");
  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(r.Header("location"), "../docs");
  EXPECT_EQ(r.Header("content-length"), "0");
}

TEST_F(ApiTest, DocsAssetsHaveTypesAndCaching) {
  struct {
    const char* path;
    const char* type;
  } cases[] = {
      {"/docs/swagger-ui.css", "text/css; charset=utf-8"},
      {"/docs/swagger-ui-bundle.js", "application/javascript; charset=utf-8"},
      {"/docs/swagger-initializer.js", "application/javascript; charset=utf-8"},
      {"/docs/favicon-32x32.png", "image/png"},
  };
  for (const auto& c : cases) {
    HttpResponse r = Request(port(), "GET", c.path);
    EXPECT_EQ(r.status, 200) << c.path;
    EXPECT_EQ(r.Header("content-type"), c.type) << c.path;
    EXPECT_EQ(r.Header("cache-control"), "public, max-age=86400") << c.path;
    EXPECT_EQ(r.Header("content-length"), std::to_string(r.body.size()));
  }
}

TEST_F(ApiTest, DocsUnknownAndTraversalAre404) {
  for (const char* path : {"/docs/nope.js", "/docs/..%2f..%2fetc%2fpasswd",
                           "/docs/%2e%2e%2fserver.c", "/docs/x/../../../etc/passwd"}) {
    HttpResponse r = Request(port(), "GET", path);
    EXPECT_TRUE(r.status == 404) << path << " -> " << r.status;
  }
}

TEST_F(ApiTest, OpenApiWithoutStageServesRoot) {
  HttpResponse r = Request(port(), "GET", "/openapi.json");
  ASSERT_EQ(r.status, 200);
  Json doc = ParseJson(r.body);
  ASSERT_TRUE(doc);
  yajl_val servers = At(doc.get(), {"servers"});
  ASSERT_TRUE(servers && YAJL_IS_ARRAY(servers));
  EXPECT_EQ(Str(servers->u.array.values[0], {"url"}), "/");
}

TEST_F(ApiTest, VersionReportsComponentsAndUptime) {
  HttpResponse r = Request(port(), "GET", "/v1/version");
  ASSERT_EQ(r.status, 200);
  Json doc = ParseJson(r.body);
  ASSERT_TRUE(doc);
  EXPECT_EQ(Str(doc.get(), {"version"}), "abc1234");
  EXPECT_EQ(Str(doc.get(), {"image_digest"}), kDigest);
  EXPECT_EQ(Str(doc.get(), {"components", "civetweb"}), "1.15");
  EXPECT_EQ(Str(doc.get(), {"components", "yajl"}), "2.1.0");
  EXPECT_GE(Int(doc.get(), {"uptime_s"}), 0);
  EXPECT_TRUE(std::regex_match(Str(doc.get(), {"started_at"}),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
}

TEST_F(ApiTest, EchoRoundTrip) {
  HttpResponse r = Post(port(), "/v1/echo", "application/json; charset=utf-8",
                        R"({"message":"h\u00e9 \"x\"","repeat":2})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json doc = ParseJson(r.body);
  ASSERT_TRUE(doc);
  EXPECT_EQ(Str(doc.get(), {"message"}), "h\xc3\xa9 \"x\"");
  EXPECT_EQ(Int(doc.get(), {"repeat"}), 2);
  EXPECT_EQ(Str(doc.get(), {"request_id"}), r.Header("x-request-id"));
  EXPECT_EQ(r.Header("cache-control"), "no-store");
}

TEST_F(ApiTest, EchoMalformedJsonIs400WithOffset) {
  HttpResponse r = Post(port(), "/v1/echo", "application/json", "{\"message\":}");
  ExpectProblem(r, 400);
  Json doc = ParseJson(r.body);
  EXPECT_EQ(Int(doc.get(), {"offset"}), 11);
}

TEST_F(ApiTest, EchoValidationIs422NamingTheField) {
  HttpResponse r = Post(port(), "/v1/echo", "application/json",
                        R"({"message":"a","repeat":11})");
  ExpectProblem(r, 422);
  EXPECT_EQ(Str(ParseJson(r.body).get(), {"field"}), "repeat");
}

TEST_F(ApiTest, EchoNeedsJsonContentType) {
  ExpectProblem(Post(port(), "/v1/echo", "text/plain", R"({"message":"a"})"), 415);
  ExpectProblem(Post(port(), "/v1/echo", "", R"({"message":"a"})"), 415);
  ExpectProblem(Post(port(), "/v1/echo", "application/jsonx", "{}"), 415);
}

TEST_F(ApiTest, EchoDeclaredOversizeBodyIs413WithoutReadingIt) {
  HttpConnection c(port());
  ASSERT_TRUE(c.Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\n"
                     "Content-Type: application/json\r\n"
                     "Content-Length: 65537\r\n\r\n"));
  HttpResponse r = c.Read();
  ExpectProblem(r, 413);
  EXPECT_EQ(r.Header("connection"), "close");
}

TEST_F(ApiTest, EchoChunkedOversizeBodyIs413) {
  std::string chunk(40000, 'a');
  char size_line[16];
  snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk.size());
  HttpConnection c(port());
  ASSERT_TRUE(c.Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\n"
                     "Content-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n"));
  c.Send(std::string(size_line) + chunk + "\r\n" + size_line + chunk +
         "\r\n0\r\n\r\n");
  ExpectProblem(c.Read(), 413);
}

TEST_F(ApiTest, EchoBodyAtTheLimitIsParsed) {
  std::string body = R"({"message":"a"})" + std::string(65536 - 15, ' ');
  ASSERT_EQ(body.size(), 65536u);
  EXPECT_EQ(Post(port(), "/v1/echo", "application/json", body).status, 200);
}

TEST_F(ApiTest, ChunkedBodyIsAccepted) {
  HttpResponse r = Exchange(port(),
                            "POST /v1/echo HTTP/1.1\r\nHost: t\r\n"
                            "Content-Type: application/json\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n"
                            "5\r\n{\"mes\r\nb\r\nsage\":\"ok\"}\r\n0\r\n\r\n");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ApiTest, UnknownRouteIs404Problem) {
  ExpectProblem(Request(port(), "GET", "/nope"), 404);
  ExpectProblem(Request(port(), "GET", "/"), 404);
}

TEST_F(ApiTest, StagePrefixIsNotARoute) {
  ExpectProblem(Request(port(), "GET", "/dev/health"), 404);
}

TEST_F(ApiTest, WrongMethodIs405WithAllow) {
  HttpResponse r = Request(port(), "GET", "/v1/echo");
  ExpectProblem(r, 405);
  EXPECT_EQ(r.Header("allow"), "POST");
  r = Post(port(), "/health", "application/json", "{}");
  ExpectProblem(r, 405);
  EXPECT_EQ(r.Header("allow"), "GET, HEAD");
  r = Request(port(), "DELETE", "/docs");
  EXPECT_EQ(r.Header("allow"), "GET, HEAD");
}

// CivetWeb alone answers methods outside its table (TRACE, QUERY, any
// extension) with 400; third_party/patches/civetweb-method-token.patch lets
// the router refuse every token method like any other, echoing nothing.
TEST_F(ApiTest, AnyTokenMethodIs405WithAllowAndNoEcho) {
  for (const char* method : {"TRACE", "QUERY", "X-CUSTOM", "get"}) {
    HttpResponse r = Request(port(), method, "/health",
                             "X-Secret: trace-me\r\n");
    ExpectProblem(r, 405);
    EXPECT_EQ(r.Header("allow"), "GET, HEAD") << method;
    EXPECT_EQ(r.body.find("trace-me"), std::string::npos) << method;
  }
  HttpResponse r = Request(port(), "TRACE", "/v1/echo");
  ExpectProblem(r, 405);
  EXPECT_EQ(r.Header("allow"), "POST");
  ExpectProblem(Request(port(), "QUERY", "/nowhere"), 404);
}

TEST_F(ApiTest, MethodThatIsNotATokenIs400) {
  ExpectProblem(Request(port(), "GE(T", "/health"), 400);
  ExpectProblem(Request(port(), "G\x01T", "/health"), 400);
}

TEST_F(ApiTest, HugeHeaderIs431) {
  HttpResponse r = Request(port(), "GET", "/health",
                           "X-Big: " + std::string(20000, 'b') + "\r\n");
  ExpectProblem(r, 431);
}

TEST_F(ApiTest, TooManyHeadersIs431) {
  std::string headers;
  for (int i = 0; i < 70; i++) headers += "X-H" + std::to_string(i) + ": v\r\n";
  ExpectProblem(Request(port(), "GET", "/health", headers), 431);
}

TEST_F(ApiTest, GarbageRequestLineIs400Problem) {
  HttpResponse r = Exchange(port(), "NOT HTTP AT ALL\r\n\r\n");
  ExpectProblem(r, 400);
  EXPECT_EQ(r.Header("connection"), "close");
}

TEST_F(ApiTest, ServerStaysHealthyAfterErrors) {
  Exchange(port(), "\x01\x02\x03\r\n\r\n");
  Request(port(), "GET", "/health", "X-Big: " + std::string(20000, 'b') + "\r\n");
  EXPECT_EQ(Request(port(), "GET", "/health").status, 200);
}

TEST_F(ApiTest, ThirtyTwoConcurrentClients) {
  const int kClients = 32, kRequests = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; i++) {
    clients.emplace_back([&ok, i] {
      HttpConnection c(port());
      for (int j = 0; j < kRequests; j++) {
        std::string body = "{\"message\":\"client " + std::to_string(i) + "\"}";
        c.Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\n"
               "Content-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body);
        HttpResponse r = c.Read();
        if (r.status == 200 &&
            Str(ParseJson(r.body).get(), {"message"}) ==
                "client " + std::to_string(i))
          ok++;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
}

TEST(StagedServer, StageAppearsOnlyInWrittenUrls) {
  Server server("dev");
  HttpResponse health = Request(server.port(), "GET", "/health");
  EXPECT_EQ(Str(ParseJson(health.body).get(), {"stage"}), "dev");
  HttpResponse spec = Request(server.port(), "GET", "/openapi.json");
  Json doc = ParseJson(spec.body);
  yajl_val servers = At(doc.get(), {"servers"});
  ASSERT_TRUE(servers && YAJL_IS_ARRAY(servers));
  EXPECT_EQ(Str(servers->u.array.values[0], {"url"}), "/dev");
  EXPECT_EQ(Request(server.port(), "GET", "/dev/health").status, 404);
  HttpResponse page = Request(server.port(), "GET", "/docs");
  EXPECT_EQ(page.body.find("/dev"), std::string::npos)
      << "the page stays relative; the browser keeps the prefix";
}

TEST(ServerStop, FinishesTheRequestInFlightAndRefusesNewOnes) {
  auto* server = new Server("");
  int port = server->port();
  HttpConnection slow(port);
  std::string body = R"({"message":"late"})";
  ASSERT_TRUE(slow.Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\n"
                        "Content-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" +
                        body.substr(0, 5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::thread stopper([server] { delete server; });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  HttpConnection late(port);
  EXPECT_FALSE(late.ok() && late.Send("GET /health HTTP/1.1\r\n\r\n") &&
               late.Read(false, 1000).status != 0)
      << "a new connection was served while stopping";
  ASSERT_TRUE(slow.Send(body.substr(5)));
  HttpResponse r = slow.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_EQ(Str(ParseJson(r.body).get(), {"message"}), "late");
  stopper.join();
}

}  // namespace
