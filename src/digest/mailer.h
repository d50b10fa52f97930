// Sending a rendered message: over SMTP with libcurl, or into a folder as
// .eml files (the embedded default, for `make run` and previews).
//
// Thread safety: Send() may be called from any thread (an SMTP mailer sends
// one message at a time over one reused connection).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "util/status.h"

namespace meridian::digest {

struct MailResult {
  enum Kind { kSent, kTemporary, kPermanent };
  Kind kind = kSent;
  int code = 0;       // the SMTP reply code when there was one
  std::string reply;  // what went wrong, for the send log
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Hands `message` (RFC 5322 text, CRLF line ends) to the next hop for
  // `to`, with `from` as the envelope sender. kSent once the server has
  // accepted it (250 after DATA) or the file is durably written;
  // kTemporary for 4xx replies and connection trouble; kPermanent for 5xx.
  virtual MailResult Send(const std::string& from, const std::string& to,
                          const std::string& message) = 0;
  // "SMTP smtp://mail.example.org:587" or "files in out/demo/mail".
  virtual std::string Describe() const = 0;
};

// Writes each message to DIR/<unix>-<sequence>-<hash>.eml (written to a
// temporary name, synced, renamed), creating DIR.
class FileMailer : public Mailer {
 public:
  explicit FileMailer(std::string dir) : dir_(std::move(dir)) {}
  MailResult Send(const std::string& from, const std::string& to,
                  const std::string& message) override;
  std::string Describe() const override { return "files in " + dir_; }

 private:
  std::string dir_;
  std::mutex mu_;
  uint64_t seq_ = 0;
};

struct SmtpOptions {
  // smtp://host[:port] (STARTTLS: required, except on a loopback address
  // where it is used when offered) or smtps://host[:port] (TLS from the
  // start).
  std::string url;
  std::string username, password;  // from the credentials file; "" = no AUTH
  long timeout_seconds = 30;
};

// Reads a credentials file: "username=..." and "password=..." lines (the
// password never goes on a command line). NotFound / InvalidArgument name
// the file and line.
Status ReadSmtpCredentials(const std::string& path, SmtpOptions* options);

class SmtpMailer : public Mailer {
 public:
  explicit SmtpMailer(SmtpOptions options);
  ~SmtpMailer() override;
  MailResult Send(const std::string& from, const std::string& to,
                  const std::string& message) override;
  std::string Describe() const override { return "SMTP " + options_.url; }

 private:
  SmtpOptions options_;
  std::mutex mu_;
  void* curl_ = nullptr;  // CURL*, kept so the connection is reused
};

// The mailer an operator configured: SMTP at `smtp_url` (credentials from
// `credentials_file`, if given), else .eml files in `mail_dir`, which
// defaults to mail/ beside an SQLite store ("sqlite:out/demo/x.sqlite" ->
// out/demo/mail), else ./mail.
Result<std::unique_ptr<Mailer>> MakeMailer(const std::string& smtp_url,
                                           const std::string& credentials_file,
                                           const std::string& mail_dir,
                                           const std::string& store_url);

}  // namespace meridian::digest
