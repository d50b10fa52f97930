#include "testing/smtp_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "testing/test_util.h"

namespace meridian::testing {

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    return 0;
  }
  const int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

Result<std::unique_ptr<SmtpServer>> SmtpServer::Start(const std::string& maildir) {
  std::unique_ptr<SmtpServer> s(new SmtpServer());
  s->maildir_ = maildir;
  const std::string script = SourceDir() + "/tests/digest/smtp_server.py";
  const std::string ready = maildir + ".ready";
  for (int attempt = 0; attempt < 5; ++attempt) {
    s->port_ = FreePort();
    std::filesystem::remove(ready);
    const pid_t pid = ::fork();
    if (pid < 0) return Status::Unavailable("fork failed");
    if (pid == 0) {
      const std::string port = std::to_string(s->port_);
      // Debian's python (with python3-aiosmtpd), not whatever is first on PATH.
      ::execl("/usr/bin/python3", "python3", script.c_str(), port.c_str(), maildir.c_str(),
              "--ready", ready.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    s->pid_ = pid;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::filesystem::exists(ready)) return s;
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        s->pid_ = 0;
        break;  // exited: the port may have been taken; try another
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (s->pid_ != 0) {
      ::kill(s->pid_, SIGKILL);
      ::waitpid(s->pid_, nullptr, 0);
      s->pid_ = 0;
    }
  }
  return Status::Unavailable(
      "the test SMTP server did not start (is python3-aiosmtpd installed? scripts/install-deps)");
}

SmtpServer::~SmtpServer() {
  if (pid_ != 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }
}

std::vector<std::string> SmtpServer::Messages() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(maildir_ + "/new", ec))
    out.push_back(ReadAll(e.path().string()));
  return out;
}

}  // namespace meridian::testing
