// http_client.cc - see http_client.h.
#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpConnection::HttpConnection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ >= 0 &&
      connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) close(fd_);
}

bool HttpConnection::Send(const std::string& bytes) {
  size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return fd_ >= 0;
}

bool HttpConnection::Fill(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (fd_ < 0 || poll(&p, 1, timeout_ms) != 1) return false;
  char chunk[65536];
  ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

static std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

static void ParseHead(const std::string& head, HttpResponse* r) {
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) == 0 && status_line.size() >= 12)
    r->status = std::atoi(status_line.substr(9, 3).c_str());
  size_t pos = line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      size_t v = line.find_first_not_of(' ', colon + 1);
      r->headers[Lower(line.substr(0, colon))] =
          v == std::string::npos ? "" : line.substr(v);
    }
    pos = end + 2;
  }
}

HttpResponse HttpConnection::Read(bool head, int timeout_ms) {
  HttpResponse r;
  size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(timeout_ms)) return r;
  }
  ParseHead(buffer_.substr(0, head_end), &r);
  buffer_.erase(0, head_end + 4);
  size_t length = 0;
  if (!head && !r.Header("content-length").empty())
    length = std::strtoul(r.Header("content-length").c_str(), nullptr, 10);
  while (buffer_.size() < length) {
    if (!Fill(timeout_ms)) break;
  }
  r.body = buffer_.substr(0, std::min(length, buffer_.size()));
  buffer_.erase(0, r.body.size());
  return r;
}

bool HttpConnection::ClosedByPeer(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (fd_ < 0) return true;
  if (poll(&p, 1, timeout_ms) != 1) return false;
  char c;
  return recv(fd_, &c, 1, MSG_PEEK) <= 0;
}

HttpResponse Exchange(int port, const std::string& raw_request, bool head) {
  HttpConnection c(port);
  if (!c.Send(raw_request)) return HttpResponse{};
  return c.Read(head);
}

HttpResponse Request(int port, const std::string& method,
                     const std::string& path,
                     const std::string& extra_headers) {
  return Exchange(port,
                  method + " " + path + " HTTP/1.1\r\nHost: test\r\n" +
                      extra_headers + "\r\n",
                  method == "HEAD");
}

HttpResponse Post(int port, const std::string& path,
                  const std::string& content_type, const std::string& body) {
  std::string raw = "POST " + path + " HTTP/1.1\r\nHost: test\r\n";
  if (!content_type.empty()) raw += "Content-Type: " + content_type + "\r\n";
  raw += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return Exchange(port, raw);
}
