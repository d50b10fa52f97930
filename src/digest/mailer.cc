#include "digest/mailer.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "digest/keys.h"

namespace meridian::digest {

namespace {

bool Loopback(const std::string& url) {
  const size_t scheme = url.find("://");
  std::string host = scheme == std::string::npos ? url : url.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/"));
  if (!host.empty() && host.front() == '[') return host.starts_with("[::1]");
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.starts_with("127.");
}

struct Upload {
  const std::string* data;
  size_t at = 0;
};

size_t ReadUpload(char* buf, size_t size, size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  const size_t take = std::min(size * n, u->data->size() - u->at);
  std::memcpy(buf, u->data->data() + u->at, take);
  u->at += take;
  return take;
}

}  // namespace

MailResult FileMailer::Send(const std::string&, const std::string& to, const std::string& message) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seq = ++seq_;
  }
  char name[64];
  std::snprintf(name, sizeof name, "%lld-%06llu-", static_cast<long long>(std::time(nullptr)),
                static_cast<unsigned long long>(seq));
  const std::string final_path = dir_ + "/" + name + Sha256Hex(to + message).substr(0, 12) + ".eml";
  const std::string tmp = final_path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return {MailResult::kTemporary, 0, "cannot write " + tmp + ": " + std::strerror(errno)};
  size_t done = 0;
  while (done < message.size()) {
    const ssize_t w = ::write(fd, message.data() + done, message.size() - done);
    if (w <= 0) {
      ::close(fd);
      return {MailResult::kTemporary, 0, "cannot write " + tmp + ": " + std::strerror(errno)};
    }
    done += static_cast<size_t>(w);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(tmp.c_str(), final_path.c_str()) != 0)
    return {MailResult::kTemporary, 0, "cannot write " + final_path};
  return {MailResult::kSent, 250, final_path};
}

Status ReadSmtpCredentials(const std::string& path, SmtpOptions* options) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read the SMTP credentials file " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    const std::string key = eq == std::string::npos ? line : line.substr(0, eq);
    if (key == "username") {
      options->username = line.substr(eq + 1);
    } else if (key == "password") {
      options->password = line.substr(eq + 1);
    } else {
      return Status::InvalidArgument(path + ":" + std::to_string(n) +
                                     ": expected username=... or password=...");
    }
  }
  return Status::OK();
}

SmtpMailer::SmtpMailer(SmtpOptions options) : options_(std::move(options)) {}

SmtpMailer::~SmtpMailer() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

MailResult SmtpMailer::Send(const std::string& from, const std::string& to,
                            const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  if (curl_ == nullptr) curl_ = curl_easy_init();
  CURL* c = static_cast<CURL*>(curl_);
  if (c == nullptr) return {MailResult::kTemporary, 0, "curl_easy_init failed"};
  curl_easy_reset(c);  // keeps the open connection
  Upload up{&message};
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + from + ">").c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, options_.timeout_seconds);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  if (!options_.url.starts_with("smtps://"))
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     Loopback(options_.url) ? static_cast<long>(CURLUSESSL_TRY)
                                            : static_cast<long>(CURLUSESSL_ALL));
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  if (rc == CURLE_OK) return {MailResult::kSent, static_cast<int>(code), ""};
  std::string why = error[0] != '\0' ? error : curl_easy_strerror(rc);
  why = "SMTP " + (code != 0 ? std::to_string(code) + " " : std::string()) + why;
  // A broken connection is not reused.
  curl_easy_cleanup(c);
  curl_ = nullptr;
  if (code >= 500 && code < 600) return {MailResult::kPermanent, static_cast<int>(code), why};
  return {MailResult::kTemporary, static_cast<int>(code), why};
}

Result<std::unique_ptr<Mailer>> MakeMailer(const std::string& smtp_url,
                                           const std::string& credentials_file,
                                           const std::string& mail_dir,
                                           const std::string& store_url) {
  if (!smtp_url.empty()) {
    if (!smtp_url.starts_with("smtp://") && !smtp_url.starts_with("smtps://"))
      return Status::InvalidArgument("--smtp takes smtp://HOST[:PORT] or smtps://HOST[:PORT]")
          .WithParam("smtp");
    SmtpOptions smtp;
    smtp.url = smtp_url;
    if (!credentials_file.empty())
      MERIDIAN_RETURN_IF_ERROR(ReadSmtpCredentials(credentials_file, &smtp));
    return std::unique_ptr<Mailer>(new SmtpMailer(std::move(smtp)));
  }
  std::string dir = mail_dir;
  if (dir.empty()) {
    dir = "mail";
    if (store_url.starts_with("sqlite:")) {
      const std::string file = store_url.substr(7);
      const size_t slash = file.rfind('/');
      dir = (slash == std::string::npos ? std::string() : file.substr(0, slash + 1)) + "mail";
    }
  }
  return std::unique_ptr<Mailer>(new FileMailer(dir));
}

}  // namespace meridian::digest
