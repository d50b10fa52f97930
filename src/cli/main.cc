// The `meridian` command. Exit codes: 0 success (ingest: the file was read,
// even if rows were rejected), 1 fatal error, 2 usage error.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "util/malloc_tuning.h"

int main(int argc, char** argv) {
  if (argc > 1) {
    const std::string_view command = argv[1];
    if (command == "ingest" || command == "update" || command == "refresh" || command == "serve")
      meridian::ReexecWithTunedMalloc(argv);
  }
  CLI::App app{"Meridian: find a qualified practitioner of non-drug pain care."};
  app.require_subcommand(1);
  meridian::cli::Commands commands;
  commands.Register(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : meridian::cli::kExitUsage;
  }
  return commands.Run();
}
