#include "harness/report/xml_escape.h"

#include <gtest/gtest.h>

namespace nc::report {
namespace {

TEST(XmlEscape, Metacharacters) {
  EXPECT_EQ(xml_text("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  EXPECT_EQ(xml_attribute("a&b"), "a&amp;b");
}

TEST(XmlEscape, WhitespaceSurvivesInAttributes) {
  EXPECT_EQ(xml_attribute("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
  EXPECT_EQ(xml_text("a\tb\nc\rd"), "a\tb\nc&#13;d");
}

TEST(XmlEscape, ControlCharactersBecomeVisible) {
  EXPECT_EQ(xml_text("a\x01" "b\x1b[31m\x7f"), "a\\x01b\\x1b[31m\x7f");
  EXPECT_EQ(xml_text(std::string("nul\0!", 5)), "nul\\x00!");
}

TEST(XmlEscape, Utf8KeptAndInvalidBytesReplaced) {
  EXPECT_EQ(xml_text("Résolution ü 😀"), "Résolution ü 😀");
  EXPECT_EQ(xml_text("a\xff" "b"), "a\uFFFD" "b");
  EXPECT_EQ(xml_text("\xc3"), "\uFFFD") << "truncated sequence";
  EXPECT_EQ(xml_text("\xc0\xaf"), "\uFFFD\uFFFD") << "overlong encoding of '/'";
  EXPECT_EQ(xml_text("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD") << "UTF-16 surrogate";
  EXPECT_EQ(xml_text("\xef\xbf\xbe"), "\\xfffe") << "U+FFFE is not an XML character";
}

}  // namespace
}  // namespace nc::report
