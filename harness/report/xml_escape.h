// Escaping arbitrary bytes (probe output, kernel error text) into XML 1.0 that any parser
// accepts.
//
// XML 1.0 cannot carry most control characters at all, not even as &#1; references, so
// they are written visibly as "\x1b". Bytes that are not valid UTF-8 become U+FFFD.
// &, <, >, " and ' become entities. In attributes, tab, newline and carriage return become
// character references too, because a parser would otherwise normalise them to spaces.
#pragma once

#include <string>
#include <string_view>

namespace nc::report {

std::string xml_text(std::string_view s);       // element content
std::string xml_attribute(std::string_view s);  // inside "..."

}  // namespace nc::report
