#include <utility>  // before Asio: Boost 1.74 + g++ 12 + C++20 need it
//
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "fleet/publish.h"
#include "http/conditional.h"
#include "http/cors.h"
#include "http/file_range_body.h"
#include "http/server.h"
#include "util/http_date.h"

namespace meridian {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string Gzip(std::string_view in) {
  z_stream zs{};
  if (deflateInit2(&zs, 4, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return "";
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(in.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "";
}

namespace {

// Whether a listener serving `paths` answers `path` (ServerOptions::paths).
bool Serves(ServerOptions::Paths paths, std::string_view path) {
  const bool metrics = path == "/metrics";
  switch (paths) {
    case ServerOptions::Paths::kAll:
      return true;
    case ServerOptions::Paths::kAllButMetrics:
      return !metrics;
    case ServerOptions::Paths::kMetricsOnly:
      return metrics || path == "/healthz" || path == "/readyz";
  }
  return true;
}

}  // namespace

struct Server::Impl {
  Service* service;
  ServerOptions options;
  net::io_context ioc;
  // The acceptor, the signals, the timers and Stop()/Shutdown() all run on
  // this one strand: an accept handler draining the backlog and a stop
  // closing the acceptor never run at once on two I/O threads.
  net::strand<net::io_context::executor_type> control{net::make_strand(ioc)};
  tcp::acceptor acceptor{control};
  std::atomic<size_t> connections{0};
  std::atomic<bool> stopping{false};
  net::signal_set signals{control};
  net::steady_timer drain{control};
  net::steady_timer grace{control};
  std::atomic<bool> in_grace{false};
  // Out of file descriptors (EMFILE, ENFILE): a descriptor held in reserve
  // is given up to accept one waiting connection and answer it 503, so
  // clients hear "busy" instead of waiting, and the acceptor does not spin
  // on a connection it cannot take; then it tries again after a pause.
  net::steady_timer accept_retry{control};
  int reserve_fd = -1;
  std::chrono::steady_clock::time_point exhausted_logged{};
  std::mutex reload_mu;
  std::thread reloader;
  // Requests that may wait on the store run here, never on the I/O threads,
  // so a slow or unreachable database cannot hold up a search.
  net::thread_pool store_pool;
  std::atomic<size_t> store_pending{0};

  Impl(Service* s, const ServerOptions& o)
      : service(s), options(o), store_pool(static_cast<size_t>(std::max(1, o.store_threads))) {}

  void Accept();
  void Take(tcp::socket socket);
  void AcceptFailed(const beast::error_code& ec);
  bool ShedOne();
  void BeginStop();
  void BeginShutdown();
  void Drain();
  void ReloadInBackground();
  std::chrono::steady_clock::time_point drain_deadline;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server::Impl* server)
      : stream_(std::move(socket)), server_(server) {}
  ~Session() { --server_->connections; }

  void Start() {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    auto ep = stream_.socket().remote_endpoint(ec);
    client_ = ec ? "" : ep.address().to_string();
    Read(server_->options.read_timeout);
  }

 private:
  // What the answer needs to know of the request it answers.
  struct Reply {
    unsigned version = 11;
    bool keep_alive = false;
    bool head = false;
    bool gzip = false;
  };

  void Read(std::chrono::milliseconds timeout) {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options.max_header_bytes));
    parser_->body_limit(server_->options.max_body_bytes);
    // The first byte must come within `timeout` (idle between keep-alive
    // requests); once it has, the whole request within read_timeout.
    stream_.expires_after(timeout);
    auto self = shared_from_this();
    http::async_read_header(stream_, buffer_, *parser_,
                            [self](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return Fail(ec);
    stream_.expires_after(server_->options.read_timeout);
    auto self = shared_from_this();
    http::async_read(stream_, buffer_, *parser_,
                     [self](beast::error_code ec2, size_t) { self->OnRead(ec2); });
  }

  void Fail(beast::error_code ec) {
    // Answer what can be answered; otherwise just close.
    if (ec == http::error::header_limit) {
      // The parser fills in the target once the request line is whole: a
      // long target, or a request line that never ended within the limit,
      // is a URL too long (414); otherwise the header fields are (431).
      const auto target = parser_->get().target();
      if (target.empty() || target.size() > server_->options.max_target_bytes)
        return Error(http::status::uri_too_long, "URL too long");
      return Error(http::status::request_header_fields_too_large, "headers too large");
    }
    if (ec == http::error::body_limit)
      return Error(http::status::payload_too_large, "body too large");
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset)
      return Close();
    if (ec.category() == http::make_error_code(http::error::bad_method).category())
      return Error(http::status::bad_request, "malformed HTTP request");
    Close();
  }

  void Error(http::status status, const char* message, const char* code = "bad_request") {
    auto res = std::make_shared<http::response<http::string_body>>(status, 11);
    res->set(http::field::content_type, "application/json");
    res->set(http::field::access_control_allow_origin, "*");  // readable by browser apps
    res->set(http::field::access_control_expose_headers, std::string(kCorsExposeHeaders));
    res->body() = std::string("{\"error\":{\"code\":\"") + code + "\",\"message\":\"" + message +
                  "\",\"param\":null}}";
    res->keep_alive(false);
    res->prepare_payload();
    Write(res, true);
  }

  void OnRead(beast::error_code ec) {
    if (ec) return Fail(ec);
    // The session's exception boundary (Service::Handle has its own): a
    // throw while building the response answers 500 and closes this
    // connection; it never escapes into the event loop.
    try {
      Answer();
    } catch (...) {
      Error(http::status::internal_server_error, "internal error", "internal");
    }
  }

  void Answer() {
    http::request<http::string_body> req = parser_->release();
    const std::string_view target(req.target().data(), req.target().size());
    if (target.size() > server_->options.max_target_bytes)
      return Error(http::status::uri_too_long, "URL too long");
    HttpRequest r;
    r.method = std::string(req.method_string());
    const size_t qm = target.find('?');
    r.path = std::string(target.substr(0, qm));
    if (qm != std::string_view::npos) r.query = std::string(target.substr(qm + 1));
    std::string forwarded;  // the trusted proxy's header, repeats joined
    const ClientAddressRules& rules = server_->options.client_rules;
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!rules.trusted.empty() && name == rules.header)
        forwarded += (forwarded.empty() ? "" : ", ") + std::string(f.value());
      r.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    r.body = std::move(req.body());
    r.client = ClientAddress(rules, client_, forwarded);
    if (!Serves(server_->options.paths, r.path)) {
      HttpResponse none;
      none.status = 404;
      none.body =
          "{\"error\":{\"code\":\"not_found\",\"message\":\"not served on this "
          "listener\",\"param\":null}}";
      none.headers.emplace_back("Cache-Control", "no-store");
      return Respond(std::move(none), Reply{.version = req.version(),
                                            .keep_alive = req.keep_alive(),
                                            .head = r.method == "HEAD"});
    }
    if (!server_->options.publish_dir.empty() && r.path.starts_with("/snapshots/") &&
        (r.method == "GET" || r.method == "HEAD"))
      return ServeSnapshotFile(r, req.version(), req.keep_alive());
    Reply reply{.version = req.version(),
                .keep_alive = req.keep_alive(),
                .head = r.method == "HEAD",
                .gzip = AcceptsGzip(r.Header("accept-encoding"))};
    if (!server_->service->MayWaitOnStore(r)) return Respond(server_->service->Handle(r), reply);
    // A store route: off the I/O threads, within a bounded queue (past it,
    // 503 at once rather than a pile of waiting requests).
    if (server_->store_pending.fetch_add(1) >= server_->options.max_store_queue) {
      --server_->store_pending;
      HttpResponse busy;
      busy.status = 503;
      busy.content_type = "application/json";
      busy.headers.emplace_back("Retry-After", "5");
      busy.headers.emplace_back("Access-Control-Allow-Origin", "*");
      busy.headers.emplace_back("Access-Control-Expose-Headers", std::string(kCorsExposeHeaders));
      busy.body =
          "{\"error\":{\"code\":\"store_busy\",\"message\":\"too many requests are waiting "
          "on the store; try again\",\"param\":null}}";
      return Respond(std::move(busy), reply);
    }
    auto self = shared_from_this();
    net::post(server_->store_pool, [self, r = std::move(r), reply]() mutable {
      HttpResponse out;
      try {
        out = self->server_->service->Handle(r);
      } catch (...) {
        out.status = 500;
        out.content_type = "application/json";
        out.body =
            "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\",\"param\":null}}";
      }
      --self->server_->store_pending;
      net::post(self->stream_.get_executor(), [self, out = std::move(out), reply]() mutable {
        try {
          self->Respond(std::move(out), reply);
        } catch (...) {
          self->Error(http::status::internal_server_error, "internal error", "internal");
        }
      });
    });
  }

  void Respond(HttpResponse out, const Reply& reply) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(out.status), reply.version);
    if (!out.content_type.empty()) res->set(http::field::content_type, out.content_type);
    for (const auto& [k, v] : out.headers) res->set(k, v);
    const bool keep = reply.keep_alive && !server_->stopping.load();
    res->keep_alive(keep);
    if (out.body.size() >= server_->options.gzip_min_bytes && reply.gzip) {
      std::string z = Gzip(out.body);
      if (!z.empty()) {
        out.body = std::move(z);
        res->set(http::field::content_encoding, "gzip");
      }
      res->set(http::field::vary, "Accept-Encoding");
    }
    if (out.status == 204 || out.status == 304) {
      res->prepare_payload();  // no body, no Content-Length
    } else if (!reply.head) {
      res->body() = std::move(out.body);
      res->prepare_payload();
    } else {
      // HEAD: the headers GET would send, Content-Length included.
      res->content_length(out.body.size());
    }
    Write(res, !keep);
  }

  // GET or HEAD /snapshots/NAME from the publish directory: only published
  // names (nppes-YYYYMMDD-<12 hex>.snap, so no path can leave the folder),
  // with single "bytes=N-" or "bytes=N-M" ranges for a follower's resume.
  void ServeSnapshotFile(const HttpRequest& r, unsigned version, bool keep_alive) {
    const std::string name = r.path.substr(std::string_view("/snapshots/").size());
    const bool keep = keep_alive && !server_->stopping.load();
    auto plain = [&](http::status status, std::string body, const char* range = nullptr) {
      auto res = std::make_shared<http::response<http::string_body>>(status, version);
      res->set(http::field::content_type, "text/plain");
      if (range != nullptr) res->set(http::field::content_range, range);
      res->body() = std::move(body);
      res->keep_alive(keep);
      res->prepare_payload();
      Write(res, !keep);
    };
    if (!fleet::IsPublishedName(name)) return plain(http::status::not_found, "not found\n");
    const std::string path = server_->options.publish_dir + "/" + name;
    FileRangeBody::value_type body;
    body.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (body.fd < 0 || ::fstat(body.fd, &st) != 0)
      return plain(http::status::not_found, "not found\n");
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    uint64_t first = 0, last = size == 0 ? 0 : size - 1;
    bool partial = false;
    const std::string range(r.Header("range"));
    if (range.starts_with("bytes=") && range.find(',') == std::string::npos) {
      const size_t dash = range.find('-');
      const std::string a = range.substr(6, dash == std::string::npos ? 0 : dash - 6);
      const std::string b = dash == std::string::npos ? "" : range.substr(dash + 1);
      if (!a.empty() && a.find_first_not_of("0123456789") == std::string::npos &&
          b.find_first_not_of("0123456789") == std::string::npos) {
        first = std::strtoull(a.c_str(), nullptr, 10);
        const uint64_t asked_last = b.empty() ? last : std::strtoull(b.c_str(), nullptr, 10);
        last = std::min(last, asked_last);
        if (first >= size || asked_last < first) {
          const std::string unsatisfied = "bytes */" + std::to_string(size);
          return plain(http::status::range_not_satisfiable, "", unsatisfied.c_str());
        }
        partial = true;
      }
    }
    auto res = std::make_shared<http::response<FileRangeBody>>(
        partial ? http::status::partial_content : http::status::ok, version);
    res->set(http::field::content_type, "application/octet-stream");
    res->set(http::field::accept_ranges, "bytes");
    // Content-addressed: the name never names other bytes.
    res->set(http::field::cache_control, "public, max-age=31536000, immutable");
    if (partial)
      res->set(http::field::content_range, "bytes " + std::to_string(first) + "-" +
                                               std::to_string(last) + "/" + std::to_string(size));
    body.offset = first;
    body.length = size == 0 ? 0 : last - first + 1;
    const uint64_t length = body.length;
    res->body() = std::move(body);
    res->keep_alive(keep);
    res->prepare_payload();
    if (r.method == "HEAD") {
      auto head = std::make_shared<http::response<http::empty_body>>(res->result(), version);
      for (const auto& f : *res) head->set(f.name_string(), f.value());
      head->content_length(length);
      head->keep_alive(keep);
      return Write(head, !keep);
    }
    // A big file may take a while: at least 256 KiB/s on top of the usual limit.
    Write(res, !keep, server_->options.read_timeout + std::chrono::milliseconds(length / 256 + 1));
  }

  // The whole response must go within `timeout` (default read_timeout).
  template <class Body>
  void Write(std::shared_ptr<http::response<Body>> res, bool close,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
    stream_.expires_after(timeout.count() > 0 ? timeout : server_->options.read_timeout);
    res->set(http::field::date, HttpDate(std::time(nullptr)));  // every response (RFC 9110 6.6.1)
    auto self = shared_from_this();
    http::async_write(stream_, *res, [self, res, close](beast::error_code ec, size_t) {
      if (ec || close) return self->Close();
      self->Read(self->server_->options.idle_timeout);
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  Server::Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string client_;
};

}  // namespace

namespace {

// 503 with Retry-After on a connection the server will not serve, written at
// once (a few bytes always fit the socket's buffer), then closed. What the
// client sent is read first, so closing sends FIN, not a reset that could
// discard the answer before the client reads it.
void AnswerBusyAndClose(int fd) {
  const std::string kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nDate: " + HttpDate(std::time(nullptr)) +
      "\r\nRetry-After: 1\r\nContent-Type: application/json\r\n"
      "Access-Control-Allow-Origin: *\r\nContent-Length: 71\r\nConnection: close\r\n\r\n"
      "{\"error\":{\"code\":\"busy\",\"message\":\"too many connections\",\"param\":null}}";
  char sink[4096];
  while (::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
  (void)::send(fd, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(fd, SHUT_WR);
  while (::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
}

}  // namespace

void Server::Impl::Take(tcp::socket socket) {
  if (connections.load() >= options.max_connections) {
    AnswerBusyAndClose(socket.native_handle());
    beast::error_code ec;
    socket.close(ec);
    return;
  }
  ++connections;
  std::make_shared<Session>(std::move(socket), this)->Start();
}

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!stopping.load() && acceptor.is_open()) AcceptFailed(ec);
      return;
    }
    Take(std::move(socket));
    // Then every connection already waiting: under load this handler runs
    // behind many requests, and one connection per turn would leave the
    // rest in the backlog until their clients time out.
    for (int i = 0; i < 1024 && !stopping.load(); ++i) {
      tcp::socket next(net::make_strand(ioc));
      acceptor.accept(next, ec);  // non-blocking: would_block when none waits
      if (ec) break;
      Take(std::move(next));
    }
    if (!stopping.load()) Accept();
  });
}

void Server::Impl::AcceptFailed(const beast::error_code& ec) {
  const bool no_fds = ec == net::error::no_descriptors ||
                      ec == beast::errc::too_many_files_open_in_system ||
                      ec == net::error::no_buffer_space || ec == net::error::no_memory;
  if (!no_fds) return Accept();  // one connection's trouble (aborted): go on
  const auto now = std::chrono::steady_clock::now();
  if (now - exhausted_logged > std::chrono::seconds(10)) {
    exhausted_logged = now;
    std::fprintf(stderr,
                 "meridian: out of file descriptors (%s); new connections get 503 until some "
                 "close (raise the limit: ulimit -n, LimitNOFILE=)\n",
                 ec.message().c_str());
  }
  // A connection answered: others may be waiting, try at once; else pause.
  if (ShedOne()) return Accept();
  accept_retry.expires_after(std::chrono::milliseconds(50));
  accept_retry.async_wait([this](beast::error_code e) {
    if (!e && !stopping.load() && acceptor.is_open()) Accept();
  });
}

bool Server::Impl::ShedOne() {
  if (reserve_fd < 0) return false;
  ::close(reserve_fd);
  reserve_fd = -1;
  bool answered = false;
  const int fd =
      ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0) {
    AnswerBusyAndClose(fd);
    ::close(fd);
    answered = true;
  }
  reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return answered;
}

void Server::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  grace.cancel();
  accept_retry.cancel();
  // In-flight requests finish (their connections close after the response);
  // idle keep-alive connections are cut at the deadline.
  drain_deadline = std::chrono::steady_clock::now() + options.drain_timeout;
  Drain();
}

void Server::Impl::BeginShutdown() {
  if (stopping.load()) return;
  // No grace, or a second signal during it: stop now.
  if (options.stop_grace.count() <= 0 || in_grace.exchange(true)) return BeginStop();
  service->SetDraining();
  std::fprintf(stderr, "meridian: stopping in %lld ms (/readyz answers 503 meanwhile)\n",
               static_cast<long long>(options.stop_grace.count()));
  grace.expires_after(options.stop_grace);
  grace.async_wait([this](beast::error_code ec) {
    if (!ec) BeginStop();
  });
}

void Server::Impl::Drain() {
  if (connections.load() == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
    ioc.stop();
    return;
  }
  drain.expires_after(std::chrono::milliseconds(20));
  drain.async_wait([this](beast::error_code) { Drain(); });
}

void Server::Impl::ReloadInBackground() {
  std::lock_guard<std::mutex> lock(reload_mu);
  if (reloader.joinable()) reloader.join();
  reloader = std::thread([this] {
    Status s = service->Reload();
    std::fprintf(stderr, "meridian: reload %s%s\n",
                 s.ok() ? "done" : "refused: ", s.ok() ? "" : s.ToString().c_str());
  });
}

Server::Server(Service* service, const ServerOptions& options)
    : impl_(std::make_unique<Impl>(service, options)) {}

Server::~Server() {
  std::lock_guard<std::mutex> lock(impl_->reload_mu);
  if (impl_->reloader.joinable()) impl_->reloader.join();
  if (impl_->reserve_fd >= 0) ::close(impl_->reserve_fd);
}

Status Server::Start() {
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->options.address, ec);
  if (ec) return Status::InvalidArgument("bad listen address " + impl_->options.address);
  tcp::endpoint ep(address, impl_->options.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) a.non_blocking(true, ec);  // Accept() drains the backlog with plain accepts
  if (ec)
    return Status::IoError("cannot listen on " + impl_->options.address + ":" +
                           std::to_string(impl_->options.port) + ": " + ec.message());
  if (impl_->reserve_fd < 0) impl_->reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return Status::OK();
}

uint16_t Server::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Server::Run() {
  Impl& s = *impl_;
  std::function<void(beast::error_code, int)> on_signal = [&](beast::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      s.ReloadInBackground();
    } else {
      s.BeginShutdown();
    }
    if (!s.stopping.load()) s.signals.async_wait(on_signal);
  };
  if (s.options.handle_signals) {
    s.signals.add(SIGINT);
    s.signals.add(SIGTERM);
    s.signals.add(SIGHUP);
    s.signals.async_wait(on_signal);
  }
  s.Accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < s.options.threads; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (std::thread& t : threads) t.join();
  s.store_pool.join();  // requests still waiting on the store finish (their answers are dropped)
}

void Server::Stop() {
  net::post(impl_->control, [this] { impl_->BeginStop(); });
}

void Server::Shutdown() {
  net::post(impl_->control, [this] { impl_->BeginShutdown(); });
}

}  // namespace meridian
