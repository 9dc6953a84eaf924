#!/usr/bin/env bash
# Remakes the fallback fonts in this folder from Debian's packages: each is cut
# down (pyftsubset) to the characters the Fandol faces in fonts/ lack, so the
# repository carries only what a letter can need from it.
#
#   apt-get update && pip install fonttools unicodedata2 && fonts/fallback/make.sh
#
# It prints the code points of the CJK blocks that no font here covers (the
# README lists them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
apt-get download fonts-noto-cjk fonts-hanazono fonts-babelstone-han >/dev/null
for deb in *.deb; do dpkg -x "$deb" x; done

python3 - "$here" x/usr/share/fonts <<'PY'
import subprocess, sys
from pathlib import Path
from fontTools.ttLib import TTFont
try:  # the newest Unicode, to list what no font covers yet
    import unicodedata2 as unicodedata
except ImportError:
    import unicodedata

out, src = Path(sys.argv[1]), Path(sys.argv[2])
fandol = out.parent

# The blocks the issue names: URO, Extension A, Extensions B–F, and the
# compatibility ideographs (﨑 and the like appear in names).
BMP_HAN = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]
SIP_HAN = [(0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
           (0x2B820, 0x2CEAF), (0x2CEB0, 0x2EBEF)]
# Marks and symbols of Chinese text that Fandol may lack: Latin with pinyin
# tones, punctuation, letterlike and number forms, arrows, maths, enclosed
# numbers, shapes, CJK symbols, radicals, enclosed CJK, full-width forms.
SYMBOLS = [(0x00A0, 0x024F), (0x02B0, 0x02FF), (0x0370, 0x03FF), (0x0400, 0x04FF),
           (0x2000, 0x206F), (0x2100, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF),
           (0x2500, 0x27BF), (0x2E80, 0x2FFF), (0x3000, 0x33FF), (0xFE10, 0xFE1F),
           (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]

def points(ranges):
    return {c for lo, hi in ranges for c in range(lo, hi + 1)}

def cmap(path, number=0):
    return set(TTFont(path, fontNumber=number, lazy=True).getBestCmap())

def subset(font, number, codes, name):
    codes = sorted(codes)
    Path("codes.txt").write_text(",".join("%X" % c for c in codes))
    subprocess.run(["pyftsubset", str(font), f"--font-number={number}",
                    "--unicodes-file=codes.txt", f"--output-file={out / name}",
                    "--layout-features=*", "--no-hinting",
                    "--name-IDs=*", "--name-languages=*", "--notdef-outline"], check=True)
    print(f"{name}: {len(codes)} characters")

serif_faces = ["FandolFang-Regular.otf", "FandolSong-Regular.otf", "FandolSong-Bold.otf", "FandolKai-Regular.otf"]
serif_has = set.intersection(*(cmap(fandol / f) for f in serif_faces))
sans_has = cmap(fandol / "FandolHei-Regular.otf")
wanted = points(BMP_HAN + SYMBOLS)

noto = src / "opentype/noto"
SC = 2  # Noto's collections: JP, KR, SC, TC, HK
serif = (wanted - serif_has) & cmap(noto / "NotoSerifCJK-Regular.ttc", SC)
sans = (wanted - sans_has) & cmap(noto / "NotoSansCJK-Regular.ttc", SC)
subset(noto / "NotoSerifCJK-Regular.ttc", SC, serif, "NotoSerifCJKsc-Regular-fallback.otf")
subset(noto / "NotoSansCJK-Regular.ttc", SC, sans, "NotoSansCJKsc-Regular-fallback.otf")

hana_path = src / "truetype/hanazono/HanaMinB.ttf"
hana = points(SIP_HAN) & cmap(hana_path)
subset(hana_path, 0, hana, "HanaMinB-fallback.ttf")

# What none of those has: ideographs added since Unicode 10, from BabelStone Han.
han = points(BMP_HAN + SIP_HAN)
covered = (serif_has & sans_has) | (serif & sans) | hana
babel_path = src / "truetype/babelstone/BabelStoneHan.ttf"
babel = (han - covered) & cmap(babel_path)
subset(babel_path, 0, babel, "BabelStoneHan-fallback.ttf")

# Fallback in Typst is per face stack, so a character counts as covered only
# when every stack reaches a glyph for it.
serif_all, sans_all = serif_has | serif | hana | babel, sans_has | sans | hana | babel
missing = [c for c in sorted(han) if unicodedata.name(chr(c), None)
           and not (c in serif_all and c in sans_all)]
print(f"Unicode {unicodedata.unidata_version}: {len(missing)} ideographs of these blocks have no glyph here:")
print(" ".join("U+%04X" % c for c in missing))
PY
