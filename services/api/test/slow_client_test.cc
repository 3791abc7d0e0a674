// Slow clients beside a health check, over loopback: twice as many clients
// as worker threads send their requests a byte at a time (the head, or the
// body of a POST), while /health is polled on new connections, as the NLB
// and ECS do. Every poll must be answered 200 within 1 s (a bound for
// correctness, not a timing: a worker that waits for a slow client's next
// byte leaves polls unanswered for as long as the client takes), and every
// slow client must still get its own answer once it has sent everything.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http_client.h"

extern "C" {
#include "config.h"
#include "server.h"
}

namespace {

const char kHealth[] = "GET /health HTTP/1.1\r\nHost: t\r\n\r\n";
const int kThreads = 4;
const int kSlowClients = 2 * kThreads;
const int kByteEveryMs = 150;
const int kPollEveryMs = 100;
const int kAnswerWithinMs = 1000;

struct ServerDeleter {
  void operator()(api_server* s) const { EXPECT_EQ(server_stop(s, 10), 0); }
};
using ServerPtr = std::unique_ptr<api_server, ServerDeleter>;

ServerPtr Start() {
  api_config cfg{};
  cfg.port = 8080;
  snprintf(cfg.environment, sizeof(cfg.environment), "test");
  snprintf(cfg.version, sizeof(cfg.version), "test");
  cfg.threads = kThreads;
  cfg.shutdown_timeout_s = 10;
  char error[256] = "";
  api_server* s = server_start(&cfg, "127.0.0.1:0", error, sizeof(error));
  EXPECT_NE(s, nullptr) << error;
  return ServerPtr(s);
}

// Clients that send `fast` at once, then `slow` one byte every
// kByteEveryMs, all from one thread; each one's answer is read at the end.
class Tricklers {
 public:
  Tricklers(int port, int n, const std::string& fast, const std::string& slow)
      : fast_(fast), slow_(slow) {
    for (int i = 0; i < n; i++)
      conns_.push_back(std::make_unique<HttpConnection>(port));
    thread_ = std::thread([this] { Run(); });
  }
  ~Tricklers() { Join(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  // How long the trickle takes, so the poller can outlast it.
  int DurationMs() const {
    return static_cast<int>(slow_.size()) * kByteEveryMs;
  }
  // After Join(): how many of them were answered 200.
  int Answered() const { return answered_; }

 private:
  void Run() {
    for (auto& c : conns_)
      if (!c->ok() || (!fast_.empty() && !c->Send(fast_))) return;
    for (char byte : slow_) {
      for (auto& c : conns_)
        if (!c->Send(std::string(1, byte))) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(kByteEveryMs));
    }
    for (auto& c : conns_) answered_ += c->Read().status == 200;
  }

  std::string fast_, slow_;
  std::vector<std::unique_ptr<HttpConnection>> conns_;
  std::thread thread_;
  int answered_ = 0;
};

// Polls /health every kPollEveryMs for duration_ms; returns how many polls
// were not answered 200 within kAnswerWithinMs.
int LatePolls(int port, int duration_ms, int* polls) {
  auto end = std::chrono::steady_clock::now() +
             std::chrono::milliseconds(duration_ms);
  int late = 0;
  *polls = 0;
  while (std::chrono::steady_clock::now() < end) {
    HttpConnection probe(port);
    (*polls)++;
    if (!probe.ok() || !probe.Send(kHealth) ||
        probe.Read(false, kAnswerWithinMs).status != 200)
      late++;
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollEveryMs));
  }
  return late;
}

TEST(SlowClientTest, HeadSentByteByByteDoesNotDelayHealth) {
  ServerPtr server = Start();
  ASSERT_NE(server, nullptr);
  int port = server_port(server.get());
  Tricklers slow(port, kSlowClients, "", kHealth);
  int polls = 0;
  int late = LatePolls(port, slow.DurationMs(), &polls);
  EXPECT_EQ(late, 0) << late << " of " << polls
                     << " health polls not answered within 1 s";
  slow.Join();
  EXPECT_EQ(slow.Answered(), kSlowClients);
}

TEST(SlowClientTest, BodySentByteByByteDoesNotDelayHealth) {
  ServerPtr server = Start();
  ASSERT_NE(server, nullptr);
  int port = server_port(server.get());
  const std::string body = "{\"message\":\"slow\"}";
  const std::string head = "POST /v1/echo HTTP/1.1\r\nHost: t\r\n"
                           "Content-Type: application/json\r\n"
                           "Content-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  Tricklers slow(port, kSlowClients, head, body);
  int polls = 0;
  int late = LatePolls(port, slow.DurationMs(), &polls);
  EXPECT_EQ(late, 0) << late << " of " << polls
                     << " health polls not answered within 1 s";
  slow.Join();
  EXPECT_EQ(slow.Answered(), kSlowClients);
}

}  // namespace
