// Server: the Service on a TCP socket, with Boost.Beast/Asio.
//
// Asynchronous HTTP/1.1 with keep-alive and TCP_NODELAY on N threads. Every
// connection is bounded: a request (headers and body) must arrive within
// read_timeout (slow clients are dropped, never allowed to hold a thread);
// headers over max_header_bytes get 431, a target over max_target_bytes 414,
// a body over max_body_bytes 413, malformed HTTP 400 (then the connection
// closes). Past max_connections new connections get 503 and are closed.
// Responses of at least gzip_min_bytes are gzipped for clients that accept it.
//
// Signals (Run() installs them): SIGHUP reloads the snapshot on a background
// thread (Service::Reload; a bad snapshot is refused and the old keeps
// serving); SIGTERM or SIGINT is Shutdown(): with a stop_grace, /readyz
// answers 503 first while everything else keeps serving for that long (so a
// load balancer's health check takes the server out of rotation before it
// goes), then, or at once without a grace or on a second signal, it stops
// accepting, lets requests in flight finish (at most drain_timeout), and
// returns from Run().
//
// Thread safety: Start() then Run() from one thread; Stop() from any.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/client_address.h"
#include "http/service.h"
#include "util/status.h"

namespace meridian {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see Server::port())
  int threads = 2;
  size_t max_connections = 4096;
  size_t max_header_bytes = 16 * 1024;
  size_t max_target_bytes = 8 * 1024;
  size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds read_timeout{10000};  // per request, headers and body
  std::chrono::milliseconds idle_timeout{30000};  // between keep-alive requests
  std::chrono::milliseconds drain_timeout{5000};
  std::chrono::milliseconds stop_grace{0};  // /readyz 503 this long before draining
  size_t gzip_min_bytes = 1400;
  // Requests that may wait on the store (Service::MayWaitOnStore) run on
  // their own threads; past max_store_queue waiting, 503 with Retry-After.
  int store_threads = 8;
  size_t max_store_queue = 256;
  // When set, GET/HEAD /snapshots/NAME serves the published snapshot NAME
  // from this directory (meridian publish --to), with Range, for followers.
  std::string publish_dir;
  // Who the client is behind a trusted proxy (client_address.h).
  ClientAddressRules client_rules;
  // What this listener serves: everything; everything but /metrics (when
  // the metrics have a listener of their own, e.g. on an admin network); or
  // only /metrics, /healthz and /readyz (that listener). Other paths: 404.
  enum class Paths { kAll, kAllButMetrics, kMetricsOnly } paths = Paths::kAll;
  // Whether Run() takes SIGHUP, SIGTERM and SIGINT (one listener per process
  // does; a second one is stopped by the code that runs both).
  bool handle_signals = true;
};

class Server {
 public:
  Server(Service* service, const ServerOptions& options);
  ~Server();
  // Binds and listens. After it, port() is the bound port.
  Status Start();
  uint16_t port() const;
  // Serves until Stop() or SIGTERM/SIGINT.
  void Run();
  // Stops now: no new connections, in-flight requests finish (drain_timeout).
  void Stop();
  // What SIGTERM does (see above): the grace, then Stop().
  void Shutdown();

  struct Impl;  // the I/O state (server.cc); public so connections can reach it

 private:
  std::unique_ptr<Impl> impl_;
};

// gzip of `in` (RFC 1952), or "" on failure.
std::string Gzip(std::string_view in);

}  // namespace meridian
