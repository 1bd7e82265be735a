#pragma once
// Small steps several commands share: reading a dossier with its diagnostics, opening the
// database named by --db.
#include <filesystem>
#include <optional>
#include <string>

#include "arguments.hpp"
#include "command.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/school_calendar.hpp"
#include "ipt/core/store.hpp"

namespace ipt::app {

// The --db option every command that uses the database accepts.
OptionSpec database_option();

// Reads and validates a dossier file; on failure prints every diagnostic to io.err.
std::optional<core::Dossier> read_dossier(const std::filesystem::path& path, std::string* xml, Io& io,
                                          const std::string& command);

// Opens the database of --db (or the default); on failure prints why.
std::optional<core::Store> open_store(const Arguments& args, Io& io, const std::string& command);

// The --calendar DOSSIER option: school calendars to use instead of the embedded ones.
OptionSpec calendar_option();

// The calendars of --calendar (kept in `loaded`), or the official ones; nullptr after
// printing why the folder cannot be used.
const core::SchoolCalendar* select_calendar(const Arguments& args, Io& io, const std::string& command,
                                            std::optional<core::SchoolCalendar>& loaded);

// Reads a whole file; nothing when it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& path);

}  // namespace ipt::app
