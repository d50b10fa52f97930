// A real SMTP server for tests: tests/digest/smtp_server.py on Debian's
// python3-aiosmtpd, started on a free loopback port and stopped (SIGTERM)
// when this object goes. Messages land in a Maildir, one file per message
// and recipient, each with an X-Envelope-To line first. Recipients choose
// failures: reject*@ gets 550, tempfail*@ gets 451 once (see the script).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "util/status.h"

namespace meridian::testing {

class SmtpServer {
 public:
  // Starts the server (waits until it listens, at most 20 s).
  static Result<std::unique_ptr<SmtpServer>> Start(const std::string& maildir);
  ~SmtpServer();
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // Every message delivered so far (the Maildir's new/ folder), as stored.
  std::vector<std::string> Messages() const;

 private:
  SmtpServer() = default;
  std::string maildir_;
  int port_ = 0;
  int pid_ = 0;
};

// A free TCP port on 127.0.0.1 (bound and released).
int FreePort();

}  // namespace meridian::testing
