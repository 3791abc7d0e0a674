// Hostile input over raw sockets against the real server in-process. After
// each attack the server must still be healthy, answer the next request on
// a fresh connection correctly, never answer 5xx, and its memory must come
// back to where it was.
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#if defined(__SANITIZE_ADDRESS__)
// From the sanitizer runtime; GCC ships no header declaring it.
extern "C" size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#include "http_client.h"
#include "json_check.h"

extern "C" {
#include "config.h"
#include "server.h"
}

namespace {

#if defined(__SANITIZE_ADDRESS__)
// ASan keeps freed memory in quarantine, so RSS grows without a leak; its
// allocator knows the bytes actually live.
long MemoryKb() {
  return static_cast<long>(__sanitizer_get_current_allocated_bytes() / 1024);
}
#else
// Bytes glibc's allocator has handed out and not had back, in every arena
// plus the mmapped blocks, which is where a leak shows. RSS does not
// measure leaks: it is each worker's arena high-water mark, which rises
// whenever a bigger request lands on a worker that had not served one (CI:
// 17.6 to 18.3 MB over 300 rounds, none of it live). The per-thread caches
// (tcache) count as in use, and they fill slowly (30-45 kB per 300
// rounds here), so BUILD turns them off for this test; then the count is
// exact, as the sanitizer's is under ASan.
long MemoryKb() {
  struct mallinfo2 m = mallinfo2();
  return static_cast<long>((m.uordblks + m.hblkhd) / 1024);
}
#endif

class Hostile : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    api_config cfg{};
    cfg.port = 8080;
    snprintf(cfg.environment, sizeof(cfg.environment), "hostile");
    snprintf(cfg.version, sizeof(cfg.version), "v");
    cfg.threads = 16;
    cfg.shutdown_timeout_s = 10;
    char error[256] = "";
    server_ = server_start(&cfg, "127.0.0.1:0", error, sizeof(error));
    ASSERT_NE(server_, nullptr) << error;
    // Warm every worker thread once so their buffers count in the baseline.
    std::vector<std::thread> warm;
    for (int i = 0; i < 16; i++)
      warm.emplace_back([] { Request(port(), "GET", "/health"); });
    for (auto& t : warm) t.join();
  }
  static void TearDownTestSuite() {
    if (server_) {
      EXPECT_EQ(server_stop(server_, 10), 0);
    }
    server_ = nullptr;
  }
  static int port() { return server_port(server_); }

  // The server is healthy and correct after an attack.
  static void ExpectHealthy() {
    HttpResponse r = Request(port(), "GET", "/health");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(Str(ParseJson(r.body).get(), {"environment"}), "hostile");
  }

  static void ExpectNo5xx(const HttpResponse& r) {
    EXPECT_LT(r.status, 500) << r.body;
  }

  static api_server* server_;
};
api_server* Hostile::server_ = nullptr;

TEST_F(Hostile, MalformedRequestLines) {
  for (const char* raw :
       {"\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /health\r\n\r\n",
        "G\x01T /health HTTP/1.1\r\n\r\n", "GET /health HTTP/1.1 extra\r\n\r\n",
        "GET  /health  HTTP/1.1\r\nHost: x\r\n\r\n", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"}) {
    ExpectNo5xx(Exchange(port(), raw));
    ExpectHealthy();
  }
}

TEST_F(Hostile, HugeAndManyHeaders) {
  ExpectNo5xx(Request(port(), "GET", "/health", "X-A: " + std::string(100000, 'a') + "\r\n"));
  std::string many;
  for (int i = 0; i < 500; i++) many += "X-" + std::to_string(i) + ": v\r\n";
  ExpectNo5xx(Request(port(), "GET", "/health", many));
  ExpectNo5xx(Request(port(), "GET", "/" + std::string(20000, 'p')));
  ExpectHealthy();
}

TEST_F(Hostile, SlowClientDoesNotBlockOthers) {
  HttpConnection slow(port());
  const std::string request = "GET /health HTTP/1.1\r\nHost: t\r\n\r\n";
  for (size_t i = 0; i < 6; i++) {  // one byte every 0.5 s, bounded to 3 s
    ASSERT_TRUE(slow.Send(request.substr(i, 1)));
    ExpectHealthy();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_TRUE(slow.Send(request.substr(6)));
  EXPECT_EQ(slow.Read().status, 200);
}

TEST_F(Hostile, PipelinedRequestsAnswerInOrder) {
  HttpConnection c(port());
  std::string body = R"({"message":"p"})";
  ASSERT_TRUE(c.Send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n"
                     "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
                     "POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body +
                     "HEAD /health HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.Read().status, 200);
  EXPECT_EQ(c.Read().status, 404);
  EXPECT_EQ(c.Read().status, 200);
  EXPECT_EQ(c.Read(true).status, 200);
}

TEST_F(Hostile, BodyLongerThanContentLength) {
  HttpConnection c(port());
  ASSERT_TRUE(c.Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     "Content-Length: 15\r\n\r\n{\"message\":\"a\"}GARBAGE-NOT-HTTP\r\n\r\n"));
  EXPECT_EQ(c.Read().status, 200);
  ExpectNo5xx(c.Read(false, 2000));  // the excess is parsed as the next request
  ExpectHealthy();
}

TEST_F(Hostile, BodyShorterThanContentLengthThenClose) {
  {
    HttpConnection c(port());
    ASSERT_TRUE(c.Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                       "Content-Length: 1000\r\n\r\n{\"message\""));
  }  // the client goes away mid-body
  ExpectHealthy();
}

TEST_F(Hostile, MalformedChunkedBodies) {
  for (const char* chunks : {"zz\r\nabc\r\n0\r\n\r\n", "5\r\nab\r\n0\r\n\r\n",
                             "fffffffffffffff\r\na\r\n", "-1\r\n\r\n"}) {
    HttpConnection c(port());
    ASSERT_TRUE(c.Send(std::string("POST /v1/echo HTTP/1.1\r\nHost: t\r\n"
                                   "Content-Type: application/json\r\n"
                                   "Transfer-Encoding: chunked\r\n\r\n") + chunks));
    ExpectNo5xx(c.Read(false, 3000));
  }
  ExpectHealthy();
}

TEST_F(Hostile, InvalidUtf8AndNulBytes) {
  ExpectNo5xx(Post(port(), "/v1/echo", "application/json",
                   std::string("{\"message\":\"a\0b\"}", 17)));
  ExpectNo5xx(Post(port(), "/v1/echo", "application/json", "{\"message\":\"\xc3\x28\"}"));
  ExpectNo5xx(Request(port(), "GET", "/he\xffllo", "User-Agent: \xfe\xff\x00\r\n"));
  ExpectNo5xx(Request(port(), "GET", "/docs/%00", ""));
  ExpectHealthy();
}

TEST_F(Hostile, TraversalUnderDocsNeverLeavesTheTable) {
  for (const char* path : {"/docs/../../etc/passwd", "/docs/..%2f..%2fetc%2fpasswd",
                           "/docs/%2e%2e/%2e%2e/etc/passwd", "/docs/....//....//etc/passwd",
                           "/docs/%252e%252e%252fetc%252fpasswd", "/docs//etc/passwd",
                           "/docs/swagger-ui.css%00.png"}) {
    HttpResponse r = Request(port(), "GET", path);
    EXPECT_NE(r.status, 200) << path;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
    ExpectNo5xx(r);
  }
  ExpectHealthy();
}

void Attack(int port, int rounds) {
  for (int round = 0; round < rounds; round++) {
    Exchange(port, "GET /health HTTP/1.1\r\nX-A: " + std::string(15000, 'a') + "\r\n\r\n");
    Post(port, "/v1/echo", "application/json", std::string(60000, '['));
    Post(port, "/v1/echo", "application/json",
         R"({"message":")" + std::string(1024, 'm') + R"(","repeat":10})");
    Exchange(port, "NOT HTTP\r\n\r\n");
  }
}

// After a first round of attacks from 16 clients at once (every worker sees
// every attack, so each has the buffers it keeps between requests), 300
// more rounds leave no more memory live. Measured with tcache off: 0 kB.
// The limit fails a leak of 110 bytes in every request (tried: 200 bytes
// leaked per echo, 2 of the 4 requests in a round, fails it at 133 kB).
TEST_F(Hostile, MemoryReturnsAfterAttacks) {
  std::vector<std::thread> clients;
  for (int i = 0; i < 16; i++) clients.emplace_back([] { Attack(port(), 50); });
  for (auto& t : clients) t.join();
  long before = MemoryKb();
  Attack(port(), 300);
  ExpectHealthy();
  long after = MemoryKb();
  ASSERT_GT(before, 0);
  EXPECT_LT(after - before, 128) << "memory grew from " << before << " to " << after << " kB";
}

}  // namespace
