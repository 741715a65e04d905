// UTF-8 scanning (RFC 3629, strict: no overlongs, no surrogates): character counts for length
// limits (the XSD counts characters, not bytes), validation of received text, and cutting or
// masking values without splitting a character.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ponte::core {

// The number of bytes of the well-formed sequence that starts at text[pos] (1 to 4), or 0 when
// the bytes there are not one. pos < text.size().
std::size_t utf8SequenceBytes(std::string_view text, std::size_t pos);

// The number of characters of text already known to be well-formed UTF-8 (it counts the bytes
// that are not continuation bytes; on malformed text the count is meaningless but bounded).
std::size_t utf8CountChars(std::string_view text);

// The number of bytes of the character that starts at text[pos]: 1 to 4 for a well-formed
// sequence, 1 for a byte that does not start one (so a scan always advances). pos < text.size().
std::size_t utf8CharBytes(std::string_view text, std::size_t pos);

// The number of characters of text, or nullopt when it is not well-formed UTF-8 (stray
// continuation bytes, truncated or overlong sequences, surrogates, code points over U+10FFFF).
std::optional<std::size_t> utf8Length(std::string_view text);

}  // namespace ponte::core
