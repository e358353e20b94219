#include "common/base/case_fold.h"

#include <gtest/gtest.h>

namespace posthorn {
namespace {

TEST(CaseFold, Ascii) {
  EXPECT_EQ(FoldCase("Hello, WORLD 42!"), "hello, world 42!");
  EXPECT_EQ(FoldCase(""), "");
  EXPECT_EQ(FoldCase("@[`{"), "@[`{");  // the neighbours of A-Z and a-z
}

TEST(CaseFold, EuropeanLetters) {
  EXPECT_EQ(FoldCase("CAF\u00c9 \u00c0 \u00de"), "caf\u00e9 \u00e0 \u00fe");
  EXPECT_EQ(FoldCase("\u00d7"), "\u00d7");  // multiplication sign: no case
  EXPECT_EQ(FoldCase("\u0141\u00d3D\u0179"), "\u0142\u00f3d\u017a");                      // ŁÓDŹ
  EXPECT_EQ(FoldCase("\u0160KODA \u0178"), "\u0161koda \u00ff");                          // ŠKODA Ÿ
  EXPECT_EQ(FoldCase("\u039a\u0391\u039b\u0397\u039c\u0395\u03a1\u0391"), "\u03ba\u03b1\u03bb\u03b7\u03bc\u03b5\u03c1\u03b1");
  EXPECT_EQ(FoldCase("\u03c2\u0386\u038f"), "\u03c3\u03ac\u03ce");                        // final sigma, tonos
  EXPECT_EQ(FoldCase("\u041f\u0420\u0418\u0412\u0415\u0422 \u0401"), "\u043f\u0440\u0438\u0432\u0435\u0442 \u0451");
  EXPECT_EQ(FoldCase("VI\u1ec6T \u1e9e"), "vi\u1ec7t \u00df");
  EXPECT_EQ(FoldCase("\u212a\u212b \uff21"), "k\u00e5 \uff41");
  EXPECT_EQ(FoldCase("\u00b5\u017f"), "\u03bcs");
}

TEST(CaseFold, LeavesWhatItDoesNotKnow) {
  EXPECT_EQ(FoldCase("\u65e5\u672c\u8a9e \u0130"), "\u65e5\u672c\u8a9e \u0130");
  // Bytes that are not UTF-8 are copied; the letters around them fold.
  EXPECT_EQ(FoldCase("A\xff" "B\xc3"), "a\xff" "b\xc3");
  EXPECT_EQ(FoldCase("\xc0\x80Z"), "\xc0\x80z");
}

TEST(CaseFold, CodePoints) {
  EXPECT_EQ(FoldCodePoint('Q'), static_cast<uint32_t>('q'));
  EXPECT_EQ(FoldCodePoint(0x0100), 0x0101u);
  EXPECT_EQ(FoldCodePoint(0x0101), 0x0101u);
  EXPECT_EQ(FoldCodePoint(0x0139), 0x013au);
  EXPECT_EQ(FoldCodePoint(0x0138), 0x0138u);  // kra: no capital
}

}  // namespace
}  // namespace posthorn
