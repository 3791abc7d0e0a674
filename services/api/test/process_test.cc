// The real `api` binary as a child process: configuration errors, the
// command line, --healthcheck, the access log on stdout and a SIGTERM that
// arrives while a request is in flight.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http_client.h"
#include "json_check.h"

namespace {

std::string BinaryPath() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return std::string(srcdir ? srcdir : ".") + "/" +
         (workspace ? workspace : "civet_api") + "/services/api/api";
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// A child process with captured stdout and stderr.
class Child {
 public:
  Child(std::vector<std::string> args, std::vector<std::string> env) {
    int out[2], err[2];
    EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(err, O_CLOEXEC), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<char*> argv{const_cast<char*>(binary_.c_str())};
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, binary_.c_str(), &actions, nullptr,
                          argv.data(), envp.data()),
              0)
        << binary_;
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~Child() {
    if (pid_ > 0 && status_ < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
    close(err_);
  }

  // Exit status, or -1 if still running after timeout_ms.
  int Wait(int timeout_ms = 15000) {
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(timeout_ms);
    while (status_ < 0 && std::chrono::steady_clock::now() < deadline) {
      Drain(out_, &stdout_, 10);
      Drain(err_, &stderr_, 0);
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_)
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    Drain(out_, &stdout_, 0);
    Drain(err_, &stderr_, 0);
    return status_;
  }

  // Waits until stdout contains text.
  bool WaitForOutput(const std::string& text, int timeout_ms = 10000) {
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(timeout_ms);
    while (stdout_.find(text) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      Drain(out_, &stdout_, 20);
    }
    return true;
  }

  void Signal(int sig) { kill(pid_, sig); }
  const std::string& out() const { return stdout_; }
  const std::string& err() const { return stderr_; }

 private:
  static void Drain(int fd, std::string* into, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    while (poll(&p, 1, timeout_ms) == 1) {
      char buf[4096];
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n <= 0) return;
      into->append(buf, static_cast<size_t>(n));
      timeout_ms = 0;
    }
  }

  std::string binary_ = BinaryPath();
  pid_t pid_ = -1;
  int status_ = -1;
  int out_ = -1, err_ = -1;
  std::string stdout_, stderr_;
};

std::vector<std::string> Env(int port, std::vector<std::string> extra = {}) {
  // getenv() returns the first match, so the extras go first to override.
  extra.insert(extra.end(), {"PORT=" + std::to_string(port), "APP_ENV=ptest",
                             "API_THREADS=16", "SHUTDOWN_TIMEOUT_S=5"});
  return extra;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Process, BadConfigurationExits2WithOneLine) {
  Child child({}, {"API_STAGE=/dev"});
  EXPECT_EQ(child.Wait(), 2);
  EXPECT_EQ(Lines(child.err()).size(), 1u) << child.err();
  EXPECT_NE(child.err().find("API_STAGE=\"/dev\""), std::string::npos)
      << child.err();
}

TEST(Process, HelpVersionAndBadUsage) {
  Child help({"--help"}, {});
  EXPECT_EQ(help.Wait(), 0);
  for (const char* var : {"PORT", "API_STAGE", "APP_ENV", "APP_VERSION",
                          "IMAGE_DIGEST", "API_THREADS", "SHUTDOWN_TIMEOUT_S"})
    EXPECT_NE(help.out().find(var), std::string::npos) << var;
  Child version({"--version"}, {});
  EXPECT_EQ(version.Wait(), 0);
  EXPECT_NE(version.out().find("civetweb 1.15"), std::string::npos);
  EXPECT_NE(version.out().find("yajl 2.1.0"), std::string::npos);
  Child bad({"--bogus"}, {});
  EXPECT_EQ(bad.Wait(), 2);
  EXPECT_NE(bad.err().find("usage:"), std::string::npos);
}

TEST(Process, HealthcheckFollowsTheServer) {
  int port = FreePort();
  {
    Child down({"--healthcheck"}, Env(port));
    EXPECT_EQ(down.Wait(), 1);
    EXPECT_NE(down.err().find("healthcheck failed"), std::string::npos);
  }
  Child server({}, Env(port));
  ASSERT_TRUE(server.WaitForOutput("\"event\":\"started\"")) << server.err();
  Child up({"--healthcheck"}, Env(port));
  EXPECT_EQ(up.Wait(), 0) << up.err();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
}

TEST(Process, PortInUseFailsWithExit1) {
  int port = FreePort();
  Child first({}, Env(port));
  ASSERT_TRUE(first.WaitForOutput("\"event\":\"started\""));
  Child second({}, Env(port));
  EXPECT_EQ(second.Wait(), 1);
  EXPECT_NE(second.err().find("cannot listen"), std::string::npos) << second.err();
  first.Signal(SIGINT);
  EXPECT_EQ(first.Wait(), 0);
}

TEST(Process, SigtermLetsTheRequestInFlightFinishThenExits0) {
  int port = FreePort();
  Child server({}, Env(port));
  ASSERT_TRUE(server.WaitForOutput("\"event\":\"started\"")) << server.err();
  HttpConnection slow(port);
  std::string body = R"({"message":"in flight"})";
  ASSERT_TRUE(slow.Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\n"
                        "X-Request-Id: slow-1\r\n"
                        "Content-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" +
                        body.substr(0, 4)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto signalled = std::chrono::steady_clock::now();
  server.Signal(SIGTERM);
  ASSERT_TRUE(server.WaitForOutput("\"event\":\"stopping\""));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(slow.Send(body.substr(4)));
  HttpResponse r = slow.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Str(ParseJson(r.body).get(), {"message"}), "in flight");
  EXPECT_EQ(server.Wait(), 0) << server.err();
  auto took = std::chrono::steady_clock::now() - signalled;
  EXPECT_LT(took, std::chrono::seconds(5)) << "inside SHUTDOWN_TIMEOUT_S";
  EXPECT_NE(server.out().find("\"event\":\"stopped\""), std::string::npos);
  EXPECT_NE(server.out().find("\"request_id\":\"slow-1\""), std::string::npos);
}

TEST(Process, ShutdownTimeoutBoundsAStuckRequest) {
  int port = FreePort();
  Child server({}, Env(port, {"SHUTDOWN_TIMEOUT_S=1"}));
  ASSERT_TRUE(server.WaitForOutput("\"event\":\"started\""));
  HttpConnection stuck(port);
  ASSERT_TRUE(stuck.Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\n"
                         "Content-Type: application/json\r\n"
                         "Content-Length: 100\r\n\r\n{"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(4000), 1) << "a stop past the deadline is reported";
  EXPECT_NE(server.out().find("\"event\":\"stop_timeout\""), std::string::npos);
}

TEST(Process, EveryStdoutLineIsJsonEvenForHostileRequests) {
  int port = FreePort();
  Child server({}, Env(port));
  ASSERT_TRUE(server.WaitForOutput("\"event\":\"started\""));
  Exchange(port, "GET /\xff\xfe\"%00\x01 HTTP/1.1\r\nUser-Agent: \"}\xc3\r\n\r\n");
  Exchange(port, "\x16\x03\x01 not http\r\n\r\n");
  Request(port, "GET", "/health", "User-Agent: ok\r\n");
  server.Signal(SIGTERM);
  ASSERT_EQ(server.Wait(), 0);
  std::vector<std::string> lines = Lines(server.out());
  EXPECT_GE(lines.size(), 6u) << server.out();
  int access_lines = 0;
  for (const auto& line : lines) {
    Json doc = ParseJson(line);
    EXPECT_TRUE(doc) << line;
    if (doc && At(doc.get(), {"status"})) {
      access_lines++;
      for (const char* field : {"time", "method", "path", "status", "bytes",
                                "duration_ms", "request_id", "user_agent"})
        EXPECT_NE(At(doc.get(), {field}), nullptr) << field << " in " << line;
    }
  }
  EXPECT_EQ(access_lines, 3);
}

}  // namespace
