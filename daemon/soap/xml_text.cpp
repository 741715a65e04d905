// XML character data from arbitrary bytes. The common case (printable ASCII and valid UTF-8
// without markup characters) is copied in runs; only the exceptions are handled one by one.
#include "soap/xml_text.h"

namespace ponte::soap {
namespace {

// Length of the valid UTF-8 sequence starting at p[0] (which is >= 0x80), 0 when invalid.
std::size_t sequenceLength(const unsigned char* p, std::size_t available) {
  const unsigned char c = p[0];
  unsigned char lo = 0x80, hi = 0xbf;
  std::size_t len = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (len > available || p[1] < lo || p[1] > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if ((p[k] & 0xc0) != 0x80) return 0;
  }
  return len;
}

}  // namespace

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
      const std::size_t len = sequenceLength(p + i, n - i);
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
