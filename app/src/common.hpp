#pragma once
// Small steps several commands share: reading a dossier with its diagnostics, opening the
// database named by --db.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arguments.hpp"
#include "command.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/school_calendar.hpp"
#include "ipt/core/store.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::app {

// The --db option every command that uses the database accepts.
OptionSpec database_option();

// Reads and validates a dossier file; on failure prints every diagnostic to io.err.
std::optional<core::Dossier> read_dossier(const std::filesystem::path& path, std::string* xml, Io& io,
                                          const std::string& command);

// Opens the database of --db (or the default).
core::Result<core::Store> open_database(const Arguments& args);
// The same, printing why on failure (for commands that do not report_failure() yet).
std::optional<core::Store> open_store(const Arguments& args, Io& io, const std::string& command);

// The --calendar DOSSIER option: school calendars to use instead of the embedded ones.
OptionSpec calendar_option();

// The calendars of --calendar (kept in `loaded`), or the official ones; nullptr after
// printing why the folder cannot be used.
const core::SchoolCalendar* select_calendar(const Arguments& args, Io& io, const std::string& command,
                                            std::optional<core::SchoolCalendar>& loaded);

// Reads a whole file; nothing when it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& path);

// Prints "ipt COMMAND : message" to io.err and returns the exit status of the error's
// category (exit_status, the one table).
int report_failure(Io& io, std::string_view command, const core::Error& error);

// Code not yet categorised (the pipeline, the store) fails with Category::internal; where a
// command knows what such a failure means for its user, it says so with this.
core::Error assume_category(core::Error error, core::Category category);

// The certificates of every --trust file (PEM or DER); invalid_input or not_found otherwise.
core::Result<std::vector<signing::Bytes>> read_trust(const Arguments& args);

// --jobs N (1 to 256; default: one per core), or nothing after printing why to io.err.
std::optional<int> jobs_option(const Arguments& args, Io& io, const std::string& command);

// The stored dossier named `reference`; Category::not_found when there is none.
core::Result<core::StoredDossier> find_stored_dossier(const core::Store& store, const std::string& reference);

}  // namespace ipt::app
