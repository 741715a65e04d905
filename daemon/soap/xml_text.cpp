// XML character data from arbitrary bytes. The common case (printable ASCII and valid UTF-8
// without markup characters) is copied in runs; only the exceptions are handled one by one.
#include "soap/xml_text.h"

#include "core/utf8.h"

namespace ponte::soap {

void appendXmlText(std::string& out, std::string_view text, std::size_t max_chars) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t chars = 0;
  std::size_t i = 0;
  auto flush = [&](std::size_t end) {
    if (end > run) out.append(text.data() + run, end - run);
  };
  while (i < n && chars < max_chars) {
    const unsigned char c = p[i];
    if (c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>') {
      ++i;
      ++chars;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t len = core::utf8SequenceBytes(text, i);
      if (len == 0) {
        flush(i);
        out += "\xEF\xBF\xBD";
        run = ++i;
        ++chars;
        continue;
      }
      if (len == 3 && c == 0xef && p[i + 1] == 0xbf && (p[i + 2] == 0xbe || p[i + 2] == 0xbf)) {
        flush(i);
        run = i += 3;
        continue;
      }
      i += len;
      ++chars;
      continue;
    }
    flush(i);
    switch (c) {
      case '&':
        out += "&amp;";
        ++chars;
        break;
      case '<':
        out += "&lt;";
        ++chars;
        break;
      case '>':
        out += "&gt;";
        ++chars;
        break;
      case '\r':
        out += "&#13;";
        ++chars;
        break;
      case '\t':
      case '\n':
        out += static_cast<char>(c);
        ++chars;
        break;
      default:
        break;  // a control character XML cannot carry
    }
    run = ++i;
  }
  flush(i);
}

void appendXmlElement(std::string& out, std::string_view name, std::string_view text,
                      std::size_t max_chars) {
  out += '<';
  out += name;
  out += '>';
  appendXmlText(out, text, max_chars);
  out += "</";
  out += name;
  out += '>';
}

}  // namespace ponte::soap
