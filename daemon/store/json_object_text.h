// Canonical JSON text written by hand: the form nlohmann::json gives (members sorted by key, its
// escaping), without building a DOM. Used for the stored receipts and what ledgers receive.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/utf8.h"

namespace ponte::store {

// One JSON object whose members are appended in any order and written sorted by key, as
// nlohmann::json (a std::map) writes them, so receipts stored by earlier versions and these read
// the same. Values are already JSON text.
class JsonObjectText {
 public:
  void text(std::string_view key, std::string_view value) {
    std::string quoted;
    quoted.reserve(value.size() + 2);
    appendString(quoted, value);
    members_.emplace_back(key, std::move(quoted));
  }
  void integer(std::string_view key, std::int64_t value) {
    members_.emplace_back(key, std::to_string(value));
  }
  void boolean(std::string_view key, bool value) {
    members_.emplace_back(key, value ? "true" : "false");
  }
  void raw(std::string_view key, std::string json) { members_.emplace_back(key, std::move(json)); }
  std::string take() {
    std::sort(members_.begin(), members_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t size = 2;
    for (const auto& [key, value] : members_) size += key.size() + value.size() + 4;
    std::string out;
    out.reserve(size);
    out += '{';
    for (std::size_t i = 0; i < members_.size(); ++i) {
      if (i > 0) out += ',';
      appendString(out, members_[i].first);
      out += ':';
      out += members_[i].second;
    }
    out += '}';
    return out;
  }

  // nlohmann::json's escaping without ensure_ascii: the two-character forms where JSON has
  // them, other control characters as \u00xx, well-formed UTF-8 as is. Receipts carry free text
  // from PSPs: a byte that is not part of well-formed UTF-8 becomes U+FFFD rather than making
  // the receipt unstorable.
  static void appendString(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {
        const std::size_t n = core::utf8SequenceBytes(s, i);
        if (n == 0) {
          out += "\xef\xbf\xbd";
          ++i;
        } else {
          out.append(s.substr(i, n));
          i += n;
        }
        continue;
      }
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
    }
    out += '"';
  }

 private:
  std::vector<std::pair<std::string_view, std::string>> members_;
};

}  // namespace ponte::store
