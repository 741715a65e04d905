// UTF-8 character counting for config limits (the XSD counts characters, not bytes) and for
// cutting or masking log values without splitting a character.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ponte::ops {

// The number of bytes of the character that starts at text[pos]: 1 to 4 for a well-formed
// sequence, 1 for a byte that does not start one (so a scan always advances). pos < text.size().
std::size_t utf8CharBytes(std::string_view text, std::size_t pos);

// The number of characters of text, or nullopt when it is not well-formed UTF-8 (stray
// continuation bytes, truncated or overlong sequences, surrogates, code points over U+10FFFF).
std::optional<std::size_t> utf8Length(std::string_view text);

}  // namespace ponte::ops
