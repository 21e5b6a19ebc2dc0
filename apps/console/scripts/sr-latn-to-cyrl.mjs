#!/usr/bin/env node
// Writes locales/sr-Cyrl/<namespace>.json from locales/sr-Latn/<namespace>.json: the Latin text transliterated letter by
// letter (Serbian Latin and Cyrillic map one to one), ICU syntax — argument names, plural/select keywords, tags — kept.
// Usage: node apps/console/scripts/sr-latn-to-cyrl.mjs <namespace>...   (e.g. codes common)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TYPE, parse } from '@formatjs/icu-messageformat-parser';
import { printAST } from '@formatjs/icu-messageformat-parser/printer.js';

const LOCALES = join(dirname(fileURLToPath(import.meta.url)), '../src/i18n/locales');

const DIGRAPHS = { lj: 'љ', nj: 'њ', dž: 'џ', Lj: 'Љ', LJ: 'Љ', Nj: 'Њ', NJ: 'Њ', Dž: 'Џ', DŽ: 'Џ' };
const LETTERS = Object.fromEntries(
  [...'abvgdđežzijklmnoprstćufhcčš']
    .map((l, i) => [l, 'абвгдђежзијклмнопрстћуфхцчш'[i]])
    .flatMap(([l, c]) => [
      [l, c],
      [l.toUpperCase(), c.toUpperCase()],
    ]),
);
// Words in which "nj" or "dž" are two letters (n+j, d+ž), and words that stay in Latin script (technical names).
const TWO_LETTERS = /^(injekc|konjunk|vanjezič|nadživ|nadžnj|podžanr|odžal)/i;
const KEEP_LATIN = new Set(['ICU', 'JSON', 'URL', 'PDF', 'ID', 'OpenID', 'TRM', 'AMQP', 'JWS', 'PKCE', 'IdP', 'API', 'e-mail', 'IATA', 'BEG', 'TLS', 'STARTTLS']);

function word(w) {
  if (KEEP_LATIN.has(w) || /[qwxy]/i.test(w)) return w;
  const split = TWO_LETTERS.test(w);
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const pair = w.slice(i, i + 2);
    if (!split && DIGRAPHS[pair]) {
      out += DIGRAPHS[pair];
      i++;
    } else out += LETTERS[w[i]] ?? w[i];
  }
  return out;
}

export const toCyrillic = (text) => text.replace(/[\p{L}-]+/gu, (w) => w.split('-').map(word).join('-'));

function walk(elements) {
  for (const e of elements) {
    if (e.type === TYPE.literal) e.value = toCyrillic(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) for (const o of Object.values(e.options)) walk(o.value);
    if (e.type === TYPE.tag) walk(e.children);
  }
  return elements;
}

const message = (m) => printAST(walk(parse(m)));
const tree = (v) => (typeof v === 'string' ? message(v) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tree(x)])));

for (const ns of process.argv.slice(2)) {
  const latin = JSON.parse(readFileSync(join(LOCALES, 'sr-Latn', `${ns}.json`), 'utf8'));
  writeFileSync(join(LOCALES, 'sr-Cyrl', `${ns}.json`), JSON.stringify(tree(latin), null, 2) + '\n');
  console.log(`sr-Cyrl/${ns}.json written from sr-Latn/${ns}.json`);
}
