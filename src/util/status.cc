#include "util/status.h"

namespace meridian {

const std::string& Status::Empty() {
  static const std::string kEmpty;
  return kEmpty;
}

const std::vector<std::string>& Status::suggestions() const {
  static const std::vector<std::string> kNone;
  return rep_ ? rep_->suggestions : kNone;
}

template <class Change>
Status Status::With(Change change) const {
  if (ok()) return *this;  // an OK status carries no details
  Rep r = *rep_;
  change(&r);
  return Status(std::make_shared<const Rep>(std::move(r)));
}

Status Status::WithParam(std::string param) const {
  return With([&](Rep* r) { r->param = std::move(param); });
}

Status Status::WithReason(std::string reason) const {
  return With([&](Rep* r) { r->reason = std::move(reason); });
}

Status Status::WithSuggestions(std::vector<std::string> suggestions) const {
  return With([&](Rep* r) { r->suggestions = std::move(suggestions); });
}

Status Status::WithCode(StatusCode code) const {
  if (code == StatusCode::kOk) return *this;  // nothing to re-code
  return With([&](Rep* r) { r->code = code; });
}

Status Status::WithMessage(std::string message) const {
  return With([&](Rep* r) { r->message = std::move(message); });
}

std::string Status::Reason() const {
  if (ok()) return "";
  if (!rep_->reason.empty()) return rep_->reason;
  switch (rep_->code) {
    case StatusCode::kOk:
      return "";
    case StatusCode::kInvalidArgument:
      return "bad_parameter";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kGone:
      return "gone";
    case StatusCode::kUnavailable:
      return "not_ready";
    case StatusCode::kUnauthenticated:
      return "unauthorized";
    case StatusCode::kPermissionDenied:
      return "forbidden";
    case StatusCode::kMethodNotAllowed:
      return "method_not_allowed";
    case StatusCode::kResourceExhausted:
      return "rate_limited";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kAlreadyExists:
      return "conflict";
    case StatusCode::kNotAcceptable:
      return "not_acceptable";
    case StatusCode::kUnsupportedMediaType:
      return "unsupported_media_type";
    case StatusCode::kCorruption:
    case StatusCode::kIoError:
    case StatusCode::kInternal:
      return "internal";
  }
  return "internal";
}

int Status::HttpStatus() const {
  switch (code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kMethodNotAllowed:
      return 405;
    case StatusCode::kGone:
      return 410;
    case StatusCode::kFailedPrecondition:
      return 422;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kNotAcceptable:
      return 406;
    case StatusCode::kUnsupportedMediaType:
      return 415;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kCorruption:
    case StatusCode::kIoError:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code()) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      name = "Invalid argument";
      break;
    case StatusCode::kNotFound:
      name = "Not found";
      break;
    case StatusCode::kGone:
      name = "Gone";
      break;
    case StatusCode::kCorruption:
      name = "Corruption";
      break;
    case StatusCode::kIoError:
      name = "IO error";
      break;
    case StatusCode::kUnavailable:
      name = "Unavailable";
      break;
    case StatusCode::kInternal:
      name = "Internal error";
      break;
    case StatusCode::kUnauthenticated:
      name = "Unauthenticated";
      break;
    case StatusCode::kPermissionDenied:
      name = "Permission denied";
      break;
    case StatusCode::kMethodNotAllowed:
      name = "Method not allowed";
      break;
    case StatusCode::kResourceExhausted:
      name = "Resource exhausted";
      break;
    case StatusCode::kFailedPrecondition:
      name = "Failed precondition";
      break;
    case StatusCode::kAlreadyExists:
      name = "Already exists";
      break;
    case StatusCode::kNotAcceptable:
      name = "Not acceptable";
      break;
    case StatusCode::kUnsupportedMediaType:
      name = "Unsupported media type";
      break;
  }
  std::string out = std::string(name) + ": ";
  if (!param().empty()) out += param() + ": ";
  return out + message();
}

}  // namespace meridian
