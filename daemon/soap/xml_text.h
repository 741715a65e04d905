// Appending text to an XML document under construction: escaping, and making any input safe to
// send (invalid UTF-8 replaced, characters XML forbids dropped, cut at a character count).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ponte::soap {

// Appends `text` as XML character data: '&', '<', '>' escaped, CR as "&#13;" so it survives
// parsing; invalid UTF-8 bytes become U+FFFD; C0 controls other than tab/LF/CR and U+FFFE/U+FFFF
// are dropped. At most max_chars characters are written; the cut falls between characters.
void appendXmlText(std::string& out, std::string_view text,
                   std::size_t max_chars = static_cast<std::size_t>(-1));

// Appends <name>text</name> with the text as in appendXmlText. name is trusted (ours).
void appendXmlElement(std::string& out, std::string_view name, std::string_view text,
                      std::size_t max_chars = static_cast<std::size_t>(-1));

}  // namespace ponte::soap
