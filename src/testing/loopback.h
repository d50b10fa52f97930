// A TCP connection to 127.0.0.1:port for tests that talk to a real server.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>

namespace meridian::testing {

// The connected socket, or -1; reads time out after `timeout_s` seconds.
inline int ConnectLoopback(uint16_t port, int timeout_s = 5) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{timeout_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

inline void SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

// Reads until the peer closes (or the receive timeout). *peer_closed, when
// given, says which: the server closed (or reset) the connection, or our own
// receive timeout ran out.
inline std::string ReadToClose(int fd, bool* peer_closed = nullptr) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (peer_closed != nullptr) *peer_closed = n == 0 || errno == ECONNRESET;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Reads one response (headers + Content-Length body) from a kept-alive
// connection. `head`: the request was HEAD (a Content-Length, no body).
inline std::string ReadResponse(int fd, bool head = false) {
  std::string out;
  char buf[65536];
  for (;;) {
    const size_t end = out.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t len = 0;
      const size_t cl = out.find("Content-Length: ");
      if (!head && cl != std::string::npos && cl < end) len = std::stoul(out.substr(cl + 16));
      if (out.size() >= end + 4 + len) return out.substr(0, end + 4 + len);
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

// The status code of a raw response, or -1.
inline int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return -1;
  return std::stoi(response.substr(9, 3));
}

inline std::string BodyOf(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

// The value of header `name` (as the server spells it) in a raw response,
// or "" (`*found` says whether it was there at all).
inline std::string RawHeader(const std::string& response, const std::string& name,
                             bool* found = nullptr) {
  const size_t end = response.find("\r\n\r\n");
  const std::string key = "\r\n" + name + ": ";
  const size_t at = response.find(key);
  if (found != nullptr) *found = at != std::string::npos && at < end;
  if (at == std::string::npos || at >= end) return "";
  const size_t from = at + key.size();
  return response.substr(from, response.find("\r\n", from) - from);
}

}  // namespace meridian::testing
