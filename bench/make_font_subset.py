"""Make the default theme's self-hosted typeface: Noto Naskh Arabic, cut down to the letters
a digest shows.

Where it comes from: the npm package ``@fontsource/noto-naskh-arabic`` (version pinned below),
which repackages Google Fonts' build of Noto Naskh Arabic (Copyright 2022 The Noto Project
Authors, https://github.com/notofonts/arabic) under the SIL Open Font License 1.1. The
package splits each weight into files by script; this keeps two of them, ``arabic`` and
``latin``, for the weights 400 and 700, and writes them as woff2 with the licence beside them:

    templates/static/fonts/noto-naskh-arabic-{arabic,latin}-{400,700}.woff2
    templates/static/fonts/OFL.txt

Which letters are kept (in the fonts' character maps):
- arabic: the Arabic block U+0600–06FF (letters, harakat, Arabic-Indic digits, ، ؛ ؟),
  the joiners and direction marks U+200C–200F, and the space;
- latin: Basic Latin U+0020–007E (digits, punctuation, English words), Latin-1 U+00A0–00FF
  (no-break space, « », ·), general punctuation U+2010–2027 and U+2030–203A (dashes, quotes,
  ellipsis), and the euro sign.
The Arabic presentation forms (U+FB50–FEFF) are left out of the character maps, since
browsers shape from the Arabic block, but every OpenType layout feature is kept, so the
joined forms, ligatures and mark positions the font's GSUB and GPOS tables reach stay in.

The style sheet's ``@font-face`` rules give each file the same ranges (``unicode-range``),
so a page downloads only the files its text needs.

Run with ``python bench/make_font_subset.py`` (needs npm, and fonttools with brotli:
``pip install fonttools brotli``). The output is the same bytes on every run.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset

PACKAGE = "@fontsource/noto-naskh-arabic"
VERSION = "5.3.0"
FAMILY = "noto-naskh-arabic"
WEIGHTS = (400, 700)
RANGES = {
    "arabic": "U+0020,U+0600-06FF,U+200C-200F",
    "latin": "U+0020-007E,U+00A0-00FF,U+2010-2027,U+2030-203A,U+20AC",
}
FONTS = Path(__file__).resolve().parent.parent / "templates" / "static" / "fonts"


def unpacked_package(folder: Path) -> Path:
    """The package's files, fetched with npm's own client into ``folder``."""
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(folder)],
        check=True,
        capture_output=True,
    )
    (archive,) = folder.glob("*.tgz")
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    package = folder / "package"
    found = json.loads((package / "package.json").read_text("utf-8"))["version"]
    if found != VERSION:
        raise SystemExit(f"npm gave version {found} of {PACKAGE}, not {VERSION}")
    return package


def subset_file(source: Path, target: Path, ranges: str) -> None:
    """One woff2 holding only these characters, with every layout feature kept."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.layout_scripts = ["*"]
    options.flavor = "woff2"
    options.name_IDs = ["*"]  # the copyright and licence entries stay in the font
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(ranges))
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def main() -> None:
    FONTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        package = unpacked_package(Path(temporary))
        for script, ranges in RANGES.items():
            for weight in WEIGHTS:
                name = f"{FAMILY}-{script}-{weight}"
                source = package / "files" / f"{name}-normal.woff2"
                target = FONTS / f"{name}.woff2"
                subset_file(source, target, ranges)
                print(f"{target.name}: {source.stat().st_size:,} → {target.stat().st_size:,} bytes")
        (FONTS / "OFL.txt").write_text((package / "LICENSE").read_text("utf-8"), "utf-8")


if __name__ == "__main__":
    main()
