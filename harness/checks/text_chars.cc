#include "harness/checks/text_chars.h"

#include <array>
#include <cstdint>

#include <fmt/format.h>

namespace nc::checks::detail {
namespace {

// One decoded UTF-8 character: its code point and length, or length 0 when the bytes at
// that place are not UTF-8 (stray or missing continuation bytes, overlong forms,
// surrogates, beyond U+10FFFF).
struct Decoded {
  char32_t cp = 0;
  size_t len = 0;
};

Decoded decode(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b = byte(i);
  if (b < 0x80) return {b, 1};
  size_t len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
  if (len == 0 || b > 0xf4 || i + len > s.size()) return {};
  char32_t cp = b & (0x7f >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return {};
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  constexpr std::array<char32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return {};
  return {cp, len};
}

bool is_c0_or_del(char32_t cp) { return cp < 0x20 || cp == 0x7f; }
bool is_c1(char32_t cp) { return cp >= 0x80 && cp <= 0x9f; }

// Characters that are printable to YAML but invisible or reordering on a terminal.
bool is_invisible(char32_t cp) {
  return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) ||
         cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

std::string_view c0_name(char32_t cp) {
  static constexpr std::array<std::string_view, 32> kNames = {
      "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR", "SO", "SI",
      "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"};
  return cp == 0x7f ? "DEL" : kNames[cp];
}

std::optional<std::string> what_is_wrong(char32_t cp) {
  if (cp == 0) return "a NUL byte (0x00); check files are UTF-8 text (is this file UTF-16, or binary?)";
  if (is_c0_or_del(cp) && cp != '\t' && cp != '\n' && cp != '\r')
    return fmt::format("control character 0x{:02x} ({}); YAML text allows only tab, line feed and carriage "
                       "return (write others as escapes in double quotes, e.g. \"\\x{:02x}\")",
                       static_cast<uint32_t>(cp), c0_name(cp), static_cast<uint32_t>(cp));
  if (is_c1(cp) && cp != 0x85)
    return fmt::format("control character U+{:04X}; YAML text does not allow C1 control characters",
                       static_cast<uint32_t>(cp));
  if (cp == 0xfffe || cp == 0xffff)
    return fmt::format("U+{:04X}, which is not a character", static_cast<uint32_t>(cp));
  return std::nullopt;
}

}  // namespace

TextPos position_at(std::string_view text, size_t offset) {
  TextPos p;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.col = 1;
    } else {
      ++p.col;
    }
  }
  return p;
}

std::optional<BadChar> first_bad_char(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto d = decode(text, i);
    if (d.len == 0)
      return BadChar{i, fmt::format("byte 0x{:02x}, which is not UTF-8; check files are UTF-8 text",
                                    static_cast<uint8_t>(text[i]))};
    if (auto what = what_is_wrong(d.cp)) return BadChar{i, *what};
    i += d.len;
  }
  return std::nullopt;
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto d = decode(s, i);
    if (d.len == 0) {
      out += fmt::format("\\x{:02x}", static_cast<uint8_t>(s[i]));
      ++i;
      continue;
    }
    if (d.cp == '\n') out += "\\n";
    else if (d.cp == '\t') out += "\\t";
    else if (d.cp == '\r') out += "\\r";
    else if (is_c0_or_del(d.cp)) out += fmt::format("\\x{:02x}", static_cast<uint32_t>(d.cp));
    else if (is_c1(d.cp) || is_invisible(d.cp)) out += fmt::format("\\u{:04x}", static_cast<uint32_t>(d.cp));
    else out.append(s.substr(i, d.len));
    i += d.len;
  }
  return out;
}

}  // namespace nc::checks::detail
