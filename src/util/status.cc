#include "util/status.h"

namespace meridian {

int Status::HttpStatus() const {
  switch (code_) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kGone:
      return 410;
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
  switch (code_) {
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
  }
  return std::string(name) + ": " + message_;
}

}  // namespace meridian
