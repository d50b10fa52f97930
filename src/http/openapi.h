// The OpenAPI 3.1 document served at /api/v1/openapi.json.
#pragma once

#include <string>

namespace meridian {

// The document for Routes() (http/routes.h): every operation with its
// parameters and their constraints, the schema of every answer and error,
// tags, servers, license and the admin routes' bearer scheme. Built once;
// the same string for the life of the process.
std::string OpenApiJson();

}  // namespace meridian
