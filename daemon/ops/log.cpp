// Event lines for journald: formatting, masking of personal data, and the single-write logger.
#include "ops/log.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <vector>

#include "ops/utf8.h"

namespace ponte::ops {

std::string_view toString(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

std::optional<LogLevel> parseLogLevel(std::string_view text) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError}) {
    if (text == toString(level)) return level;
  }
  return std::nullopt;
}

int journalPriority(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return 7;
    case LogLevel::kInfo:
      return 6;
    case LogLevel::kWarning:
      return 4;
    case LogLevel::kError:
      return 3;
  }
  return 3;
}

LogField::LogField(std::string_view k, double v) : key(k) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  value.assign(buf, ec == std::errc() ? end : buf);
}

std::string maskPersonal(std::string_view text) {
  std::vector<std::string_view> chars;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = utf8CharBytes(text, pos);
    chars.push_back(text.substr(pos, n));
    pos += n;
  }
  // Long values keep enough to tell two records apart in a log; short ones would be readable
  // from the same number of characters, so they keep less.
  std::size_t head = 0, tail = 0;
  if (chars.size() >= 8) {
    head = 3;
    tail = 2;
  } else if (chars.size() >= 4) {
    head = 1;
  }
  std::string out;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (i < head || i >= chars.size() - tail) {
      out += chars[i];
    } else {
      out += '*';
    }
  }
  return out;
}

namespace {

bool needsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7F) return true;
  }
  return false;
}

void appendValue(std::string& line, std::string_view value) {
  bool cut = false;
  if (value.size() > kMaxLogValueBytes) {
    std::size_t keep = 0;
    const std::size_t budget = kMaxLogValueBytes - 3;
    while (keep < value.size()) {
      const std::size_t n = utf8CharBytes(value, keep);
      if (keep + n > budget) break;
      keep += n;
    }
    value = value.substr(0, keep);
    cut = true;
  }
  if (!needsQuotes(value)) {
    line += value;
    if (cut) line += "...";
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  line += '"';
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        line += "\\\"";
        break;
      case '\\':
        line += "\\\\";
        break;
      case '\n':
        line += "\\n";
        break;
      case '\r':
        line += "\\r";
        break;
      case '\t':
        line += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          line += "\\x";
          line += kHex[c >> 4];
          line += kHex[c & 0xF];
        } else {
          line += static_cast<char>(c);
        }
    }
  }
  if (cut) line += "...";
  line += '"';
}

}  // namespace

std::string formatLogLine(LogLevel level, std::string_view event,
                          std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(64 + event.size());
  line += '<';
  line += static_cast<char>('0' + journalPriority(level));
  line += '>';
  line += event;
  for (const LogField& field : fields) {
    line += ' ';
    line += field.key;
    line += '=';
    appendValue(line, field.value);
  }
  line += '\n';
  return line;
}

Logger::Logger(LogLevel level, int fd) : level_(level), fd_(fd) {}

void Logger::setLevel(LogLevel level) { level_.store(level, std::memory_order_relaxed); }

LogLevel Logger::level() const { return level_.load(std::memory_order_relaxed); }

bool Logger::enabled(LogLevel level) const { return level >= this->level(); }

void Logger::log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  if (!enabled(level)) return;
  const std::string line = formatLogLine(level, event, fields);
  // One write(2) keeps concurrent lines whole; the loop only continues after a signal or a short
  // write, which a pipe does not do below PIPE_BUF.
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

void Logger::debug(std::string_view event, std::initializer_list<LogField> fields) {
  log(LogLevel::kDebug, event, fields);
}
void Logger::info(std::string_view event, std::initializer_list<LogField> fields) {
  log(LogLevel::kInfo, event, fields);
}
void Logger::warning(std::string_view event, std::initializer_list<LogField> fields) {
  log(LogLevel::kWarning, event, fields);
}
void Logger::error(std::string_view event, std::initializer_list<LogField> fields) {
  log(LogLevel::kError, event, fields);
}

std::string Logger::personal(std::string_view text) const {
  if (level() == LogLevel::kDebug) return std::string(text);
  return maskPersonal(text);
}

}  // namespace ponte::ops
