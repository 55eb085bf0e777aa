// The search page: Pagefind's interface, with each query folded as the index is.
//
// The index holds every word of an article also in its folded form (see
// generator/normalize.py, match_key): one alef for أ إ آ ٱ, ي for ى and ی, ه for ة,
// ك for ک, ء for ؤ and ئ, no diacritics, tatweel or invisible marks, ASCII digits.
// foldArabic applies the same folds to what the reader types, so any spelling finds it.
"use strict";

const MARKS =
  /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u08d3-\u08e1\u08e3-\u08ff\u0640\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u200c\u200d]+/g;
const LETTERS = {
  "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
  "ى": "ي", "ی": "ي", "ې": "ي", "ے": "ي", "ۓ": "ي",
  "ة": "ه", "ۃ": "ه", "ہ": "ه", "ۀ": "ه", "ھ": "ه", "ە": "ه",
  "ک": "ك", "ڪ": "ك",
  "ؤ": "ء", "ئ": "ء",
};
for (let digit = 0; digit < 10; digit += 1) {
  LETTERS[String.fromCharCode(0x0660 + digit)] = String(digit);
  LETTERS[String.fromCharCode(0x06f0 + digit)] = String(digit);
}
const FOLDED = new RegExp(`[${Object.keys(LETTERS).join("")}]`, "g");

function foldArabic(text) {
  return text
    .normalize("NFKC")
    .replace(MARKS, "")
    .replace(FOLDED, (letter) => LETTERS[letter])
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

// The index is a bundle a month, newest first: the newest is opened, the others merged in.
if (window.PagefindUI) {
  const element = document.getElementById("search");
  const [newest, ...older] = element.dataset.bundles.split(" ");
  const baseUrl = element.dataset.base;
  new window.PagefindUI({
    element: "#search",
    bundlePath: newest,
    mergeIndex: older.map((bundlePath) => ({ bundlePath, baseUrl })),
    baseUrl,
    showImages: false,
    showSubResults: false,
    resetStyles: false,
    autofocus: true,
    processTerm: foldArabic,
  });
}
