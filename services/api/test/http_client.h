// http_client.h - a deliberately dumb HTTP/1.1 client over raw sockets for
// the integration tests: it sends exactly the bytes a test gives it, so
// tests can send what no well-behaved client would.
#ifndef API_TEST_HTTP_CLIENT_H
#define API_TEST_HTTP_CLIENT_H

#include <map>
#include <string>

struct HttpResponse {
  int status = 0;  // 0: no parsable response
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& lower_name) const;
};

class HttpConnection {
 public:
  explicit HttpConnection(int port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // Reads one response; for HEAD the body is not read whatever
  // Content-Length says. Times out after timeout_ms.
  HttpResponse Read(bool head = false, int timeout_ms = 5000);
  // True when the server closed the connection (EOF within timeout_ms).
  bool ClosedByPeer(int timeout_ms = 2000);

 private:
  bool Fill(int timeout_ms);
  int fd_;
  std::string buffer_;
};

// One request on a fresh connection.
HttpResponse Exchange(int port, const std::string& raw_request,
                      bool head = false);
// A GET (or other body-less method) with optional extra header lines.
HttpResponse Request(int port, const std::string& method,
                     const std::string& path,
                     const std::string& extra_headers = "");
// A POST with a body and content type.
HttpResponse Post(int port, const std::string& path,
                  const std::string& content_type, const std::string& body);

#endif
