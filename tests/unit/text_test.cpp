// Clean text (common/text.h): what a log's bytes become when bootlab stores or prints them.
#include "common/text.h"

#include <gtest/gtest.h>

using bootlab::clean_text;
using bootlab::is_clean_text;

TEST(CleanText, ValidUtf8PassesUntouched) {
    for (std::string s : {"", "ahci_pci_driver_init", "tab\there", "two\nlines", "Größe", "温度",
                          "\xf0\x9f\x9a\x80" /* U+1F680 */}) {
        EXPECT_TRUE(is_clean_text(s)) << s;
        EXPECT_EQ(clean_text(s), s);
    }
}

TEST(CleanText, EachBadByteBecomesHex) {
    EXPECT_EQ(clean_text("a\xff" "b"), "a\\xffb");
    EXPECT_EQ(clean_text("\x01\x1b[0m"), "\\x01\\x1b[0m");
    EXPECT_EQ(clean_text("\x7f"), "\\x7f");
    EXPECT_EQ(clean_text("\xc3"), "\\xc3");              // truncated sequence
    EXPECT_EQ(clean_text("\xc0\xaf"), "\\xc0\\xaf");     // overlong '/'
    EXPECT_EQ(clean_text("\xed\xa0\x80"), "\\xed\\xa0\\x80"); // a surrogate
    EXPECT_EQ(clean_text("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80"); // above U+10FFFF
    EXPECT_EQ(clean_text("\xc2\x85"), "\\xc2\\x85");     // C1 control (NEL)
    EXPECT_FALSE(is_clean_text("\xe2\x82"));
}

TEST(CleanText, CleanedTextIsClean) {
    // every byte value, alone and after a lead byte
    for (int a = 0; a < 256; ++a)
        for (int b : {0x00, 0x41, 0x80, 0xbf, 0xc3, 0xff}) {
            std::string s{static_cast<char>(a), static_cast<char>(b)};
            EXPECT_TRUE(is_clean_text(clean_text(s))) << a << " " << b;
        }
}
