// The daemon's event log: one line per event on a file descriptor (stderr under systemd), with a
// journald priority prefix, a stable event name and key=value fields.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace ponte::ops {

// Severities, from the most verbose. Each maps to a syslog/journald priority.
enum class LogLevel { kDebug, kInfo, kWarning, kError };

// "debug", "info", "warning", "error".
std::string_view toString(LogLevel level);
// The inverse of toString; nullopt for any other text (case-sensitive).
std::optional<LogLevel> parseLogLevel(std::string_view text);
// The journald priority of a level: 7 debug, 6 info, 4 warning, 3 error.
int journalPriority(LogLevel level);

// One key=value field of an event. The key is a stable lower-case identifier, viewed and not
// copied (pass a literal); the value is converted to text and copied.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>)
      LogField(std::string_view k, T v)
      : key(k), value(std::to_string(v)) {}
  // Doubles are written in their shortest exact form ("0.4", "12.25"); round before passing.
  LogField(std::string_view k, double v);

  std::string_view key;
  std::string value;
};

// Masks personal data (fiscal codes, names) for logs: keeps the first 3 and last 2 characters of
// a text of 8 or more characters ("RSSMRA80A01H501U" -> "RSS***********1U"), the first one of a
// text of 4 to 7 ("Rossi" -> "R****"), nothing of a shorter one. Counts UTF-8 characters, so
// "Niccolò" keeps whole characters; invalid UTF-8 bytes count as one character each.
std::string maskPersonal(std::string_view text);

// Formats one event as a complete line, newline included:
//   <6>node.request op=paVerifyPaymentNotice ec=80015010723 outcome=OK ms=0.4
// A value that is empty or holds spaces, quotes, '=', backslashes or control characters is
// written in double quotes with C-style escapes, so an event is always exactly one line. Values
// longer than kMaxLogValueBytes are cut (on a UTF-8 boundary) and end in "...".
std::string formatLogLine(LogLevel level, std::string_view event,
                          std::initializer_list<LogField> fields);
inline constexpr std::size_t kMaxLogValueBytes = 1024;

// A logger handed to whoever needs one (there is no global logger). Thread-safe: each event is
// formatted in the caller's thread and written with a single write(2), which the kernel keeps
// whole for lines up to PIPE_BUF (4096 bytes) on a pipe; journald reads stderr that way.
// Write errors are ignored: a full or closed stderr must not stop payments.
class Logger {
 public:
  // Writes to `fd`, which the caller keeps open for the logger's lifetime (the logger never
  // closes it). Events below `level` are dropped.
  explicit Logger(LogLevel level, int fd = 2);

  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Changes the threshold at run time (config reload); safe while other threads log.
  void setLevel(LogLevel level);
  LogLevel level() const;
  // Whether an event at this level would be written: lets callers skip building costly fields.
  bool enabled(LogLevel level) const;

  // Writes one event when its level passes the threshold.
  void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});
  void debug(std::string_view event, std::initializer_list<LogField> fields = {});
  void info(std::string_view event, std::initializer_list<LogField> fields = {});
  void warning(std::string_view event, std::initializer_list<LogField> fields = {});
  void error(std::string_view event, std::initializer_list<LogField> fields = {});

  // Personal data as this logger may show it: in clear when the threshold is debug (an operator
  // chasing a problem asked for it), masked with maskPersonal otherwise.
  std::string personal(std::string_view text) const;

 private:
  std::atomic<LogLevel> level_;
  int fd_;
};

}  // namespace ponte::ops
